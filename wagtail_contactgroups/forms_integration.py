"""Turn submissions of Wagtail form pages into contacts and activities."""

from __future__ import annotations

import logging

from django.core.exceptions import ValidationError
from django.db import transaction

from .activities import FORM_SUBMITTED, record_activity
from .conf import get_contact_model
from .tracking import set_contact_cookie

logger = logging.getLogger(__name__)


def find_or_create_contact(email: str, fields: dict | None = None):
    """Return the contact with ``email`` (any letter case), creating it if needed.

    A merged contact is replaced by the contact it was merged into. ``fields``
    (contact field name to value) are set on the contact; empty values never
    overwrite stored ones.
    """
    model = get_contact_model()
    fields = {name: value for name, value in (fields or {}).items() if value != ""}
    contact = (
        model._default_manager.filter(email__iexact=email)
        .order_by("merged_into_id", "pk")
        .select_related("merged_into")
        .first()
    )
    if contact is None:
        return model._default_manager.create(email=email, **fields)
    if contact.merged_into_id is not None:
        contact = contact.merged_into
    changed = [
        name for name, value in fields.items() if getattr(contact, name) != value
    ]
    for name in changed:
        setattr(contact, name, fields[name])
    if changed:
        contact.save(update_fields=[*changed, "updated_at"])
    return contact


class ContactFormMixin:
    """Mixin for ``AbstractForm`` / ``AbstractEmailForm`` pages that records contacts.

    Put it before the form base class::

        class NewsletterPage(ContactFormMixin, AbstractEmailForm): ...

    On each valid submission the contact with the submitted email is found
    (or created), the fields in :attr:`contact_field_mapping` are copied to
    it, a "form submitted" activity is recorded for the page, and the
    response sets the cookie that lets page visit tracking recognise the
    contact. A submission without an email creates no contact.
    """

    #: ``clean_name`` of the form field that contains the email address.
    contact_email_field: str = "email"
    #: Form field ``clean_name`` to contact field name, e.g.
    #: ``{"first_name": "first_name", "newsletter": "subscribed"}``.
    contact_field_mapping: dict[str, str] = {}

    def contact_fields(self, cleaned_data: dict) -> dict:
        """Return the contact field values taken from a valid submission."""
        model = get_contact_model()
        values = {}
        for form_name, field_name in self.contact_field_mapping.items():
            if form_name not in cleaned_data:
                continue
            value = cleaned_data[form_name]
            if isinstance(value, (list, tuple)):
                value = ", ".join(str(item) for item in value)
            model_field = model._meta.get_field(field_name)
            try:
                values[field_name] = model_field.to_python(value)
            except ValidationError:
                logger.warning(
                    "Form page %s: %r is not a valid %s of a contact; not copied",
                    self.pk,
                    value,
                    field_name,
                )
        return values

    def record_contact(self, form, submission):
        """Find or create the submitting contact and record the activity."""
        email = str(form.cleaned_data.get(self.contact_email_field) or "").strip()
        if not email:
            return None
        with transaction.atomic():
            contact = find_or_create_contact(
                email, self.contact_fields(form.cleaned_data)
            )
            record_activity(
                contact,
                FORM_SUBMITTED.name,
                page=self,
                url=self.get_full_url() or "",
                data={"submission_id": getattr(submission, "pk", None)},
            )
        return contact

    def process_form_submission(self, form):
        submission = super().process_form_submission(form)
        try:
            self._contactgroups_contact = self.record_contact(form, submission)
        except Exception:
            # The submission itself is stored; only the contact is missing.
            logger.exception(
                "Recording the contact of submission %s of form page %s failed",
                getattr(submission, "pk", None),
                self.pk,
            )
        return submission

    def serve(self, request, *args, **kwargs):
        self._contactgroups_contact = None
        response = super().serve(request, *args, **kwargs)
        if self._contactgroups_contact is not None:
            set_contact_cookie(response, self._contactgroups_contact, request)
        return response
