"""Run every benchmark on one database and collect the report."""

from __future__ import annotations

import logging
import time
from dataclasses import dataclass

from . import data, listing, recalculation, saves
from . import groups as benchmark_groups
from .measure import Report, Row

logger = logging.getLogger(__name__)

SECTIONS = ("recalculation", "saves", "listing")


@dataclass
class Options:
    """What to measure and on how much data."""

    contacts: int
    activities_per_contact: int = 10
    repeat: int = 5
    save_repeat: int = 20
    group_counts: tuple[int, ...] = saves.GROUP_COUNTS
    sections: tuple[str, ...] = SECTIONS
    regenerate: bool = False
    using: str = "default"


def prepare_data(options: Options) -> None:
    """Generate the contacts and activities unless they are already there."""
    using = options.using
    wanted = options.contacts * options.activities_per_contact
    if (
        not options.regenerate
        and data.contact_count(using) == options.contacts
        and data.activity_count(using) >= wanted
    ):
        logger.info("Reusing %s contacts", options.contacts)
        benchmark_groups.delete_benchmark_groups()
        return
    data.reset(using)
    data.ensure_page(using)
    data.create_contacts(options.contacts, using)
    if options.activities_per_contact:
        data.create_activities(options.contacts, options.activities_per_contact, using)
    data.analyze(using)


def _sample_contact(using: str) -> int:
    """An active contact from the middle of the table."""
    from wagtail_contactgroups.conf import get_contact_model

    contacts = get_contact_model()._base_manager.using(using)
    middle = contacts.count() // 2 + 1
    return (
        contacts.filter(pk__gte=middle, merged_into__isnull=True).order_by("pk")[0].pk
    )


def run(options: Options, report: Report | None = None) -> Report:
    """Generate data if needed and measure the chosen sections."""
    report = report or Report()
    using = options.using
    started = time.monotonic()
    prepare_data(options)
    page = data.ensure_page(using) if options.activities_per_contact else None
    page_id = page.pk if page is not None else None
    if "recalculation" in options.sections:
        recalculation.run(report, options.repeat, page_id, using)
    if "saves" in options.sections:
        saves.run(
            report,
            options.save_repeat,
            _sample_contact(using),
            page,
            using,
            options.group_counts,
        )
    if "listing" in options.sections:
        _run_listing(report, options)
    benchmark_groups.delete_benchmark_groups()
    report.add(Row("run", "total", f"{time.monotonic() - started:.0f} s"))
    return report


def _run_listing(report: Report, options: Options) -> None:
    from wagtail_contactgroups.engine.recalculate import recalculate_group

    using = options.using
    benchmark_groups.delete_benchmark_groups()
    count_group = benchmark_groups.two_level_group()
    everyone = benchmark_groups.everyone_group()
    recalculate_group(everyone, using=using)
    listing.run(report, options.repeat, count_group, everyone, using)
