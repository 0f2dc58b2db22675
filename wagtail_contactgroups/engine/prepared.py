"""Run the statements of a contact save as server-side prepared statements.

Django binds parameters on the client by default, so PostgreSQL parses and
plans each statement anew. The statement that evaluates a contact against
hundreds of groups is long; planning it costs more than running it. When the
database's ``OPTIONS`` set psycopg's ``prepare_threshold`` (to any number),
the engine sends its own statements with server-side binding and prepares
them, once per connection. Without that option nothing is prepared, which
keeps transaction-mode connection poolers working.

PostgreSQL plans the first five runs of a prepared statement with their
parameters and keeps doing so when the generic plan looks costlier, which
for the evaluation statement it does (it cannot know that one contact is
evaluated). The save transaction therefore sets ``plan_cache_mode`` to
``force_generic_plan`` for itself; Django's own statements are not prepared
and so are not affected.

Django's ORM does not promise SQL that PostgreSQL can prepare (parameters
without a type it can infer). The catalogue therefore checks its compiled
conditions once, when it is built (:func:`can_prepare`), and statements made
of conditions that fail the check run with client-side binding.
"""

from __future__ import annotations

import logging
import time

from django.core.exceptions import ImproperlyConfigured
from django.db import DatabaseError, connections, transaction

try:
    from django.db.backends.postgresql.base import ServerBindingCursor
except (ImportError, ImproperlyConfigured):  # no psycopg 3: SQLite only
    ServerBindingCursor = object

logger = logging.getLogger(__name__)


def prepared_statements_enabled(using: str) -> bool:
    """Return whether ``using`` is PostgreSQL with a psycopg ``prepare_threshold``."""
    connection = connections[using]
    if connection.vendor != "postgresql":
        return False
    connection.ensure_connection()
    return getattr(connection.connection, "prepare_threshold", None) is not None


def fetch_all(sql: str, params: list, using: str, prepare: bool = True) -> list[tuple]:
    """Run ``sql`` and return its rows; prepared on the server where enabled.

    ``prepare=False`` forces client-side binding, for SQL that failed
    :func:`can_prepare`.
    """
    if prepare and prepared_statements_enabled(using):
        return _fetch_prepared(sql, params, using)
    return _fetch_client_bound(sql, params, using)


def can_prepare(sql: str, params: list, using: str) -> bool:
    """Return whether PostgreSQL can prepare ``sql`` with server-side binding.

    Asks the server to plan it (``EXPLAIN``) inside a savepoint, so a failure
    leaves the caller's transaction usable. Always false where preparing is
    not enabled.
    """
    if not prepared_statements_enabled(using):
        return False
    connection = connections[using]
    try:
        with transaction.atomic(using=using):
            cursor = connection.make_cursor(ServerBindingCursor(connection.connection))
            with cursor:
                cursor.execute(f"EXPLAIN {sql}", params)
    except DatabaseError as error:
        logger.warning(
            "Contact group conditions will run unprepared: PostgreSQL cannot "
            "prepare their SQL (%s)",
            error,
        )
        return False
    return True


def _fetch_client_bound(sql: str, params: list, using: str) -> list[tuple]:
    with connections[using].cursor() as cursor:
        cursor.execute(sql, params)
        return cursor.fetchall() if cursor.description else []


def _fetch_prepared(sql: str, params: list, using: str) -> list[tuple]:
    connection = connections[using]
    # Through Django's cursor wrapper, so execute wrappers and error
    # translation work as for any other statement.
    cursor = connection.make_cursor(PreparingCursor(connection.connection))
    started = time.monotonic()
    with cursor:
        cursor.execute(sql, params)
        rows = cursor.fetchall() if cursor.description else []
    if connection.queries_logged:
        # Logged with the parameters inlined, as Django logs its own queries.
        connection.queries_log.append(
            {
                "sql": connection.ops.compose_sql(sql, params),
                "time": f"{time.monotonic() - started:.3f}",
            }
        )
    return rows


class PreparingCursor(ServerBindingCursor):
    """A psycopg cursor with server-side binding that prepares its statements."""

    def execute(self, query, params=None, **kwargs):
        kwargs.setdefault("prepare", True)
        return super().execute(query, params, **kwargs)
