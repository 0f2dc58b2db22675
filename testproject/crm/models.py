"""The demo site's own contact model, built on the app's abstract base."""

from django.db import models
from django.utils.translation import gettext_lazy as _

from wagtail_contactgroups.models import AbstractContact


class DemoContact(AbstractContact):
    """A contact with a lead score kept by the sales team."""

    lead_score = models.IntegerField(
        _("lead score"),
        default=0,
        help_text=_("0–100; how likely the contact is to buy."),
    )

    class Meta(AbstractContact.Meta):
        verbose_name = _("contact")
        verbose_name_plural = _("contacts")
