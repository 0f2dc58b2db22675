"""Keep membership true for a few contacts: evaluate them against every group."""

from __future__ import annotations

import logging
from collections import defaultdict
from dataclasses import dataclass, field

from django.db import connections, transaction
from django.db.models import Case, F, Q, Value, When
from django.db.models.functions import Greatest
from django.utils import timezone

from ..signals import send_membership_changed
from .catalogue import Catalogue, evaluation_context, get_catalogue
from .locks import lock_groups_shared
from .sql import contact_table, fill_contact_ids, id_list_param, id_list_sql

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

    Runs a constant number of queries whatever the number of groups: one per
    dependency level (groups reading other groups come after those), plus one
    read of the current memberships and at most three writes.
    """
    contact_ids = sorted(set(contact_ids))
    changes = MembershipChanges()
    if not contact_ids:
        return changes

    catalogue = get_catalogue(using)
    candidates = affected_groups(catalogue, changed_fields, activity_types)
    if not candidates:
        return changes
    readers = {
        pk for pk in catalogue.readers_of(candidates) if not catalogue.entries[pk].error
    }
    involved = candidates | readers

    with transaction.atomic(using=using):
        lock_groups_shared(involved, using)
        current = _current_memberships(contact_ids, involved, using)
        context = evaluation_context(using)
        moved_groups: set[int] = set()
        for level in sorted({catalogue.entries[pk].level for pk in involved}):
            level_groups = [
                pk
                for pk in sorted(involved)
                if catalogue.entries[pk].level == level
                and (
                    pk in candidates
                    or catalogue.entries[pk].dependencies.groups & moved_groups
                )
            ]
            if not level_groups:
                continue
            results = _evaluate(catalogue, level_groups, contact_ids, context)
            moved_groups |= _store(
                results, contact_ids, level_groups, current, changes, using
            )
        _update_member_counts(changes, using)

    if changes:
        transaction.on_commit(lambda: _send(changes), using=using)
    return changes


def _current_memberships(contact_ids, group_ids, using) -> set[tuple[int, int]]:
    from ..models import ContactGroupMembership

    rows = ContactGroupMembership.objects.using(using).filter(
        contact_id__in=contact_ids, group_id__in=group_ids
    )
    return set(rows.values_list("contact_id", "group_id"))


def _evaluate(catalogue, group_ids, contact_ids, context) -> dict[int, list[bool]]:
    """Return, per contact id, whether it matches each of ``group_ids``."""
    using = context.using
    table, pk = contact_table(using)
    columns, params = [], []
    for group_id in group_ids:
        fragment_sql, fragment_params = catalogue.entries[group_id].fragment(context)
        columns.append(f"CASE WHEN ({fragment_sql}) THEN 1 ELSE 0 END")
        params.extend(fragment_params)
    sql = (
        f"SELECT {table}.{pk}, {', '.join(columns)} FROM {table} "
        f"WHERE {id_list_sql(using, f'{table}.{pk}')}"
    )
    params = fill_contact_ids(params, using, contact_ids)
    params.append(id_list_param(using, contact_ids))
    with connections[using].cursor() as cursor:
        cursor.execute(sql, params)
        return {row[0]: [bool(value) for value in row[1:]] for row in cursor.fetchall()}


def _store(results, contact_ids, group_ids, current, changes, using) -> set[int]:
    """Write the differences from ``current`` and update it; return moved groups.

    A contact missing from ``results`` was deleted meanwhile and matches nothing.
    """
    from ..models import ContactGroupMembership

    to_add, to_remove, moved = [], defaultdict(list), set()
    for contact_id in contact_ids:
        matches = results.get(contact_id)
        for index, group_id in enumerate(group_ids):
            member = (contact_id, group_id) in current
            should = matches is not None and matches[index]
            if should and not member:
                to_add.append((contact_id, group_id))
            elif member and not should:
                to_remove[contact_id].append(group_id)

    now = timezone.now()
    if to_add:
        ContactGroupMembership.objects.using(using).bulk_create(
            [
                ContactGroupMembership(contact_id=c, group_id=g, added_at=now)
                for c, g in to_add
            ],
            ignore_conflicts=True,
        )
    for contact_id, group_id in to_add:
        current.add((contact_id, group_id))
        changes.added[group_id].append(contact_id)
        moved.add(group_id)

    if to_remove:
        pairs = Q(pk__isnull=True)
        for contact_id, groups in to_remove.items():
            pairs |= Q(contact_id=contact_id, group_id__in=groups)
        ContactGroupMembership.objects.using(using).filter(pairs).delete()
    for contact_id, groups in to_remove.items():
        for group_id in groups:
            current.discard((contact_id, group_id))
            changes.removed[group_id].append(contact_id)
            moved.add(group_id)
    return moved


def _update_member_counts(changes: MembershipChanges, using: str) -> None:
    from ..models import ContactGroup

    deltas = defaultdict(int)
    for group_id, contact_ids in changes.added.items():
        deltas[group_id] += len(contact_ids)
    for group_id, contact_ids in changes.removed.items():
        deltas[group_id] -= len(contact_ids)
    deltas = {pk: delta for pk, delta in deltas.items() if delta}
    if not deltas:
        return
    ContactGroup.objects.using(using).filter(pk__in=deltas).update(
        member_count=Greatest(
            F("member_count")
            + Case(
                *[When(pk=pk, then=Value(delta)) for pk, delta in deltas.items()],
                default=Value(0),
            ),
            Value(0),
        )
    )


def _send(changes: MembershipChanges) -> None:
    for group_id in sorted({*changes.added, *changes.removed}):
        send_membership_changed(
            group_id,
            changes.added.get(group_id, []),
            changes.removed.get(group_id, []),
            source="contact",
        )
