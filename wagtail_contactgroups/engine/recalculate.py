"""Recalculate a group's whole membership in the database, in one transaction."""

from __future__ import annotations

import logging
import time
from array import array
from dataclasses import dataclass

from django.db import DatabaseError, connections, transaction
from django.utils import timezone

from ..conditions import ConditionContext, ConditionError
from ..signals import membership_changed, send_membership_changed
from .dependencies import dependency_levels, dependents_in_order
from .locks import lock_group_exclusive
from .sql import compile_condition, contact_table, quote
from .tree import build_q

logger = logging.getLogger(__name__)

# Run ANALYZE on the membership table after a recalculation that changed at
# least this many rows, so the planner does not keep estimates of an empty table.
ANALYZE_THRESHOLD = 10_000


class RecalculationError(Exception):
    """A recalculation failed; the group's membership is unchanged."""


@dataclass
class RecalculationResult:
    """What one recalculation changed."""

    group_id: int
    added: int
    removed: int
    member_count: int
    seconds: float


def recalculate_group(group, using: str | None = None) -> RecalculationResult:
    """Make the group's stored membership equal its condition.

    Works in a single transaction: on any error the membership stays as it
    was, the group is marked failed with the reason and ``RecalculationError``
    is raised.
    """
    from ..models import ContactGroup, GroupStatus

    using = using or group._state.db or "default"
    started = time.monotonic()
    condition_version = group.conditions_changed_at
    logger.info("Recalculation of contact group %s started", group.pk)
    ContactGroup.objects.using(using).filter(pk=group.pk).update(
        status=GroupStatus.RUNNING, recalculation_started_at=timezone.now()
    )

    try:
        fragment = compile_condition(
            build_q(group, ConditionContext(using=using)), using
        )
        with transaction.atomic(using=using):
            lock_group_exclusive(group.pk, using)
            added, removed, member_count = _apply(group.pk, fragment, using)
            _mark_done(group, condition_version, member_count, using)
    except (ConditionError, DatabaseError) as error:
        message = str(error.args[0]) if error.args else str(error)
        _mark_failed(group, message, using)
        if isinstance(error, ConditionError):
            logger.warning(
                "Recalculation of contact group %s failed: %s", group.pk, message
            )
        else:
            logger.exception("Recalculation of contact group %s failed", group.pk)
        raise RecalculationError(message) from error

    (added, added_ids), (removed, removed_ids) = added, removed
    if added + removed >= ANALYZE_THRESHOLD:
        _analyze(using)
    result = RecalculationResult(
        group.pk, added, removed, member_count, time.monotonic() - started
    )
    logger.info(
        "Recalculation of contact group %s finished: %s added, %s removed, "
        "%s members, %.2f s",
        group.pk,
        result.added,
        result.removed,
        result.member_count,
        result.seconds,
    )
    if added_ids is not None and (added or removed):
        group_id = group.pk
        transaction.on_commit(
            lambda: send_membership_changed(
                group_id, added_ids, removed_ids, source="recalculation"
            ),
            using=using,
        )
    group.refresh_from_db(using=using)
    return result


