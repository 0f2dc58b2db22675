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
    annual_revenue = models.DecimalField(
        _("annual revenue"),
        max_digits=14,
        decimal_places=2,
        null=True,
        blank=True,
        help_text=_("Yearly revenue of the contact's company in euros, if known."),
    )

    class Meta(AbstractContact.Meta):
        verbose_name = _("contact")
        verbose_name_plural = _("contacts")
