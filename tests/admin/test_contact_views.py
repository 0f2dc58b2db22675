"""The contact listing, editor, inspect view and membership explanation."""

import pytest

from tests.admin.conftest import contact_url, group_url
from tests.helpers import condition_group, field_condition, make_contact, make_group
from wagtail_contactgroups.merging import merge_contacts
from wagtail_contactgroups.models import ContactGroup, GroupStatus

pytestmark = pytest.mark.django_db


def listed(response):
    return sorted(contact.first_name for contact in response.context["object_list"])


def test_filter_in_any_of_groups(admin_client, german_group):
    response = admin_client.get(contact_url("list"), {"groups": [german_group.pk]})
    assert listed(response) == ["Ada", "Bert"]


def test_filter_by_country(admin_client, german_group):
    response = admin_client.get(contact_url("list"), {"country": "FR"})
    assert listed(response) == ["Chloe"]


def test_filter_created_date_range(admin_client, german_group):
    chloe = german_group.ada.__class__.objects.get(first_name="Chloe")
    chloe.__class__.objects.filter(pk=chloe.pk).update(created_at="2020-01-01T12:00Z")
    response = admin_client.get(
        contact_url("list"),
        {"created_at_from": "2019-12-01", "created_at_to": "2020-02-01"},
    )
    assert listed(response) == ["Chloe"]


def test_search_by_company(admin_client, german_group):
    make_contact(first_name="Dana", company="Acme Rockets")
    response = admin_client.get(contact_url("list"), {"q": "Acme"})
    assert listed(response) == ["Dana"]


def test_merged_contact_links_parent(
    admin_client, german_group, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        merge_contacts(german_group.ada, german_group.bert)
    html = admin_client.get(contact_url("list")).content.decode()
    assert "Merged" in html
    assert contact_url("edit", german_group.ada.pk) in html
    hidden = admin_client.get(contact_url("list"), {"hide_merged": "on"})
    assert listed(hidden) == ["Ada", "Chloe"]


def test_edit_view_lists_groups(admin_client, german_group):
    html = admin_client.get(contact_url("edit", german_group.ada.pk)).content.decode()
    assert "Contact groups" in html
    assert group_url("edit", german_group.pk) in html
    assert "Why (not) a member" in html


def test_inspect_view_lists_groups(admin_client, german_group):
    response = admin_client.get(contact_url("inspect", german_group.ada.pk))
    assert response.status_code == 200
    assert response.context["contact_groups"] == [german_group]
    assert group_url("edit", german_group.pk) in response.content.decode()


def explain(client, contact, group):
    return client.get(contact_url("explain", contact.pk), {"group": group.pk})


def test_explain_shows_values_and_verdict(admin_client, german_group):
    response = explain(admin_client, german_group.ada, german_group)
    html = response.content.decode()
    assert response.context["result"].matches is True
    assert response.context["agrees"] is True
    assert "Country: DE" in html
    assert "meets the condition and is a member" in html


def test_explain_non_member_condition_fails(admin_client, german_group):
    chloe = german_group.ada.__class__.objects.get(first_name="Chloe")
    response = explain(admin_client, chloe, german_group)
    result = response.context["result"]
    assert result.matches is False
    assert result.condition_groups[0].conditions[0].actual == "Country: FR"
    assert (
        "does not meet the condition and is not a member" in response.content.decode()
    )


def test_explain_reports_stale_group(admin_client, german_group):
    german_group.conditions = [condition_group(field_condition("country", "eq", "FR"))]
    german_group.save()
    response = explain(admin_client, german_group.ada, german_group)
    assert response.context["agrees"] is False
    assert "needs recalculation" in response.content.decode()


def test_explain_membership_condition(admin_client, german_group):
    outer = make_group(
        "Not German",
        condition_group(
            {
                "type": "group_membership",
                "value": {"operator": "not_any", "groups": [german_group.pk]},
            }
        ),
    )
    ContactGroup.objects.filter(pk=outer.pk).update(status=GroupStatus.UP_TO_DATE)
    response = explain(admin_client, german_group.ada, outer)
    assert response.context["result"].matches is False
    assert "Member of: Germany" in response.content.decode()
