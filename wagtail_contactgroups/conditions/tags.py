"""Conditions on the contact's tags."""

from __future__ import annotations

from django.contrib.contenttypes.models import ContentType
from django.db.models import Count, Exists, OuterRef, Q
from django.db.models.functions import Upper
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from wagtail import blocks

from ..conf import get_contact_model
from .base import TAGS, Condition, ConditionError, Dependencies
from .values import check_list_size, fold_case, split_list

OPERATORS = [
    ("any", _("has any of")),
    ("all", _("has all of")),
    ("none", _("has none of")),
    ("untagged", _("has no tags")),
]


def _tag_assignments():
    """Return the contact model's tag assignments and the name of their contact key.

    Works for taggit's generic ``TaggedItem`` and for a custom through model
    with a ``content_object`` foreign key.
    """
    model = get_contact_model()
    through = model._meta.get_field("tags").through
    field_names = {field.name for field in through._meta.get_fields()}
    if "object_id" in field_names and "content_type" in field_names:
        content_type = ContentType.objects.get_for_model(model)
        return through.objects.filter(content_type_id=content_type.pk), "object_id"
    return through.objects.all(), "content_object_id"


def _tagged_items(tag_filter: Q):
    """Return a queryset of tag assignments of the outer contact row."""
    items, key = _tag_assignments()
    return items.filter(tag_filter, **{key: OuterRef("pk")})


def _contacts_with_all(names: list[str], context) -> Q:
    """Return a filter of contacts tagged with every name, in one aggregate.

    One EXISTS per name made PostgreSQL plan for seconds with a hundred
    names; counting the distinct matching names per contact does not.
    """
    items, key = _tag_assignments()
    contact_ids = (
        items.filter(_name_filter(names), context.evaluated_contacts(key))
        .order_by()
        .values(key)
        .annotate(found=Count(Upper("tag__name"), distinct=True))
        .filter(found=len(names))
        .values(key)
    )
    return Q(pk__in=contact_ids)


def _name_filter(names: list[str]) -> Q:
    result = Q(pk__isnull=True)
    for name in names:
        result |= Q(tag__name__iexact=name)
    return result


class TagsCondition(Condition):
    """Tests the tags attached to a contact; tag names ignore letter case."""

    name = "tags"
    label = _("Tags")
    category = TAGS
    description = _("Whether the contact has some, all or none of the given tags.")
    icon = "tag"

    def get_parameter_blocks(self):
        return [
            (
                "operator",
                blocks.ChoiceBlock(
                    choices=OPERATORS, default="any", label=_("Operator")
                ),
            ),
            (
                "tags",
                blocks.CharBlock(
                    required=False,
                    max_length=20000,
                    label=_("Tags"),
                    help_text=_("Separate tags with commas."),
                ),
            ),
        ]

    def parse(self, value) -> tuple[str, list[str]]:
        operator = value.get("operator")
        if operator not in dict(OPERATORS):
            raise ConditionError(gettext("Choose an operator."), "operator")
        if operator == "untagged":
            return operator, []
        names = []
        for name in split_list(value.get("tags")):
            if fold_case(name) not in (fold_case(known) for known in names):
                names.append(name)
        if not names:
            raise ConditionError(gettext("Enter at least one tag."), "tags")
        message = check_list_size(names)
        if message:
            raise ConditionError(message, "tags")
        return operator, names

    def get_dependencies(self, value):
        return Dependencies(fields=frozenset(["tags"]))

    def get_q(self, value, context):
        operator, names = self.parse(value)
        if operator == "untagged":
            return ~Q(Exists(_tagged_items(Q())))
        if operator == "all":
            return _contacts_with_all(names, context)
        has_any = Q(Exists(_tagged_items(_name_filter(names))))
        return has_any if operator == "any" else ~has_any

    def evaluate(self, contact, value, context):
        operator, names = self.parse(value)
        tags = {fold_case(tag.name) for tag in contact.tags.all()}
        wanted = {fold_case(name) for name in names}
        if operator == "untagged":
            return not tags
        if operator == "all":
            return wanted <= tags
        if operator == "any":
            return bool(wanted & tags)
        return not wanted & tags

    def describe(self, value):
        try:
            operator, names = self.parse(value)
        except ConditionError as error:
            return error.args[0]
        return f"{dict(OPERATORS)[operator]} {', '.join(names)}".strip()

    def explain(self, contact, value, context):
        names = sorted(tag.name for tag in contact.tags.all())
        return gettext("Tags: %(tags)s") % {
            "tags": ", ".join(names) or gettext("(none)")
        }
