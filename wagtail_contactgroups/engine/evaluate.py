"""Keep membership true for a few contacts: evaluate them against every group."""

from __future__ import annotations

import logging
from collections import defaultdict
from dataclasses import dataclass, field

from django.db import transaction
from django.utils import timezone

from ..signals import send_membership_changed
from .catalogue import (
    KEY_COLUMNS,
    Catalogue,
    cached_catalogue,
    evaluation_context,
    get_catalogue,
    key_sql,
)
from .locks import lock_groups_shared, shared_lock_sql
from .membership_sql import (
    delete_memberships_sql,
    insert_memberships_sql,
    member_count_update_sql,
    parse_group_ids,
)
from .prepared import fetch_all

logger = logging.getLogger(__name__)


@dataclass
class MembershipChanges:
    """Contacts that joined and left each group, by group id."""

    added: dict[int, list[int]] = field(default_factory=lambda: defaultdict(list))
    removed: dict[int, list[int]] = field(default_factory=lambda: defaultdict(list))

    def __bool__(self):
        return any(self.added.values()) or any(self.removed.values())


def affected_groups(
    catalogue: Catalogue,
    changed_fields: set[str] | None,
    activity_types: set[str] | None = None,
) -> set[int]:
    """Return the valid groups whose result may change for these changes.

    ``None`` for ``changed_fields`` means anything may have changed.
    """
    if changed_fields is not None and "merged_into" in changed_fields:
        changed_fields = None
    found = set()
    for entry in catalogue.entries.values():
        if entry.error:
            continue
        dependencies = entry.dependencies
        if (
            changed_fields is None
            or dependencies.fields & changed_fields
            or dependencies.activity_types & (activity_types or set())
        ):
            found.add(entry.id)
    return found


def update_contacts(
    contact_ids,
    changed_fields: set[str] | None = None,
    activity_types: set[str] | None = None,
    using: str = "default",
) -> MembershipChanges:
    """Evaluate contacts against the groups their changes can affect; store the result.

    Runs a constant number of queries whatever the number of groups: one that
    checks the cached catalogue and takes the locks, one evaluation per
    dependency level (groups reading other groups come after those; the
    first also reads the current memberships), and at most three writes.
    """
    contact_ids = sorted(set(contact_ids))
    changes = MembershipChanges()
    if not contact_ids:
        return changes

    catalogue = cached_catalogue(using)
    candidates: set[int] = set()
    if catalogue is not None:
        candidates, involved = _involved(catalogue, changed_fields, activity_types)
    if not candidates:
        # No cached group is affected: check that the cache is current.
        catalogue = get_catalogue(using)
        candidates, involved = _involved(catalogue, changed_fields, activity_types)
        if not candidates:
            return changes

    with transaction.atomic(using=using):
        key = _lock_and_read_key(involved, using)
        if key != catalogue.key:
            catalogue = get_catalogue(using, key)
            candidates, involved = _involved(catalogue, changed_fields, activity_types)
            lock_groups_shared(involved, using)
        current: set[tuple[int, int]] | None = None
        context = evaluation_context(using)
        moved_groups: set[int] = set()
        for level_groups in _levels(catalogue, candidates, involved, moved_groups):
            results, read = _evaluate(
                catalogue, level_groups, contact_ids, context, current is None
            )
            if current is None:
                current = read
            moved_groups |= _store(
                results, contact_ids, level_groups, current, changes, using
            )
        _update_member_counts(changes, using)

    if changes:
        transaction.on_commit(lambda: _send(changes), using=using)
    return changes


def _involved(catalogue, changed_fields, activity_types) -> tuple[set[int], set[int]]:
    """Return the groups to evaluate at first, and those plus their readers."""
    candidates = affected_groups(catalogue, changed_fields, activity_types)
    readers = {
        pk for pk in catalogue.readers_of(candidates) if not catalogue.entries[pk].error
    }
    return candidates, candidates | readers


