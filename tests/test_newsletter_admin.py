import pytest
from django.core import mail
from django.urls import reverse
from django_q.conf import Conf
from newsletter.models import Newsletter
from newsletter.wagtail_hooks import newsletter_viewset
from wagtail.test.utils.form_data import inline_formset, nested_form_data, rich_text

from wagtail_contactgroups.choosers import chooser_url

from .newsletter_helpers import make_newsletter, recipients_of
from .recipient_helpers import build_audience

pytestmark = pytest.mark.django_db


def url(name, *args):
    return reverse(newsletter_viewset.get_url_name(name), args=args)


def form_data(include=(), exclude=(), everyone=False):
    data = {
        "subject": "Autumn news",
        "body": rich_text("<p>Autumn is here.</p>"),
        "group_match": "any",
        "only_subscribed": "on",
        "target_groups": inline_formset([{"group": group.pk} for group in include]),
        "excluded_groups": inline_formset([{"group": group.pk} for group in exclude]),
    }
    if everyone:
        data["send_to_everyone"] = "on"
    return nested_form_data(data)


def test_create_without_groups_rejected(admin_client):
    response = admin_client.post(url("add"), form_data())
    assert response.status_code == 200
    assert "Choose at least one contact group" in response.content.decode()
    assert not Newsletter.objects.exists()


def test_create_with_groups_saves(admin_client):
    groups, _people = build_audience()
    response = admin_client.post(
        url("add"), form_data(include=[groups["a"]], exclude=[groups["c"]])
    )
    assert response.status_code == 302
    newsletter = Newsletter.objects.get()
    assert [row.group for row in newsletter.target_groups.all()] == [groups["a"]]
    assert [row.group for row in newsletter.excluded_groups.all()] == [groups["c"]]


def test_included_and_excluded_group_rejected(admin_client):
    groups, _people = build_audience()
    response = admin_client.post(
        url("add"), form_data(include=[groups["a"]], exclude=[groups["a"]])
    )
    assert "is also a group to send to" in response.content.decode()
    assert not Newsletter.objects.exists()


def test_edit_view_shows_recipient_preview(admin_client):
    groups, _people = build_audience()
    newsletter = make_newsletter(include=[groups["a"]], exclude=[groups["c"]])
    html = admin_client.get(url("edit", newsletter.pk)).content.decode()
    assert 'data-recipient-count="2"' in html
    assert "a@example.com" in html
    assert "ab@example.com" in html
    assert "ac@example.com" not in html
    assert chooser_url() in html
    assert url("send", newsletter.pk) in html


def test_send_view_confirms_and_sends(admin_client, monkeypatch):
    monkeypatch.setattr(Conf, "SYNC", True)
    groups, _people = build_audience()
    newsletter = make_newsletter(include=[groups["a"]], exclude=[groups["c"]])

    page = admin_client.get(url("send", newsletter.pk)).content.decode()
    assert 'data-recipient-count="2"' in page
    response = admin_client.post(url("send", newsletter.pk))

    assert response.status_code == 302
    assert recipients_of(mail.outbox) == ["a@example.com", "ab@example.com"]


def test_send_view_needs_change_permission(client, django_user_model):
    user = django_user_model.objects.create_user("editor", password="pw")
    client.force_login(user)
    newsletter = make_newsletter(send_to_everyone=True)
    response = client.post(url("send", newsletter.pk))
    assert response.status_code in (302, 403)
    assert mail.outbox == []
