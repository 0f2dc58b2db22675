"""Edge cases of the listings: unset checkboxes and invalid export filters."""

import pytest

from tests.admin.conftest import contact_url, group_url

pytestmark = pytest.mark.django_db


def test_hide_merged_unset_on_first_load(admin_client, german_group):
    response = admin_client.get(contact_url("list"))
    filters = response.context["filters"]
    assert filters.is_valid()
    assert filters.form.cleaned_data["hide_merged"] is None


def test_hide_merged_checked_filters(admin_client, german_group):
    response = admin_client.get(contact_url("list"), {"hide_merged": "on"})
    assert response.context["filters"].form.cleaned_data["hide_merged"] is True


def test_export_rejects_invalid_filters(admin_client, german_group):
    response = admin_client.get(
        group_url("members_export", german_group.pk), {"country": "ZZ"}
    )
    assert response.status_code == 400
    assert "country" in response.content.decode()


def test_export_valid_filters_streams(admin_client, german_group):
    response = admin_client.get(group_url("members_export", german_group.pk))
    assert response.status_code == 200
    body = b"".join(response.streaming_content).decode()
    assert "ada" in body.lower()


def test_group_inspect_reads_condition(admin_client, german_group):
    response = admin_client.get(group_url("inspect", german_group.pk))
    body = response.content.decode()
    assert response.status_code == 200
    assert "Country is DE" in body
    assert "recalculation_task_id" not in body
    assert "Dependencies" not in body
