"""Builders for condition trees and contacts used across the tests."""

from wagtail_contactgroups.conf import get_contact_model
from wagtail_contactgroups.models import ContactGroup


def condition(type_name, **value):
    """Return the stored form of one condition."""
    return {"type": type_name, "value": value}


def field_condition(field, operator, value="", value_to="", days=None):
    return condition(
        "contact_field",
        field=field,
        operator=operator,
        value=value,
        value_to=value_to,
        days=days,
    )


def condition_group(*conditions, match="all"):
    """Return the stored form of one condition group."""
    return {
        "type": "condition_group",
        "value": {"match": match, "conditions": list(conditions)},
    }


def make_group(name, *condition_groups, match="all", **fields):
    """Create a contact group with the given condition groups."""
    return ContactGroup.objects.create(
        name=name, match=match, conditions=list(condition_groups), **fields
    )


def make_contact(**fields):
    """Create a contact of the configured contact model."""
    tags = fields.pop("tags", None)
    contact = get_contact_model().objects.create(**fields)
    if tags:
        contact.tags.add(*tags)
    return contact


def member_ids(group):
    """Return the ids of the group's stored members, sorted."""
    return sorted(group.memberships.values_list("contact_id", flat=True))
