"""The contact model: an abstract base and the default concrete model."""

from django.db import models
from django.db.models import Exists, OuterRef, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django_countries.fields import CountryField
from taggit.managers import TaggableManager


class ContactQuerySet(models.QuerySet):
    """Queryset of contacts with selections by contact group."""

    def active(self) -> "ContactQuerySet":
        """Contacts that are not merged into another contact."""
        return self.filter(merged_into__isnull=True)

    def _membership_exists(self, group_ids):
        from .membership import ContactGroupMembership

        return Exists(
            ContactGroupMembership.objects.filter(
                contact_id=OuterRef("pk"), group_id__in=group_ids
            )
        )

    def in_any_groups(self, groups) -> "ContactQuerySet":
        """Active contacts that are members of at least one of ``groups``."""
        group_ids = _group_ids(groups)
        return self.active().filter(self._membership_exists(group_ids))

    def in_all_groups(self, groups) -> "ContactQuerySet":
        """Active contacts that are members of every one of ``groups``."""
        group_ids = _group_ids(groups)
        if not group_ids:
            return self.none()
        condition = Q()
        for group_id in group_ids:
            condition &= Q(self._membership_exists([group_id]))
        return self.active().filter(condition)

    def in_no_groups(self, groups) -> "ContactQuerySet":
        """Active contacts that are members of none of ``groups``."""
        group_ids = _group_ids(groups)
        return self.active().exclude(self._membership_exists(group_ids))


def _group_ids(groups) -> list[int]:
    ids = []
    for group in groups:
        group_id = getattr(group, "pk", group)
        if group_id not in ids:
            ids.append(int(group_id))
    return ids


class Gender(models.TextChoices):
    FEMALE = "female", _("Female")
    MALE = "male", _("Male")
    DIVERSE = "diverse", _("Diverse")


class AbstractContact(models.Model):
    """Base class for contact models; subclass it to add site-specific fields."""

    first_name = models.CharField(_("first name"), max_length=100, blank=True)
    last_name = models.CharField(_("last name"), max_length=100, blank=True)
    email = models.EmailField(_("email"), blank=True, db_index=True)
    phone = models.CharField(_("phone"), max_length=40, blank=True)
    company = models.CharField(_("company"), max_length=200, blank=True)
    job_title = models.CharField(_("job title"), max_length=200, blank=True)
    city = models.CharField(_("city"), max_length=100, blank=True)
    country = CountryField(_("country"), blank=True)
    birthday = models.DateField(_("birthday"), null=True, blank=True)
    gender = models.CharField(
        _("gender"), max_length=20, choices=Gender.choices, blank=True
    )
    tags = TaggableManager(verbose_name=_("tags"), blank=True)
    subscribed = models.BooleanField(_("subscribed"), default=False)
    created_at = models.DateTimeField(_("created"), default=timezone.now)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)
    merged_into = models.ForeignKey(
        "self",
        verbose_name=_("merged into"),
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="merged_contacts",
        help_text=_(
            "The contact this one was merged into. Merged contacts are never "
            "members of a group."
        ),
    )

    objects = ContactQuerySet.as_manager()

    # Contacts stay out of Wagtail's search index and reference index: both
    # would add several queries to every contact save, and the admin searches
    # contacts with database lookups instead.
    wagtail_reference_index_ignore = True

    class Meta:
        abstract = True
        verbose_name = _("contact")
        verbose_name_plural = _("contacts")
        ordering = ["last_name", "first_name", "id"]
        indexes = [models.Index(fields=["created_at"], name="%(class)s_created_idx")]

    def __str__(self):
        name = self.full_name
        if name and self.email:
            return f"{name} <{self.email}>"
        return name or self.email or _("Contact %(id)s") % {"id": self.pk}

    @property
    def full_name(self) -> str:
        return " ".join(part for part in (self.first_name, self.last_name) if part)

    @property
    def is_merged(self) -> bool:
        return self.merged_into_id is not None

    @classmethod
    def from_db(cls, db, field_names, values, *args, **kwargs):
        instance = super().from_db(db, field_names, values, *args, **kwargs)
        from ..engine.changes import remember_state

        remember_state(instance)
        return instance


class Contact(AbstractContact):
    """The default contact model."""

    class Meta(AbstractContact.Meta):
        abstract = False
