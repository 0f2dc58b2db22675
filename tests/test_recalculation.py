"""Recalculation requests as django-q2 tasks: statuses, coalescing, recovery."""

import logging
import re
from contextlib import contextmanager
from datetime import timedelta

import pytest
from django.db import connection
from django.utils import timezone
from django_q.models import OrmQ, Success

from wagtail_contactgroups.conf import stale_run_seconds
from wagtail_contactgroups.models import GroupStatus
from wagtail_contactgroups.recalculation import (
    TASK_FUNC,
    RequestOutcome,
    request_recalculation,
)
from wagtail_contactgroups.tasks import (
    recalculate_contact_group,
    recover_stale_recalculations,
)

from .helpers import (
    condition,
    condition_group,
    field_condition,
    make_contact,
    make_group,
    member_ids,
)

pytestmark = pytest.mark.django_db(transaction=True)

GERMAN = condition_group(field_condition("country", "eq", "DE"))
FRENCH = condition_group(field_condition("country", "eq", "FR"))
MEMBERSHIP_DELETE = 'DELETE FROM "wagtail_contactgroups_contactgroupmembership"'
STARTED = re.compile(r"Recalculation of contact group (\d+) started")


def member_of(*groups):
    return condition_group(
        condition("group_membership", operator="any", groups=[g.pk for g in groups])
    )


@contextmanager
def status_writes():
    """Record each group status that an UPDATE really wrote, in order."""
    written = []

    def record(execute, sql, params, many, context):
        result = execute(sql, params, many, context)
        table = 'UPDATE "wagtail_contactgroups_contactgroup"'
        if sql.startswith(table) and context["cursor"].rowcount > 0:
            # The SET clause comes first; WHERE may list statuses too.
            values = [value for value in params or () if value in GroupStatus.values]
            if values and values[0] not in written[-1:]:
                written.append(values[0])
        return result

    with connection.execute_wrapper(record):
        yield written


@contextmanager
def during_run(action):
    """Call ``action`` once, inside the run, just before members are deleted."""
    done = []

    def hook(execute, sql, params, many, context):
        if not done and sql.startswith(MEMBERSHIP_DELETE):
            done.append(action())
        return execute(sql, params, many, context)

    with connection.execute_wrapper(hook):
        yield done


def task_runs():
    return Success.objects.filter(func=TASK_FUNC).count()


def test_request_returns_queued_without_running():
    make_contact(email="a@example.com", country="DE")
    group = make_group("German", GERMAN)

    outcome = request_recalculation(group)

    group.refresh_from_db()
    assert outcome == RequestOutcome.QUEUED
    assert group.status == GroupStatus.QUEUED
    assert member_ids(group) == []
    assert OrmQ.objects.count() == 1
    assert group.recalculation_task_id


def test_status_moves_queued_running_up_to_date(sync_tasks):
    german = make_contact(email="a@example.com", country="DE")
    make_contact(email="b@example.com", country="FR")
    group = make_group("German", GERMAN)

    with status_writes() as written:
        request_recalculation(group)

    group.refresh_from_db()
    assert written == ["queued", "running", "up_to_date"]
    assert group.status == GroupStatus.UP_TO_DATE
    assert member_ids(group) == [german.pk]
    assert group.recalculated_at is not None


def test_failure_keeps_members_and_allows_retry(sync_tasks):
    german = make_contact(email="a@example.com", country="DE")
    group = make_group("German", GERMAN)
    request_recalculation(group)
    group.conditions = [condition_group(field_condition("no_such_field", "eq", "x"))]
    group.save()

    request_recalculation(group)

    group.refresh_from_db()
    assert group.status == GroupStatus.FAILED
    assert "no_such_field" in group.status_message
    assert member_ids(group) == [german.pk]

    group.conditions = [FRENCH]
    group.save()
    french = make_contact(email="b@example.com", country="FR")
    assert request_recalculation(group) == RequestOutcome.QUEUED
    group.refresh_from_db()
    assert group.status == GroupStatus.UP_TO_DATE
    assert member_ids(group) == [french.pk]


def test_failure_is_logged_with_traceback(sync_tasks, caplog):
    group = make_group("Broken", condition_group(field_condition("nope", "eq", "x")))

    with caplog.at_level(logging.INFO, logger="wagtail_contactgroups"):
        request_recalculation(group)

    failures = [r for r in caplog.records if "failed" in r.getMessage()]
    assert any(r.exc_info for r in failures)
    assert any(str(group.pk) in r.getMessage() for r in failures)


def test_retry_of_failed_run_is_logged(sync_tasks, caplog):
    group = make_group("Broken", condition_group(field_condition("nope", "eq", "x")))
    request_recalculation(group)

    with caplog.at_level(logging.INFO, logger="wagtail_contactgroups"):
        outcome = request_recalculation(group)

    group.refresh_from_db()
    assert outcome == RequestOutcome.QUEUED
    assert group.status == GroupStatus.FAILED
    assert "retry after a failed run" in caplog.text


