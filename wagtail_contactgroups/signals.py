"""Signals the app sends; the receivers it connects itself are in signal_handlers.py."""

from django.dispatch import Signal

#: Sent after a transaction that changed a group's membership has committed.
#:
#: Arguments: ``sender`` (the ContactGroup class), ``group_id``, ``added`` and
#: ``removed`` (lists of contact ids) and ``source`` (``"contact"`` for contact
#: saves, deletions, merges and activities, ``"recalculation"`` for a group
#: recalculation). A recalculation sends the ids in batches of at most
#: ``MEMBERSHIP_SIGNAL_BATCH_SIZE`` contacts, so one run may send several signals.
membership_changed = Signal()

MEMBERSHIP_SIGNAL_BATCH_SIZE = 1000


def send_membership_changed(group_id: int, added, removed, source: str) -> None:
    """Send ``membership_changed`` in batches; does nothing without receivers."""
    from .models import ContactGroup

    if not membership_changed.has_listeners(ContactGroup):
        return
    added, removed = list(added), list(removed)
    size = MEMBERSHIP_SIGNAL_BATCH_SIZE
    for start in range(0, max(len(added), len(removed), 1), size):
        membership_changed.send(
            sender=ContactGroup,
            group_id=group_id,
            added=added[start : start + size],
            removed=removed[start : start + size],
            source=source,
        )
