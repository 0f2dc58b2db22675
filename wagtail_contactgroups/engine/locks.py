"""Locks that keep a group recalculation and contact updates apart.

On PostgreSQL a recalculation holds an exclusive transaction-level advisory
lock on its group, and a contact update holds shared locks on the groups it
evaluates. A contact update therefore waits for a running recalculation of a
group it affects, then reads its result, and a recalculation starts only after
the contact updates in flight have committed. Each shared lock takes a slot of
PostgreSQL's lock table (``max_locks_per_transaction``).

SQLite allows one writer at a time. With ``"transaction_mode": "IMMEDIATE"``
in the database OPTIONS, a contact update takes the write lock before it reads,
which gives the same guarantee.
"""

from __future__ import annotations

from django.db import connections

# First key of the two-key advisory lock functions; the second is the group id.
LOCK_NAMESPACE = 0x43475250  # "CGRP"


def lock_groups_shared(group_ids, using: str) -> None:
    """Wait for running recalculations of these groups; call inside a transaction."""
    connection = connections[using]
    if connection.vendor != "postgresql" or not group_ids:
        return
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT pg_advisory_xact_lock_shared(%s, id) "
            "FROM unnest(%s::integer[]) AS id ORDER BY id",
            [LOCK_NAMESPACE, sorted(group_ids)],
        )


def shared_lock_sql(using: str) -> tuple[str, list] | None:
    """Return a scalar subquery taking the shared locks, and its leading parameter.

    The group ids follow as one more parameter (a list). ``None`` where the
    database has no such locks. Lets a caller take the locks in the same round
    trip as another read; the locks are taken in id order, as
    :func:`lock_groups_shared` takes them.
    """
    if connections[using].vendor != "postgresql":
        return None
    return (
        "(SELECT COUNT(*) FROM (SELECT pg_advisory_xact_lock_shared(%s, id) "
        "FROM unnest(%s::integer[]) AS id ORDER BY id) AS locks)",
        [LOCK_NAMESPACE],
    )


def lock_group_exclusive(group_id: int, using: str) -> None:
    """Wait until no contact update evaluates the group; call inside a transaction."""
    connection = connections[using]
    if connection.vendor != "postgresql":
        return
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT pg_advisory_xact_lock(%s, %s)", [LOCK_NAMESPACE, group_id]
        )
