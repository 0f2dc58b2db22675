"""The contact field condition: every operator of every field kind."""

import datetime
import decimal

import pytest
from django.utils import timezone

from .helpers import field_condition, make_contact, members_for_condition

pytestmark = pytest.mark.django_db


@pytest.fixture
def people():
    """Contacts with varied, partly empty fields, by nickname."""
    return {
        "anna": make_contact(
            first_name="Anna",
            city="Berlin",
            country="DE",
            gender="female",
            lead_score=10,
            annual_revenue=decimal.Decimal("1200.50"),
            birthday=datetime.date(1990, 5, 17),
            subscribed=True,
        ),
        "bert": make_contact(
            first_name="bert",
            city="berlin-mitte",
            country="FR",
            gender="male",
            lead_score=50,
            annual_revenue=decimal.Decimal("99.99"),
            birthday=datetime.date(1985, 1, 1),
        ),
        "carl": make_contact(
            first_name="Carl",
            city="Bad_Salz%",
            country="",
            lead_score=-3,
            birthday=None,
        ),
        "dora": make_contact(first_name="", city="", country="", lead_score=0),
    }


def names(people, ids):
    by_id = {contact.pk: name for name, contact in people.items()}
    return sorted(by_id[pk] for pk in ids)


TEXT_CASES = [
    ("eq", "BERLIN", ["anna"]),
    ("ne", "berlin", ["bert", "carl", "dora"]),
    ("contains", "ERLI", ["anna", "bert"]),
    ("not_contains", "erli", ["carl", "dora"]),
    ("contains", "_salz%", ["carl"]),
    ("contains", "%", ["carl"]),
    ("contains", "_", ["carl"]),
    ("starts_with", "bErL", ["anna", "bert"]),
    ("ends_with", "MITTE", ["bert"]),
    ("in", "berlin, bad_salz%, berlin", ["anna", "carl"]),
    ("not_in", "Berlin,Bad_Salz%", ["bert", "dora"]),
    ("empty", "", ["dora"]),
    ("not_empty", "", ["anna", "bert", "carl"]),
]


@pytest.mark.parametrize(("operator", "value", "expected"), TEXT_CASES)
def test_text_operators_match_exactly(people, operator, value, expected):
    ids = members_for_condition(field_condition("city", operator, value))
    assert names(people, ids) == expected


CHOICE_CASES = [
    ("country", "eq", "de", ["anna"]),
    ("country", "eq", "Germany", ["anna"]),
    ("country", "ne", "DE", ["bert", "carl", "dora"]),
    ("country", "in", "DE, FR, DE", ["anna", "bert"]),
    ("country", "not_in", "DE", ["bert", "carl", "dora"]),
    ("country", "empty", "", ["carl", "dora"]),
    ("country", "not_empty", "", ["anna", "bert"]),
    ("gender", "eq", "Female", ["anna"]),
    ("gender", "ne", "female", ["bert", "carl", "dora"]),
]


@pytest.mark.parametrize(("field", "operator", "value", "expected"), CHOICE_CASES)
def test_choice_operators_match_exactly(people, field, operator, value, expected):
    ids = members_for_condition(field_condition(field, operator, value))
    assert names(people, ids) == expected


NUMBER_CASES = [
    ("lead_score", "eq", "50", "", ["bert"]),
    ("lead_score", "ne", "50", "", ["anna", "carl", "dora"]),
    ("lead_score", "lt", "0", "", ["carl"]),
    ("lead_score", "lte", "0", "", ["carl", "dora"]),
    ("lead_score", "gt", "10", "", ["bert"]),
    ("lead_score", "gte", "10", "", ["anna", "bert"]),
    ("lead_score", "between", "-3", "10", ["anna", "carl", "dora"]),
    ("lead_score", "empty", "", "", []),
    ("lead_score", "not_empty", "", "", ["anna", "bert", "carl", "dora"]),
    ("annual_revenue", "eq", "1200.5", "", ["anna"]),
    ("annual_revenue", "ne", "1200.50", "", ["bert", "carl", "dora"]),
    ("annual_revenue", "lt", "100", "", ["bert"]),
    ("annual_revenue", "lte", "99.99", "", ["bert"]),
    ("annual_revenue", "gt", "99.99", "", ["anna"]),
    ("annual_revenue", "gte", "99.99", "", ["anna", "bert"]),
    ("annual_revenue", "between", "0", "1000", ["bert"]),
    ("annual_revenue", "empty", "", "", ["carl", "dora"]),
    ("annual_revenue", "not_empty", "", "", ["anna", "bert"]),
]


@pytest.mark.parametrize(
    ("field", "operator", "value", "upper", "expected"), NUMBER_CASES
)
def test_number_operators_match_exactly(
    people, field, operator, value, upper, expected
):
    ids = members_for_condition(field_condition(field, operator, value, upper))
    assert names(people, ids) == expected


