"""Full recalculation of a group against hand-written set-based SQL."""

from __future__ import annotations

import datetime

from django.db import connections, transaction
from django.utils import timezone

from wagtail_contactgroups.conditions.base import period_start
from wagtail_contactgroups.conf import get_contact_model
from wagtail_contactgroups.engine.recalculate import recalculate_group
from wagtail_contactgroups.models import ContactActivity, ContactGroupMembership

from . import groups as benchmark_groups
from .measure import Report, Row, measure_memory, mebibytes, milliseconds, time_pair

GOAL = 1.3
MISMATCH = "MISMATCH: the engine and the hand-written SQL chose other contacts"


def _tables(using: str) -> dict[str, str]:
    quote = connections[using].ops.quote_name
    return {
        "c": quote(get_contact_model()._meta.db_table),
        "m": quote(ContactGroupMembership._meta.db_table),
        "a": quote(ContactActivity._meta.db_table),
    }


def baseline_conditions(source_id: int, page_id: int | None) -> dict[str, tuple]:
    """Hand-written WHERE clauses (over contact ``c``) of each recalculated group."""
    # "In the last 90 days" starts at the same wall-clock time 90 days ago.
    since = period_start(timezone.now(), 90)
    return {
        "German": ("c.merged_into_id IS NULL AND c.country = %s", ["DE"]),
        "Two levels": (
            "c.merged_into_id IS NULL AND ("
            "(c.country IN (%s, %s, %s) AND c.lead_score >= %s) OR "
            "(c.subscribed AND c.job_title = %s AND c.birthday >= %s))",
            ["DE", "AT", "CH", 50, "Manager", datetime.date(1980, 1, 1)],
        ),
        "Member of German": (
            "c.merged_into_id IS NULL AND c.id IN "
            "(SELECT contact_id FROM {m} WHERE group_id = %s)",
            [source_id],
        ),
        "Page visitors": (
            "c.merged_into_id IS NULL AND c.id IN (SELECT contact_id FROM {a} "
            "WHERE activity_type = %s AND page_id = %s AND occurred_at >= %s "
            "GROUP BY contact_id HAVING COUNT(*) >= %s)",
            ["page_visited", page_id, since, 2],
        ),
    }


def baseline_member_ids(where: tuple, using: str) -> set[int]:
    """Return the contact ids the hand-written condition selects."""
    tables = _tables(using)
    sql, params = where
    with connections[using].cursor() as cursor:
        cursor.execute(
            f"SELECT c.id FROM {tables['c']} c WHERE {sql.format(**tables)}",
            _adapt(params, using),
        )
        return {row[0] for row in cursor.fetchall()}


def _fill_baseline(group_id: int, where: tuple, using: str) -> None:
    tables = _tables(using)
    sql, params = where
    sql = sql.format(**tables)
    params = _adapt(params, using)
    with transaction.atomic(using=using), connections[using].cursor() as cursor:
        cursor.execute(
            f"INSERT INTO {tables['m']} (group_id, contact_id, added_at) "
            f"SELECT %s, c.id, %s FROM {tables['c']} c WHERE {sql}",
            [group_id, _now(using), *params],
        )


def _unchanged_baseline(group_id: int, where: tuple, using: str) -> None:
    """DELETE the members that no longer match, INSERT the missing ones."""
    tables = _tables(using)
    sql, params = where
    sql = sql.format(**tables)
    m, c = tables["m"], tables["c"]
    params = _adapt(params, using)
    with transaction.atomic(using=using), connections[using].cursor() as cursor:
        cursor.execute(
            f"DELETE FROM {m} WHERE group_id = %s AND NOT EXISTS (SELECT 1 FROM "
            f"{c} c WHERE c.id = {m}.contact_id AND {sql})",
            [group_id, *params],
        )
        cursor.execute(
            f"INSERT INTO {m} (group_id, contact_id, added_at) "
            f"SELECT %s, c.id, %s FROM {c} c WHERE {sql} AND NOT EXISTS "
            f"(SELECT 1 FROM {m} WHERE {m}.group_id = %s AND {m}.contact_id = c.id)",
            [group_id, _now(using), *params, group_id],
        )


def _adapt(params: list, using: str) -> list:
    ops = connections[using].ops
    return [
        ops.adapt_datetimefield_value(value)
        if isinstance(value, datetime.datetime)
        else value
        for value in params
    ]


def _now(using: str):
    return connections[using].ops.adapt_datetimefield_value(timezone.now())


def _empty(group_id: int, using: str) -> None:
    ContactGroupMembership.objects.using(using).filter(group_id=group_id).delete()


def run(report: Report, repeat: int, page_id: int | None, using: str) -> None:
    """Measure the four recalculation cases; the activity case needs ``page_id``."""
    german = benchmark_groups.german_group()
    recalculate_group(german, using=using)
    cases = [german, benchmark_groups.two_level_group()]
    cases.append(benchmark_groups.member_group(german))
    if page_id is not None:
        cases.append(benchmark_groups.activity_group(page_id))
    wheres = baseline_conditions(german.pk, page_id)
    for group in cases:
        label = group.name.removeprefix(f"{benchmark_groups.PREFIX} ")
        _measure_case(report, group, label, wheres[label], repeat, using)
    if page_id is None:
        report.add(
            Row("recalculation", "Page visitors", "not measured yet", note="(no pages)")
        )


def _measure_case(report, group, label, where, repeat, using) -> None:
    pk = group.pk
    engine, baseline = time_pair(
        lambda: recalculate_group(group, using=using),
        lambda: _fill_baseline(pk, where, using),
        repeat,
        before=lambda: _empty(pk, using),
    )
    stored = set(
        ContactGroupMembership.objects.using(using)
        .filter(group_id=pk)
        .values_list("contact_id", flat=True)
    )
    same = stored == baseline_member_ids(where, using)
    report.add(
        Row(
            "recalculation",
            f"fill {label} ({len(stored)} members)",
            f"{milliseconds(engine.median)} vs {milliseconds(baseline.median)}",
            engine.median / baseline.median,
            GOAL,
            note="" if same else MISMATCH,
        )
    )
    engine, baseline = time_pair(
        lambda: recalculate_group(group, using=using),
        lambda: _unchanged_baseline(pk, where, using),
        repeat,
    )
    report.add(
        Row(
            "recalculation",
            f"recalculate {label} unchanged",
            f"{milliseconds(engine.median)} vs {milliseconds(baseline.median)}",
            engine.median / baseline.median,
            GOAL,
        )
    )
    _empty(pk, using)
    memory = measure_memory(lambda: recalculate_group(group, using=using))
    report.add(
        Row(
            "memory",
            f"fill {label}",
            f"traced peak {mebibytes(memory.traced_peak)}, "
            f"max RSS {mebibytes(memory.max_rss)}",
        )
    )
