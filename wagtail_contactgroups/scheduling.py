"""Nightly recalculation: choose each group's time and keep django-q2 schedules in step.

Each group with ``schedule_enabled`` has a ``scheduled_time`` between 02:00
and 06:00 in ``TIME_ZONE`` and exactly one django-q2 ``Schedule`` named after
the group. django-q2 moves a daily schedule on by 24 hours and corrects for
the clock change, which on a spring-forward day moves a run at 02:30 to 01:30
for good. So every save of one of these schedules sets ``next_run`` from the
group's local time here instead. A time in the skipped hour runs once, an hour
later by the clock. A time in the repeated autumn hour runs once, at its first
occurrence.
"""

from __future__ import annotations

import logging
import random
from collections import Counter
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta

from django.db import router, transaction
from django.utils import timezone
from django_q.models import Schedule

from .models import ContactGroup

logger = logging.getLogger(__name__)

SCHEDULE_FUNC = "wagtail_contactgroups.tasks.run_scheduled_recalculation"
RECOVERY_FUNC = "wagtail_contactgroups.tasks.recover_stale_recalculations"
RECOVERY_NAME = "wagtail_contactgroups: recover stale recalculations"
RECOVERY_MINUTES = 10

WINDOW_START = time(2, 0)
SLOT_MINUTES = 5
SLOT_COUNT = 48  # 02:00 to 06:00 in 5-minute slots


def schedule_name(group_id: int) -> str:
    """Return the name of the django-q2 schedule that belongs to a group."""
    return f"wagtail_contactgroups: recalculate group {group_id}"


def slot_of(value: time) -> int | None:
    """Return the 5-minute slot (0-47) of a time, or None outside 02:00-06:00."""
    minutes = (value.hour - WINDOW_START.hour) * 60 + value.minute
    slot = minutes // SLOT_MINUTES
    return slot if 0 <= slot < SLOT_COUNT else None


def choose_time(exclude_id: int | None = None, using: str = "default") -> time:
    """Pick a random time between 02:00 and 06:00 in the least used slot.

    While one of the 48 slots is free, no two scheduled groups share a slot;
    after that the groups are spread evenly over the slots.
    """
    # NOTE: two groups enabled at the same moment in different transactions
    # can pick the same slot, because nothing locks the other groups' times.
    used_slots = Counter(
        slot_of(value)
        for value in ContactGroup.objects.using(using)
        .filter(schedule_enabled=True, scheduled_time__isnull=False)
        .exclude(pk=exclude_id)
        .values_list("scheduled_time", flat=True)
    )
    fewest = min(used_slots.get(slot, 0) for slot in range(SLOT_COUNT))
    free = [slot for slot in range(SLOT_COUNT) if used_slots.get(slot, 0) == fewest]
    minutes = random.choice(free) * SLOT_MINUTES + random.randrange(SLOT_MINUTES)
    start = datetime.combine(date.min, WINDOW_START)
    return (start + timedelta(minutes=minutes)).time()


def next_run_after(local_time: time, after: datetime, tz=None) -> datetime:
    """Return the first run at ``local_time`` in ``tz`` strictly after ``after``.

    A time the clocks skip resolves to the same distance past the change
    (02:30 becomes 03:30); a repeated time resolves to its first occurrence.
    """
    tz = tz or timezone.get_default_timezone()
    day = timezone.localtime(after, tz).date()
    for offset in range(3):
        naive = datetime.combine(day + timedelta(days=offset), local_time)
        # fold=0 reads a skipped time with the offset in force before the gap.
        candidate = naive.replace(tzinfo=tz, fold=0).astimezone(UTC)
        if candidate > after:
            return candidate
    raise AssertionError("a daily time always recurs within three days")


@dataclass
class SyncReport:
    """Counts of django-q2 schedules changed by a sync."""

    created: int = 0
    updated: int = 0
    deleted: int = 0
    unchanged: int = 0

    def add(self, other: SyncReport) -> None:
        for name in ("created", "updated", "deleted", "unchanged"):
            setattr(self, name, getattr(self, name) + getattr(other, name))


