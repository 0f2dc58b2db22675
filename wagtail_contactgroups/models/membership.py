"""Stored membership: which contact is in which group since when."""

from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from ..conf import get_contact_model_string


class ContactGroupMembership(models.Model):
    """One contact's membership of one group."""

    group = models.ForeignKey(
        "wagtail_contactgroups.ContactGroup",
        on_delete=models.CASCADE,
        related_name="memberships",
        db_index=False,  # the unique (group, contact) index serves group lookups
    )
    contact = models.ForeignKey(
        get_contact_model_string(),
        on_delete=models.CASCADE,
        related_name="contact_group_memberships",
        db_index=False,  # the (contact, group) index serves contact lookups
    )
    added_at = models.DateTimeField(_("joined"), default=timezone.now)

    class Meta:
        verbose_name = _("contact group membership")
        verbose_name_plural = _("contact group memberships")
        constraints = [
            models.UniqueConstraint(
                fields=["group", "contact"], name="cg_membership_unique"
            )
        ]
        indexes = [
            models.Index(fields=["contact", "group"], name="cg_membership_contact")
        ]

    def __str__(self):
        return f"{self.contact_id} in {self.group_id}"
