"""A contact save and one recorded activity with 0 to 500 groups defined."""

from __future__ import annotations

from dataclasses import dataclass

from wagtail_contactgroups.activities import record_activity
from wagtail_contactgroups.conf import get_contact_model
from wagtail_contactgroups.engine.catalogue import clear_catalogue
from wagtail_contactgroups.models import (
    ContactActivity,
    ContactGroup,
    ContactGroupMembership,
)

from . import groups as benchmark_groups
from .measure import Report, Row, count_queries, milliseconds, time_runs

GOAL = 3.0
GROUP_COUNTS = (0, 10, 100, 500)


@dataclass
class SaveFigures:
    """Queries and median time of one kind of save at one group count."""

    kind: str
    groups: int
    queries: int
    seconds: float
    # Statements that are not membership writes: constant by design.
    reads: int = 0


class Saver:
    """Saves one contact, flipping a field between two values each time."""

    FIELDS = {
        "country (read by many groups)": ("country", "DE", "FR"),
        "phone (read by no group)": ("phone", "+49 30 1234", "+33 1 2345"),
    }

    def __init__(self, kind: str, contact_id: int, using: str):
        self.field, *self.values = self.FIELDS[kind]
        self.contact_id = contact_id
        self.using = using
        self.turn = 0

    def __call__(self) -> None:
        model = get_contact_model()
        contact = model._base_manager.using(self.using).get(pk=self.contact_id)
        self.turn += 1
        setattr(contact, self.field, self.values[self.turn % 2])
        contact.save()


class Recorder:
    """Records a page visit of one contact; :meth:`clean` removes the visits again.

    Without the clean-up every run would add visits to the sample contact,
    and later runs would aggregate more rows than the generated data has.
    """

    def __init__(self, contact_id: int, page, using: str):
        model = get_contact_model()
        self.contact = model._base_manager.using(using).get(pk=contact_id)
        self.page = page
        self.using = using
        self.recorded: list[int] = []

    def __call__(self) -> None:
        activity = record_activity(self.contact, "page_visited", page=self.page)
        self.recorded.append(activity.pk)

    def clean(self) -> None:
        ContactActivity.objects.using(self.using).filter(pk__in=self.recorded).delete()
        self.recorded = []


def membership_write(sql: str) -> bool:
    """Whether ``sql`` writes memberships or member counts."""
    tables = (ContactGroupMembership._meta.db_table, ContactGroup._meta.db_table)
    verb = sql.lstrip().split(" ", 1)[0].upper()
    return verb in ("INSERT", "UPDATE", "DELETE") and any(
        f'"{table}"' in sql.split("(", 1)[0] or f'"{table}" SET' in sql
        for table in tables
    )


def _measure(operation, repeat: int, using: str) -> tuple[int, int, float]:
    operation()  # warm the catalogue and the connection
    # Writes depend on which memberships moved: take the most queries of a
    # save in each direction (into a group and out of it).
    runs = [count_queries(operation, using) for _ in range(2)]
    queries = max(len(run) for run in runs)
    reads = max(len([sql for sql in run if not membership_write(sql)]) for run in runs)
    timing = time_runs(operation, repeat)
    return queries, reads, timing.median


def measure_saves(
    repeat: int,
    contact_id: int,
    page=None,
    group_counts=GROUP_COUNTS,
    using: str = "default",
) -> list[SaveFigures]:
    """Return queries and times of saves and activities for each group count."""
    page_id = page.pk if page is not None else None
    figures = []
    for count in group_counts:
        benchmark_groups.delete_benchmark_groups()
        clear_catalogue()
        benchmark_groups.create_many_groups(count, page_id)
        for kind in Saver.FIELDS:
            saver = Saver(kind, contact_id, using)
            queries, reads, seconds = _measure(saver, repeat, using)
            figures.append(SaveFigures(kind, count, queries, seconds, reads))
        recorder = Recorder(contact_id, page, using)
        queries, reads, seconds = _measure(recorder, repeat, using)
        recorder.clean()
        figures.append(SaveFigures("activity", count, queries, seconds, reads))
    benchmark_groups.delete_benchmark_groups()
    return figures


def run(
    report: Report,
    repeat: int,
    contact_id: int,
    page,
    using: str,
    group_counts=GROUP_COUNTS,
) -> list[SaveFigures]:
    """Measure saves and activities and add them to ``report`` as ratios."""
    figures = measure_saves(repeat, contact_id, page, group_counts, using)
    base = {item.kind: item for item in figures if item.groups == 0}
    for item in figures:
        section = "activity" if item.kind == "activity" else "save"
        name = f"{item.kind}, {item.groups} groups"
        zero = base[item.kind]
        report.add(
            Row(
                section,
                name,
                f"{item.queries} queries ({item.reads} without membership "
                f"writes), {milliseconds(item.seconds)}",
                item.seconds / zero.seconds,
                GOAL if item.groups == max(GROUP_COUNTS) else None,
            )
        )
    return figures