def _levels(catalogue, candidates, involved, moved_groups):
    """Yield the groups to evaluate per dependency level, lowest first.

    A reader of other groups is evaluated only when one of those moved at a
    lower level; ``moved_groups`` is read as the caller updates it.
    """
    for level in sorted({catalogue.entries[pk].level for pk in involved}):
        level_groups = tuple(
            pk
            for pk in sorted(involved)
            if catalogue.entries[pk].level == level
            and (
                pk in candidates
                or catalogue.entries[pk].dependencies.groups & moved_groups
            )
        )
        if level_groups:
            yield level_groups


def _lock_and_read_key(group_ids: set[int], using: str) -> tuple:
    """Take the shared locks of ``group_ids`` and read the catalogue key, at once.

    On PostgreSQL the same statement makes the rest of the transaction use
    generic plans for prepared statements: the planner otherwise plans the
    long evaluation statement again on every save (see prepared.py).
    """
    sql = key_sql(using)
    lock = shared_lock_sql(using)
    params: list = []
    if lock is not None:
        lock_sql, params = lock
        sql = (
            f"SELECT keys.*, {lock_sql}, "
            "set_config('plan_cache_mode', 'force_generic_plan', true) "
            f"FROM ({sql}) AS keys"
        )
        params = [*params, sorted(group_ids)]
    row = fetch_all(sql, params, using)[0]
    return tuple(row[:KEY_COLUMNS])


def _evaluate(catalogue, group_ids, contact_ids, context, memberships):
    """Return whether each contact matches each group, and maybe its memberships.

    The first dict maps contact ids to one boolean per group of ``group_ids``.
    With ``memberships`` the second is the set of the contacts' stored
    ``(contact_id, group_id)`` pairs, read in the same statement; else ``None``.
    """
    sql, params = catalogue.evaluation(group_ids, context, contact_ids, memberships)
    rows = fetch_all(sql, params, context.using, prepare=catalogue.preparable)
    if not memberships:
        return {row[0]: [bool(value) for value in row[1:]] for row in rows}, None
    current = {
        (row[0], group_id) for row in rows for group_id in parse_group_ids(row[-1])
    }
    return {row[0]: [bool(value) for value in row[1:-1]] for row in rows}, current


def _store(results, contact_ids, group_ids, current, changes, using) -> set[int]:
    """Write the differences from ``current`` and update it; return moved groups.

    A contact missing from ``results`` was deleted meanwhile and matches nothing.
    """
    to_add, to_remove = [], []
    for contact_id in contact_ids:
        matches = results.get(contact_id)
        for index, group_id in enumerate(group_ids):
            member = (contact_id, group_id) in current
            should = matches is not None and matches[index]
            if should and not member:
                to_add.append((contact_id, group_id))
            elif member and not should:
                to_remove.append((contact_id, group_id))

    if to_add:
        fetch_all(*insert_memberships_sql(to_add, timezone.now(), using), using)
    if to_remove:
        fetch_all(*delete_memberships_sql(to_remove, using), using)
    for contact_id, group_id in to_add:
        current.add((contact_id, group_id))
        changes.added[group_id].append(contact_id)
    for contact_id, group_id in to_remove:
        current.discard((contact_id, group_id))
        changes.removed[group_id].append(contact_id)
    return {group_id for _contact_id, group_id in to_add + to_remove}


def _update_member_counts(changes: MembershipChanges, using: str) -> None:
    deltas = defaultdict(int)
    for group_id, contact_ids in changes.added.items():
        deltas[group_id] += len(contact_ids)
    for group_id, contact_ids in changes.removed.items():
        deltas[group_id] -= len(contact_ids)
    deltas = {pk: delta for pk, delta in sorted(deltas.items()) if delta}
    if deltas:
        sql, params = member_count_update_sql(deltas, using)
        fetch_all(sql, params, using)


def _send(changes: MembershipChanges) -> None:
    for group_id in sorted({*changes.added, *changes.removed}):
        send_membership_changed(
            group_id,
            changes.added.get(group_id, []),
            changes.removed.get(group_id, []),
            source="contact",
        )
