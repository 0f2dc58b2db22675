"""Merging duplicate contacts."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from .conf import get_contact_model
from .engine.evaluate import update_contacts


def merge_contacts(parent, merged):
    """Merge the contact ``merged`` into ``parent`` and return ``parent``.

    ``merged`` then points at ``parent`` and loses its memberships. Its
    activities, its tags and the contacts previously merged into it move to
    ``parent``, whose memberships are evaluated again after the commit.
    Raises ``ValidationError`` for a contact merged into itself or into a
    contact that is merged itself.
    """
    from .models import ContactActivity

    if parent.pk == merged.pk:
        raise ValidationError(
            _("A contact cannot be merged into itself (contact %(id)s).")
            % {"id": parent.pk}
        )
    if parent.merged_into_id is not None:
        raise ValidationError(
            _(
                "Contact %(id)s is itself merged into contact %(parent)s. Merge "
                "into contact %(parent)s instead."
            )
            % {"id": parent.pk, "parent": parent.merged_into_id}
        )

    contact_model = get_contact_model()
    using = parent._state.db or "default"
    with transaction.atomic(using=using):
        contact_model._default_manager.using(using).filter(merged_into=merged).update(
            merged_into=parent
        )
        ContactActivity.objects.using(using).filter(contact_id=merged.pk).update(
            contact_id=parent.pk
        )
        tags = list(merged.tags.all())
        if tags:
            parent.tags.add(*tags)
            merged.tags.clear()
        merged.merged_into = parent
        merged.save()
        # Directly, not only through the save receivers, so that the merged
        # contact leaves its groups even when automatic updates are off.
        update_contacts([merged.pk, parent.pk], None, using=using)
    return parent
