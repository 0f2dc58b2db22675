"""Deleting a group or page that a condition names marks that group at once."""

import pytest

from wagtail_contactgroups.engine.recalculate import recalculate_groups
from wagtail_contactgroups.models import GroupStatus

from .activity_helpers import add_page, site_home, visited
from .helpers import (
    condition_group,
    field_condition,
    make_contact,
    make_group,
    member_ids,
    membership_condition,
)

pytestmark = pytest.mark.django_db(transaction=True)


def test_deleted_group_fails_reader_at_once():
    ada = make_contact(email="ada@example.com", country="FR")
    french = make_group(
        "French", condition_group(field_condition("country", "eq", "FR"))
    )
    reader = make_group(
        "Not French", condition_group(membership_condition("not_any", french))
    )
    bystander = make_group(
        "German", condition_group(field_condition("country", "eq", "DE"))
    )
    recalculate_groups(None)
    before = member_ids(reader)

    french.delete()

    reader.refresh_from_db()
    assert reader.status == GroupStatus.FAILED
    assert "deleted" in reader.status_message
    assert member_ids(reader) == before
    bystander.refresh_from_db()
    assert bystander.status == GroupStatus.UP_TO_DATE
    assert ada.pk not in member_ids(bystander)


def test_deleted_page_fails_visitor_group():
    page = add_page(site_home(), "Campaign")
    group = make_group("Visitors", condition_group(visited(page)))
    recalculate_groups([group])

    page.delete()

    group.refresh_from_db()
    assert group.status == GroupStatus.FAILED
    assert group.status_message


def test_unrelated_delete_keeps_status():
    page = add_page(site_home(), "Campaign")
    group = make_group(
        "German", condition_group(field_condition("country", "eq", "DE"))
    )
    recalculate_groups([group])

    page.delete()

    group.refresh_from_db()
    assert group.status == GroupStatus.UP_TO_DATE


def test_deleted_page_keeps_members_on_save():
    from django.utils import timezone

    from wagtail_contactgroups.activities import record_activity

    page = add_page(site_home(), "Campaign")
    ada = make_contact(email="ada@example.com", country="DE")
    record_activity(ada, "page_visited", page=page, occurred_at=timezone.now())
    group = make_group("Visitors", condition_group(visited(page)))
    recalculate_groups([group])
    assert member_ids(group) == [ada.pk]

    other = add_page(site_home(), "Other")
    # Bob's visit makes this process compile the group before the delete.
    bob = make_contact(email="bob@example.com")
    record_activity(bob, "page_visited", page=other, occurred_at=timezone.now())
    page.delete()
    # A new visit makes every group that reads visits evaluate Ada again.
    record_activity(ada, "page_visited", page=other, occurred_at=timezone.now())

    group.refresh_from_db()
    assert group.status == GroupStatus.FAILED
    assert member_ids(group) == [ada.pk]
