"""The save path reuses compiled SQL and limits aggregates to evaluated contacts."""

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from benchmarks.data import ensure_page
from benchmarks.groups import block, create_group, field, page_visits
from wagtail_contactgroups.activities import record_activity
from wagtail_contactgroups.conf import get_contact_model
from wagtail_contactgroups.engine.catalogue import (
    clear_catalogue,
    evaluation_context,
    get_catalogue,
)
from wagtail_contactgroups.engine.sql import CONTACT_IDS, fill_contact_ids
from wagtail_contactgroups.models import ContactActivity

from .helpers import make_contact, member_ids


@pytest.fixture
def page():
    return ensure_page()


@pytest.fixture(autouse=True)
def fresh_catalogue():
    clear_catalogue()
    yield
    clear_catalogue()


@pytest.mark.django_db
def test_time_relative_sql_follows_clock():
    group = create_group("Recent", block(field("created_at", "in_last_days", days=3)))
    entry = get_catalogue().entries[group.pk]
    context = evaluation_context("default")
    first = entry.fragment(context)

    context.now += datetime.timedelta(days=2)
    again = entry.fragment(context)
    assert again[1] != first[1]


@pytest.mark.django_db
def test_plain_sql_compiled_once():
    group = create_group("German", block(field("country", "eq", "DE")))
    entry = get_catalogue().entries[group.pk]
    context = evaluation_context("default")
    first = entry.fragment(context)
    context.now += datetime.timedelta(days=2)
    assert entry.fragment(context) is first


@pytest.mark.django_db
def test_aggregate_limited_to_evaluated_contacts(page):
    group = create_group("Visitors", block(page_visits(page.pk, visits=2, days=30)))
    sql, params = (
        get_catalogue().entries[group.pk].fragment(evaluation_context("default"))
    )
    assert CONTACT_IDS in params
    filled = fill_contact_ids(params, "default", [7, 8])
    assert CONTACT_IDS not in filled
    assert len(filled) == len(params)


def test_fill_leaves_other_params_alone():
    params = ["DE", 3]
    assert fill_contact_ids(params, "default", [1]) is params


@pytest.mark.django_db(transaction=True)
def test_activity_moves_contact_into_group(page):
    group = create_group("Visitors", block(page_visits(page.pk, visits=2, days=30)))
    visitor = make_contact(email="v@example.com")
    other = make_contact(email="o@example.com")
    ContactActivity.objects.create(
        contact=other,
        activity_type="page_visited",
        page=page,
        occurred_at=timezone.now(),
    )
    record_activity(visitor, "page_visited", page=page)
    assert member_ids(group) == []

    with CaptureQueriesContext(connection) as captured:
        record_activity(visitor, "page_visited", page=page)
    assert member_ids(group) == [visitor.pk]
    table = get_contact_model()._meta.db_table
    evaluation = [
        query["sql"]
        for query in captured.captured_queries
        if query["sql"].startswith(f'SELECT "{table}"."id", CASE')
    ]
    assert len(evaluation) == 1
    # The contact ids bound the outer query and the aggregate subquery.
    if connection.vendor == "postgresql":
        assert evaluation[0].count("unnest(") == 1
    else:
        assert evaluation[0].count("json_each(") == 2
