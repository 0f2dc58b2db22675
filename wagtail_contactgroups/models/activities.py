"""What contacts did: page visits, form submissions, email engagement."""

from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from ..conf import get_contact_model_string


class ContactActivity(models.Model):
    """One thing a contact did at a given time."""

    contact = models.ForeignKey(
        get_contact_model_string(),
        on_delete=models.CASCADE,
        related_name="contact_activities",
        db_index=False,  # covered by the (contact, activity_type, occurred_at) index
    )
    activity_type = models.CharField(_("activity type"), max_length=64)
    occurred_at = models.DateTimeField(_("time"), default=timezone.now)
    page = models.ForeignKey(
        "wagtailcore.Page",
        verbose_name=_("page"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    url = models.URLField(_("URL"), max_length=2000, blank=True)
    value = models.CharField(_("value"), max_length=255, blank=True)
    data = models.JSONField(_("data"), default=dict, blank=True)

    class Meta:
        verbose_name = _("contact activity")
        verbose_name_plural = _("contact activities")
        ordering = ["-occurred_at"]
        indexes = [
            models.Index(
                fields=["activity_type", "page", "occurred_at"],
                name="cg_activity_page",
            ),
            models.Index(
                fields=["activity_type", "occurred_at"],
                name="cg_activity_type",
            ),
            models.Index(
                fields=["contact", "activity_type", "occurred_at"],
                name="cg_activity_contact",
            ),
        ]

    def __str__(self):
        return f"{self.activity_type} by {self.contact_id} at {self.occurred_at}"
