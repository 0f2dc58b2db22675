"""Contacts tagged into three contact groups, for recipient selection tests."""

from wagtail_contactgroups.engine.recalculate import recalculate_group

from .helpers import condition, condition_group, make_contact, make_group


def tag_group(name, tag):
    """Create a group whose members carry ``tag``."""
    return make_group(
        name, condition_group(condition("tags", operator="any", tags=tag))
    )


def build_audience():
    """Return ``(groups, contacts)``: groups A, B, C and contacts by name.

    ``ab`` is in A and B, ``a`` in A, ``b`` in B, ``ac`` in A and C, and
    ``none`` in no group. Every contact is subscribed except ``b``.
    """
    contacts = {
        "a": make_contact(email="a@example.com", subscribed=True, tags=["a"]),
        "ab": make_contact(email="ab@example.com", subscribed=True, tags=["a", "b"]),
        "b": make_contact(email="b@example.com", subscribed=False, tags=["b"]),
        "ac": make_contact(email="ac@example.com", subscribed=True, tags=["a", "c"]),
        "none": make_contact(email="none@example.com", subscribed=True),
    }
    groups = {key: tag_group(f"Group {key.upper()}", key) for key in ("a", "b", "c")}
    for group in groups.values():
        recalculate_group(group)
    return groups, contacts


def ids(*contacts):
    return sorted(contact.pk for contact in contacts)


def pks(queryset):
    return sorted(queryset.values_list("pk", flat=True))
