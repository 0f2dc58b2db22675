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


# Fields written by recalculation runs with queryset updates, never by save().
TASK_FIELDS = frozenset(
    {
        "status",
        "status_message",
        "member_count",
        "recalculated_at",
        "recalculation_requested_at",
        "recalculation_started_at",
        "recalculation_task_id",
    }
)


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
        loaded = "conditions" in self.__dict__ and "match" in self.__dict__
        self._saved_condition_key = self.condition_key() if self.pk and loaded else None

    def save(self, *args, **kwargs):
        from ..engine.dependencies import collect_dependencies

        adding = self._state.adding
        changed = self.condition_changed and not adding
        if changed or adding:
            self.dependencies = collect_dependencies(self).as_json()
            self.conditions_changed_at = timezone.now()
        if adding:
            self.status = GroupStatus.NEEDS_RECALCULATION
            self.status_message = ""
        else:
            kwargs["update_fields"] = self._fields_to_save(
                kwargs.get("update_fields"), changed
            )
        super().save(*args, **kwargs)
        self._saved_condition_key = self.condition_key()
        if changed:
            self._mark_condition_changed(kwargs.get("using") or self._state.db)

    def _fields_to_save(self, update_fields, condition_changed: bool) -> set[str]:
        """Leave out the status fields, which recalculation tasks own.

        An edit form loaded while a task was queued would otherwise write the
        old status back after the task finished.
        """
        if update_fields is None:
            update_fields = {
                field.name
                for field in self._meta.concrete_fields
                if not field.primary_key and field.name not in TASK_FIELDS
            }
        update_fields = set(update_fields)
        if condition_changed:
            update_fields |= {"dependencies", "conditions_changed_at"}
        return update_fields

    def _mark_condition_changed(self, using) -> None:
        """Mark the group stale unless a recalculation is queued or running.

        A queued run reads the new condition when it starts; a running one
        ends as "needs recalculation" and its task queues a follow-up run.
        """
        rows = type(self)._default_manager.using(using).filter(pk=self.pk)
        rows.exclude(status__in=[GroupStatus.QUEUED, GroupStatus.RUNNING]).update(
            status=GroupStatus.NEEDS_RECALCULATION, status_message=""
        )
        self.status, self.status_message = rows.values_list(
            "status", "status_message"
        ).get()

    def condition_key(self) -> str:
        """Canonical text of the condition, without block ids."""
        raw = self.conditions.get_prep_value() if self.conditions else []
        return json.dumps(
            {"match": self.match, "groups": _strip_ids(raw)}, sort_keys=True
        )

    @property
    def condition_changed(self) -> bool:
        if self._saved_condition_key is None and not self._state.adding:
            if "conditions" not in self.__dict__:
                return False
            # Loaded without its condition: compare with the stored one.
            stored = type(self)._base_manager.using(self._state.db).get(pk=self.pk)
            self._saved_condition_key = stored.condition_key()
        return self._saved_condition_key != self.condition_key()

    def get_conditions_display(self) -> str:
        """Return the condition as one line of text, for the inspect view."""
        from ..conditions import ConditionError
        from ..engine.tree import iter_conditions

        try:
            parts = [
                " {} ".format(
                    _("and") if value.get("match") == Match.ALL else _("or")
                ).join(condition.describe(item) for condition, item in items)
                for value, items in iter_conditions(self)
            ]
        except ConditionError as error:
            return str(error.args[0])
        if not parts:
            return str(_("No condition: the group has no members."))
        joiner = " {} ".format(_("AND") if self.match == Match.ALL else _("OR"))
        return joiner.join(f"({part})" for part in parts)

    @property
    def needs_recalculation(self) -> bool:
        return self.status in (GroupStatus.NEEDS_RECALCULATION, GroupStatus.FAILED)

    def clean(self):
        super().clean()
        from ..engine.dependencies import find_cycle

        cycle = find_cycle(self)
        if cycle:
            raise ValidationError({"conditions": dependency_loop_message(cycle)})


def dependency_loop_message(cycle: list[str]) -> str:
    """Return the error shown for a condition that makes a group read itself."""
    return _(
        "A group cannot depend on itself: %(cycle)s. Remove the group membership "
        "condition that closes this loop."
    ) % {"cycle": " → ".join(cycle)}


def _strip_ids(value):
    if isinstance(value, dict):
        return {key: _strip_ids(item) for key, item in value.items() if key != "id"}
    if isinstance(value, list):
        return [_strip_ids(item) for item in value]
    return value
