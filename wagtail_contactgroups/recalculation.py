"""Request recalculations as django-q2 tasks, one run per group at a time.

A group's ``status`` row is the claim: every move between idle, queued and
running is a conditional ``UPDATE`` on that row, so only one request, task or
worker wins it, on any number of machines. Views and site code call
:func:`request_recalculation`; the task it queues runs ``runs.run_recalculation``.
"""

from __future__ import annotations

import logging
from datetime import timedelta
from enum import StrEnum

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext

from .conf import stale_run_seconds
from .models import ContactGroup, GroupStatus

logger = logging.getLogger(__name__)

TASK_FUNC = "wagtail_contactgroups.tasks.recalculate_contact_group"

# Statuses from which a new run may be queued.
IDLE = (GroupStatus.UP_TO_DATE, GroupStatus.NEEDS_RECALCULATION, GroupStatus.FAILED)


class RequestOutcome(StrEnum):
    """Result of a :func:`request_recalculation` call."""

    QUEUED = "queued"
    ALREADY_QUEUED = "already_queued"
    FOLLOW_UP = "follow_up"


def request_recalculation(group, user=None) -> RequestOutcome:
    """Queue a background recalculation of ``group``; return at once.

    A request for a group that is already queued joins that run. A request
    for a running group makes that run queue one follow-up run when it ends.
    """
    using = group._state.db or "default"
    recover_stale_runs(using)
    rows = ContactGroup.objects.using(using).filter(pk=group.pk)
    user_id = getattr(user, "pk", None)

    for _attempt in range(3):
        now = timezone.now()
        previous = rows.values_list("status", flat=True).first()
        if claim_queue(group.pk, using):
            logger.info(
                "Contact group %s: recalculation requested by user %s%s",
                group.pk,
                user_id,
                " (retry after a failed run)" if previous == GroupStatus.FAILED else "",
            )
            enqueue(group.pk, using)
            return RequestOutcome.QUEUED
        if rows.filter(status=GroupStatus.RUNNING).update(
            recalculation_requested_at=now
        ):
            logger.info(
                "Contact group %s: request by user %s joins the running task %s "
                "as one follow-up run",
                group.pk,
                user_id,
                _task_id(rows),
            )
            return RequestOutcome.FOLLOW_UP
        if _requeue_lost(rows, now, using):
            return RequestOutcome.QUEUED
        if rows.filter(status=GroupStatus.QUEUED).exists():
            logger.info(
                "Contact group %s: request by user %s coalesced with queued task %s",
                group.pk,
                user_id,
                _task_id(rows),
            )
            return RequestOutcome.ALREADY_QUEUED
        if not rows.exists():
            raise ContactGroup.DoesNotExist(
                f"Contact group {group.pk} not found; it may have been deleted."
            )
    # The status moved between the statements above three times in a row.
    return RequestOutcome.ALREADY_QUEUED


def claim_queue(group_id: int, using: str) -> bool:
    """Move an idle group to queued; return whether this caller won the claim."""
    return bool(
        ContactGroup.objects.using(using)
        .filter(pk=group_id, status__in=IDLE)
        .update(
            status=GroupStatus.QUEUED,
            status_message="",
            recalculation_requested_at=timezone.now(),
            recalculation_task_id="",
        )
    )


def enqueue(group_id: int, using: str) -> None:
    """Send the task for a queued group once the current transaction commits."""
    transaction.on_commit(lambda: _send(group_id, using), using=using)


def _send(group_id: int, using: str) -> None:
    from django_q.tasks import async_task

    rows = ContactGroup.objects.using(using).filter(pk=group_id)
    try:
        task_id = async_task(
            TASK_FUNC,
            group_id,
            using=using,
            task_name=f"Recalculate contact group {group_id}",
            q_options={"group": "wagtail_contactgroups"},
        )
    except Exception as error:
        logger.exception(
            "Contact group %s: queueing the recalculation failed", group_id
        )
        rows.filter(status=GroupStatus.QUEUED).update(
            status=GroupStatus.FAILED,
            status_message=gettext(
                "The recalculation could not be queued: %(error)s. Check that the "
                "task broker is reachable, then recalculate again."
            )
            % {"error": error},
        )
        return
    from .scheduling import ensure_recovery_schedule

    ensure_recovery_schedule()
    # With sync=True the task has already run; keep its id for reference.
    rows.filter(recalculation_task_id="").update(recalculation_task_id=task_id)
    logger.info("Contact group %s: recalculation queued as task %s", group_id, task_id)


def _requeue_lost(rows, now, using: str) -> bool:
    """Queue a group again whose task has waited too long to start."""
    cutoff = now - timedelta(seconds=stale_run_seconds())
    lost = rows.filter(
        status=GroupStatus.QUEUED, recalculation_requested_at__lt=cutoff
    ).update(recalculation_requested_at=now, recalculation_task_id="")
    if lost:
        group_id = rows.values_list("pk", flat=True).first()
        logger.warning(
            "Contact group %s: queued task never started within %s s; queueing again",
            group_id,
            stale_run_seconds(),
        )
        enqueue(group_id, using)
    return bool(lost)


def recover_stale_runs(using: str = "default") -> list[int]:
    """Mark groups failed whose run outlived the task timeout; return their ids.

    Their worker stopped without recording an outcome. Membership is as before
    the run (it works in one transaction), and the group can be recalculated.
    """
    groups = ContactGroup.objects.using(using)
    cutoff = timezone.now() - timedelta(seconds=stale_run_seconds())
    stale = groups.filter(status=GroupStatus.RUNNING).filter(
        recalculation_started_at__lt=cutoff
    ) | groups.filter(status=GroupStatus.RUNNING, recalculation_started_at=None)
    recovered = []
    for pk, started, task_id in stale.values_list(
        "pk", "recalculation_started_at", "recalculation_task_id"
    ):
        message = gettext(
            "The recalculation started at %(started)s did not finish: the worker "
            "running it stopped. Membership is unchanged; recalculate the group "
            "again."
        ) % {"started": timezone.localtime(started) if started else "?"}
        if groups.filter(
            pk=pk, status=GroupStatus.RUNNING, recalculation_started_at=started
        ).update(status=GroupStatus.FAILED, status_message=message):
            logger.warning(
                "Contact group %s: run of task %s started at %s is stale; marked "
                "failed so it can be retried",
                pk,
                task_id or "?",
                started,
            )
            recovered.append(pk)
    return recovered


def _task_id(rows) -> str:
    return rows.values_list("recalculation_task_id", flat=True).first() or "?"
