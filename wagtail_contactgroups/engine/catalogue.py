"""The compiled form of every group, cached per process until a group changes."""

from __future__ import annotations

import datetime
import logging
import threading
from dataclasses import dataclass, field

from django.db.models import Count, Max
from django.utils import timezone

from ..conditions import ConditionContext, ConditionError, Dependencies
from .dependencies import dependency_levels
from .sql import compile_condition, evaluated_contacts_subquery
from .tree import build_q

logger = logging.getLogger(__name__)

# How long the SQL of a time-relative condition ("in the last 30 days") may be
# reused before it is compiled again for the current time. Compiling costs
# far more than evaluating, and a contact's membership in such a group drifts
# anyway until its next save or the group's next recalculation.
TIME_RELATIVE_REUSE = datetime.timedelta(seconds=60)


@dataclass
class GroupEntry:
    """One group's condition, ready to be evaluated for a few contacts."""

    id: int
    group: object
    dependencies: Dependencies
    level: int = 0
    error: str = ""
    _fragment: tuple[str, list] | None = field(default=None, repr=False)
    _compiled_at: datetime.datetime | None = field(default=None, repr=False)

    def fragment(self, context: ConditionContext) -> tuple[str, list]:
        """Return the SQL condition, compiled once and reused.

        A time-relative condition is compiled again once it is older than
        ``TIME_RELATIVE_REUSE`` or from another day than ``context.now``.
        """
        if self._fragment is not None and self._still_current(context.now):
            return self._fragment
        self._fragment = compile_condition(build_q(self.group, context), context.using)
        self._compiled_at = context.now
        return self._fragment

    def _still_current(self, now: datetime.datetime) -> bool:
        if not self.dependencies.time_relative:
            return True
        compiled_at = self._compiled_at
        return (
            compiled_at is not None
            and compiled_at <= now < compiled_at + TIME_RELATIVE_REUSE
            and timezone.localdate(compiled_at) == timezone.localdate(now)
        )


@dataclass
class Catalogue:
    """Every group of one database, with its level in the dependency order."""

    key: tuple
    entries: dict[int, GroupEntry]

    def readers_of(self, group_ids: set[int]) -> set[int]:
        """Return the groups that read any of ``group_ids``, directly or not."""
        found: set[int] = set()
        frontier = set(group_ids)
        while frontier:
            frontier = {
                entry.id
                for entry in self.entries.values()
                if entry.dependencies.groups & frontier and entry.id not in found
            }
            found |= frontier
        return found


_cache = threading.local()


def evaluation_context(using: str) -> ConditionContext:
    """Return the context that catalogue fragments are compiled in.

    Subqueries that use ``context.evaluated_contacts()`` hold a placeholder
    for the evaluated ids; ``sql.fill_contact_ids`` fills it at execution.
    """
    return ConditionContext(using=using, contact_ids=evaluated_contacts_subquery(using))


def _current_key(using: str) -> tuple:
    from ..models import ContactGroup

    summary = ContactGroup.objects.using(using).aggregate(
        count=Count("pk"), max_id=Max("pk"), changed=Max("conditions_changed_at")
    )
    return (summary["count"], summary["max_id"], summary["changed"])


def _build(using: str, key: tuple) -> Catalogue:
    from ..models import ContactGroup

    groups = list(ContactGroup.objects.using(using).order_by("pk"))
    entries = {}
    for group in groups:
        entries[group.pk] = GroupEntry(
            id=group.pk,
            group=group,
            dependencies=Dependencies.from_json(group.dependencies),
        )
    levels, cyclic = dependency_levels(
        {pk: set(entry.dependencies.groups) for pk, entry in entries.items()}
    )
    for pk, entry in entries.items():
        entry.level = levels.get(pk, 0)
        if pk in cyclic:
            entry.error = "The group depends on itself through other groups."
            continue
        try:
            entry.fragment(evaluation_context(using))
        except ConditionError as error:
            entry.error = str(error.args[0])
    return Catalogue(key=key, entries=entries)


def get_catalogue(using: str = "default") -> Catalogue:
    """Return the catalogue of ``using``, rebuilding it if any group changed."""
    key = _current_key(using)
    catalogues = getattr(_cache, "catalogues", None)
    if catalogues is None:
        catalogues = _cache.catalogues = {}
    catalogue = catalogues.get(using)
    if catalogue is None or catalogue.key != key:
        catalogue = catalogues[using] = _build(using, key)
    return catalogue


def clear_catalogue() -> None:
    """Forget this thread's cached catalogues."""
    _cache.catalogues = {}
