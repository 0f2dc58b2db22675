"""A real qcluster process runs queued and scheduled recalculations."""

import os
import signal
import subprocess
import sys
import time
from datetime import timedelta
from pathlib import Path

import pytest
from django.db import connection
from django.utils import timezone
from django_q.models import Schedule
from django_q.scheduler import scheduler

from wagtail_contactgroups.models import ContactGroup, GroupStatus
from wagtail_contactgroups.recalculation import RequestOutcome, request_recalculation
from wagtail_contactgroups.scheduling import schedule_name

from .helpers import (
    condition_group,
    field_condition,
    make_contact,
    make_group,
    member_ids,
)

REPO_DIR = Path(__file__).resolve().parents[1]
GERMAN = condition_group(field_condition("country", "eq", "DE"))

pytestmark = [pytest.mark.cluster, pytest.mark.django_db(transaction=True)]


def cluster_environment() -> dict:
    """Point a child process at the test database this test uses."""
    env = dict(os.environ)
    env["DJANGO_SETTINGS_MODULE"] = "testproject.settings.test"
    env["PYTHONPATH"] = os.pathsep.join([str(REPO_DIR), str(REPO_DIR / "testproject")])
    name = str(connection.settings_dict["NAME"])
    if connection.vendor == "sqlite":
        env["CONTACTGROUPS_SQLITE_NAME"] = name
    else:
        env["CONTACTGROUPS_PG_NAME"] = name
    return env


@pytest.fixture
def qcluster(tmp_path):
    """Start ``manage.py qcluster``; stop exactly that process afterwards."""
    log_path = tmp_path / "qcluster.log"
    with open(log_path, "wb") as log:
        process = subprocess.Popen(
            [sys.executable, str(REPO_DIR / "testproject" / "manage.py"), "qcluster"],
            env=cluster_environment(),
            stdout=log,
            stderr=subprocess.STDOUT,
        )
    try:
        yield log_path
    finally:
        process.send_signal(signal.SIGTERM)
        try:
            process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


def wait_for(check, log_path, seconds=45.0):
    """Poll ``check`` until it is true; fail with the cluster's log if it is not."""
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if check():
            return
        time.sleep(0.25)
    pytest.fail(f"Timed out. qcluster log:\n{log_path.read_text(errors='replace')}")


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
