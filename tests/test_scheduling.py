"""Nightly schedules: slot choice, sync with django-q2, and clock changes."""

from collections import Counter
from contextlib import contextmanager
from datetime import UTC, datetime, time, timedelta
from unittest import mock
from zoneinfo import ZoneInfo

import pytest
from django.core.management import call_command
from django.utils import timezone
from django_q.models import Schedule, Success
from django_q.scheduler import scheduler

from wagtail_contactgroups.models import ContactGroup
from wagtail_contactgroups.scheduling import (
    SCHEDULE_FUNC,
    SLOT_COUNT,
    next_run_after,
    schedule_name,
    slot_of,
)

from .helpers import condition_group, field_condition, make_group

BERLIN = ZoneInfo("Europe/Berlin")
GERMAN = condition_group(field_condition("country", "eq", "DE"))
SPRING_FORWARD = datetime(2026, 3, 29).date()


def group_schedules(group=None):
    schedules = Schedule.objects.filter(func=SCHEDULE_FUNC)
    return schedules.filter(name=schedule_name(group.pk)) if group else schedules


def local(*args, fold=0):
    return datetime(*args, tzinfo=BERLIN, fold=fold)


@contextmanager
def clock(start):
    """Replace Django's clock, which django-q2's scheduler reads too."""
    state = {"now": start}
    with mock.patch("django.utils.timezone.now", lambda: state["now"]):
        yield state


@pytest.mark.django_db
def test_enabling_creates_one_daily_schedule():
    group = make_group("German", GERMAN)
    assert not group_schedules().exists()

    group.schedule_enabled = True
    group.save()

    group.refresh_from_db()
    assert time(2, 0) <= group.scheduled_time < time(6, 0)
    (schedule,) = group_schedules(group)
    assert schedule.schedule_type == Schedule.DAILY
    assert schedule.args == repr((group.pk,))
    assert schedule.next_run > timezone.now()
    assert timezone.localtime(schedule.next_run).time() == group.scheduled_time


@pytest.mark.django_db
def test_times_spread_over_free_slots():
    groups = [
        make_group(f"Group {number}", GERMAN, schedule_enabled=True)
        for number in range(SLOT_COUNT + 2)
    ]
    slots = [slot_of(ContactGroup.objects.get(pk=g.pk).scheduled_time) for g in groups]

    assert sorted(slots[:SLOT_COUNT]) == list(range(SLOT_COUNT))
    assert max(Counter(slots).values()) == 2
    assert group_schedules().count() == SLOT_COUNT + 2


@pytest.mark.django_db
def test_disabling_removes_schedule():
    group = make_group("German", GERMAN, schedule_enabled=True)
    other = make_group("Other", GERMAN, schedule_enabled=True)

    group.schedule_enabled = False
    group.save()

    group.refresh_from_db()
    assert group.scheduled_time is None
    assert not group_schedules(group).exists()
    assert group_schedules(other).count() == 1


@pytest.mark.django_db
def test_deleting_group_removes_schedule():
    group = make_group("German", GERMAN, schedule_enabled=True)

    group.delete()

    assert not group_schedules().exists()


@pytest.mark.django_db
def test_editing_keeps_one_schedule_and_time():
    group = make_group("German", GERMAN, schedule_enabled=True)
    chosen = ContactGroup.objects.get(pk=group.pk).scheduled_time

    group.name = "Germany"
    group.conditions = [condition_group(field_condition("country", "eq", "AT"))]
    group.save()
    group.save()

    group.refresh_from_db()
    assert group.scheduled_time == chosen
    assert group_schedules(group).count() == 1


@pytest.mark.django_db
def test_editing_time_moves_schedule():
    group = make_group("German", GERMAN, schedule_enabled=True)

    group.scheduled_time = time(4, 40)
    group.save()

    (schedule,) = group_schedules(group)
    assert timezone.localtime(schedule.next_run).time() == time(4, 40)


@pytest.mark.django_db
def test_sync_command_rebuilds_idempotently(capsys):
    present = make_group("Present", GERMAN, schedule_enabled=True)
    lost = make_group("Lost", GERMAN, schedule_enabled=True)
    group_schedules(lost).delete()
    Schedule.objects.create(name=schedule_name(present.pk), func=SCHEDULE_FUNC)
    Schedule.objects.create(name=schedule_name(9999), func=SCHEDULE_FUNC)
    ContactGroup.objects.filter(pk=lost.pk).update(scheduled_time=None)

    call_command("sync_contact_group_schedules")
    first = capsys.readouterr().out
    call_command("sync_contact_group_schedules")
    second = capsys.readouterr().out

    assert "1 created" in first
    assert "2 deleted" in first
    assert "0 created, 0 updated, 0 deleted, 2 unchanged" in second
    assert group_schedules().count() == 2
    assert group_schedules(present).count() == group_schedules(lost).count() == 1
    assert ContactGroup.objects.get(pk=lost.pk).scheduled_time is not None


def test_next_run_skipped_hour_runs_after_gap():
    after = local(2026, 3, 28, 3, 30, 5)

    assert next_run_after(time(2, 30), after, BERLIN) == local(2026, 3, 29, 3, 30)
    assert next_run_after(time(3, 30), after, BERLIN) == local(2026, 3, 29, 3, 30)


def test_next_run_repeated_hour_runs_first():
    first = next_run_after(time(2, 30), local(2026, 10, 24, 3, 0), BERLIN)
    after_first = next_run_after(time(2, 30), first + timedelta(seconds=1), BERLIN)

    assert first == datetime(2026, 10, 25, 0, 30, tzinfo=UTC)
    assert after_first == local(2026, 10, 26, 2, 30)


@pytest.mark.django_db
@pytest.mark.parametrize(
    "start, days, slot",
    [
        (local(2026, 3, 27, 12, 1), 4, time(2, 30)),
        (local(2026, 3, 27, 12, 1), 4, time(3, 10)),
        (local(2026, 10, 23, 12, 1), 4, time(2, 30)),
    ],
)
def test_scheduler_runs_once_daily_across_dst(sync_tasks, settings, start, days, slot):
    settings.TIME_ZONE = "Europe/Berlin"
    with clock(start) as now:
        group = make_group("Nightly", GERMAN, schedule_enabled=True)
        ContactGroup.objects.filter(pk=group.pk).update(scheduled_time=slot)
        group.refresh_from_db()
        group.save()

        end = start + timedelta(days=days)
        while now["now"] < end:
            now["now"] += timedelta(minutes=5)
            scheduler()

    runs = sorted(
        Success.objects.filter(func=SCHEDULE_FUNC).values_list("started", flat=True)
    )
    days_run = Counter(timezone.localtime(run, BERLIN).date() for run in runs)
    assert len(runs) == days
    assert set(days_run.values()) == {1}
    for run in runs:
        day = timezone.localtime(run, BERLIN).date()
        shifted = slot.hour == 2 and day == SPRING_FORWARD
        expected = datetime.combine(day, time(slot.hour + shifted, slot.minute))
        delay = run - expected.replace(tzinfo=BERLIN).astimezone(UTC)
        # The scheduler is called every five minutes, one minute past the slot.
        assert delay == timedelta(minutes=1)
