"""Generate contacts, activities and groups in bulk, in the database itself.

Values come from integer hashes of the row number, so a run at a given size
always produces the same data on PostgreSQL and SQLite. About 15 % of the
contacts have no country, 1 % are merged into the previous contact, and
about 4 % live in Germany.
"""

from __future__ import annotations

import logging
import time

from django.db import connections

from wagtail_contactgroups.conf import get_contact_model
from wagtail_contactgroups.models import (
    ContactActivity,
    ContactGroup,
    ContactGroupMembership,
)

logger = logging.getLogger(__name__)

COUNTRIES = ["DE", "FR", "GB", "US", "NL", "IT", "ES", "AT", "CH", "PL"]
COUNTRIES += ["SE", "DK", "BE", "PT", "IE", "CZ", "NO", "FI", "GR", "HU"]
TITLES = ["Engineer", "Manager", "Director", "Designer", "Analyst", "Consultant"]
ACTIVITY_TYPES = ["page_visited"] * 6 + ["email_opened"] * 2
ACTIVITY_TYPES += ["email_link_clicked", "form_submitted"]


def _hash(expression: str, prime: int, modulo: int) -> str:
    return f"((({expression}) * {prime}) % {modulo})"


def _pick(values: list[str], hashed: str) -> str:
    cases = " ".join(
        f"WHEN {index} THEN '{value}'" for index, value in enumerate(values)
    )
    return f"(CASE {hashed} % {len(values)} {cases} END)"


def _days_before(vendor: str, days: str, base: str) -> str:
    if vendor == "postgresql":
        return f"({base} - make_interval(days => ({days})::int))"
    return f"strftime('%Y-%m-%d %H:%M:%f', {base}, '-' || ({days}) || ' days')"


def _contact_columns(vendor: str) -> dict[str, str]:
    """Return SQL expressions of ``i`` (the row number) by contact field name."""
    now = "now()" if vendor == "postgresql" else "'now'"
    if vendor == "postgresql":
        birthday = f"(DATE '1950-01-01' + ({_hash('i', 7013, 20000)})::int)"
    else:
        birthday = f"date('1950-01-01', '+' || {_hash('i', 7013, 20000)} || ' days')"
    country_hash = _hash("i", 2654435761, 1000)
    return {
        "first_name": "'First' || (i % 500)",
        "last_name": f"'Last' || {_hash('i', 40503, 2000)}",
        "email": "'c' || i || '@example' || (i % 50) || '.com'",
        "phone": "''",
        "company": f"'Company ' || {_hash('i', 9973, 5000)}",
        "job_title": _pick(TITLES, _hash("i", 31, 997)),
        "city": f"'City ' || {_hash('i', 1009, 300)}",
        "country": f"(CASE WHEN {country_hash} < 150 THEN '' ELSE "
        f"{_pick(COUNTRIES, _hash('i', 2246822519, 1000003))} END)",
        "birthday": birthday,
        "gender": _pick(["female", "male", "diverse", ""], _hash("i", 613, 1009)),
        "subscribed": "(i % 3 = 0)",
        "created_at": _days_before(vendor, _hash("i", 389, 1000), now),
        "updated_at": now if vendor == "postgresql" else f"datetime({now})",
        "merged_into": "(CASE WHEN i % 100 = 0 THEN i - 1 END)",
        "lead_score": _hash("i", 577, 101),
    }


def _series(vendor: str, start: int, stop: int) -> str:
    if vendor == "postgresql":
        return f"generate_series({start}::bigint, {stop}::bigint) AS s(i)"
    return (
        f"(WITH RECURSIVE s(i) AS (SELECT {start} UNION ALL "
        f"SELECT i + 1 FROM s WHERE i < {stop}) SELECT i FROM s)"
    )


def create_contacts(count: int, using: str = "default", chunk: int = 200_000) -> None:
    """Insert ``count`` contacts with ids 1..count into an empty contact table."""
    model = get_contact_model()
    connection = connections[using]
    vendor = connection.vendor
    expressions = _contact_columns(vendor)
    columns, values, params = ["id"], ["i"], []
    for field in model._meta.concrete_fields:
        if field.primary_key:
            continue
        if field.name in expressions:
            values.append(expressions[field.name])
        elif field.get_internal_type().endswith("IntegerField"):
            values.append(_hash("i", 577, 101))
        else:
            # A field of a custom contact model: its default for every row.
            values.append("%s")
            params.append(field.get_db_prep_save(field.get_default(), connection))
        columns.append(connection.ops.quote_name(field.column))
    table = connection.ops.quote_name(model._meta.db_table)
    select = ", ".join(values)
    if params:
        select = select.replace("%", "%%").replace("%%s", "%s")
    started = time.monotonic()
    with connection.cursor() as cursor:
        for start in range(1, count + 1, chunk):
            stop = min(start + chunk - 1, count)
            cursor.execute(
                f"INSERT INTO {table} ({', '.join(columns)}) "
                f"SELECT {select} FROM {_series(vendor, start, stop)}",
                params or None,
            )
        if vendor == "postgresql":
            cursor.execute(
                f"SELECT setval(pg_get_serial_sequence('{model._meta.db_table}', "
                f"'id'), {max(count, 1)})"
            )
    logger.info("%s contacts in %.1f s", count, time.monotonic() - started)