def ensure_scheduled_time(group, using: str = "default") -> None:
    """Give an enabled group a time, and take it from a disabled one."""
    if group.schedule_enabled and group.scheduled_time is None:
        group.scheduled_time = choose_time(exclude_id=group.pk, using=using)
        logger.info(
            "Contact group %s: nightly recalculation at %s",
            group.pk,
            group.scheduled_time,
        )
    elif not group.schedule_enabled and group.scheduled_time is not None:
        group.scheduled_time = None
    else:
        return
    ContactGroup.objects.using(using).filter(pk=group.pk).update(
        scheduled_time=group.scheduled_time
    )


def sync_group_schedule(group, using: str = "default") -> SyncReport:
    """Leave the group exactly one nightly django-q2 schedule, or none."""
    report = SyncReport()
    with transaction.atomic(using=router.db_for_write(Schedule)):
        existing = list(
            Schedule.objects.select_for_update()
            .filter(name=schedule_name(group.pk))
            .order_by("pk")
        )
        enabled = group.schedule_enabled and group.scheduled_time is not None
        keep = existing[:1] if enabled else []
        for extra in existing[len(keep) :]:
            extra.delete()
            report.deleted += 1
        if enabled:
            _write_schedule(keep[0] if keep else None, group, report)
    return report


def _write_schedule(schedule, group, report: SyncReport) -> None:
    values = {
        "func": SCHEDULE_FUNC,
        "args": repr((group.pk,)),
        "kwargs": None,
        "schedule_type": Schedule.DAILY,
        "repeats": -1,
        "cluster": None,
        "next_run": next_run_after(group.scheduled_time, timezone.now()),
    }
    if schedule is None:
        Schedule.objects.create(name=schedule_name(group.pk), **values)
        report.created += 1
        logger.info("Contact group %s: created its nightly schedule", group.pk)
        return
    if all(getattr(schedule, key) == value for key, value in values.items()):
        report.unchanged += 1
        return
    for key, value in values.items():
        setattr(schedule, key, value)
    schedule.save()
    report.updated += 1


def delete_group_schedules(group_id: int) -> int:
    """Delete the django-q2 schedules of a group; return how many there were."""
    deleted, _counts = Schedule.objects.filter(name=schedule_name(group_id)).delete()
    if deleted:
        logger.info("Contact group %s: deleted its nightly schedule", group_id)
    return deleted


def sync_all_schedules(using: str = "default") -> SyncReport:
    """Rebuild every group's schedule and drop orphans; safe to run again."""
    report = SyncReport()
    enabled_names = set()
    for group in ContactGroup.objects.using(using).order_by("pk"):
        ensure_scheduled_time(group, using)
        report.add(sync_group_schedule(group, using))
        if group.schedule_enabled:
            enabled_names.add(schedule_name(group.pk))
    orphans = Schedule.objects.filter(func=SCHEDULE_FUNC).exclude(
        name__in=enabled_names
    )
    report.deleted += orphans.delete()[0]
    ensure_recovery_schedule()
    return report


def ensure_recovery_schedule() -> None:
    """Keep one schedule that marks dead runs failed every few minutes."""
    schedules = Schedule.objects.filter(func=RECOVERY_FUNC).order_by("pk")
    first = schedules.first()
    if first is None:
        Schedule.objects.create(
            name=RECOVERY_NAME,
            func=RECOVERY_FUNC,
            schedule_type=Schedule.MINUTES,
            minutes=RECOVERY_MINUTES,
            repeats=-1,
        )
        return
    schedules.exclude(pk=first.pk).delete()


def align_next_run(schedule) -> None:
    """Set a group schedule's ``next_run`` from the group's local time."""
    if schedule.func != SCHEDULE_FUNC or not schedule.name:
        return
    prefix = schedule_name(0)[:-1]
    if not schedule.name.startswith(prefix):
        return
    group_id = schedule.name[len(prefix) :]
    scheduled_time = (
        ContactGroup.objects.filter(pk=int(group_id), schedule_enabled=True)
        .values_list("scheduled_time", flat=True)
        .first()
        if group_id.isdigit()
        else None
    )
    if scheduled_time is not None:
        schedule.next_run = next_run_after(scheduled_time, timezone.now())
