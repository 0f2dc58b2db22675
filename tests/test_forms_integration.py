import pytest
from wagtail.models import Site

from home.newsletter import ensure_newsletter_page
from wagtail_contactgroups.conf import get_contact_model
from wagtail_contactgroups.engine.recalculate import recalculate_group
from wagtail_contactgroups.merging import merge_contacts
from wagtail_contactgroups.models import ContactActivity
from wagtail_contactgroups.tracking import contact_id_from_request

from .activity_helpers import site_home, submitted
from .helpers import condition_group, make_contact, make_group, member_ids


@pytest.fixture
def newsletter():
    home = site_home()
    Site.objects.update_or_create(
        is_default_site=True,
        defaults={"hostname": "testserver", "port": 80, "root_page": home},
    )
    return ensure_newsletter_page(home)


def submit(client, page, **data):
    fields = {"email": "ada@example.com", "first_name": "Ada", **data}
    return client.post(page.url, fields)


@pytest.mark.django_db(transaction=True)
def test_submission_joins_group_at_once(client, newsletter):
    group = make_group(
        "Newsletter sign-ups", condition_group(submitted(newsletter, days=30))
    )
    recalculate_group(group)

    response = submit(client, newsletter, subscribe="on")

    assert response.status_code == 200
    contact = get_contact_model().objects.get(email="ada@example.com")
    assert contact.first_name == "Ada"
    assert contact.subscribed is True
    activity = ContactActivity.objects.get(contact=contact)
    assert activity.activity_type == "form_submitted"
    assert activity.page_id == newsletter.pk
    assert member_ids(group) == [contact.pk]


@pytest.mark.django_db(transaction=True)
def test_submission_finds_email_ignoring_case(client, newsletter):
    existing = make_contact(email="Ada@Example.com", first_name="", company="ACME")

    submit(client, newsletter, email="ada@example.COM", company="")

    assert get_contact_model().objects.count() == 1
    existing.refresh_from_db()
    assert existing.first_name == "Ada"
    assert existing.company == "ACME"
    assert ContactActivity.objects.get().contact_id == existing.pk


@pytest.mark.django_db(transaction=True)
def test_submission_of_merged_email_uses_parent(client, newsletter):
    parent = make_contact(email="main@example.com")
    merged = make_contact(email="ada@example.com")
    merge_contacts(parent, merged)

    submit(client, newsletter)

    assert ContactActivity.objects.get().contact_id == parent.pk


@pytest.mark.django_db(transaction=True)
def test_submission_sets_tracking_cookie(client, rf, newsletter):
    response = submit(client, newsletter)

    contact = get_contact_model().objects.get(email="ada@example.com")
    cookie = response.cookies["contactgroups_contact"]
    assert cookie["httponly"]
    request = rf.get("/", HTTP_COOKIE=f"contactgroups_contact={cookie.value}")
    assert contact_id_from_request(request) == contact.pk


@pytest.mark.django_db(transaction=True)
def test_invalid_submission_records_nothing(client, newsletter):
    response = submit(client, newsletter, email="not an email")

    assert response.status_code == 200
    assert not get_contact_model().objects.exists()
    assert not ContactActivity.objects.exists()
    assert "contactgroups_contact" not in response.cookies
