"""Two qcluster processes on one Redis broker recalculate a group once (PostgreSQL).

Cluster A listens on the default Redis list, cluster B (started with
``Q_CLUSTER_NAME``) on its own list of the same Redis server; both use the
same test database. Two requests arrive at once, and the queued task reaches
both clusters: exactly one run may happen.
"""

import re
import threading
import time

import pytest
from django.db import connection, transaction
from django_q.models import Success
from django_q.tasks import async_task

from wagtail_contactgroups.models import ContactGroup, GroupStatus
from wagtail_contactgroups.recalculation import (
    TASK_FUNC,
    RequestOutcome,
    request_recalculation,
)

from .cluster import running_qcluster, wait_for, wait_for_log
from .faults import running_redis, slow_membership_inserts
from .helpers import condition_group, field_condition, make_contact, make_group

pytestmark = [
    pytest.mark.cluster,
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(
        connection.vendor != "postgresql",
        reason="PostgreSQL only: two clusters need a database both can write to "
        "at once",
    ),
]

CLUSTER_B = "contactgroups_b"
GERMAN = condition_group(field_condition("country", "eq", "DE"))


@pytest.fixture
def two_clusters(tmp_path, monkeypatch):
    """Redis, then clusters A and B on it; yields both log paths."""
    from django_q.conf import Conf

    with running_redis(tmp_path) as port:
        # This process queues tasks too: point its django-q2 at the same Redis.
        monkeypatch.setattr(Conf, "ORM", None)
        monkeypatch.setattr(Conf, "REDIS", {"host": "127.0.0.1", "port": port})
        env = {"CONTACTGROUPS_Q_REDIS_PORT": str(port)}
        logs = tmp_path / "cluster-a.log", tmp_path / "cluster-b.log"
        with (
            running_qcluster(logs[0], env),
            running_qcluster(logs[1], {**env, "Q_CLUSTER_NAME": CLUSTER_B}),
        ):
            for log in logs:
                wait_for_log(log, " running.")
            yield logs


def request_at_once(group_id: int) -> list[RequestOutcome]:
    """Request a run from two threads at once; the second also hands the task
    to cluster B, as a duplicate delivery would."""
    barrier = threading.Barrier(2)
    outcomes, errors = [], []

    def request():
        try:
            barrier.wait(10)
            with transaction.atomic():
                outcome = request_recalculation(ContactGroup.objects.get(pk=group_id))
                # Keep the claim open, so the other request overlaps it.
                time.sleep(0.3)
            outcomes.append(outcome)
            if outcome != RequestOutcome.QUEUED:
                async_task(
                    TASK_FUNC,
                    group_id,
                    cluster=CLUSTER_B,
                    task_name=f"Recalculate contact group {group_id}",
                )
        except BaseException as error:  # reported below
            errors.append(error)
        finally:
            connection.close()

    threads = [threading.Thread(target=request) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(30)
    assert not errors, errors
    return outcomes


def test_two_clusters_run_group_once(two_clusters):
    log_a, log_b = two_clusters
    germans = {
        make_contact(email=f"de{n}@example.com", country="DE").pk for n in range(5)
    }
    make_contact(email="fr@example.com", country="FR")
    group = make_group("German", GERMAN)

    with slow_membership_inserts(1.5):
        outcomes = request_at_once(group.pk)
        assert sorted(outcomes) == [
            RequestOutcome.ALREADY_QUEUED,
            RequestOutcome.QUEUED,
        ]

        def both_tasks_done():
            return Success.objects.filter(func=TASK_FUNC).count() >= 2

        wait_for(both_tasks_done, log_a)

    group.refresh_from_db()
    assert group.status == GroupStatus.UP_TO_DATE
    assert set(group.memberships.values_list("contact_id", flat=True)) == germans
    reports = [task.result for task in Success.objects.filter(func=TASK_FUNC)]
    assert sorted(report["recalculated"] for report in reports) == [[], [group.pk]]
    assert sorted(report["skipped"] for report in reports) == [[], [group.pk]]

    logs = log_a.read_text(errors="replace") + log_b.read_text(errors="replace")
    started = re.findall(rf"Recalculation of contact group {group.pk} started", logs)
    assert len(started) == 1, logs
    for log in (log_a, log_b):
        assert f"processing Recalculate contact group {group.pk}" in log.read_text()
    assert "not queued; nothing to do" in logs