def test_second_request_while_queued_coalesces():
    group = make_group("German", GERMAN)

    first = request_recalculation(group)
    second = request_recalculation(group)

    assert (first, second) == (RequestOutcome.QUEUED, RequestOutcome.ALREADY_QUEUED)
    assert OrmQ.objects.count() == 1


def test_request_during_run_gets_one_follow_up(sync_tasks):
    make_contact(email="a@example.com", country="DE")
    group = make_group("German", GERMAN)

    with during_run(lambda: request_recalculation(group)) as outcomes:
        request_recalculation(group)

    group.refresh_from_db()
    assert outcomes == [RequestOutcome.FOLLOW_UP]
    assert task_runs() == 2
    assert group.status == GroupStatus.UP_TO_DATE


def test_edit_during_run_gets_follow_up(sync_tasks):
    make_contact(email="a@example.com", country="DE")
    french = make_contact(email="b@example.com", country="FR")
    group = make_group("Market", GERMAN)

    def edit():
        group.conditions = [FRENCH]
        group.save()

    with during_run(edit):
        request_recalculation(group)

    group.refresh_from_db()
    assert task_runs() == 2
    assert group.status == GroupStatus.UP_TO_DATE
    assert member_ids(group) == [french.pk]


def test_task_for_idle_group_does_nothing():
    make_contact(email="a@example.com", country="DE")
    group = make_group("German", GERMAN)

    report = recalculate_contact_group(group.pk)

    group.refresh_from_db()
    assert report["skipped"] == [group.pk]
    assert group.recalculated_at is None
    assert member_ids(group) == []


def test_stale_run_marked_failed():
    group = make_group("German", GERMAN)
    long_ago = timezone.now() - timedelta(seconds=stale_run_seconds() + 5)
    type(group).objects.filter(pk=group.pk).update(
        status=GroupStatus.RUNNING, recalculation_started_at=long_ago
    )
    fresh = make_group("French", FRENCH)
    type(fresh).objects.filter(pk=fresh.pk).update(
        status=GroupStatus.RUNNING, recalculation_started_at=timezone.now()
    )

    assert recover_stale_recalculations() == [group.pk]

    group.refresh_from_db()
    fresh.refresh_from_db()
    assert group.status == GroupStatus.FAILED
    assert "did not finish" in group.status_message
    assert fresh.status == GroupStatus.RUNNING


def test_stale_run_can_be_retried(sync_tasks):
    german = make_contact(email="a@example.com", country="DE")
    group = make_group("German", GERMAN)
    long_ago = timezone.now() - timedelta(seconds=stale_run_seconds() + 5)
    type(group).objects.filter(pk=group.pk).update(
        status=GroupStatus.RUNNING, recalculation_started_at=long_ago
    )

    assert request_recalculation(group) == RequestOutcome.QUEUED

    group.refresh_from_db()
    assert group.status == GroupStatus.UP_TO_DATE
    assert member_ids(group) == [german.pk]


def test_lost_queued_task_queued_again():
    group = make_group("German", GERMAN)
    request_recalculation(group)
    long_ago = timezone.now() - timedelta(seconds=stale_run_seconds() + 5)
    type(group).objects.filter(pk=group.pk).update(recalculation_requested_at=long_ago)
    OrmQ.objects.all().delete()

    assert request_recalculation(group) == RequestOutcome.QUEUED
    assert OrmQ.objects.count() == 1


def test_dependents_run_once_in_order(sync_tasks, caplog):
    german = make_contact(email="a@example.com", country="DE")
    root = make_group("German", GERMAN)
    middle = make_group("Via German", member_of(root))
    top = make_group("Via both", member_of(middle), member_of(root))
    unrelated = make_group("French", FRENCH)

    with caplog.at_level(logging.INFO, logger="wagtail_contactgroups"):
        request_recalculation(root)

    matches = [STARTED.match(record.getMessage()) for record in caplog.records]
    started = [int(match.group(1)) for match in matches if match]
    assert started == [root.pk, middle.pk, top.pk]
    for group in (middle, top):
        group.refresh_from_db()
        assert group.status == GroupStatus.UP_TO_DATE
        assert member_ids(group) == [german.pk]
    unrelated.refresh_from_db()
    assert unrelated.status == GroupStatus.NEEDS_RECALCULATION


def test_save_keeps_status_owned_by_tasks():
    group = make_group("German", GERMAN)
    stale_copy = type(group).objects.get(pk=group.pk)
    request_recalculation(group)

    stale_copy.name = "Germany"
    stale_copy.save()

    group.refresh_from_db()
    assert group.name == "Germany"
    assert group.status == GroupStatus.QUEUED
