"""The entry point that admin views and site code use to request a recalculation."""

from __future__ import annotations

import logging

from .engine.recalculate import recalculate_groups

logger = logging.getLogger(__name__)


def request_recalculation(group, user=None) -> None:
    """Recalculate ``group`` and then the groups that read it.

    Runs in the calling process. The group's status records the outcome: a
    failure leaves membership unchanged and marks the group failed.
    """
    failures: dict[int, str] = {}
    recalculate_groups([group], using=group._state.db or "default", failures=failures)
    for group_id, message in failures.items():
        logger.warning(
            "Recalculation of contact group %s requested by user %s failed: %s",
            group_id,
            getattr(user, "pk", None),
            message,
        )
