"""Find groups whose condition refers to something that no longer exists."""

from __future__ import annotations

import logging

from ..conditions import ConditionContext, ConditionError
from .tree import build_q

logger = logging.getLogger(__name__)


def mark_broken_groups(using: str = "default") -> list[int]:
    """Mark idle groups with an unusable condition as failed; return their ids.

    A condition becomes unusable when a group, page or form it names is
    deleted, or a contact field it reads is removed. The group keeps its
    members, and its status message gives editors the reason. Its next
    recalculation fails with the same reason until the condition is fixed.
    Queued and running groups are left to their task, which fails the same
    way.
    """
    from ..models import ContactGroup, GroupStatus

    idle = (GroupStatus.UP_TO_DATE, GroupStatus.NEEDS_RECALCULATION)
    broken = []
    for group in ContactGroup.objects.using(using).filter(status__in=idle):
        try:
            build_q(group, ConditionContext(using=using))
        except ConditionError as error:
            message = str(error.args[0])
            updated = (
                ContactGroup.objects.using(using)
                .filter(pk=group.pk, status__in=idle)
                .update(status=GroupStatus.FAILED, status_message=message)
            )
            if updated:
                broken.append(group.pk)
                logger.warning(
                    "Contact group %s can no longer be evaluated: %s", group.pk, message
                )
    return broken
