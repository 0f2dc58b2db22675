"""django-q2 task entry points; each is thin and calls ``runs`` or ``recalculation``."""

from __future__ import annotations

import logging
from contextvars import ContextVar

from django_q.signals import pre_execute

logger = logging.getLogger(__name__)

_current_task_id: ContextVar[str] = ContextVar("contactgroups_task_id", default="")


def _remember_task_id(sender, func=None, task=None, **kwargs) -> None:
    _current_task_id.set((task or {}).get("id", ""))


# The worker imports this module before it sends pre_execute for our tasks.
pre_execute.connect(_remember_task_id, dispatch_uid="contactgroups_task_id")


def recalculate_contact_group(group_id: int, using: str = "default") -> dict:
    """Recalculate a queued group and the groups that read it; return a report."""
    from .runs import run_recalculation

    return run_recalculation(group_id, using=using, task_id=_current_task_id.get())


def run_scheduled_recalculation(group_id: int, using: str = "default") -> dict:
    """Nightly run of one group, skipped if a run is already queued or running."""
    from .runs import claim_scheduled, run_recalculation

    task_id = _current_task_id.get()
    logger.info("Contact group %s: nightly recalculation in task %s", group_id, task_id)
    if not claim_scheduled(group_id, using):
        return {"group_id": group_id, "task_id": task_id, "skipped": [group_id]}
    return run_recalculation(group_id, using=using, task_id=task_id)


def recover_stale_recalculations(using: str = "default") -> list[int]:
    """Mark runs whose worker died as failed; return the group ids."""
    from .recalculation import recover_stale_runs

    return recover_stale_runs(using)
