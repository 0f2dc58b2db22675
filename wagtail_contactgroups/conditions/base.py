"""The base class that every condition type builds on."""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field
from typing import Any, NamedTuple

from django.core.exceptions import ValidationError
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from wagtail import blocks
from wagtail.blocks.struct_block import StructBlockValidationError


class ConditionError(Exception):
    """A stored condition cannot be evaluated, for example a deleted field or group."""


@dataclass(frozen=True)
class Category:
    """A heading of the condition catalogue in the block picker."""

    slug: str
    label: Any
    order: int = 100


CONTACT_FIELDS = Category("fields", _("Contact fields"), 10)
TAGS = Category("tags", _("Tags"), 20)
MEMBERSHIP = Category("membership", _("Group membership"), 30)
ACTIVITIES = Category("activities", _("Activities"), 40)


@dataclass(frozen=True)
class Dependencies:
    """What a condition reads, so that saves can skip groups they cannot affect.

    ``fields`` are names of contact model fields (``"tags"`` for the tags),
    ``activity_types`` are activity type names, ``groups`` are contact group ids
    and ``time_relative`` marks conditions whose result changes as time passes.
    """

    fields: frozenset[str] = field(default_factory=frozenset)
    activity_types: frozenset[str] = field(default_factory=frozenset)
    groups: frozenset[int] = field(default_factory=frozenset)
    time_relative: bool = False

    def __or__(self, other: Dependencies) -> Dependencies:
        return Dependencies(
            fields=self.fields | other.fields,
            activity_types=self.activity_types | other.activity_types,
            groups=self.groups | other.groups,
            time_relative=self.time_relative or other.time_relative,
        )

    def as_json(self) -> dict:
        return {
            "fields": sorted(self.fields),
            "activity_types": sorted(self.activity_types),
            "groups": sorted(self.groups),
            "time_relative": self.time_relative,
        }

    @classmethod
    def from_json(cls, data: dict | None) -> Dependencies:
        data = data or {}
        return cls(
            fields=frozenset(data.get("fields", ())),
            activity_types=frozenset(data.get("activity_types", ())),
            groups=frozenset(int(pk) for pk in data.get("groups", ())),
            time_relative=bool(data.get("time_relative", False)),
        )


def period_start(now: datetime.datetime, days: int) -> datetime.datetime:
    """Return the same wall-clock time ``days`` days before ``now``, server time.

    "In the last 7 days" means at or after this moment: an activity at exactly
    that time counts, one a microsecond earlier does not. Across a daylight
    saving change the period is an hour longer or shorter than ``days`` × 24 h.
    """
    zone = timezone.get_default_timezone()
    local = timezone.localtime(now, zone).replace(tzinfo=None)
    return timezone.make_aware(local - datetime.timedelta(days=days), zone)


@dataclass
class ConditionContext:
    """The moment and database a condition is evaluated for."""

    now: datetime.datetime = field(default_factory=timezone.now)
    using: str = "default"
    # Group ids per contact id, read by the pure-Python evaluation of group
    # membership conditions; loaded from the database when ``None``.
    memberships: dict[int, set[int]] | None = None
    # Activities per contact id, read by the pure-Python evaluation of activity
    # conditions; loaded from the database when ``None``.
    activities: dict[int, list[ActivityRow]] | None = None
    # Collects the ``days`` of each period_start() call when not ``None``, so
    # the engine can find the time-dependent parameters of compiled SQL.
    periods: set[int] | None = None

    def period_start(self, days: int) -> datetime.datetime:
        """Return the start of "the last ``days`` days" at ``now``."""
        if self.periods is not None:
            self.periods.add(days)
        return period_start(self.now, days)

    # When set, only these contacts are evaluated (a contact save, an
    # activity): a placeholder that the engine fills with their ids. See
    # :meth:`evaluated_contacts`.
    contact_ids: Any = None

    def evaluated_contacts(self, field: str = "contact_id") -> Q:
        """Return a filter for subqueries on related rows: only evaluated contacts.

        Conditions that aggregate related rows (``pk__in`` over a ``GROUP BY``)
        should add it to their subquery, so that evaluating one contact does
        not aggregate the rows of every contact. Matches everything during a
        full recalculation.
        """
        if self.contact_ids is None:
            return Q()
        return Q(**{f"{field}__in": self.contact_ids})

    @property
    def today(self) -> datetime.date:
        """Today's date in the server time zone (``TIME_ZONE``), not the user's."""
        return timezone.localtime(self.now, timezone.get_default_timezone()).date()

    @property
    def vendor(self) -> str:
        from django.db import connections

        return connections[self.using].vendor

    def groups_of(self, contact) -> set[int]:
        """Ids of the groups ``contact`` is a stored member of."""
        if self.memberships is not None:
            return self.memberships.get(contact.pk, set())
        from ..models import ContactGroupMembership

        return set(
            ContactGroupMembership.objects.using(self.using)
            .filter(contact_id=contact.pk)
            .values_list("group_id", flat=True)
        )

    def activities_of(self, contact) -> list[ActivityRow]:
        """The activities recorded for ``contact``, in no particular order."""
        if self.activities is not None:
            return self.activities.get(contact.pk, [])
        from ..models import ContactActivity

        rows = (
            ContactActivity.objects.using(self.using)
            .filter(contact_id=contact.pk)
            .order_by()
            .values_list("activity_type", "page_id", "page__path", "occurred_at")
        )
        return [ActivityRow(*row) for row in rows]


