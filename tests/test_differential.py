"""The database and the pure-Python reference agree on random data."""

import datetime
import decimal

import pytest
from django.utils import timezone
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from taggit.models import Tag

from wagtail_contactgroups.conditions import ConditionContext
from wagtail_contactgroups.conf import get_contact_model
from wagtail_contactgroups.engine.evaluate import update_contacts
from wagtail_contactgroups.engine.recalculate import recalculate_group
from wagtail_contactgroups.models import ContactGroup

from .helpers import (
    condition_group,
    email_domain_condition,
    field_condition,
    make_group,
    member_ids,
    python_members,
    tags_condition,
)

pytestmark = pytest.mark.django_db

# SQL and LIKE metacharacters, both cases of ASCII letters, no cased
# non-ASCII letters (databases fold those differently).
ALPHABET = "abAB %_\\'\"-1"
TODAY = timezone.localdate(timezone=timezone.get_default_timezone())
text = st.text(ALPHABET, max_size=6)
value_text = text.filter(lambda value: value.strip(" ") != "")
DOMAINS = ["example.com", "Example.org", "mail.example.com", "ex_mple.com"]
TAGS = ["vip", "VIP", "news_%", "a'b"]


def _local(day, minutes):
    naive = datetime.datetime.combine(day, datetime.time()) + datetime.timedelta(
        minutes=minutes
    )
    return timezone.make_aware(naive, timezone.get_default_timezone())


near_days = st.integers(-2, 12).map(lambda d: TODAY - datetime.timedelta(days=d))
dates = st.one_of(st.none(), near_days, st.dates(datetime.date(1950, 1, 1)))
datetimes = st.builds(_local, near_days, st.sampled_from([0, 1, 30, 1410, 1439]))

contacts = st.fixed_dictionaries(
    {
        "first_name": text,
        "city": text,
        "email": st.one_of(
            st.just(""),
            st.builds(
                lambda user, domain: f"{user}@{domain}",
                value_text,
                st.sampled_from(DOMAINS),
            ),
        ),
        "country": st.sampled_from(["", "DE", "FR", "US"]),
        "gender": st.sampled_from(["", "female", "male"]),
        "lead_score": st.integers(-3, 3),
        "annual_revenue": st.one_of(
            st.none(), st.decimals(-2, 2, places=2, allow_nan=False)
        ),
        "birthday": dates,
        "created_at": datetimes,
        "subscribed": st.booleans(),
        "tags": st.lists(st.sampled_from(TAGS), max_size=3),
        "merged": st.sampled_from([False] * 6 + [True]),
    }
)

TEXT_OPS = ["eq", "ne", "contains", "not_contains", "starts_with", "ends_with"]
LIST_OPS = ["in", "not_in"]
EMPTY_OPS = ["empty", "not_empty"]
ORDER_OPS = ["eq", "ne", "lt", "lte", "gt", "gte"]
RELATIVE_OPS = ["in_last_days", "more_than_days_ago", "today"]
value_list = (
    st.lists(value_text, min_size=1, max_size=3)
    .map(", ".join)
    .filter(lambda joined: any(part.strip() for part in joined.split(",")))
)


def _date_text(day):
    return day.isoformat()


def _number_pair(kind):
    numbers = (
        st.integers(-3, 3).map(str)
        if kind == "integer"
        else st.decimals(-2, 2, places=2, allow_nan=False).map(str)
    )
    return st.tuples(numbers, numbers).map(
        lambda pair: sorted(pair, key=decimal.Decimal)
    )


