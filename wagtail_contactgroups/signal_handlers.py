"""Receivers that keep membership true when contacts change."""

from __future__ import annotations

import logging
import threading

from django.db import DatabaseError, connections, transaction
from django.db.models import F
from django.db.models.functions import Greatest
from django.db.models.signals import (
    m2m_changed,
    post_delete,
    post_save,
    pre_delete,
    pre_save,
)

from .conf import auto_update_enabled, get_contact_model
from .engine.catalogue import clear_catalogue
from .engine.changes import changed_fields, remember_state

logger = logging.getLogger(__name__)

_pending = threading.local()


def queue_contact_update(
    contact_id: int,
    fields: set[str] | None,
    activity_types: set[str] | None = None,
    using: str = "default",
) -> None:
    """Re-evaluate a contact once the current transaction commits.

    Changes to the same contact within one transaction are merged into a
    single evaluation. ``fields=None`` means every group is evaluated.
    """
    if not auto_update_enabled():
        return
    queues = getattr(_pending, "queues", None)
    if queues is None:
        queues = _pending.queues = {}
    queue = queues.setdefault(using, {})

    known_fields, known_types = queue.get(contact_id, (set(), set()))
    if fields is None or known_fields is None:
        known_fields = None
    else:
        known_fields = known_fields | fields
    queue[contact_id] = (known_fields, known_types | (activity_types or set()))

    # Registered on every call: after a rollback Django drops the callback
    # but the queued entry stays, and a later save of the same contact must
    # still schedule a flush. Flushing an already empty queue costs nothing.
    # Without an open transaction the callback runs at once.
    transaction.on_commit(lambda: _flush(using), using=using, robust=True)


def _flush(using: str) -> None:
    queue = _pending.queues.pop(using, {})
    if not queue:
        return
    batches: dict = {}
    for contact_id, (fields, types) in queue.items():
        key = (None if fields is None else frozenset(fields), frozenset(types))
        batches.setdefault(key, []).append(contact_id)
    for (fields, types), contact_ids in batches.items():
        _update_with_retry(
            contact_ids,
            None if fields is None else set(fields),
            set(types),
            using,
        )


def _update_with_retry(contact_ids, fields, types, using, attempts=3) -> None:
    """Run ``update_contacts``, retrying after a lost connection or a deadlock."""
    from .engine.evaluate import update_contacts

    for attempt in range(1, attempts + 1):
        try:
            update_contacts(
                contact_ids, changed_fields=fields, activity_types=types, using=using
            )
            return
        except DatabaseError:
            connection = connections[using]
            if attempt == attempts or connection.in_atomic_block:
                # The contact itself is saved; its memberships stay as they
                # were until its next save or the group's next recalculation.
                logger.exception(
                    "Updating the contact group memberships of contacts %s "
                    "failed after %s attempts",
                    contact_ids,
                    attempt,
                )
                return
            logger.warning(
                "Updating the contact group memberships of contacts %s failed "
                "(attempt %s of %s); retrying",
                contact_ids,
                attempt,
                attempts,
            )
            connection.close_if_unusable_or_obsolete()


def contact_saved(sender, instance, created, raw=False, update_fields=None, **kwargs):
    if raw:
        return
    fields = None if created else changed_fields(instance, update_fields)
    remember_state(instance)
    if fields is not None and not fields:
        return
    queue_contact_update(instance.pk, fields, using=kwargs.get("using") or "default")


def tags_changed(sender, instance, action, reverse, **kwargs):
    contact_model = get_contact_model()
    if action not in ("post_add", "post_remove", "post_clear"):
        return
    if reverse or not isinstance(instance, contact_model):
        return
    queue_contact_update(instance.pk, {"tags"}, using=kwargs.get("using") or "default")


def contact_deleting(sender, instance, using, **kwargs):
    """Remember the deleted contact's groups so their counts can be lowered."""
    from .models import ContactGroupMembership

    instance._contactgroups_group_ids = list(
        ContactGroupMembership.objects.using(using)
        .filter(contact_id=instance.pk)
        .values_list("group_id", flat=True)
    )


