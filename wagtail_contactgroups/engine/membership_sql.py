"""SQL of the membership reads and writes of a contact save, per database."""

from __future__ import annotations

import json

from django.db import connections


def _tables(using: str) -> tuple[str, str]:
    from ..models import ContactGroup, ContactGroupMembership

    quote = connections[using].ops.quote_name
    return (
        quote(ContactGroupMembership._meta.db_table),
        quote(ContactGroup._meta.db_table),
    )


def current_groups_sql(using: str, contact_column: str) -> str:
    """Return a column expression: the ids of the groups the contact is in.

    PostgreSQL gives an array, SQLite a comma-separated text (or NULL); read
    either with :func:`parse_group_ids`.
    """
    membership, _group = _tables(using)
    if connections[using].vendor == "postgresql":
        return (
            f"ARRAY(SELECT cgm.group_id FROM {membership} cgm "
            f"WHERE cgm.contact_id = {contact_column})"
        )
    return (
        f"(SELECT group_concat(cgm.group_id) FROM {membership} cgm "
        f"WHERE cgm.contact_id = {contact_column})"
    )


def parse_group_ids(value) -> list[int]:
    """Return the group ids of a :func:`current_groups_sql` value."""
    if not value:
        return []
    if isinstance(value, str):
        return [int(part) for part in value.split(",")]
    return list(value)


def member_count_update_sql(deltas: dict[int, int], using: str) -> tuple[str, list]:
    """Return an UPDATE adding ``deltas`` (by group id) to the member counts.

    Counts never go below zero. The statement text does not depend on the
    number of groups, so PostgreSQL can prepare it once.
    """
    _membership, group = _tables(using)
    ids, changes = list(deltas), list(deltas.values())
    if connections[using].vendor == "postgresql":
        return (
            f"UPDATE {group} SET member_count = "
            f"GREATEST({group}.member_count + d.delta, 0) "
            "FROM unnest(%s::bigint[], %s::integer[]) AS d(id, delta) "
            f"WHERE {group}.id = d.id",
            [ids, changes],
        )
    pairs = json.dumps([[pk, delta] for pk, delta in deltas.items()])
    return (
        f"UPDATE {group} SET member_count = MAX(0, member_count + "
        "(SELECT json_extract(d.value, '$[1]') FROM json_each(%s) AS d "
        f"WHERE json_extract(d.value, '$[0]') = {group}.id)) "
        "WHERE id IN (SELECT json_extract(d.value, '$[0]') FROM json_each(%s) AS d)",
        [pairs, pairs],
    )


def insert_memberships_sql(pairs, added_at, using: str) -> tuple[str, list]:
    """Return an INSERT of ``(contact_id, group_id)`` pairs that skips existing ones."""
    membership, _group = _tables(using)
    connection = connections[using]
    added_at = connection.ops.adapt_datetimefield_value(added_at)
    contacts, groups = [pair[0] for pair in pairs], [pair[1] for pair in pairs]
    if connection.vendor == "postgresql":
        return (
            f"INSERT INTO {membership} (contact_id, group_id, added_at) "
            "SELECT c, g, %s FROM unnest(%s::bigint[], %s::bigint[]) AS p(c, g) "
            "ON CONFLICT DO NOTHING",
            [added_at, contacts, groups],
        )
    return (
        f"INSERT OR IGNORE INTO {membership} (contact_id, group_id, added_at) "
        "SELECT json_extract(p.value, '$[0]'), json_extract(p.value, '$[1]'), %s "
        "FROM json_each(%s) AS p",
        [added_at, json.dumps([list(pair) for pair in pairs])],
    )


def delete_memberships_sql(pairs, using: str) -> tuple[str, list]:
    """Return a DELETE of the memberships ``(contact_id, group_id)`` in ``pairs``."""
    membership, _group = _tables(using)
    contacts, groups = [pair[0] for pair in pairs], [pair[1] for pair in pairs]
    if connections[using].vendor == "postgresql":
        return (
            f"DELETE FROM {membership} WHERE (contact_id, group_id) IN "
            "(SELECT c, g FROM unnest(%s::bigint[], %s::bigint[]) AS p(c, g))",
            [contacts, groups],
        )
    return (
        f"DELETE FROM {membership} WHERE id IN (SELECT m.id FROM json_each(%s) AS p "
        f"JOIN {membership} m ON m.contact_id = json_extract(p.value, '$[0]') "
        "AND m.group_id = json_extract(p.value, '$[1]'))",
        [json.dumps([list(pair) for pair in pairs])],
    )
