"""Conditions on membership of other contact groups."""

from __future__ import annotations

from django.db.models import Count, Q
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from wagtail import blocks
from wagtail.snippets.blocks import SnippetChooserBlock

from ..selection import membership_exists
from .base import MEMBERSHIP, Condition, ConditionError, Dependencies

OPERATORS = [
    ("any", _("is a member of any of")),
    ("all", _("is a member of all of")),
    ("not_any", _("is a member of none of")),
    ("not_all", _("is not a member of all of")),
]


def _member_of_all(group_ids, context) -> Q:
    """Contacts in every one of ``group_ids``, counted in one aggregate."""
    from ..models import ContactGroupMembership

    if len(group_ids) == 1:
        return Q(membership_exists(group_ids))
    contact_ids = (
        ContactGroupMembership.objects.filter(
            context.evaluated_contacts(), group_id__in=list(group_ids)
        )
        .order_by()
        .values("contact_id")
        .annotate(found=Count("group_id"))
        .filter(found=len(group_ids))
        .values("contact_id")
    )
    return Q(pk__in=contact_ids)


class GroupMembershipCondition(Condition):
    """Tests the stored membership of other contact groups."""

    name = "group_membership"
    label = _("Member of contact group")
    category = MEMBERSHIP
    description = _("Whether the contact is (not) in other contact groups.")
    icon = "group"

    def get_parameter_blocks(self):
        return [
            (
                "operator",
                blocks.ChoiceBlock(
                    choices=OPERATORS, default="any", label=_("Operator")
                ),
            ),
            (
                "groups",
                blocks.ListBlock(
                    SnippetChooserBlock("wagtail_contactgroups.ContactGroup"),
                    min_num=1,
                    label=_("Contact groups"),
                ),
            ),
        ]

    def group_ids(self, value) -> list[int]:
        """Return the chosen group ids, raising ``ConditionError`` for deleted ones."""
        ids = []
        for group in value.get("groups") or []:
            if group is None:
                raise ConditionError(
                    gettext(
                        "A chosen contact group was deleted. Choose the groups again."
                    ),
                    "groups",
                )
            if group.pk not in ids:
                ids.append(group.pk)
        if not ids:
            raise ConditionError(
                gettext("Choose at least one contact group."), "groups"
            )
        return ids

    def parse(self, value) -> tuple[str, list[int]]:
        operator = value.get("operator")
        if operator not in dict(OPERATORS):
            raise ConditionError(gettext("Choose an operator."), "operator")
        return operator, self.group_ids(value)

    def get_dependencies(self, value):
        ids = [group.pk for group in value.get("groups") or [] if group is not None]
        return Dependencies(groups=frozenset(ids))

    def get_q(self, value, context):
        operator, ids = self.parse(value)
        if operator in ("any", "not_any"):
            result = Q(membership_exists(ids))
        else:
            result = _member_of_all(ids, context)
        return result if operator in ("any", "all") else ~result

    def evaluate(self, contact, value, context):
        operator, ids = self.parse(value)
        groups = context.groups_of(contact)
        if operator == "any":
            return bool(groups.intersection(ids))
        if operator == "all":
            return groups.issuperset(ids)
        if operator == "not_any":
            return not groups.intersection(ids)
        return not groups.issuperset(ids)

    def describe(self, value):
        names = ", ".join(str(group) for group in value.get("groups") or [] if group)
        return f"{dict(OPERATORS).get(value.get('operator'), '')} {names}".strip()

    def explain(self, contact, value, context):
        from ..models import ContactGroup

        names = ContactGroup.objects.filter(
            pk__in=context.groups_of(contact)
        ).values_list("name", flat=True)
        return gettext("Member of: %(groups)s") % {
            "groups": ", ".join(names) or gettext("(no groups)")
        }
