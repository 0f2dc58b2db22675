"""The contact group listing and editor."""

import pytest

from tests.admin.conftest import group_url
from tests.helpers import condition_group, field_condition, make_group
from wagtail_contactgroups.models import ContactGroup, GroupStatus

pytestmark = pytest.mark.django_db


def test_listing_shows_status_and_schedule(admin_client, german_group):
    make_group("Stale", condition_group(field_condition("country", "eq", "FR")))
    response = admin_client.get(group_url("list"))
    html = response.content.decode()
    assert response.status_code == 200
    assert "Up to date" in html
    assert "Needs recalculation" in html
    assert "Not scheduled" in html
    assert "New contact group" in html
    assert 'class="w-status w-status--primary"' in html


def test_listing_filters_by_status(admin_client, german_group):
    make_group("Stale", condition_group(field_condition("country", "eq", "FR")))
    response = admin_client.get(
        group_url("list"), {"status": GroupStatus.NEEDS_RECALCULATION}
    )
    names = [group.name for group in response.context["object_list"]]
    assert names == ["Stale"]


def test_listing_filters_by_schedule(admin_client, german_group):
    make_group("Nightly", schedule_enabled=True)
    response = admin_client.get(group_url("list"), {"schedule_enabled": "true"})
    assert [group.name for group in response.context["object_list"]] == ["Nightly"]


def test_listing_searches_names(admin_client, german_group):
    make_group("Frankreich")
    response = admin_client.get(group_url("list"), {"q": "Frank"})
    assert [group.name for group in response.context["object_list"]] == ["Frankreich"]


def test_edit_view_has_tabs(admin_client, german_group):
    response = admin_client.get(group_url("edit", german_group.pk))
    html = response.content.decode()
    assert response.status_code == 200
    assert 'id="tab-label-general"' in html
    assert 'id="tab-label-settings"' in html
    assert "Count matching contacts" in html


def test_stale_group_shows_warning_and_action(admin_client):
    group = make_group("Stale", condition_group(field_condition("country", "eq", "FR")))
    html = admin_client.get(group_url("edit", group.pk)).content.decode()
    assert "help-warning" in html
    assert "have not been calculated yet" in html
    assert "Recalculate contact group" in html
    assert group_url("recalculate", group.pk) in html


def test_fresh_group_hides_recalculation(admin_client, german_group):
    html = admin_client.get(group_url("edit", german_group.pk)).content.decode()
    assert "Recalculate contact group" not in html
    assert "help-warning" not in html
    assert "Up to date: 2 members" in html


def test_changed_group_says_condition_changed(admin_client, german_group):
    ContactGroup.objects.filter(pk=german_group.pk).update(
        status=GroupStatus.NEEDS_RECALCULATION
    )
    html = admin_client.get(group_url("edit", german_group.pk)).content.decode()
    assert "The condition changed since" in html


def test_queued_group_shows_progress(admin_client, german_group):
    ContactGroup.objects.filter(pk=german_group.pk).update(status=GroupStatus.QUEUED)
    html = admin_client.get(group_url("edit", german_group.pk)).content.decode()
    assert "Recalculation: Queued" in html
    assert "Recalculate contact group" not in html


def test_failed_group_shows_reason(admin_client, german_group):
    ContactGroup.objects.filter(pk=german_group.pk).update(
        status=GroupStatus.FAILED, status_message="Field “shoe_size” is gone."
    )
    html = admin_client.get(group_url("edit", german_group.pk)).content.decode()
    assert "help-critical" in html
    assert "Field “shoe_size” is gone." in html
    assert "Recalculate contact group" in html


def test_scheduled_time_shown_once_set(admin_client, german_group):
    url = group_url("edit", german_group.pk)
    assert "Scheduled time" not in admin_client.get(url).content.decode()
    ContactGroup.objects.filter(pk=german_group.pk).update(
        schedule_enabled=True, scheduled_time="03:17"
    )
    html = admin_client.get(url).content.decode()
    assert "Scheduled time" in html
    assert "3:17" in html