def contact_deleted(sender, instance, using, **kwargs):
    from .models import ContactGroup, ContactGroupMembership
    from .signals import send_membership_changed

    group_ids = getattr(instance, "_contactgroups_group_ids", [])
    # A recalculation that locked this contact may have committed a new
    # membership after Django deleted the contact's memberships and before the
    # contact's own DELETE could run. Remove it, or the commit would fail on
    # the membership's foreign key.
    late = ContactGroupMembership.objects.using(using).filter(contact_id=instance.pk)
    late_group_ids = list(late.values_list("group_id", flat=True))
    if late_group_ids:
        late._raw_delete(using)
        group_ids = [*group_ids, *late_group_ids]
    if not group_ids:
        return
    ContactGroup.objects.using(using).filter(pk__in=group_ids).update(
        member_count=Greatest(F("member_count") - 1, 0)
    )
    contact_id = instance.pk

    def send():
        for group_id in group_ids:
            send_membership_changed(group_id, [], [contact_id], source="contact")

    transaction.on_commit(send, using=using)


def group_changed(sender, **kwargs):
    clear_catalogue()


def reference_deleted(sender, using=None, **kwargs):
    """After a group or page is deleted, mark the groups whose condition named it."""
    using = using or "default"
    _pending.__dict__.setdefault("references_deleted", set()).add(using)
    # One callback per deletion; the first to run after a commit does the
    # check. After a rollback the flag stays set for the next commit.
    transaction.on_commit(lambda: _check_references(using), using=using, robust=True)


def _check_references(using: str) -> None:
    from .engine.validity import mark_broken_groups

    pending = _pending.__dict__.setdefault("references_deleted", set())
    if using in pending:
        pending.discard(using)
        mark_broken_groups(using)


def group_saved_for_schedule(sender, instance, raw=False, using=None, **kwargs):
    """Give the group its nightly time and keep its django-q2 schedule in step."""
    from .scheduling import ensure_scheduled_time, sync_group_schedule

    if raw:
        return
    ensure_scheduled_time(instance, using or "default")
    sync_group_schedule(instance, using or "default")


def group_deleted_for_schedule(sender, instance, **kwargs):
    from .scheduling import delete_group_schedules

    delete_group_schedules(instance.pk)


def schedule_saving(sender, instance, raw=False, **kwargs):
    """Keep a group schedule's next run at the group's local time across DST."""
    from .scheduling import align_next_run

    if not raw:
        align_next_run(instance)


def connect() -> None:
    """Connect the receivers to the contact model in use."""
    from wagtail.models import Page

    from .models import ContactGroup

    contact_model = get_contact_model()
    post_save.connect(contact_saved, sender=contact_model, dispatch_uid="cg_saved")
    pre_delete.connect(
        contact_deleting, sender=contact_model, dispatch_uid="cg_deleting"
    )
    post_delete.connect(
        contact_deleted, sender=contact_model, dispatch_uid="cg_deleted"
    )
    through = contact_model._meta.get_field("tags").remote_field.through
    m2m_changed.connect(tags_changed, sender=through, dispatch_uid="cg_tags")
    post_save.connect(group_changed, sender=ContactGroup, dispatch_uid="cg_group_save")
    post_delete.connect(
        group_changed, sender=ContactGroup, dispatch_uid="cg_group_delete"
    )
    post_delete.connect(
        reference_deleted, sender=ContactGroup, dispatch_uid="cg_group_reference"
    )
    post_delete.connect(
        reference_deleted, sender=Page, dispatch_uid="cg_page_reference"
    )
    connect_schedules()


def connect_schedules() -> None:
    """Connect the receivers that keep django-q2 schedules in step with groups."""
    from django_q.models import Schedule

    from .models import ContactGroup

    post_save.connect(
        group_saved_for_schedule, sender=ContactGroup, dispatch_uid="cg_schedule_save"
    )
    post_delete.connect(
        group_deleted_for_schedule,
        sender=ContactGroup,
        dispatch_uid="cg_schedule_delete",
    )
    pre_save.connect(schedule_saving, sender=Schedule, dispatch_uid="cg_schedule_at")
