"""Automatic membership: contact saves, deletions, merges and dependent groups."""

import pytest
from django.core.exceptions import ValidationError
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext

from wagtail_contactgroups.engine.recalculate import recalculate_group
from wagtail_contactgroups.merging import merge_contacts
from wagtail_contactgroups.models import ContactActivity, ContactGroupMembership
from wagtail_contactgroups.signals import membership_changed

from .helpers import (
    condition_group,
    field_condition,
    make_contact,
    make_group,
    member_ids,
    membership_condition,
    tags_condition,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def saved(django_capture_on_commit_callbacks):
    """Run a block and then the membership updates it queued for the commit."""
    return lambda: django_capture_on_commit_callbacks(execute=True)


@pytest.fixture
def german():
    group = make_group(
        "German", condition_group(field_condition("country", "eq", "DE"))
    )
    recalculate_group(group)
    return group


@pytest.fixture
def signals():
    received = []

    def receiver(sender, group_id, added, removed, source, **kwargs):
        received.append((group_id, sorted(added), sorted(removed), source))

    membership_changed.connect(receiver)
    yield received
    membership_changed.disconnect(receiver)


def count(group):
    group.refresh_from_db()
    return group.member_count


def test_create_update_delete_follow_condition(saved, german, signals):
    with saved():
        contact = make_contact(country="DE")
    assert member_ids(german) == [contact.pk]
    assert count(german) == 1

    with saved():
        contact.country = "FR"
        contact.save()
    assert member_ids(german) == []
    assert count(german) == 0

    with saved():
        contact.country = "DE"
        contact.save()
    pk = contact.pk
    with saved():
        contact.delete()
    assert member_ids(german) == []
    assert count(german) == 0
    assert signals == [
        (german.pk, [pk], [], "contact"),
        (german.pk, [], [pk], "contact"),
        (german.pk, [pk], [], "contact"),
        (german.pk, [], [pk], "contact"),
    ]


def test_unrelated_change_writes_nothing(saved, german, django_assert_num_queries):
    with saved():
        contact = make_contact(country="DE")
    joined = ContactGroupMembership.objects.get(contact=contact).added_at
    with saved():
        contact.city = "Köln"
        contact.save()
    with saved():
        contact.lead_score = 5
        contact.country = "DE"
        contact.save()
    assert ContactGroupMembership.objects.get(contact=contact).added_at == joined


def test_tag_changes_update_membership(saved):
    group = make_group("VIP", condition_group(tags_condition("any", "vip")))
    with saved():
        contact = make_contact()
    with saved():
        contact.tags.add("VIP")
    assert member_ids(group) == [contact.pk]
    with saved():
        contact.tags.clear()
    assert member_ids(group) == []


def test_dependent_group_sees_same_save(saved, german):
    outsiders = make_group(
        "Not German", condition_group(membership_condition("not_any", german))
    )
    both = make_group(
        "German VIP",
        condition_group(
            membership_condition("all", german), tags_condition("any", "vip")
        ),
    )
    with saved():
        contact = make_contact(country="FR", tags=["vip"])
    assert member_ids(outsiders) == [contact.pk]
    assert member_ids(both) == []
    with saved():
        contact.country = "DE"
        contact.save()
    assert member_ids(german) == [contact.pk]
    assert member_ids(outsiders) == []
    assert member_ids(both) == [contact.pk]
    assert count(outsiders) == 0
    assert count(both) == 1


def test_merged_contact_leaves_groups(saved, german, signals):
    with saved():
        parent = make_contact(country="FR")
        child = make_contact(country="DE", tags=["vip"])
        grandchild = make_contact(country="DE")
    vip = make_group("VIP", condition_group(tags_condition("any", "vip")))
    recalculate_group(vip)
    ContactActivity.objects.create(contact=child, activity_type="page_visited")
    with saved():
        merge_contacts(child, grandchild)
    signals.clear()

    with saved():
        merge_contacts(parent, child)

    child.refresh_from_db()
    grandchild.refresh_from_db()
    assert child.merged_into_id == parent.pk
    assert grandchild.merged_into_id == parent.pk
    assert member_ids(german) == []
    assert member_ids(vip) == [parent.pk]
    assert list(child.tags.names()) == []
    assert list(parent.tags.names()) == ["vip"]
    assert ContactActivity.objects.get().contact_id == parent.pk
    assert count(german) == 0
    assert count(vip) == 1
    assert (german.pk, [], [child.pk], "contact") in signals
    assert (vip.pk, [parent.pk], [child.pk], "contact") in signals


def test_merged_save_never_joins(saved, german):
    with saved():
        parent = make_contact()
        child = make_contact()
        merge_contacts(parent, child)
    with saved():
        child.country = "DE"
        child.save()
    assert member_ids(german) == []


def test_merge_rejects_self_and_merged_parent():
    first, second, third = make_contact(), make_contact(), make_contact()
    with pytest.raises(ValidationError, match="into itself"):
        merge_contacts(first, first)
    second.merged_into = third
    second.save()
    with pytest.raises(ValidationError, match=f"into contact {third.pk} instead"):
        merge_contacts(second, first)


def _save_queries(django_capture_on_commit_callbacks, contact, country):
    with django_capture_on_commit_callbacks() as callbacks:
        contact.country = country
        contact.save()
    with CaptureQueriesContext(connection) as queries:
        for callback in callbacks:
            callback()
    return len(queries)


def test_save_queries_constant_in_groups(django_capture_on_commit_callbacks):
    contact = make_contact(country="FR")
    measured, groups = [], []
    for total in (1, 10, 100):
        groups += [
            make_group(f"G{n}", condition_group(field_condition("country", "eq", "DE")))
            for n in range(len(groups), total)
        ]
        # Warm the compiled catalogue, which is rebuilt after group changes.
        _save_queries(django_capture_on_commit_callbacks, contact, "DE")
        _save_queries(django_capture_on_commit_callbacks, contact, "FR")
        joined = _save_queries(django_capture_on_commit_callbacks, contact, "DE")
        assert ContactGroupMembership.objects.filter(contact=contact).count() == total
        left = _save_queries(django_capture_on_commit_callbacks, contact, "FR")
        assert not ContactGroupMembership.objects.filter(contact=contact).exists()
        measured.append((joined, left))
    assert joined > 0
    assert measured == [measured[0]] * 3


def test_rollback_does_not_block_updates(saved, german):
    with saved():
        contact = make_contact(country="FR")
    with pytest.raises(RuntimeError), transaction.atomic():
        contact.country = "DE"
        contact.save()
        raise RuntimeError("roll back")
    contact.refresh_from_db()

    with saved():
        contact.country = "DE"
        contact.save()
    assert member_ids(german) == [contact.pk]
