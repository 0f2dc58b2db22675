from django.db import models
from modelcluster.fields import ParentalKey
from wagtail.admin.panels import (
    FieldPanel,
    FieldRowPanel,
    InlinePanel,
    MultiFieldPanel,
)
from wagtail.contrib.forms.models import AbstractEmailForm, AbstractFormField
from wagtail.fields import RichTextField
from wagtail.models import Page

from wagtail_contactgroups.forms_integration import ContactFormMixin


class HomePage(Page):
    """Root page of the demo site, linking editors to the admin."""

    intro = models.TextField(blank=True)
    body = RichTextField(blank=True)

    content_panels = Page.content_panels + [
        FieldPanel("intro"),
        FieldPanel("body"),
    ]

    max_count = 1


class NewsletterFormField(AbstractFormField):
    """A field of the newsletter sign-up form."""

    page = ParentalKey(
        "NewsletterFormPage", on_delete=models.CASCADE, related_name="form_fields"
    )


class NewsletterFormPage(ContactFormMixin, AbstractEmailForm):
    """A sign-up form whose submissions become contacts and activities."""

    intro = RichTextField(blank=True)
    thank_you_text = RichTextField(blank=True)

    contact_email_field = "email"
    contact_field_mapping = {
        "first_name": "first_name",
        "last_name": "last_name",
        "company": "company",
        "subscribe": "subscribed",
    }

    content_panels = AbstractEmailForm.content_panels + [
        FieldPanel("intro"),
        InlinePanel("form_fields", label="Form fields"),
        FieldPanel("thank_you_text"),
        MultiFieldPanel(
            [
                FieldRowPanel([FieldPanel("from_address"), FieldPanel("to_address")]),
                FieldPanel("subject"),
            ],
            "Email",
        ),
    ]
