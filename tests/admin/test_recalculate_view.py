"""The recalculation action and the revisions of edits."""

import pytest
from django.test import Client

from tests.admin.conftest import group_url
from tests.admin.forms import field_params, group_form
from tests.helpers import (
    condition_group,
    field_condition,
    make_group,
    member_ids,
)
from wagtail_contactgroups.conf import get_contact_model
from wagtail_contactgroups.models import ContactGroup, GroupStatus

pytestmark = pytest.mark.django_db


def german_form(name="Germany", **fields):
    return group_form(
        name=name,
        condition_groups=[[("contact_field", field_params("country", "eq", "DE"))]],
        **fields,
    )


def test_recalculate_queues_task(admin_client, german_group):
    group = make_group(
        "French", condition_group(field_condition("country", "eq", "FR"))
    )
    response = admin_client.post(group_url("recalculate", group.pk), follow=True)
    group.refresh_from_db()
    assert group.status == GroupStatus.QUEUED
    assert member_ids(group) == []
    assert "is queued" in response.content.decode()


@pytest.mark.django_db(transaction=True)
def test_recalculate_fills_stale_group(admin_client, german_group, sync_tasks):
    group = make_group(
        "French", condition_group(field_condition("country", "eq", "FR"))
    )
    response = admin_client.post(group_url("recalculate", group.pk), follow=True)
    group.refresh_from_db()
    assert group.status == GroupStatus.UP_TO_DATE
    chloe = get_contact_model().objects.get(first_name="Chloe")
    assert member_ids(group) == [chloe.pk]
    assert "was recalculated and has 1 members" in response.content.decode()


@pytest.mark.django_db(transaction=True)
def test_recalculate_failure_shows_reason(admin_client, sync_tasks):
    group = make_group("Broken", condition_group(field_condition("shoe", "eq", "42")))
    response = admin_client.post(group_url("recalculate", group.pk), follow=True)
    group.refresh_from_db()
    assert group.status == GroupStatus.FAILED
    assert "failed" in response.content.decode()
    assert "shoe" in response.content.decode()


def test_recalculate_up_to_date_is_noop(admin_client, german_group):
    before = german_group.recalculated_at
    response = admin_client.post(group_url("recalculate", german_group.pk), follow=True)
    german_group.refresh_from_db()
    assert german_group.recalculated_at == before
    assert "nothing to recalculate" in response.content.decode()


def test_recalculate_rejects_get(admin_client, german_group):
    german_group.status = GroupStatus.NEEDS_RECALCULATION
    german_group.save()
    assert (
        admin_client.get(group_url("recalculate", german_group.pk)).status_code == 405
    )


def test_recalculate_requires_csrf(admin_user, german_group):
    client = Client(enforce_csrf_checks=True)
    client.force_login(admin_user)
    assert client.post(group_url("recalculate", german_group.pk)).status_code == 403


def test_edit_creates_revision(admin_client, german_group):
    response = admin_client.post(
        group_url("edit", german_group.pk), german_form(name="Deutschland")
    )
    assert response.status_code == 302
    german_group.refresh_from_db()
    assert german_group.name == "Deutschland"
    assert german_group.revisions.count() == 1
    history = admin_client.get(group_url("history", german_group.pk))
    assert history.status_code == 200


def test_name_change_keeps_group_fresh(admin_client, german_group):
    admin_client.post(
        group_url("edit", german_group.pk), german_form(name="Deutschland")
    )
    german_group.refresh_from_db()
    assert german_group.status == GroupStatus.UP_TO_DATE


def test_condition_change_marks_stale(admin_client, german_group):
    data = group_form(
        name="Germany",
        condition_groups=[[("contact_field", field_params("country", "eq", "FR"))]],
    )
    admin_client.post(group_url("edit", german_group.pk), data)
    german_group.refresh_from_db()
    assert german_group.status == GroupStatus.NEEDS_RECALCULATION


def test_revisions_compare_conditions(admin_client, german_group):
    admin_client.post(group_url("edit", german_group.pk), german_form())
    data = group_form(
        name="Germany",
        condition_groups=[[("contact_field", field_params("country", "eq", "AT"))]],
    )
    admin_client.post(group_url("edit", german_group.pk), data)
    first, second = german_group.revisions.order_by("id")
    response = admin_client.get(
        group_url("revisions_compare", german_group.pk, first.pk, second.pk)
    )
    assert response.status_code == 200
    assert "AT" in response.content.decode()


def test_invalid_condition_keeps_input(admin_client):
    data = group_form(
        name="Birthdays",
        condition_groups=[[("contact_field", field_params("birthday", "lt", "soon"))]],
    )
    response = admin_client.post(group_url("add"), data)
    html = response.content.decode()
    assert response.status_code == 200
    assert not ContactGroup.objects.exists()
    assert 'value="Birthdays"' in html
    assert "soon" in html
