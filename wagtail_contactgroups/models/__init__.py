from .activities import ContactActivity
from .contacts import AbstractContact, Contact, ContactQuerySet
from .groups import ContactGroup, GroupStatus, Match
from .membership import ContactGroupMembership

__all__ = [
    "AbstractContact",
    "Contact",
    "ContactActivity",
    "ContactGroup",
    "ContactGroupMembership",
    "ContactQuerySet",
    "GroupStatus",
    "Match",
]
