"""StreamField blocks of the condition builder, built from the registry."""

import logging

from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _
from wagtail import blocks
from wagtail.blocks.stream_block import StreamBlockValidationError

from . import conf
from .models.groups import Match

logger = logging.getLogger(__name__)

MATCH_CHOICES = [
    (Match.ANY, _("Any of these conditions")),
    (Match.ALL, _("All of these conditions")),
]


class ConditionsBlock(blocks.StreamBlock):
    """The conditions of one condition group: one child block per condition type."""

    def __init__(self, **kwargs):
        from .conditions.registry import registry

        child_blocks = [
            (condition.name, condition.get_block()) for condition in registry.all()
        ]
        super().__init__(child_blocks, **kwargs)

    class Meta:
        min_num = 1
        label = _("Conditions")


class ConditionGroupBlock(blocks.StructBlock):
    """A list of conditions with its own any/all selector."""

    match = blocks.ChoiceBlock(
        choices=MATCH_CHOICES, default=Match.ALL, label=_("Contacts must match")
    )

    def __init__(self, local_blocks=None, **kwargs):
        # Built per instance, not at import, so that it lists the condition
        # types registered when the block is created.
        local_blocks = [*(local_blocks or []), ("conditions", ConditionsBlock())]
        super().__init__(local_blocks, **kwargs)

    class Meta:
        label = _("Condition group")
        icon = "list-ul"
        form_classname = "contactgroups-condition-group"

    def clean(self, value):
        value = super().clean(value)
        limit = conf.max_conditions_per_group()
        if len(value["conditions"]) > limit:
            raise ValidationError(
                _(
                    "A condition group can have at most %(limit)s conditions, not "
                    "%(count)s. Split it into several condition groups."
                )
                % {"limit": limit, "count": len(value["conditions"])}
            )
        return value


class ConditionGroupsBlock(blocks.StreamBlock):
    """Top-level block of a contact group's condition."""

    def __init__(self, local_blocks=None, **kwargs):
        local_blocks = [
            *(local_blocks or []),
            ("condition_group", ConditionGroupBlock()),
        ]
        super().__init__(local_blocks, **kwargs)

    class Meta:
        label = _("Condition groups")

    def value_from_datadict(self, data, files, prefix):
        """Read the posted builder, turning malformed data into an unreadable value.

        Wagtail's blocks raise ``KeyError`` or ``ValueError`` when a posted key
        is missing or a count or order is not a number. Such a post did not
        come from the builder as served, so it gets a validation error in
        :meth:`clean` instead of a server error.
        """
        try:
            return super().value_from_datadict(data, files, prefix)
        except (KeyError, ValueError, TypeError, OverflowError) as error:
            logger.info("Invalid condition data posted, not readable: %r", error)
            value = blocks.StreamValue(self, [])
            value.unreadable = str(error) if isinstance(error, ValueError) else True
            return value

    def clean(self, value):
        unreadable = getattr(value, "unreadable", False)
        if unreadable:
            message = _(
                "The submitted condition is incomplete or malformed and could not "
                "be read. Reload the page and enter the condition again."
            )
            if isinstance(unreadable, str):
                message = f"{message} ({unreadable})"
            raise StreamBlockValidationError(
                non_block_errors=[ValidationError(message, code="unreadable")]
            )
        limit = conf.max_condition_groups()
        if len(value) > limit:
            raise StreamBlockValidationError(
                non_block_errors=[
                    ValidationError(
                        _(
                            "A contact group can have at most %(limit)s condition "
                            "groups, not %(count)s."
                        )
                        % {"limit": limit, "count": len(value)}
                    )
                ]
            )
        return super().clean(value)
