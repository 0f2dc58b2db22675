"""Ids beyond the database's integer range are invalid input, not errors."""

import pytest

from tests.admin.conftest import contact_url, group_url

pytestmark = pytest.mark.django_db

HUGE = "99999999999999999999999"


@pytest.mark.parametrize("bound", ["after", "before"])
def test_members_page_huge_bound(admin_client, german_group, bound):
    response = admin_client.get(group_url("members", german_group.pk), {bound: HUGE})
    assert response.status_code == 200


def test_contact_filter_huge_group_id(admin_client, german_group):
    response = admin_client.get(contact_url("list"), {"groups": [HUGE]})
    assert response.status_code == 200
    assert (
        "Select a valid choice" in response.content.decode()
        or response.context["filters"].errors
    )
