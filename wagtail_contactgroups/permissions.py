"""Permission checks shared by the admin views of contacts and contact groups."""

from wagtail.permission_policies import ModelPermissionPolicy

from .conf import get_contact_model
from .models import ContactGroup

# Seeing a list of people or their data needs more than the right to add one.
CONTACT_READ_ACTIONS = ["view", "change"]
GROUP_READ_ACTIONS = ["view", "add", "change", "delete"]
GROUP_EDIT_ACTIONS = ["add", "change"]


def group_policy() -> ModelPermissionPolicy:
    """Return the permission policy of contact groups."""
    return ModelPermissionPolicy(ContactGroup)


def contact_policy() -> ModelPermissionPolicy:
    """Return the permission policy of the contact model in use."""
    return ModelPermissionPolicy(get_contact_model())


def can_read_contacts(user) -> bool:
    """Return whether ``user`` may see contacts' personal data."""
    return contact_policy().user_has_any_permission(user, CONTACT_READ_ACTIONS)


def can_read_groups(user) -> bool:
    """Return whether ``user`` may see contact groups."""
    return group_policy().user_has_any_permission(user, GROUP_READ_ACTIONS)


def can_see_members(user) -> bool:
    """Return whether ``user`` may list the members of contact groups."""
    return can_read_groups(user) and can_read_contacts(user)


def can_edit_conditions(user) -> bool:
    """Return whether ``user`` may build conditions and count their matches."""
    return group_policy().user_has_any_permission(user, GROUP_EDIT_ACTIONS)


def can_recalculate(user) -> bool:
    """Return whether ``user`` may start the recalculation of a group."""
    return group_policy().user_has_permission(user, "recalculate")
