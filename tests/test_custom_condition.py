import pytest

from crm.conditions import LeadScoreCondition
from wagtail_contactgroups.conditions import registry
from wagtail_contactgroups.engine.recalculate import recalculate_group
from wagtail_contactgroups.models import ContactGroup

from .helpers import condition, condition_group, make_contact, make_group, member_ids


def test_lead_score_in_registry():
    found = registry.get("lead_score_at_least")

    assert isinstance(found, LeadScoreCondition)
    assert found.category.slug == "fields"


def test_picker_offers_custom_and_activity_conditions():
    stream_block = ContactGroup._meta.get_field("conditions").stream_block
    conditions_block = stream_block.child_blocks["condition_group"].child_blocks[
        "conditions"
    ]

    names = set(conditions_block.child_blocks)

    assert {"lead_score_at_least", "visited_page", "submitted_form"} <= names
    assert "performed_activity" in names
    assert str(conditions_block.child_blocks["lead_score_at_least"].meta.group) == (
        "Contact fields"
    )


@pytest.mark.django_db(transaction=True)
def test_lead_score_selects_and_updates():
    hot = make_contact(email="hot@example.com", lead_score=80)
    make_contact(email="cold@example.com", lead_score=10)
    group = make_group(
        "Hot leads", condition_group(condition("lead_score_at_least", minimum=50))
    )
    recalculate_group(group)
    assert member_ids(group) == [hot.pk]
    assert group.dependencies["fields"] == ["lead_score"]

    hot.lead_score = 20
    hot.save()

    assert member_ids(group) == []


def test_missing_minimum_is_rejected():
    block = LeadScoreCondition().get_block()

    assert LeadScoreCondition().validate(block.to_python({})) == {}
    assert "minimum" in LeadScoreCondition().validate({"minimum": None})
