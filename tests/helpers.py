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


def email_domain_condition(operator, domains):
    return condition("email_domain", operator=operator, domains=domains)


def tags_condition(operator, tags=""):
    return condition("tags", operator=operator, tags=tags)


def membership_condition(operator, *groups):
    return condition(
        "group_membership", operator=operator, groups=[group.pk for group in groups]
    )


def python_members(group, context=None):
    """Return the ids of contacts the pure-Python reference puts in ``group``."""
    from wagtail_contactgroups.conditions import ConditionContext
    from wagtail_contactgroups.engine.tree import evaluate

    context = context or ConditionContext()
    contacts = get_contact_model()._default_manager.prefetch_related("tags")
    return sorted(c.pk for c in contacts if evaluate(group, c, context))


def recalculated_members(group):
    """Recalculate ``group``; check the reference agrees and return member ids."""
    from wagtail_contactgroups.engine.recalculate import recalculate_group

    recalculate_group(group)
    members = member_ids(group)
    assert members == python_members(group), "database and reference disagree"
    return members


_counter = iter(range(1, 10**9))


def members_for(*condition_groups, match="all"):
    """Create a group with the condition, recalculate it and return member ids."""
    group = make_group(f"Group {next(_counter)}", *condition_groups, match=match)
    return recalculated_members(group)


def members_for_condition(cond):
    """Member ids of a group holding the single condition ``cond``."""
    return members_for(condition_group(cond))


def block_errors(raw_conditions):
    """Clean a stored condition tree through the block; return its error data."""
    from wagtail_contactgroups.blocks import ConditionGroupsBlock

    block = ConditionGroupsBlock()
    try:
        block.clean(block.to_python(raw_conditions))
    except Exception as error:  # noqa: BLE001 - returned for inspection
        return error.as_json_data()
    return None


def condition_errors(cond):
    """Return ``{parameter: [messages]}`` for one condition cleaned by its block."""
    data = block_errors([condition_group(cond)])
    if data is None:
        return {}
    inner = data["blockErrors"][0]["blockErrors"]["conditions"]["blockErrors"][0]
    found = (
        {
            name: error.get("messages", [str(error)])
            for name, error in inner["blockErrors"].items()
        }
        if "blockErrors" in inner
        else {}
    )
    if "messages" in inner:
        found["__all__"] = inner["messages"]
    return found
