"""Group membership conditions and dependencies between groups."""

import pytest
from django.core.exceptions import ValidationError

from wagtail_contactgroups.engine.recalculate import (
    RecalculationError,
    recalculate_group,
)
from wagtail_contactgroups.models import GroupStatus

from .helpers import (
    condition_group,
    field_condition,
    make_contact,
    make_group,
    member_ids,
    members_for_condition,
    membership_condition,
    recalculated_members,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def setup():
    """Two base groups: German contacts and contacts scoring over 50."""
    people = {
        "de_high": make_contact(country="DE", lead_score=80),
        "de_low": make_contact(country="DE", lead_score=10),
        "fr_high": make_contact(country="FR", lead_score=90),
        "none": make_contact(country="", lead_score=0),
    }
    german = make_group(
        "German", condition_group(field_condition("country", "eq", "DE"))
    )
    high = make_group(
        "High", condition_group(field_condition("lead_score", "gt", "50"))
    )
    recalculate_group(german)
    recalculate_group(high)
    return people, german, high


def names(people, ids):
    by_id = {contact.pk: name for name, contact in people.items()}
    return sorted(by_id[pk] for pk in ids)


@pytest.mark.parametrize(
    ("operator", "expected"),
    [
        ("any", ["de_high", "de_low", "fr_high"]),
        ("all", ["de_high"]),
        ("not_any", ["none"]),
        ("not_all", ["de_low", "fr_high", "none"]),
    ],
)
def test_membership_operators(setup, operator, expected):
    people, german, high = setup
    ids = members_for_condition(membership_condition(operator, german, high))
    assert names(people, ids) == expected


def test_not_member_of_includes_non_members(setup):
    people, german, _high = setup
    ids = members_for_condition(membership_condition("not_any", german))
    assert names(people, ids) == ["fr_high", "none"]


def test_deleted_group_fails_reader(setup):
    people, german, high = setup
    reader = make_group(
        "Reader", condition_group(membership_condition("not_any", german))
    )
    before = recalculated_members(reader)
    german.delete()
    reader.refresh_from_db()

    with pytest.raises(RecalculationError, match="deleted"):
        recalculate_group(reader)

    reader.refresh_from_db()
    assert reader.status == GroupStatus.FAILED
    assert "deleted" in reader.status_message
    assert member_ids(reader) == before


def test_self_dependency_rejected(setup):
    _people, german, _high = setup
    german.conditions = [condition_group(membership_condition("any", german))]
    with pytest.raises(ValidationError) as error:
        german.full_clean()
    assert "German → German" in str(error.value)


def test_indirect_cycle_rejected_with_names(setup):
    _people, german, high = setup
    middle = make_group("Middle", condition_group(membership_condition("any", german)))
    top = make_group("Top", condition_group(membership_condition("all", middle, high)))
    german.conditions = [condition_group(membership_condition("not_any", top))]
    with pytest.raises(ValidationError) as error:
        german.full_clean()
    message = str(error.value)
    assert "German → Top → Middle → German" in message
    assert "conditions" in error.value.message_dict


def test_chain_without_cycle_accepted(setup):
    _people, german, high = setup
    middle = make_group("Middle", condition_group(membership_condition("any", german)))
    top = make_group("Top", condition_group(membership_condition("all", middle, high)))
    top.full_clean()