class ActivityRow(NamedTuple):
    """What activity conditions read of one activity."""

    activity_type: str
    page_id: int | None
    page_path: str | None
    occurred_at: datetime.datetime


class ConditionBlock(blocks.StructBlock):
    """Parameters of one condition; validation is delegated to its condition type."""

    def __init__(self, condition: Condition, local_blocks=None, **kwargs):
        self.condition = condition
        super().__init__(local_blocks, **kwargs)

    def clean(self, value):
        value = super().clean(value)
        errors = self.condition.validate(value)
        if errors:
            raise StructBlockValidationError(
                block_errors={
                    name: ValidationError(message)
                    for name, message in errors.items()
                    if name != "__all__"
                },
                non_block_errors=[errors["__all__"]] if "__all__" in errors else None,
            )
        return value

    def deconstruct(self):
        # Condition blocks are never written to migrations; see ConditionsField.
        return ("wagtail.blocks.StructBlock", [], {})


class Condition:
    """A type of condition: its parameters, its SQL and its Python evaluation.

    Subclasses set ``name`` (a stable identifier stored in the group's JSON),
    ``label``, ``category`` and ``description``, and implement
    :meth:`get_parameter_blocks`, :meth:`get_q`, :meth:`evaluate` and
    :meth:`get_dependencies`. The queryset filter and the Python evaluation must
    agree for every contact: the test suite compares them on random data.
    """

    name: str = ""
    label: Any = ""
    category: Category = CONTACT_FIELDS
    description: Any = ""
    icon: str = "filter"

    def get_parameter_blocks(self) -> list[tuple[str, blocks.Block]]:
        """Return the ``(name, block)`` pairs of this condition's parameters."""
        raise NotImplementedError

    def get_block(self) -> blocks.Block:
        """Return the StructBlock that edits one condition of this type."""
        return ConditionBlock(
            self,
            self.get_parameter_blocks(),
            label=self.label,
            group=self.category.label,
            icon=self.icon,
            help_text=self.description,
        )

    def check(self, value) -> None:
        """Raise ``ConditionError(message, parameter)`` if ``value`` is invalid.

        The default calls ``self.parse(value)`` when the subclass has one.
        """
        parse = getattr(self, "parse", None)
        if parse is not None:
            parse(value)

    def validate(self, value) -> dict[str, Any]:
        """Return error messages by parameter name (``"__all__"`` for the whole).

        Called after each parameter block has cleaned its own value; reports
        what :meth:`check` raises.
        """
        try:
            self.check(value)
        except ConditionError as error:
            parameter = error.args[1] if len(error.args) > 1 else "__all__"
            return {parameter: error.args[0]}
        return {}

    def get_q(self, value, context: ConditionContext) -> Q:
        """Return a filter on the contact model that selects matching contacts.

        The filter must not join other tables: refer to them with ``Exists`` or
        ``pk__in`` subqueries, so that one contact's row is never repeated.
        Raise :class:`ConditionError` when the value refers to something gone.
        """
        raise NotImplementedError

    def evaluate(self, contact, value, context: ConditionContext) -> bool:
        """Return whether ``contact`` matches, computed in Python."""
        raise NotImplementedError

    def get_dependencies(self, value) -> Dependencies:
        """Return what this condition reads."""
        return Dependencies()

    def describe(self, value) -> str:
        """Return a short sentence that describes the condition, for editors."""
        return str(self.label)

    def explain(self, contact, value, context: ConditionContext) -> str:
        """Return the contact's values that the condition looked at."""
        return ""
