"""How condition groups and conditions combine, and broken conditions."""

import pytest
from django.db.models import Q
from wagtail import blocks

from wagtail_contactgroups.conditions import Condition, ConditionContext, registry
from wagtail_contactgroups.engine.recalculate import (
    RecalculationError,
    recalculate_group,
)
from wagtail_contactgroups.engine.tree import evaluate
from wagtail_contactgroups.models import ContactGroup, GroupStatus

from .helpers import (
    condition,
    condition_group,
    field_condition,
    make_contact,
    make_group,
    member_ids,
    members_for,
    recalculated_members,
)

pytestmark = pytest.mark.django_db

DE = field_condition("country", "eq", "DE")
HIGH = field_condition("lead_score", "gte", "50")
SUBSCRIBED = field_condition("subscribed", "true")


@pytest.fixture
def people():
    return {
        "de_high_sub": make_contact(country="DE", lead_score=60, subscribed=True),
        "de_low": make_contact(country="DE", lead_score=1),
        "fr_high": make_contact(country="FR", lead_score=70),
        "none_sub": make_contact(subscribed=True),
    }


def names(people, ids):
    by_id = {contact.pk: name for name, contact in people.items()}
    return sorted(by_id[pk] for pk in ids)


def test_empty_condition_has_no_members(people):
    assert members_for() == []
    assert members_for(match="any") == []


def test_empty_condition_group_has_no_members(people):
    assert members_for(condition_group()) == []
    assert members_for(condition_group(match="any")) == []


def test_empty_group_ignored_under_any(people):
    ids = members_for(condition_group(), condition_group(DE), match="any")
    assert names(people, ids) == [
        "de_high_sub",
        "de_low",
    ]


def test_empty_group_blocks_all(people):
    assert members_for(condition_group(), condition_group(DE), match="all") == []


@pytest.mark.parametrize(
    ("inner", "outer", "expected"),
    [
        ("all", "all", ["de_high_sub"]),
        ("any", "all", ["de_high_sub"]),
        ("all", "any", ["de_high_sub", "none_sub"]),
        ("any", "any", ["de_high_sub", "de_low", "fr_high", "none_sub"]),
    ],
)
def test_any_all_at_both_levels(people, inner, outer, expected):
    ids = members_for(
        condition_group(DE, HIGH, match=inner),
        condition_group(SUBSCRIBED, match=inner),
        match=outer,
    )
    assert names(people, ids) == expected


def test_missing_field_fails_without_change(people):
    group = make_group("Scores", condition_group(HIGH))
    before = recalculated_members(group)
    assert before
    group.conditions = [condition_group(field_condition("fax", "eq", "1"))]
    group.save()

    with pytest.raises(RecalculationError, match="“fax” does not exist"):
        recalculate_group(group)

    group.refresh_from_db()
    assert group.status == GroupStatus.FAILED
    assert "fax" in group.status_message
    assert member_ids(group) == before


class AlwaysCondition(Condition):
    """Matches every contact; registered only inside a test."""

    name = "always_for_test"
    label = "Always"

    def get_parameter_blocks(self):
        return [("note", blocks.CharBlock(required=False))]

    def get_q(self, value, context):
        return Q(pk__isnull=False)

    def evaluate(self, contact, value, context):
        return True


def test_uninstalled_type_fails_not_widens(people):
    registry.register(AlwaysCondition())
    try:
        stored = [condition_group(DE, condition("always_for_test"), match="any")]
        group = make_group("Later uninstalled", *stored, match="any")
        assert len(recalculated_members(group)) == 4
    finally:
        registry.unregister("always_for_test")
    group = ContactGroup.objects.get(pk=group.pk)

    with pytest.raises(RecalculationError, match="always_for_test"):
        recalculate_group(group)
    assert len(member_ids(group)) == 4


def test_reference_reports_merged_contact(people):
    contact = people["de_low"]
    contact.merged_into = people["fr_high"]
    contact.save()
    group = make_group("German", condition_group(DE))
    assert not evaluate(group, contact, ConditionContext())