def _apply(group_id: int, fragment, using: str):
    """Delete non-matching and insert matching members; return what changed."""
    from ..models import ContactGroupMembership

    condition_sql, condition_params = fragment
    table, pk = contact_table(using)
    membership = quote(ContactGroupMembership._meta.db_table, using)
    returning = membership_changed.has_listeners()
    suffix = " RETURNING contact_id" if returning else ""
    # On PostgreSQL, lock the contacts being added against deletion until this
    # transaction ends. A contact deleted by a transaction that commits while
    # this one runs is then skipped, instead of failing the whole run on the
    # membership's foreign key at commit.
    lock = ""
    if connections[using].vendor == "postgresql":
        lock = f" FOR KEY SHARE OF {table}"

    delete_sql = (
        f"DELETE FROM {membership} WHERE group_id = %s AND NOT EXISTS ("
        f"SELECT 1 FROM {table} WHERE {table}.{pk} = {membership}.contact_id "
        f"AND ({condition_sql})){suffix}"
    )
    insert_sql = (
        f"INSERT INTO {membership} (group_id, contact_id, added_at) "
        f"SELECT %s, {table}.{pk}, %s FROM {table} WHERE ({condition_sql}) "
        f"AND NOT EXISTS (SELECT 1 FROM {membership} "
        f"WHERE {membership}.group_id = %s "
        f"AND {membership}.contact_id = {table}.{pk}){lock}{suffix}"
    )
    with connections[using].cursor() as cursor:
        cursor.execute(delete_sql, [group_id, *condition_params])
        removed = _collect(cursor, returning)
        cursor.execute(
            insert_sql, [group_id, timezone.now(), *condition_params, group_id]
        )
        added = _collect(cursor, returning)
        cursor.execute(
            f"SELECT COUNT(*) FROM {membership} WHERE group_id = %s", [group_id]
        )
        member_count = cursor.fetchone()[0]
    return added, removed, member_count


def _collect(cursor, returning: bool) -> tuple[int, array | None]:
    """Return the row count and, with RETURNING, the contact ids (8 bytes each)."""
    if not returning:
        return max(cursor.rowcount, 0), None
    ids = array("q")
    while rows := cursor.fetchmany(10_000):
        ids.extend(row[0] for row in rows)
    return len(ids), ids


def _mark_done(group, condition_version, member_count: int, using: str) -> None:
    from ..models import ContactGroup, GroupStatus

    now = timezone.now()
    rows = ContactGroup.objects.using(using).filter(pk=group.pk)
    rows.update(member_count=member_count, recalculated_at=now, status_message="")
    # An edit saved while the run was going keeps the group marked stale.
    rows.filter(conditions_changed_at=condition_version).update(
        status=GroupStatus.UP_TO_DATE
    )
    rows.exclude(conditions_changed_at=condition_version).update(
        status=GroupStatus.NEEDS_RECALCULATION
    )


def _mark_failed(group, message: str, using: str) -> None:
    from ..models import ContactGroup, GroupStatus

    ContactGroup.objects.using(using).filter(pk=group.pk).update(
        status=GroupStatus.FAILED, status_message=message
    )


def _analyze(using: str) -> None:
    from ..models import ContactGroupMembership

    connection = connections[using]
    if connection.vendor != "postgresql":
        return
    table = quote(ContactGroupMembership._meta.db_table, using)
    with connection.cursor() as cursor:
        cursor.execute(f"ANALYZE {table}")


def recalculate_groups(
    groups=None, using: str = "default", failures: dict | None = None
) -> list[RecalculationResult]:
    """Recalculate ``groups`` (default: all) and the groups that read them, in order.

    A failing group is logged, recorded in ``failures`` (group id to message)
    and skipped. The groups that read it are still recalculated against its
    unchanged membership.
    """
    from ..models import ContactGroup

    graph = {
        row["pk"]: set(row["dependencies"].get("groups", []))
        for row in ContactGroup.objects.using(using).values("pk", "dependencies")
    }
    if groups is None:
        ordered = _order(list(graph), graph)
    else:
        chosen = [getattr(group, "pk", group) for group in groups]
        ordered = _order([*chosen, *dependents_in_order(chosen, graph)], graph)

    results = []
    for group_id in ordered:
        group = ContactGroup.objects.using(using).filter(pk=group_id).first()
        if group is None:
            continue
        try:
            results.append(recalculate_group(group, using=using))
        except RecalculationError as error:
            if failures is not None:
                failures[group_id] = str(error)
    return results


def _order(group_ids, graph) -> list[int]:
    levels, _cyclic = dependency_levels(graph)
    unique = list(dict.fromkeys(group_ids))
    return sorted(unique, key=lambda pk: (levels.get(pk, 0), pk))
