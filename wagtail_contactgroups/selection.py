"""Selecting contacts by contact group: "in any of", "in all of", "in none of".

Every selection is a set of ``EXISTS`` subqueries on the membership table,
correlated on the contact's primary key, so it never joins rows that could
duplicate the outer queryset and stays index-backed on large tables. The same
expressions serve a contact queryset (``contact_path="pk"``) and any model
that points at a contact (``contact_path="contact"``).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from django.db.models import Exists, OuterRef, Q
from django.utils.translation import gettext

__all__ = [
    "GroupSelection",
    "RecipientSelectionError",
    "get_contact_groups",
    "group_ids",
    "in_all_groups_q",
    "in_any_groups_q",
    "in_no_groups_q",
    "membership_exists",
]


class RecipientSelectionError(ValueError):
    """A recipient selection that would silently mean "everyone" or is contradictory."""


def group_ids(groups: Iterable[Any] | None) -> list[int]:
    """Return the distinct primary keys of ``groups`` (groups or ids), in order."""
    ids: list[int] = []
    for group in groups or ():
        raw = getattr(group, "pk", group)
        try:
            group_id = int(raw)
        except (TypeError, ValueError):
            raise RecipientSelectionError(
                gettext(
                    "%(value)r is neither a contact group nor a contact group id. "
                    "Pass ContactGroup instances or their integer ids."
                )
                % {"value": group}
            ) from None
        if group_id not in ids:
            ids.append(group_id)
    return ids


def _contact_prefix(contact_path: str) -> str:
    """Return the lookup prefix of the contact's own fields for ``contact_path``."""
    parts = contact_path.split("__")
    if parts[-1] in ("pk", "id"):
        parts = parts[:-1]
    return "__".join(parts) + "__" if parts else ""


def active_q(contact_path: str = "pk") -> Q:
    """Contacts (reached through ``contact_path``) that are not merged."""
    return Q(**{f"{_contact_prefix(contact_path)}merged_into__isnull": True})


def membership_exists(ids: Iterable[int], contact_path: str = "pk") -> Exists:
    """``EXISTS`` a membership of the contact at ``contact_path`` in any of ``ids``."""
    from .models import ContactGroupMembership

    return Exists(
        ContactGroupMembership.objects.filter(
            contact_id=OuterRef(contact_path), group_id__in=list(ids)
        )
    )


def in_any_groups_q(groups, contact_path: str = "pk") -> Q:
    """Q for contacts that are members of at least one of ``groups``."""
    ids = group_ids(groups)
    if not ids:
        return Q(pk__in=[])
    return Q(membership_exists(ids, contact_path))


def in_all_groups_q(groups, contact_path: str = "pk") -> Q:
    """Q for contacts that are members of every one of ``groups``."""
    ids = group_ids(groups)
    if not ids:
        return Q(pk__in=[])
    condition = Q()
    for group_id in ids:
        condition &= Q(membership_exists([group_id], contact_path))
    return condition


def in_no_groups_q(groups, contact_path: str = "pk") -> Q:
    """Q for active contacts that are members of none of ``groups``."""
    ids = group_ids(groups)
    if not ids:
        return active_q(contact_path)
    return active_q(contact_path) & ~Q(membership_exists(ids, contact_path))


@dataclass(frozen=True)
class GroupSelection:
    """A recipient selection: groups to include and exclude, or everyone.

    ``any_of`` and ``all_of`` both apply when both are given. An empty
    selection is invalid: choosing every contact takes ``everyone=True``.
    """

    any_of: tuple[int, ...] = ()
    all_of: tuple[int, ...] = ()
    none_of: tuple[int, ...] = ()
    everyone: bool = False

    @classmethod
    def build(
        cls, any_of=None, all_of=None, none_of=None, everyone: bool = False
    ) -> GroupSelection:
        """Return a validated selection from groups or group ids."""
        selection = cls(
            any_of=tuple(group_ids(any_of)),
            all_of=tuple(group_ids(all_of)),
            none_of=tuple(group_ids(none_of)),
            everyone=bool(everyone),
        )
        selection.validate()
        return selection

    @property
    def includes_groups(self) -> bool:
        return bool(self.any_of or self.all_of)

    def validate(self) -> None:
        """Raise ``RecipientSelectionError`` unless the selection is explicit."""
        if self.everyone and self.includes_groups:
            raise RecipientSelectionError(
                gettext(
                    "A selection of all contacts cannot also require groups "
                    "(any of %(any)s, all of %(all)s). Either remove the groups or "
                    "turn off “all contacts”."
                )
                % {"any": list(self.any_of), "all": list(self.all_of)}
            )
        if not self.everyone and not self.includes_groups:
            raise RecipientSelectionError(
                gettext(
                    "No contact group was chosen to send to. Choose at least one "
                    "group for “any of” or “all of”, or choose all contacts "
                    "explicitly (everyone=True)."
                )
            )

    def get_q(self, contact_path: str = "pk") -> Q:
        """Q selecting the active contacts this selection describes."""
        self.validate()
        condition = active_q(contact_path)
        if self.any_of:
            condition &= in_any_groups_q(self.any_of, contact_path)
        if self.all_of:
            condition &= in_all_groups_q(self.all_of, contact_path)
        if self.none_of:
            condition &= in_no_groups_q(self.none_of, contact_path)
        return condition


def get_contact_groups(contact):
    """Return the contact groups ``contact`` is a stored member of, by name."""
    from .models import ContactGroup, ContactGroupMembership

    using = contact._state.db or "default"
    return ContactGroup.objects.using(using).filter(
        Exists(
            ContactGroupMembership.objects.filter(
                group_id=OuterRef("pk"), contact_id=contact.pk
            )
        )
    )
