"""Compile condition filters to SQL fragments over the contact table."""

from __future__ import annotations

from django.db import connections
from django.db.models import Q
from django.db.models.expressions import RawSQL
from django.db.models.sql.where import WhereNode
from django.utils.translation import gettext

from ..conditions import ConditionError
from ..conf import get_contact_model


def compile_where(model, q: Q, using: str) -> tuple[str, list]:
    """Return ``(sql, params)`` of ``q`` as a boolean expression on ``model``'s table.

    Columns are qualified with the table name. Raises ``ConditionError`` when
    the filter joins another table, because a join could repeat rows.
    """
    query = model._base_manager.using(using).filter(q).query
    used_aliases = [alias for alias, count in query.alias_refcount.items() if count]
    if len(used_aliases) > 1:
        raise ConditionError(
            gettext(
                "A condition joins another table. Condition types must refer to "
                "related tables through Exists() or pk__in subqueries."
            )
        )
    compiler = query.get_compiler(using=using)
    where: WhereNode = query.where
    sql, params = compiler.compile(where)
    return sql or "1 = 1", list(params)


def compile_condition(q: Q, using: str) -> tuple[str, list]:
    """Return the SQL fragment of a contact filter, as ``compile_where`` does."""
    return compile_where(get_contact_model(), q, using)


def quote(name: str, using: str) -> str:
    return connections[using].ops.quote_name(name)


def contact_table(using: str) -> tuple[str, str]:
    """Return the quoted contact table and its quoted primary key column."""
    meta = get_contact_model()._meta
    return quote(meta.db_table, using), quote(meta.pk.column, using)


def id_list_sql(using: str, column: str) -> str:
    """Return SQL that tests ``column`` against one list parameter of ids."""
    if connections[using].vendor == "postgresql":
        return f"{column} = ANY(%s)"
    return f"{column} IN (SELECT value FROM json_each(%s))"


def id_list_param(using: str, ids) -> object:
    if connections[using].vendor == "postgresql":
        return list(ids)
    import json

    return json.dumps(list(ids))


class _ContactIdsPlaceholder:
    """Stands for the list of evaluated contact ids in a compiled fragment."""

    def __repr__(self):
        return "<evaluated contact ids>"


CONTACT_IDS = _ContactIdsPlaceholder()


def evaluated_contacts_subquery(using: str) -> RawSQL:
    """Return a subquery of the evaluated contact ids, filled in at execution."""
    if connections[using].vendor == "postgresql":
        return RawSQL("SELECT unnest(%s::bigint[])", [CONTACT_IDS])
    return RawSQL("SELECT value FROM json_each(%s)", [CONTACT_IDS])


def fill_contact_ids(params: list, using: str, ids) -> list:
    """Replace the evaluated-contacts placeholder in ``params`` by ``ids``."""
    if not any(param is CONTACT_IDS for param in params):
        return params
    value = id_list_param(using, ids)
    return [value if param is CONTACT_IDS else param for param in params]
