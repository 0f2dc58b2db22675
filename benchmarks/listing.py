"""Live counts, the group's members page and its CSV export.

The members page and the export are measured through two replaceable
callables, so the same figures can be taken of the admin's own views:
pass ``--members-page module.function`` and ``--export module.function``.
"""

from __future__ import annotations

import csv
from collections.abc import Callable, Iterable

from django.db import connections
from django.utils.module_loading import import_string

from wagtail_contactgroups.conditions import ConditionContext
from wagtail_contactgroups.conf import get_contact_model
from wagtail_contactgroups.engine.sql import compile_condition, contact_table
from wagtail_contactgroups.engine.tree import build_q

from .measure import Report, Row, measure_memory, mebibytes, milliseconds, time_pair

PAGE_SIZE = 50
EXPORT_FIELDS = ["id", "first_name", "last_name", "email", "country", "city"]


def members_page(group, after: int = 0, using: str = "default") -> list:
    """The first (or next) page of members: keyset on the contact id, both sides."""
    contacts = get_contact_model()._base_manager.using(using)
    return list(
        contacts.filter(
            contact_group_memberships__group_id=group.pk,
            contact_group_memberships__contact_id__gt=after,
            pk__gt=after,
        ).order_by("pk")[:PAGE_SIZE]
    )


def contacts_page(after: int = 0, using: str = "default") -> list:
    """The plain contact listing's page, ordered by id: the baseline."""
    contacts = get_contact_model()._base_manager.using(using)
    return list(contacts.filter(pk__gt=after).order_by("pk")[:PAGE_SIZE])


class _Sink:
    """A file that only counts what is written to it."""

    size = 0

    def write(self, text: str) -> int:
        self.size += len(text)
        return len(text)


def export_members(group, using: str = "default") -> Iterable[str]:
    """Yield the members as CSV lines, streamed from the database in chunks."""
    contacts = get_contact_model()._base_manager.using(using)
    rows = (
        contacts.filter(contact_group_memberships__group_id=group.pk)
        .order_by("pk")
        .values_list(*EXPORT_FIELDS)
        .iterator(chunk_size=2000)
    )
    sink = _Sink()
    writer = csv.writer(sink)
    for row in rows:
        before = sink.size
        writer.writerow(row)
        yield sink.size - before


def live_count(group, using: str = "default") -> int:
    """The count the group editor shows while conditions are edited."""
    context = ConditionContext(using=using)
    contacts = get_contact_model()._base_manager.using(using)
    return contacts.filter(build_q(group, context)).count()


def plain_count(group, using: str = "default") -> int:
    """COUNT(*) of the compiled condition, run as raw SQL: the baseline."""
    sql, params = compile_condition(
        build_q(group, ConditionContext(using=using)), using
    )
    table, _pk = contact_table(using)
    with connections[using].cursor() as cursor:
        cursor.execute(f"SELECT COUNT(*) FROM {table} WHERE {sql}", params)
        return cursor.fetchone()[0]


def run(
    report: Report,
    repeat: int,
    count_group,
    big_group,
    using: str,
    page_view: Callable | None = None,
    export_view: Callable | None = None,
) -> None:
    """Measure live counts, members pages and the export of ``big_group``."""
    page_view = page_view or members_page
    export_view = export_view or export_members
    live, plain = time_pair(
        lambda: live_count(count_group, using),
        lambda: plain_count(count_group, using),
        repeat,
    )
    report.add(
        Row(
            "live count",
            f"{count_group.name} ({live_count(count_group, using)} contacts)",
            f"{milliseconds(live.median)} vs {milliseconds(plain.median)}",
            live.median / plain.median,
            1.3,
        )
    )
    members = big_group.memberships.count()
    middle = _middle_id(big_group, using)
    for label, after in (("first page", 0), ("page at the middle", middle)):
        page, baseline = time_pair(
            lambda after=after: page_view(big_group, after, using),
            lambda after=after: contacts_page(after, using),
            repeat,
        )
        report.add(
            Row(
                "members view",
                f"{label} of {members} members",
                f"{milliseconds(page.median)} vs {milliseconds(baseline.median)}",
                page.median / baseline.median,
            )
        )
    written = []
    memory = measure_memory(lambda: written.append(sum(export_view(big_group, using))))
    report.add(
        Row(
            "export",
            f"CSV of {members} members",
            f"{mebibytes(written[0])} written, traced peak "
            f"{mebibytes(memory.traced_peak)}, max RSS {mebibytes(memory.max_rss)}",
        )
    )


def _middle_id(group, using: str) -> int:
    ids = group.memberships.using(using).order_by("contact_id")
    count = ids.count()
    if not count:
        return 0
    return ids.values_list("contact_id", flat=True)[count // 2]


def load_callable(path: str | None) -> Callable | None:
    return import_string(path) if path else None
