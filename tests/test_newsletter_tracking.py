import re

import pytest
from django.core import mail
from django.urls import reverse
from newsletter.models import Delivery
from newsletter.sending import send_newsletter
from newsletter.tracking import make_token

from wagtail_contactgroups.models import ContactActivity

from .newsletter_helpers import make_newsletter
from .recipient_helpers import build_audience

pytestmark = pytest.mark.django_db


@pytest.fixture
def sent():
    """Send a newsletter to group C (one contact); return its HTML and delivery."""
    groups, people = build_audience()
    newsletter = make_newsletter(include=[groups["c"]])
    send_newsletter(newsletter.pk)
    html = mail.outbox[0].alternatives[0][0]
    return html, Delivery.objects.get(newsletter=newsletter), people["ac"]


def tracked_urls(html, kind):
    pattern = rf'http://testserver(/newsletter/{kind}/[^"/]+/)'
    return re.findall(pattern, html)


def activities(activity_type):
    return list(ContactActivity.objects.filter(activity_type=activity_type))


def test_email_links_are_rewritten(sent):
    html, _delivery, _contact = sent
    assert "https://shop.example.com/spring" not in html
    assert len(tracked_urls(html, "click")) == 2
    assert len(tracked_urls(html, "open")) == 1


def test_open_pixel_records_activity(client, sent):
    html, _delivery, contact = sent
    response = client.get(tracked_urls(html, "open")[0])
    assert response.status_code == 200
    assert response["Content-Type"] == "image/gif"
    [opened] = activities("email_opened")
    assert opened.contact_id == contact.pk


def test_click_records_and_redirects(client, sent):
    html, _delivery, contact = sent
    response = client.get(tracked_urls(html, "click")[0])
    assert response.status_code == 302
    assert response["Location"] == "https://shop.example.com/spring"
    [clicked] = activities("email_link_clicked")
    assert clicked.contact_id == contact.pk
    assert clicked.url == "https://shop.example.com/spring"


def test_relative_link_made_absolute(client, sent):
    html, _delivery, _contact = sent
    response = client.get(tracked_urls(html, "click")[1])
    assert response["Location"] == "http://testserver/about/"


@pytest.mark.parametrize(
    "target", ["https://evil.example.net/", "javascript:alert(1)", "//evil.example"]
)
def test_foreign_redirect_target_rejected(client, sent, target):
    _html, delivery, _contact = sent
    token = make_token(delivery.pk, target)
    response = client.get(reverse("newsletter:click", args=[token]))
    assert response.status_code == 400
    assert activities("email_link_clicked") == []


def test_forged_token_not_found(client, sent):
    html, _delivery, _contact = sent
    url = tracked_urls(html, "open")[0]
    response = client.get(url[:-3] + "xx/")
    assert response.status_code == 404
    assert activities("email_opened") == []


def test_merged_contact_activity_moves_to_parent(client, sent):
    html, _delivery, contact = sent
    parent = type(contact).objects.get(email="none@example.com")
    type(contact).objects.filter(pk=contact.pk).update(merged_into=parent)
    client.get(tracked_urls(html, "open")[0])
    [opened] = activities("email_opened")
    assert opened.contact_id == parent.pk