DATE_CASES = [
    ("eq", "1990-05-17", "", ["anna"]),
    ("ne", "1990-05-17", "", ["bert", "carl", "dora"]),
    ("lt", "1990-05-17", "", ["bert"]),
    ("lte", "1990-05-17", "", ["anna", "bert"]),
    ("gt", "1985-01-01", "", ["anna"]),
    ("gte", "1985-01-01", "", ["anna", "bert"]),
    ("between", "1980-01-01", "1989-12-31", ["bert"]),
    ("empty", "", "", ["carl", "dora"]),
    ("not_empty", "", "", ["anna", "bert"]),
]


@pytest.mark.parametrize(("operator", "value", "upper", "expected"), DATE_CASES)
def test_date_operators_match_exactly(people, operator, value, upper, expected):
    ids = members_for_condition(field_condition("birthday", operator, value, upper))
    assert names(people, ids) == expected


def test_boolean_operators_match_exactly(people):
    assert names(people, members_for_condition(field_condition("subscribed", "true")))
    assert names(
        people, members_for_condition(field_condition("subscribed", "true"))
    ) == ["anna"]
    assert names(
        people, members_for_condition(field_condition("subscribed", "false"))
    ) == ["bert", "carl", "dora"]


def local(day, hour, minute=0):
    """An aware datetime at ``hour:minute`` of ``day`` in Europe/Berlin."""
    naive = datetime.datetime.combine(day, datetime.time(hour, minute))
    return timezone.make_aware(naive, timezone.get_default_timezone())


@pytest.fixture
def birthdays_around_today():
    """Contacts with birthdays relative to today in the server time zone."""
    today = timezone.localdate(timezone=timezone.get_default_timezone())
    return today, {
        name: make_contact(first_name=name, birthday=today - datetime.timedelta(days=d))
        for name, d in [("today", 0), ("week", 7), ("eight", 8), ("future", -1)]
    } | {"none": make_contact(first_name="none")}


@pytest.mark.parametrize(
    ("operator", "days", "expected"),
    [
        ("today", None, ["today"]),
        ("in_last_days", 7, ["today", "week"]),
        ("in_last_days", 0, ["today"]),
        ("more_than_days_ago", 7, ["eight"]),
        ("more_than_days_ago", 0, ["eight", "week"]),
    ],
)
def test_relative_date_operators(birthdays_around_today, operator, days, expected):
    _today, people = birthdays_around_today
    ids = members_for_condition(field_condition("birthday", operator, days=days))
    assert names(people, ids) == expected


@pytest.fixture
def created_around_midnight():
    """Contacts created just after or before local midnight of some days."""
    today = timezone.localdate(timezone=timezone.get_default_timezone())
    day = datetime.timedelta(days=1)
    moments = {
        "today_early": local(today, 0, 30),
        "yesterday_late": local(today - day, 23, 30),
        "week_early": local(today - 7 * day, 0, 30),
        "eight_late": local(today - 8 * day, 23, 30),
    }
    return today, {
        name: make_contact(first_name=name, created_at=moment)
        for name, moment in moments.items()
    }


@pytest.mark.parametrize(
    ("operator", "days", "expected"),
    [
        ("today", None, ["today_early"]),
        ("in_last_days", 0, ["today_early"]),
        ("in_last_days", 1, ["today_early", "yesterday_late"]),
        ("in_last_days", 7, ["today_early", "week_early", "yesterday_late"]),
        ("more_than_days_ago", 7, ["eight_late"]),
        ("more_than_days_ago", 1, ["eight_late", "week_early"]),
    ],
)
def test_relative_datetime_uses_server_zone(
    created_around_midnight, operator, days, expected
):
    _today, people = created_around_midnight
    # A user's time zone, as the admin activates it, must not matter.
    with timezone.override("America/New_York"):
        ids = members_for_condition(field_condition("created_at", operator, days=days))
    assert names(people, ids) == expected


def test_datetime_compares_server_local_dates(created_around_midnight):
    today, people = created_around_midnight
    yesterday = (today - datetime.timedelta(days=1)).isoformat()
    cases = {
        "eq": ["yesterday_late"],
        "ne": ["eight_late", "today_early", "week_early"],
        "lt": ["eight_late", "week_early"],
        "lte": ["eight_late", "week_early", "yesterday_late"],
        "gt": ["today_early"],
        "gte": ["today_early", "yesterday_late"],
    }
    for operator, expected in cases.items():
        ids = members_for_condition(field_condition("created_at", operator, yesterday))
        assert names(people, ids) == expected, operator
    between = field_condition("created_at", "between", yesterday, today.isoformat())
    assert names(people, members_for_condition(between)) == [
        "today_early",
        "yesterday_late",
    ]


def test_datetime_empty_operators(created_around_midnight):
    _today, people = created_around_midnight
    assert members_for_condition(field_condition("created_at", "empty")) == []
    assert len(members_for_condition(field_condition("created_at", "not_empty"))) == 4


def test_merged_contacts_never_match(people):
    people["bert"].merged_into = people["anna"]
    people["bert"].save()
    ids = members_for_condition(field_condition("city", "contains", "berlin"))
    assert names(people, ids) == ["anna"]
