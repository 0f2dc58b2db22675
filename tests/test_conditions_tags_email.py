"""Email domain and tag conditions."""

import pytest

from .helpers import (
    email_domain_condition,
    make_contact,
    members_for_condition,
    tags_condition,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def people():
    return {
        "ann": make_contact(email="ann@Example.com", tags=["VIP", "customer"]),
        "ben": make_contact(email="ben@mail.example.com", tags=["customer"]),
        "cid": make_contact(email="cid@example.org", tags=["vip"]),
        "dan": make_contact(email="", tags=[]),
        "eve": make_contact(email="eve@exampleXcom.net", tags=["news_letter%"]),
    }


def names(people, ids):
    by_id = {contact.pk: name for name, contact in people.items()}
    return sorted(by_id[pk] for pk in ids)


@pytest.mark.parametrize(
    ("operator", "domains", "expected"),
    [
        ("in", "example.com", ["ann"]),
        ("in", "EXAMPLE.COM, example.org, example.com", ["ann", "cid"]),
        ("in", "@mail.example.com", ["ben"]),
        ("not_in", "example.com", ["ben", "cid", "dan", "eve"]),
        ("not_in", "example.com, example.org", ["ben", "dan", "eve"]),
    ],
)
def test_email_domain_operators(people, operator, domains, expected):
    ids = members_for_condition(email_domain_condition(operator, domains))
    assert names(people, ids) == expected


@pytest.mark.parametrize(
    ("operator", "tags", "expected"),
    [
        ("any", "vip", ["ann", "cid"]),
        ("any", "VIP, Customer", ["ann", "ben", "cid"]),
        ("all", "vip, CUSTOMER", ["ann"]),
        ("all", "vip, vip, Vip", ["ann", "cid"]),
        ("none", "vip", ["ben", "dan", "eve"]),
        ("none", "vip, customer", ["dan", "eve"]),
        ("untagged", "", ["dan"]),
        ("any", "news_letter%", ["eve"]),
        ("any", "news%", []),
    ],
)
def test_tag_operators_ignore_case(people, operator, tags, expected):
    ids = members_for_condition(tags_condition(operator, tags))
    assert names(people, ids) == expected
