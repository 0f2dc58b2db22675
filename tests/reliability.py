"""Shared pieces of the reliability tests: data, groups and the membership check."""

import random

from wagtail_contactgroups.conditions import ConditionContext
from wagtail_contactgroups.conf import get_contact_model
from wagtail_contactgroups.engine.tree import build_q
from wagtail_contactgroups.models import ContactGroup

from .helpers import condition, condition_group, field_condition, make_group

COUNTRIES = ["DE", "FR", "AT", ""]


def create_contacts(count: int, seed: int = 1) -> None:
    """Insert ``count`` contacts in bulk (no signals), with seeded random fields."""
    rng = random.Random(seed)
    contact_model = get_contact_model()
    batch = []
    for number in range(count):
        batch.append(
            contact_model(
                email=f"contact{number}@example.com",
                country=rng.choice(COUNTRIES),
                lead_score=rng.randint(0, 100),
                subscribed=rng.random() < 0.5,
            )
        )
        if len(batch) == 5000:
            contact_model.objects.bulk_create(batch)
            batch = []
    contact_model.objects.bulk_create(batch)


def make_groups(threshold: int = 50) -> tuple[ContactGroup, ContactGroup]:
    """Create a field-based group and a group that reads its membership."""
    base = make_group(
        "German leads",
        condition_group(
            field_condition("country", "eq", "DE"),
            field_condition("lead_score", "gte", str(threshold)),
        ),
    )
    reader = make_group(
        "Subscribed German leads",
        condition_group(
            condition("group_membership", operator="any", groups=[base.pk]),
            field_condition("subscribed", "true"),
        ),
    )
    return base, reader


def membership_mismatches(group: ContactGroup) -> tuple[set[int], set[int]]:
    """Return (missing, extra): contacts the condition selects but are not
    stored members, and stored members the condition does not select."""
    group.refresh_from_db()
    expected = set(
        get_contact_model()
        .objects.filter(build_q(group, ConditionContext()))
        .values_list("pk", flat=True)
    )
    stored = set(group.memberships.values_list("contact_id", flat=True))
    return expected - stored, stored - expected