def field_conditions():
    text_field = st.sampled_from(["first_name", "city", "email"])
    choice = st.sampled_from(
        [("country", ["DE", "FR", "us"]), ("gender", ["female", "Male"])]
    )
    date_field = st.sampled_from(["birthday", "created_at"])
    return st.one_of(
        st.builds(field_condition, text_field, st.sampled_from(TEXT_OPS), value_text),
        st.builds(field_condition, text_field, st.sampled_from(LIST_OPS), value_list),
        st.builds(
            field_condition,
            st.sampled_from(
                [
                    "first_name",
                    "city",
                    "country",
                    "birthday",
                    "annual_revenue",
                    "lead_score",
                    "created_at",
                ]
            ),
            st.sampled_from(EMPTY_OPS),
        ),
        choice.flatmap(
            lambda item: st.one_of(
                st.builds(
                    field_condition,
                    st.just(item[0]),
                    st.sampled_from(["eq", "ne"]),
                    st.sampled_from(item[1]),
                ),
                st.builds(
                    field_condition,
                    st.just(item[0]),
                    st.sampled_from(["in", "not_in"]),
                    st.lists(st.sampled_from(item[1]), min_size=1, max_size=2).map(
                        ", ".join
                    ),
                ),
            )
        ),
        st.sampled_from(["lead_score", "annual_revenue"]).flatmap(
            lambda name: st.tuples(
                st.sampled_from([*ORDER_OPS, "between"]),
                _number_pair("integer" if name == "lead_score" else "decimal"),
            ).map(lambda args: field_condition(name, args[0], *args[1]))
        ),
        st.builds(
            lambda name, op, pair: field_condition(
                name, op, _date_text(min(pair)), _date_text(max(pair))
            ),
            date_field,
            st.sampled_from([*ORDER_OPS, "between"]),
            st.tuples(near_days, near_days),
        ),
        st.builds(
            lambda name, op, days: field_condition(name, op, days=days),
            date_field,
            st.sampled_from(RELATIVE_OPS),
            st.integers(0, 10),
        ),
        st.builds(
            field_condition, st.just("subscribed"), st.sampled_from(["true", "false"])
        ),
    )


def other_conditions(base_ids):
    return st.one_of(
        st.builds(
            email_domain_condition,
            st.sampled_from(["in", "not_in"]),
            st.lists(st.sampled_from(DOMAINS[:3]), min_size=1, max_size=2).map(
                ", ".join
            ),
        ),
        st.builds(
            tags_condition,
            st.sampled_from(["any", "all", "none"]),
            st.lists(st.sampled_from(TAGS), min_size=1, max_size=2).map(", ".join),
        ),
        st.just(tags_condition("untagged")),
        st.builds(
            lambda op, picked: {
                "type": "group_membership",
                "value": {"operator": op, "groups": picked},
            },
            st.sampled_from(["any", "all", "not_any", "not_all"]),
            st.lists(st.sampled_from(base_ids), min_size=1, max_size=2),
        ),
    )


def trees(base_ids):
    one = st.one_of(field_conditions(), other_conditions(base_ids))
    group = st.builds(
        lambda conds, match: condition_group(*conds, match=match),
        st.lists(one, min_size=0, max_size=3),
        st.sampled_from(["any", "all"]),
    )
    return st.tuples(
        st.lists(group, min_size=0, max_size=3), st.sampled_from(["any", "all"])
    )


BASE_IDS = [900001, 900002]


def reset_and_create(people):
    """Replace every contact and group with ``people`` and two base groups."""
    model = get_contact_model()
    ContactGroup.objects.all().delete()
    model.objects.all().delete()
    Tag.objects.all().delete()
    created = []
    for data in people:
        data = dict(data)
        tags, merged = data.pop("tags"), data.pop("merged")
        contact = model.objects.create(**data)
        if tags:
            contact.tags.add(*tags)
        if merged and created:
            contact.merged_into = created[0]
            contact.save()
        created.append(contact)
    base = [
        make_group(
            "Base DE",
            condition_group(field_condition("country", "eq", "DE")),
            pk=BASE_IDS[0],
        ),
        make_group(
            "Base VIP", condition_group(tags_condition("any", "vip")), pk=BASE_IDS[1]
        ),
    ]
    for group in base:
        recalculate_group(group)
    return created


def check_tree(tree):
    groups, match = tree
    group = make_group("Random", *groups, match=match)
    group.refresh_from_db()
    recalculate_group(group)
    assert member_ids(group) == python_members(group, ConditionContext())
    return group


@settings(
    max_examples=40,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(
    people=st.lists(contacts, min_size=1, max_size=8),
    tree=trees(BASE_IDS),
    change=contacts,
)
def test_database_equals_reference(people, tree, change):
    created = reset_and_create(people)
    group = check_tree(tree)

    contact = created[-1]
    change = dict(change)
    tags, _merged = change.pop("tags"), change.pop("merged")
    for name, value in change.items():
        setattr(contact, name, value)
    contact.save()
    contact.tags.set(tags)
    update_contacts([contact.pk], None)
    for checked in [group, *ContactGroup.objects.filter(pk__in=BASE_IDS)]:
        assert member_ids(checked) == python_members(checked), checked.name
