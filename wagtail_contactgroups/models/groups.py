"""Contact groups: a condition tree and the status of its membership."""

import json

from django.core.exceptions import ValidationError
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from wagtail.models import RevisionMixin
from wagtail.search import index

from ..fields import ConditionsField


class Match(models.TextChoices):
    """How the parts of a condition combine."""

    ANY = "any", _("Any")
    ALL = "all", _("All")


class GroupStatus(models.TextChoices):
    """State of a group's stored membership relative to its condition."""

    UP_TO_DATE = "up_to_date", _("Up to date")
    NEEDS_RECALCULATION = "needs_recalculation", _("Needs recalculation")
    QUEUED = "queued", _("Queued")
    RUNNING = "running", _("Running")
    FAILED = "failed", _("Failed")


_CONDITION_FIELDS = {"match", "conditions"}
_UNKNOWN = object()


class ContactGroupQuerySet(models.QuerySet):
    def scheduled(self):
        return self.filter(schedule_enabled=True)


class ContactGroup(RevisionMixin, index.Indexed, models.Model):
    """A named set of contacts whose membership follows a condition."""

    name = models.CharField(_("name"), max_length=255, unique=True)
    description = models.TextField(_("description"), blank=True)
    match = models.CharField(
        _("contacts must match"),
        max_length=3,
        choices=[
            (Match.ANY, _("Any of the condition groups")),
            (Match.ALL, _("All of the condition groups")),
        ],
        default=Match.ALL,
    )
    conditions = ConditionsField(verbose_name=_("conditions"), blank=True)

    schedule_enabled = models.BooleanField(
        _("recalculate every night"),
        default=False,
        help_text=_(
            "Recalculate the whole group once a day at a time between 02:00 and "
            "06:00. Useful for conditions on relative dates and after bulk imports."
        ),
    )
    scheduled_time = models.TimeField(_("scheduled time"), null=True, blank=True)

    status = models.CharField(
        _("status"),
        max_length=32,
        choices=GroupStatus.choices,
        default=GroupStatus.NEEDS_RECALCULATION,
    )
    status_message = models.TextField(_("status message"), blank=True)
    member_count = models.PositiveIntegerField(_("members"), default=0)
    conditions_changed_at = models.DateTimeField(
        _("condition last changed"), default=timezone.now
    )
    recalculated_at = models.DateTimeField(
        _("last recalculated"), null=True, blank=True
    )
    recalculation_requested_at = models.DateTimeField(null=True, blank=True)
    recalculation_started_at = models.DateTimeField(null=True, blank=True)
    recalculation_task_id = models.CharField(max_length=64, blank=True)
    # Fields, activity types and groups the condition reads, kept in step with
    # ``conditions`` so saves can skip groups that a change cannot affect.
    dependencies = models.JSONField(default=dict, blank=True, editable=False)

    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    objects = ContactGroupQuerySet.as_manager()

    search_fields = [
        index.SearchField("name"),
        index.SearchField("description"),
        index.AutocompleteField("name"),
        index.FilterField("status"),
        index.FilterField("schedule_enabled"),
    ]

    class Meta:
        verbose_name = _("contact group")
        verbose_name_plural = _("contact groups")
        ordering = ["name"]
        permissions = [
            ("recalculate_contactgroup", _("Can recalculate contact groups")),
        ]

    def __str__(self):
        return self.name

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.pk and _CONDITION_FIELDS & self.get_deferred_fields():
            # Reading a deferred field here would load it through a new
            # instance, whose __init__ would recurse.
            self._saved_condition_key = _UNKNOWN
        else:
            self._saved_condition_key = self.condition_key() if self.pk else None

    def save(self, *args, **kwargs):
        from ..engine.dependencies import collect_dependencies

        if self.condition_changed or self._state.adding:
            self.dependencies = collect_dependencies(self).as_json()
            self.conditions_changed_at = timezone.now()
            self.status = GroupStatus.NEEDS_RECALCULATION
            self.status_message = ""
            update_fields = kwargs.get("update_fields")
            if update_fields is not None:
                kwargs["update_fields"] = set(update_fields) | {
                    "dependencies",
                    "conditions_changed_at",
                    "status",
                    "status_message",
                }
        super().save(*args, **kwargs)
        self._saved_condition_key = self.condition_key()

    def condition_key(self) -> str:
        """Canonical text of the condition, without block ids."""
        raw = self.conditions.get_prep_value() if self.conditions else []
        return json.dumps(
            {"match": self.match, "groups": _strip_ids(raw)}, sort_keys=True
        )

    @property
    def condition_changed(self) -> bool:
        if self._saved_condition_key is _UNKNOWN:
            # Loaded without its condition: changed only if it was read since.
            return not _CONDITION_FIELDS <= self.get_deferred_fields()
        return self._saved_condition_key != self.condition_key()

    @property
    def needs_recalculation(self) -> bool:
        return self.status in (GroupStatus.NEEDS_RECALCULATION, GroupStatus.FAILED)

    def clean(self):
        super().clean()
        from ..engine.dependencies import find_cycle

        cycle = find_cycle(self)
        if cycle:
            names = " → ".join(cycle)
            raise ValidationError(
                {
                    "conditions": _(
                        "A group cannot depend on itself: %(cycle)s. Remove the "
                        "group membership condition that closes this loop."
                    )
                    % {"cycle": names}
                }
            )


def _strip_ids(value):
    if isinstance(value, dict):
        return {key: _strip_ids(item) for key, item in value.items() if key != "id"}
    if isinstance(value, list):
        return [_strip_ids(item) for item in value]
    return value
