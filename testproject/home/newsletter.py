"""The demo's newsletter sign-up page, created on request."""

from wagtail.models import Page

from .models import HomePage, NewsletterFormField, NewsletterFormPage

NEWSLETTER_FIELDS = [
    ("Email", "email", True),
    ("First name", "singleline", False),
    ("Last name", "singleline", False),
    ("Company", "singleline", False),
    ("Subscribe", "checkbox", False),
]


def ensure_newsletter_page(parent: Page | None = None) -> NewsletterFormPage:
    """Return the demo's newsletter form page, adding it below ``parent``.

    ``parent`` defaults to the home page.
    """
    page = NewsletterFormPage.objects.filter(slug="newsletter").first()
    if page is not None:
        return page
    parent = parent or HomePage.objects.first() or Page.get_first_root_node()
    page = NewsletterFormPage(
        title="Newsletter",
        slug="newsletter",
        intro="<p>Sign up for news about contact groups.</p>",
        thank_you_text="<p>Thank you for signing up.</p>",
    )
    for order, (label, field_type, required) in enumerate(NEWSLETTER_FIELDS):
        page.form_fields.add(
            NewsletterFormField(
                sort_order=order,
                label=label,
                field_type=field_type,
                required=required,
            )
        )
    parent.add_child(instance=page)
    page.save_revision().publish()
    return page
