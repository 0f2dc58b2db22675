"""A demo newsletter addressed by contact group, and a record of each send."""

from django.db import models
from django.utils.translation import gettext_lazy as _
from modelcluster.fields import ParentalKey
from modelcluster.models import ClusterableModel
from wagtail.fields import RichTextField
from wagtail.models import Orderable

from wagtail_contactgroups.conf import get_contact_model, get_contact_model_string
from wagtail_contactgroups.selection import GroupSelection

from .forms import NewsletterForm


class GroupMatch(models.TextChoices):
    ANY = "any", _("any of these groups")
    ALL = "all", _("all of these groups")


class NewsletterStatus(models.TextChoices):
    DRAFT = "draft", _("Draft")
    QUEUED = "queued", _("Queued")
    SENDING = "sending", _("Sending")
    SENT = "sent", _("Sent")
    FAILED = "failed", _("Failed")


class Newsletter(ClusterableModel):
    """An email to the contacts chosen by contact group."""

    subject = models.CharField(_("subject"), max_length=255)
    body = RichTextField(_("body"))
    group_match = models.CharField(
        _("send to contacts in"),
        max_length=3,
        choices=GroupMatch.choices,
        default=GroupMatch.ANY,
    )
    send_to_everyone = models.BooleanField(
        _("all contacts"),
        default=False,
        help_text=_(
            "Send to every contact instead of chosen groups. Groups under "
            "“but not in” still apply."
        ),
    )
    only_subscribed = models.BooleanField(
        _("only subscribed contacts"),
        default=True,
        help_text=_("Leave out contacts who have not subscribed."),
    )
    status = models.CharField(
        _("status"),
        max_length=16,
        choices=NewsletterStatus.choices,
        default=NewsletterStatus.DRAFT,
    )
    status_message = models.TextField(_("status message"), blank=True)
    queued_at = models.DateTimeField(_("queued"), null=True, blank=True)
    sent_at = models.DateTimeField(_("sent"), null=True, blank=True)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    base_form_class = NewsletterForm

    class Meta:
        verbose_name = _("newsletter")
        verbose_name_plural = _("newsletters")
        ordering = ["-created_at"]

    def __str__(self):
        return self.subject

    def get_selection(self) -> GroupSelection:
        """Return the recipients' group selection; raise if it is empty."""
        included = [row.group_id for row in self.target_groups.all()]
        excluded = [row.group_id for row in self.excluded_groups.all()]
        any_of = included if self.group_match == GroupMatch.ANY else []
        all_of = included if self.group_match == GroupMatch.ALL else []
        return GroupSelection.build(
            any_of=any_of,
            all_of=all_of,
            none_of=excluded,
            everyone=self.send_to_everyone,
        )

    def get_recipients(self):
        """Contacts this newsletter goes to, ordered by id."""
        contacts = get_contact_model()._default_manager.filter(
            self.get_selection().get_q()
        )
        if self.only_subscribed:
            contacts = contacts.filter(subscribed=True)
        return contacts.exclude(email="").order_by("pk")


class NewsletterGroupBase(Orderable):
    group = models.ForeignKey(
        "wagtail_contactgroups.ContactGroup",
        verbose_name=_("contact group"),
        on_delete=models.CASCADE,
        related_name="+",
    )

    class Meta(Orderable.Meta):
        abstract = True

    def __str__(self):
        return str(self.group)


class NewsletterTargetGroup(NewsletterGroupBase):
    """A group the newsletter is sent to."""

    newsletter = ParentalKey(
        Newsletter, on_delete=models.CASCADE, related_name="target_groups"
    )

    class Meta(NewsletterGroupBase.Meta):
        constraints = [
            models.UniqueConstraint(
                fields=["newsletter", "group"], name="newsletter_target_unique"
            )
        ]


class NewsletterExcludedGroup(NewsletterGroupBase):
    """A group whose members never receive the newsletter."""

    newsletter = ParentalKey(
        Newsletter, on_delete=models.CASCADE, related_name="excluded_groups"
    )

    class Meta(NewsletterGroupBase.Meta):
        constraints = [
            models.UniqueConstraint(
                fields=["newsletter", "group"], name="newsletter_excluded_unique"
            )
        ]


class DeliveryStatus(models.TextChoices):
    CLAIMED = "claimed", _("Claimed")
    SENT = "sent", _("Sent")
    FAILED = "failed", _("Failed")


class Delivery(models.Model):
    """One newsletter to one contact; claimed before the email goes out."""

    newsletter = models.ForeignKey(
        Newsletter, on_delete=models.CASCADE, related_name="deliveries"
    )
    contact = models.ForeignKey(
        get_contact_model_string(), on_delete=models.CASCADE, related_name="+"
    )
    email = models.EmailField(_("email"))
    status = models.CharField(
        _("status"),
        max_length=16,
        choices=DeliveryStatus.choices,
        default=DeliveryStatus.CLAIMED,
    )
    claim = models.CharField(max_length=32, db_index=True)
    claimed_at = models.DateTimeField(_("claimed"))
    sent_at = models.DateTimeField(_("sent"), null=True, blank=True)
    error = models.TextField(_("error"), blank=True)

    class Meta:
        verbose_name = _("delivery")
        verbose_name_plural = _("deliveries")
        constraints = [
            models.UniqueConstraint(
                fields=["newsletter", "contact"], name="newsletter_delivery_unique"
            )
        ]

    def __str__(self):
        return f"{self.newsletter_id} to {self.email} ({self.status})"
