"""The live count of the condition being edited."""

import pytest
from django.test import Client

from tests.admin.conftest import group_url
from tests.admin.forms import field_params, group_form
from wagtail_contactgroups.models import ContactGroup

pytestmark = pytest.mark.django_db


def post_count(client, *condition_groups, match="all"):
    data = group_form(match=match, condition_groups=condition_groups)
    return client.post(group_url("live_count"), data)


def test_counts_unsaved_condition(admin_client, german_group):
    response = post_count(
        admin_client, [("contact_field", field_params("country", "eq", "DE"))]
    )
    assert response.status_code == 200
    assert response.json() == {
        "valid": True,
        "count": 2,
        "message": "Matches 2 contacts",
    }
    assert ContactGroup.objects.count() == 1


def test_counts_any_of_condition_groups(admin_client, german_group):
    response = post_count(
        admin_client,
        [("contact_field", field_params("first_name", "eq", "Ada"))],
        [("contact_field", field_params("country", "eq", "FR"))],
        match="any",
    )
    assert response.json()["count"] == 2


def test_invalid_parameter_names_field(admin_client, german_group):
    response = post_count(
        admin_client,
        [("contact_field", field_params("birthday", "lt", "31.12.1990"))],
    )
    body = response.json()
    assert response.status_code == 400
    assert body["valid"] is False
    assert len(body["errors"]) == 1
    assert body["errors"][0]["field"] == "Condition group 1 › Contact field 1 › Value"
    assert "31.12.1990" in body["errors"][0]["message"]


def test_empty_condition_group_is_error(admin_client):
    response = post_count(admin_client, [])
    assert response.status_code == 400
    assert response.json()["errors"][0]["field"] == "Condition group 1"


def test_empty_condition_matches_nobody(admin_client, german_group):
    response = post_count(admin_client)
    assert response.json()["count"] == 0


def test_live_count_rejects_get(admin_client):
    assert admin_client.get(group_url("live_count")).status_code == 405


def test_live_count_requires_csrf(admin_user):
    client = Client(enforce_csrf_checks=True)
    client.force_login(admin_user)
    data = group_form(condition_groups=[])
    assert client.post(group_url("live_count"), data).status_code == 403


def membership_params(*groups):
    """The posted parameters of a "member of any of" condition."""
    chosen = {
        str(index): {"value": group.pk, "deleted": "", "order": index, "id": ""}
        for index, group in enumerate(groups)
    }
    return {"operator": "any", "groups": {"count": len(groups), **chosen}}


def test_live_count_reports_dependency_loop(admin_client, german_group):
    from tests.helpers import condition_group, make_group, membership_condition

    reader = make_group(
        "Reader", condition_group(membership_condition("any", german_group))
    )
    data = group_form(
        condition_groups=[[("group_membership", membership_params(reader))]]
    )
    data["contactgroups_group_id"] = str(german_group.pk)

    response = admin_client.post(group_url("live_count"), data)

    assert response.status_code == 400
    message = response.json()["errors"][0]["message"]
    assert "cannot depend on itself" in message
    assert "Reader" in message


def test_live_count_new_group_has_no_loop(admin_client, german_group):
    data = group_form(
        condition_groups=[[("group_membership", membership_params(german_group))]]
    )
    data["contactgroups_group_id"] = ""

    response = admin_client.post(group_url("live_count"), data)

    assert response.status_code == 200
    assert response.json()["count"] == 2