def create_activities(
    contacts: int, per_contact: int, using: str = "default", chunk: int = 1_000_000
) -> None:
    """Insert ``per_contact`` activities for each contact, over the last year."""
    connection = connections[using]
    vendor = connection.vendor
    table = connection.ops.quote_name(ContactActivity._meta.db_table)
    page_ids = _page_ids(using)
    now = "now()" if vendor == "postgresql" else "'now'"
    total = contacts * per_contact
    # Row j belongs to contact j % contacts + 1, so every contact gets
    # ``per_contact`` activities spread over types, pages and days.
    contact = f"(i % {contacts}) + 1"
    occurred = _days_before(vendor, _hash("i", 2654435761, 365), now)
    page = _pick([str(pk) for pk in page_ids], _hash("i", 7919, 1009))
    values = [
        contact,
        _pick(ACTIVITY_TYPES, _hash("i", 104729, 1013)),
        occurred,
        f"CAST({page} AS integer)" if page_ids else "NULL",
        "''",
        "''",
        "'{}'",
    ]
    columns = "contact_id, activity_type, occurred_at, page_id, url, value, data"
    started = time.monotonic()
    with connection.cursor() as cursor:
        if vendor == "postgresql":
            # Skip the foreign key triggers for the bulk load; the ids are valid.
            cursor.execute("SET session_replication_role = replica")
        for start in range(0, total, chunk):
            stop = min(start + chunk, total) - 1
            cursor.execute(
                f"INSERT INTO {table} ({columns}) "
                f"SELECT {', '.join(values)} FROM {_series(vendor, start, stop)}"
            )
        if vendor == "postgresql":
            cursor.execute("SET session_replication_role = DEFAULT")
    logger.info("%s activities in %.1f s", total, time.monotonic() - started)


def ensure_page(using: str = "default"):
    """Return a page below the root, creating the root and a page if missing."""
    from wagtail.models import Page

    page = Page.objects.using(using).filter(depth__gt=1).order_by("pk").first()
    if page is not None:
        return page
    root = Page.objects.using(using).filter(depth=1).first()
    _ensure_locale(using)
    if root is None:
        root = Page.add_root(instance=Page(title="Root", slug="root"))
    return root.add_child(instance=Page(title="Visited page", slug="visited"))


def _ensure_locale(using: str) -> None:
    from django.conf import settings
    from wagtail.coreutils import get_supported_content_language_variant
    from wagtail.models import Locale

    code = get_supported_content_language_variant(settings.LANGUAGE_CODE)
    Locale.objects.using(using).get_or_create(language_code=code)


def _page_ids(using: str) -> list[int]:
    from wagtail.models import Page

    return list(Page.objects.using(using).order_by("pk").values_list("pk", flat=True))


def analyze(using: str = "default") -> None:
    """Refresh planner statistics after the bulk load."""
    connection = connections[using]
    if connection.vendor != "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")
        return
    with connection.cursor() as cursor:
        cursor.execute("VACUUM ANALYZE")


def reset(using: str = "default") -> None:
    """Remove every generated row: groups, memberships, activities, contacts."""
    ContactGroupMembership.objects.using(using).all().delete()
    ContactGroup.objects.using(using).all().delete()
    connection = connections[using]
    tables = [ContactActivity._meta.db_table, get_contact_model()._meta.db_table]
    with connection.cursor() as cursor:
        for table in tables:
            quoted = connection.ops.quote_name(table)
            if connection.vendor == "postgresql":
                cursor.execute(f"TRUNCATE {quoted} CASCADE")
            else:
                cursor.execute(f"DELETE FROM {quoted}")


def contact_count(using: str = "default") -> int:
    return get_contact_model()._base_manager.using(using).count()


def activity_count(using: str = "default") -> int:
    return ContactActivity.objects.using(using).count()
