"""Count the contacts that the condition being edited matches, without saving."""

from __future__ import annotations

import logging
from collections.abc import Iterator

from django.core.exceptions import (
    PermissionDenied,
    RequestDataTooBig,
    TooManyFieldsSent,
    ValidationError,
)
from django.http import JsonResponse
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views import View
from wagtail import blocks

from ..conditions import ConditionContext, ConditionError
from ..conf import get_contact_model
from ..engine.dependencies import find_cycle
from ..engine.tree import build_q
from ..models import ContactGroup, Match
from ..models.groups import dependency_loop_message
from ..permissions import can_edit_conditions

logger = logging.getLogger(__name__)


def iter_block_errors(error, block, value, path=()) -> Iterator[tuple[tuple, str]]:
    """Yield ``(labels, message)`` for each message in a block validation error."""
    block_errors = getattr(error, "block_errors", None)
    if block_errors is None:
        for message in error.messages:
            yield path, message
        return
    for item in error.non_block_errors.as_data():
        for message in item.messages:
            yield path, message
    for key, child_error in block_errors.items():
        child_block, child_value, label = _child(block, value, key)
        child_path = path + (label,) if label else path
        yield from iter_block_errors(child_error, child_block, child_value, child_path)


def _child(block, value, key):
    if isinstance(block, blocks.StreamBlock):
        child = value[key]
        return child.block, child.value, f"{child.block.label} {key + 1}"
    if isinstance(block, blocks.ListBlock):
        return block.child_block, value[key], f"{block.label} {key + 1}"
    child_block = block.child_blocks[key]
    # The conditions list inside a condition group needs no label of its own.
    label = "" if isinstance(child_block, blocks.StreamBlock) else child_block.label
    return child_block, value.get(key), label


def count_matches(group: ContactGroup, using: str = "default") -> int:
    """Return how many contacts match ``group``'s conditions now, without storing."""
    context = ConditionContext(using=using)
    return (
        get_contact_model().objects.using(using).filter(build_q(group, context)).count()
    )


class LiveCountView(View):
    """Validate the posted condition and return its match count as JSON."""

    http_method_names = ["post"]

    def post(self, request):
        if not can_edit_conditions(request.user):
            raise PermissionDenied
        try:
            match = request.POST.get("match", Match.ALL)
        except (RequestDataTooBig, TooManyFieldsSent):
            return self.invalid(
                [
                    {
                        "field": "",
                        "message": _(
                            "The condition is too large to count. Remove conditions "
                            "or list values, then count again."
                        ),
                    }
                ]
            )
        if match not in Match.values:
            return self.invalid(
                [
                    {
                        "field": _("Contacts must match"),
                        "message": _("“%(value)s” is not a choice; use “any” or “all”.")
                        % {"value": match},
                    }
                ]
            )

        field = ContactGroup._meta.get_field("conditions").formfield()
        raw = field.widget.value_from_datadict(
            request.POST, request.FILES, "conditions"
        )
        try:
            conditions = field.clean(raw)
        except ValidationError as error:
            return self.invalid(self.describe_errors(error, field.block, raw))

        group = ContactGroup(match=match, conditions=conditions)
        loop = self.dependency_loop(group, request.POST.get("contactgroups_group_id"))
        if loop:
            return self.invalid([{"field": "", "message": loop}])
        try:
            count = count_matches(group)
        except ConditionError as error:
            logger.info("Live count by user %s failed: %s", request.user.pk, error)
            return self.invalid([{"field": "", "message": str(error.args[0])}])
        return JsonResponse(
            {
                "valid": True,
                "count": count,
                "message": ngettext(
                    "Matches %(count)s contact", "Matches %(count)s contacts", count
                )
                % {"count": f"{count:,}"},
            }
        )

    @staticmethod
    def dependency_loop(group: ContactGroup, group_id: str | None) -> str:
        """Return the loop error the edited group's save would raise, or ""."""
        try:
            stored = ContactGroup.objects.filter(pk=int(group_id or "")).first()
        except (ValueError, OverflowError):
            return ""
        if stored is None:
            return ""
        group.pk, group.name = stored.pk, stored.name
        cycle = find_cycle(group)
        return dependency_loop_message(cycle) if cycle else ""

    @staticmethod
    def describe_errors(error, block, value) -> list[dict]:
        """Return the errors of the condition as ``{"field", "message"}`` items."""
        return [
            {"field": " › ".join(str(label) for label in path), "message": message}
            for path, message in iter_block_errors(error, block, value)
        ]

    @staticmethod
    def invalid(errors: list[dict]) -> JsonResponse:
        """Return a 400 response that lists what to fix."""
        return JsonResponse(
            {
                "valid": False,
                "message": _("The condition has errors; no contacts were counted."),
                "errors": errors,
            },
            status=400,
        )
