"""Run a queued recalculation in a worker: the group, its readers, a follow-up.

Called by the django-q2 tasks in ``tasks.py``. Every run first wins its
group's status row with a conditional ``UPDATE`` (see ``recalculation.py``),
so a duplicate delivery of a task, or a second cluster, finds nothing to do.
"""

from __future__ import annotations

import logging
from dataclasses import asdict, dataclass, field

from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext
from django_q.exceptions import TimeoutException

from .engine.dependencies import dependents_in_order
from .engine.recalculate import RecalculationError, recalculate_group
from .models import ContactGroup, GroupStatus
from .recalculation import IDLE, claim_queue, enqueue, recover_stale_runs

logger = logging.getLogger(__name__)


@dataclass
class RunReport:
    """Summary of one task's work, returned as the django-q2 task result."""

    group_id: int
    task_id: str
    recalculated: list[int] = field(default_factory=list)
    failed: dict[int, str] = field(default_factory=dict)
    skipped: list[int] = field(default_factory=list)
    follow_up: list[int] = field(default_factory=list)

    def as_dict(self) -> dict:
        return asdict(self)


def run_recalculation(group_id: int, using: str = "default", task_id: str = "") -> dict:
    """Recalculate a queued group, then the groups that read it, in order.

    Does nothing if the group is not queued (another worker has it, or the
    task was delivered twice). Failures are logged and recorded on the group;
    they never leave it running.
    """
    recover_stale_runs(using)
    report = RunReport(group_id, task_id)
    claimed_at = _claim(group_id, using, Q(status=GroupStatus.QUEUED))
    if claimed_at is None:
        status = _status(group_id, using)
        logger.info(
            "Contact group %s: task %s found it %s, not queued; nothing to do",
            group_id,
            task_id,
            status or "deleted",
        )
        report.skipped.append(group_id)
        return report.as_dict()

    logger.info("Contact group %s: task %s claimed the run", group_id, task_id)
    changed = _run_one(group_id, using, task_id, report)
    if changed:
        _run_dependents(group_id, using, task_id, report)
    _follow_up(group_id, claimed_at, using, task_id, report)
    return report.as_dict()


def claim_scheduled(group_id: int, using: str = "default") -> bool:
    """Queue a group for its nightly run; False if a run is queued or running."""
    if claim_queue(group_id, using):
        return True
    logger.info(
        "Contact group %s: nightly run coalesced with the %s run",
        group_id,
        _status(group_id, using) or "missing",
    )
    return False


def _claim(group_id: int, using: str, condition: Q):
    """Move the group to running if ``condition`` holds; return the claim time."""
    now = timezone.now()
    won = (
        ContactGroup.objects.using(using)
        .filter(condition, pk=group_id)
        .update(status=GroupStatus.RUNNING, recalculation_started_at=now)
    )
    return now if won else None


def _run_one(group_id: int, using: str, task_id: str, report: RunReport) -> bool:
    """Recalculate one claimed group; return whether its membership changed."""
    group = ContactGroup.objects.using(using).filter(pk=group_id).first()
    if group is None:
        report.skipped.append(group_id)
        return False
    try:
        result = recalculate_group(group, using=using)
    except RecalculationError as error:
        logger.error(
            "Contact group %s: recalculation in task %s failed: %s",
            group_id,
            task_id,
            error,
            exc_info=True,
        )
        report.failed[group_id] = str(error)
        return False
    except TimeoutException:
        _fail(group_id, using, gettext("The recalculation ran out of time."))
        logger.error(
            "Contact group %s: task %s timed out (Q_CLUSTER timeout)", group_id, task_id
        )
        raise
    except Exception as error:
        # Anything the engine does not expect; its transaction has rolled back.
        _fail(group_id, using, str(error) or type(error).__name__)
        logger.exception(
            "Contact group %s: recalculation in task %s failed", group_id, task_id
        )
        report.failed[group_id] = str(error)
        return False
    report.recalculated.append(group_id)
    return bool(result.added or result.removed)


def _run_dependents(group_id: int, using: str, task_id: str, report) -> None:
    """Recalculate each group that reads ``group_id``, directly or not, once."""
    graph = {
        row["pk"]: set(row["dependencies"].get("groups", []))
        for row in ContactGroup.objects.using(using).values("pk", "dependencies")
    }
    for reader_id in dependents_in_order([group_id], graph):
        claimed_at = _claim(reader_id, using, Q(status__in=IDLE))
        if claimed_at is None:
            _ask_for_follow_up(reader_id, using)
            logger.info(
                "Contact group %s: reads group %s but is queued or running "
                "elsewhere; left to that run",
                reader_id,
                group_id,
            )
            report.skipped.append(reader_id)
            continue
        logger.info(
            "Contact group %s: recalculating because it reads group %s (task %s)",
            reader_id,
            group_id,
            task_id,
        )
        _run_one(reader_id, using, task_id, report)
        _follow_up(reader_id, claimed_at, using, task_id, report)


def _ask_for_follow_up(group_id: int, using: str) -> None:
    """Make a running group queue one more run when it ends."""
    ContactGroup.objects.using(using).filter(
        pk=group_id, status=GroupStatus.RUNNING
    ).update(recalculation_requested_at=timezone.now())


def _follow_up(group_id, claimed_at, using: str, task_id: str, report) -> None:
    """Queue one more run if it was requested, or the condition changed, mid-run."""
    row = (
        ContactGroup.objects.using(using)
        .filter(pk=group_id)
        .values("status", "recalculation_requested_at")
        .first()
    )
    if row is None:
        return
    requested = row["recalculation_requested_at"]
    requested_during_run = requested is not None and requested > claimed_at
    stale_result = row["status"] == GroupStatus.NEEDS_RECALCULATION
    if not (requested_during_run or stale_result):
        return
    if claim_queue(group_id, using):
        logger.info(
            "Contact group %s: %s during task %s; queueing a follow-up run",
            group_id,
            "requested again" if requested_during_run else "condition changed",
            task_id,
        )
        report.follow_up.append(group_id)
        enqueue(group_id, using)


def _fail(group_id: int, using: str, message: str) -> None:
    ContactGroup.objects.using(using).filter(pk=group_id).update(
        status=GroupStatus.FAILED, status_message=message
    )


def _status(group_id: int, using: str) -> str | None:
    return (
        ContactGroup.objects.using(using)
        .filter(pk=group_id)
        .values_list("status", flat=True)
        .first()
    )
