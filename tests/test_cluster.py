"""A real qcluster process runs queued and scheduled recalculations."""

from datetime import timedelta

import pytest
from django.utils import timezone
from django_q.models import Schedule
from django_q.scheduler import scheduler

from wagtail_contactgroups.models import ContactGroup, GroupStatus
from wagtail_contactgroups.recalculation import RequestOutcome, request_recalculation
from wagtail_contactgroups.scheduling import schedule_name

from .cluster import wait_for
from .helpers import (
    condition_group,
    field_condition,
    make_contact,
    make_group,
    member_ids,
)

GERMAN = condition_group(field_condition("country", "eq", "DE"))

pytestmark = [pytest.mark.cluster, pytest.mark.django_db(transaction=True)]


def status_of(group) -> str:
    return ContactGroup.objects.values_list("status", flat=True).get(pk=group.pk)


def test_cluster_runs_queued_and_scheduled(qcluster):
    german = make_contact(email="a@example.com", country="DE")
    make_contact(email="b@example.com", country="FR")
    group = make_group("German", GERMAN)

    assert request_recalculation(group) == RequestOutcome.QUEUED
    assert status_of(group) == GroupStatus.QUEUED
    wait_for(lambda: status_of(group) == GroupStatus.UP_TO_DATE, qcluster)
    assert member_ids(group) == [german.pk]

    nightly = make_group("Nightly German", GERMAN, schedule_enabled=True)
    due = timezone.now() - timedelta(minutes=1)
    # A queryset update skips the receiver that would move next_run to 02:00+.
    Schedule.objects.filter(name=schedule_name(nightly.pk)).update(next_run=due)
    scheduler()

    def ran():
        return ContactGroup.objects.get(pk=nightly.pk).recalculated_at is not None

    wait_for(ran, qcluster)
    assert member_ids(nightly) == [german.pk]
    assert status_of(nightly) == GroupStatus.UP_TO_DATE
    schedule = Schedule.objects.get(name=schedule_name(nightly.pk))
    assert schedule.next_run > timezone.now()
    assert schedule.task
