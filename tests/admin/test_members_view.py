"""The Contacts screen of a group and its CSV export."""

import csv
import io
import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from tests.admin.conftest import group_url
from tests.helpers import condition_group, field_condition, make_contact, make_group
from wagtail_contactgroups.conf import get_contact_model
from wagtail_contactgroups.engine.recalculate import recalculate_group
from wagtail_contactgroups.models import ContactGroupMembership
from wagtail_contactgroups.views import members

pytestmark = pytest.mark.django_db


@pytest.fixture
def big_group(monkeypatch):
    """A group of 7 members shown 3 per page, plus one outsider."""
    monkeypatch.setattr(members.MembersView, "paginate_by", 3)
    Contact = get_contact_model()
    Contact.objects.bulk_create(
        [
            Contact(first_name=f"Person{number}", email=f"p{number}@example.de")
            for number in range(7)
        ]
    )
    Contact.objects.update(country="DE")
    make_contact(first_name="Outsider", country="FR")
    group = make_group(
        "Germany", condition_group(field_condition("country", "eq", "DE"))
    )
    recalculate_group(group)
    group.refresh_from_db()
    return group


def names(response):
    return [row.contact.first_name for row in response.context["object_list"]]


def test_pages_follow_contact_ids(admin_client, big_group):
    url = group_url("members", big_group.pk)
    first = admin_client.get(url)
    assert names(first) == ["Person0", "Person1", "Person2"]
    second = admin_client.get(first.context["next_url"])
    assert names(second) == ["Person3", "Person4", "Person5"]
    third = admin_client.get(second.context["next_url"])
    assert names(third) == ["Person6"]
    assert "next_url" not in third.context
    back = admin_client.get(third.context["previous_url"])
    assert names(back) == ["Person3", "Person4", "Person5"]
    assert "previous_url" in back.context


def test_page_query_bounds_both_sides(admin_client, big_group):
    after = ContactGroupMembership.objects.order_by("contact_id")[2].contact_id
    url = group_url("members", big_group.pk)
    with CaptureQueriesContext(connection) as queries:
        response = admin_client.get(url, {"after": after})
    assert names(response) == ["Person3", "Person4", "Person5"]
    sql = [query["sql"] for query in queries.captured_queries]
    membership_table = ContactGroupMembership._meta.db_table
    page_sql = [text for text in sql if f'FROM "{membership_table}"' in text]
    assert len(page_sql) == 1
    contact_table = get_contact_model()._meta.db_table
    assert f'"{membership_table}"."contact_id" > {after}' in page_sql[0]
    assert re.search(rf'"{contact_table}"\."id"\)? > {after}\b', page_sql[0])
    assert not any("COUNT(" in text for text in sql if membership_table in text)


def test_search_finds_member_by_email(admin_client, big_group):
    response = admin_client.get(group_url("members", big_group.pk), {"q": "p4@"})
    assert names(response) == ["Person4"]


def test_filter_by_subscribed(admin_client, big_group):
    get_contact_model().objects.filter(first_name="Person5").update(subscribed=True)
    response = admin_client.get(
        group_url("members", big_group.pk), {"subscribed": "true"}
    )
    assert names(response) == ["Person5"]


def test_results_view_renders_rows(admin_client, big_group):
    response = admin_client.get(group_url("members_results", big_group.pk))
    assert response.status_code == 200
    assert "Person0" in response.content.decode()


def read_csv(response):
    assert response.streaming
    text = b"".join(response.streaming_content).decode()
    return list(csv.reader(io.StringIO(text)))


def test_export_streams_all_members(admin_client, big_group):
    response = admin_client.get(group_url("members_export", big_group.pk))
    rows = read_csv(response)
    assert response["Content-Type"] == "text/csv"
    assert "germany-contacts.csv" in response["Content-Disposition"]
    assert rows[0][:4] == ["Id", "First name", "Last name", "Email"]
    assert [row[1] for row in rows[1:]] == [f"Person{number}" for number in range(7)]


def test_export_applies_search(admin_client, big_group):
    response = admin_client.get(
        group_url("members_export", big_group.pk), {"q": "Person6"}
    )
    assert [row[1] for row in read_csv(response)[1:]] == ["Person6"]


def test_export_neutralises_formulas(admin_client, big_group):
    get_contact_model().objects.filter(first_name="Person0").update(
        company="=HYPERLINK(1)"
    )
    rows = read_csv(admin_client.get(group_url("members_export", big_group.pk)))
    assert rows[1][4] == "'=HYPERLINK(1)"
