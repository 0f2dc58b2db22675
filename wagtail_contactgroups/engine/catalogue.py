"""The compiled form of every group, cached per process until a group changes."""

from __future__ import annotations

import logging
import threading
from dataclasses import dataclass, field

from django.db.models import Count, Max

from ..conditions import ConditionContext, ConditionError, Dependencies
from .dependencies import dependency_levels
from .sql import compile_condition
from .tree import build_q

logger = logging.getLogger(__name__)


@dataclass
class GroupEntry:
    """One group's condition, ready to be evaluated for a few contacts."""

    id: int
    group: object
    dependencies: Dependencies
    level: int = 0
    error: str = ""
    _fragment: tuple[str, list] | None = field(default=None, repr=False)

    def fragment(self, context: ConditionContext) -> tuple[str, list]:
        """Return the SQL condition; time-relative ones are rebuilt per call."""
        if self._fragment is not None:
            return self._fragment
        fragment = compile_condition(build_q(self.group, context), context.using)
        if not self.dependencies.time_relative:
            self._fragment = fragment
        return fragment


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
            entry.fragment(ConditionContext(using=using))
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
