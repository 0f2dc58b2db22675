"""A recalculation whose worker dies or raises midway changes nothing; a retry works."""

import os
import signal

import pytest
from django.db import connection

from wagtail_contactgroups.conditions import registry
from wagtail_contactgroups.conf import get_contact_model
from wagtail_contactgroups.models import GroupStatus
from wagtail_contactgroups.recalculation import (
    RequestOutcome,
    recover_stale_runs,
    request_recalculation,
)

from .cluster import running_qcluster, wait_for, wait_for_log
from .faults import (
    backend_alive,
    descendant_pids,
    sleeping_backend,
    slow_membership_inserts,
    worker_pid_processing,
)
from .helpers import (
    condition,
    condition_group,
    field_condition,
    make_contact,
    make_group,
    member_ids,
)
from .reliability import membership_mismatches
from .test_engine_recalculate import ExplodingCondition

GERMAN = condition_group(field_condition("country", "eq", "DE"))


def german_group_with_pending_changes():
    """A recalculated group whose next run would add two and remove one contact."""
    from wagtail_contactgroups.engine.recalculate import recalculate_group

    contacts = get_contact_model().objects
    for number in range(3):
        make_contact(email=f"de{number}@example.com", country="DE")
    for number in range(2):
        make_contact(email=f"fr{number}@example.com", country="FR")
    group = make_group("German", GERMAN)
    recalculate_group(group)
    before = member_ids(group)
    # Queryset updates send no signals, so only a recalculation reads them.
    contacts.filter(country="FR").update(country="DE")
    contacts.filter(pk=before[0]).update(country="AT")
    return group, before


@pytest.mark.cluster
@pytest.mark.django_db(transaction=True)
@pytest.mark.skipif(
    connection.vendor != "postgresql",
    reason="PostgreSQL only: the run is slowed by a pg_sleep trigger",
)
def test_killed_worker_recovered_and_retried(tmp_path, settings):
    settings.WAGTAIL_CONTACTGROUPS_STALE_RUN_SECONDS = 2
    group, before = german_group_with_pending_changes()
    log = tmp_path / "qcluster.log"

    with running_qcluster(log) as cluster:
        wait_for_log(log, " running.")
        with slow_membership_inserts(3):
            assert request_recalculation(group) == RequestOutcome.QUEUED
            wait_for(lambda: sleeping_backend() is not None, log)
            backend = sleeping_backend()
            worker = worker_pid_processing(log, f"Recalculate contact group {group.pk}")
            assert worker in descendant_pids(cluster.pid)
            os.kill(worker, signal.SIGKILL)
            # The server rolls the transaction back once the client is gone.
            wait_for(lambda: not backend_alive(backend), log, seconds=30)

        group.refresh_from_db()
        assert member_ids(group) == before
        assert group.status == GroupStatus.RUNNING
        recovered = []
        wait_for(lambda: recovered.extend(recover_stale_runs()) or recovered, log)
        assert recovered == [group.pk]
        group.refresh_from_db()
        assert group.status == GroupStatus.FAILED
        assert "the worker running it stopped" in group.status_message
        assert member_ids(group) == before

        assert request_recalculation(group) == RequestOutcome.QUEUED
        wait_for(lambda: _status(group) == GroupStatus.UP_TO_DATE, log)

    assert membership_mismatches(group) == (set(), set())
    assert len(member_ids(group)) == 4
    assert "reincarnated worker" in log.read_text(errors="replace")


def _status(group) -> str:
    group.refresh_from_db()
    return group.status


@pytest.fixture
def exploding():
    registry.register(ExplodingCondition())
    yield
    registry.unregister(ExplodingCondition.name)


@pytest.mark.django_db(transaction=True)
def test_task_raising_midway_keeps_members(sync_tasks, exploding):
    group, before = german_group_with_pending_changes()
    boom = make_contact(email="boom@example.com", country="DE", first_name="boom")
    # Saving the contact added it to the group at once.
    before = sorted([*before, boom.pk])
    group.conditions = [
        condition_group(
            field_condition("country", "eq", "DE"),
            condition(ExplodingCondition.name, note=""),
        )
    ]
    group.save()

    # The task deletes the contact now in Austria, then its insert raises.
    assert request_recalculation(group) == RequestOutcome.QUEUED

    group.refresh_from_db()
    assert group.status == GroupStatus.FAILED
    assert "integer" in group.status_message or "JSON" in group.status_message
    assert member_ids(group) == before

    boom.first_name = "calm"
    boom.save()
    assert request_recalculation(group) == RequestOutcome.QUEUED
    group.refresh_from_db()
    assert group.status == GroupStatus.UP_TO_DATE
    assert group.status_message == ""
    assert membership_mismatches(group) == (set(), set())
    assert len(member_ids(group)) == 5
