"""The contact field condition: compares any field of the contact model."""

from __future__ import annotations

from django.core.exceptions import FieldDoesNotExist
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from wagtail import blocks

from ..conf import get_contact_model
from .base import CONTACT_FIELDS, Condition, ConditionError, Dependencies
from .field_operators import (
    EMPTINESS,
    MAX_DAYS,
    NEGATIONS,
    OPERATORS_BY_KIND,
    RELATIVE,
    Op,
    Operator,
    date_q,
    datetime_q,
    empty_q,
    operator_matches,
    ordering_q,
    text_q,
)
from .values import (
    check_list_size,
    fold_case,
    parse_iso_date,
    parse_number,
    split_list,
)


def field_kind(field) -> str | None:
    """Return the operator family of a model field, or None if unsupported."""
    if not getattr(field, "concrete", False) or field.is_relation or field.primary_key:
        return None
    if isinstance(field, models.BooleanField):
        return "boolean"
    if isinstance(field, models.DateTimeField):
        return "datetime"
    if isinstance(field, models.DateField):
        return "date"
    if isinstance(field, models.IntegerField):
        return "integer"
    if isinstance(field, (models.DecimalField, models.FloatField)):
        return "decimal"
    if isinstance(field, (models.CharField, models.TextField)):
        return "choice" if field.choices else "text"
    return None


def condition_fields() -> list[models.Field]:
    """Contact model fields that the contact field condition can test."""
    return [
        field
        for field in get_contact_model()._meta.get_fields()
        if field_kind(field) is not None
    ]


def field_choices():
    return [
        (field.name, str(field.verbose_name).capitalize())
        for field in condition_fields()
    ]


class ContactFieldCondition(Condition):
    """Compares one field of the contact model with a value."""

    name = "contact_field"
    label = _("Contact field")
    category = CONTACT_FIELDS
    description = _("Compare a field of the contact, such as country or birthday.")
    icon = "user"

    def get_parameter_blocks(self):
        return [
            ("field", blocks.ChoiceBlock(choices=field_choices, label=_("Field"))),
            (
                "operator",
                blocks.ChoiceBlock(choices=Operator.choices, label=_("Operator")),
            ),
            (
                "value",
                blocks.CharBlock(
                    required=False,
                    max_length=20000,
                    label=_("Value"),
                    help_text=_(
                        "Dates as YYYY-MM-DD. For “is one of”, separate values "
                        "with commas."
                    ),
                ),
            ),
            (
                "value_to",
                blocks.CharBlock(
                    required=False,
                    max_length=100,
                    label=_("Upper value"),
                    help_text=_("Only for “is between”."),
                ),
            ),
            (
                "days",
                blocks.IntegerBlock(
                    required=False,
                    min_value=0,
                    max_value=MAX_DAYS,
                    label=_("Days"),
                    help_text=_("Only for “in the last N days” and “N days ago”."),
                ),
            ),
        ]

    # Parsing shared by validation, SQL and Python evaluation.

    def parse(self, value) -> tuple[models.Field, str, str, object]:
        """Return ``(field, kind, operator, argument)`` or raise ``ConditionError``.

        The error's ``args[1]`` names the parameter at fault.
        """
        field_name = value.get("field") or ""
        try:
            field = get_contact_model()._meta.get_field(field_name)
        except FieldDoesNotExist:
            field = None
        kind = field_kind(field) if field is not None else None
        if kind is None:
            raise ConditionError(
                gettext(
                    "The contact field “%(field)s” does not exist (any more). "
                    "Choose another field."
                )
                % {"field": field_name},
                "field",
            )

        operator = value.get("operator") or ""
        if operator not in OPERATORS_BY_KIND[kind]:
            allowed = ", ".join(str(Op(op).label) for op in OPERATORS_BY_KIND[kind])
            raise ConditionError(
                gettext(
                    "“%(operator)s” does not apply to the %(kind)s field "
                    "“%(field)s”. Choose one of: %(allowed)s."
                )
                % {
                    "operator": Op(operator).label
                    if operator in Op.values
                    else operator,
                    "kind": kind,
                    "field": field.verbose_name,
                    "allowed": allowed,
                },
                "operator",
            )
        return field, kind, operator, self._parse_argument(field, kind, operator, value)

    def _parse_argument(self, field, kind, operator, value):
        if operator in EMPTINESS or operator in (Op.IS_TRUE, Op.IS_FALSE, Op.TODAY):
            return None
        if operator in (Op.IN_LAST_DAYS, Op.MORE_THAN_DAYS_AGO):
            days = value.get("days")
            if days is None or not 0 <= int(days) <= MAX_DAYS:
                raise ConditionError(
                    gettext("Enter a number of days from 0 to %(max)s.")
                    % {"max": MAX_DAYS},
                    "days",
                )
            return int(days)
        if operator in (Op.IN, Op.NOT_IN):
            items = split_list(value.get("value") or "")
            if not items:
                raise ConditionError(
                    gettext("Enter at least one value, separated by commas."), "value"
                )
            message = check_list_size(items)
            if message:
                raise ConditionError(message, "value")
            parsed = [self._parse_one(field, kind, item, "value") for item in items]
            return list(dict.fromkeys(parsed))
        lower = self._parse_one(field, kind, value.get("value"), "value")
        if operator != Op.BETWEEN:
            return lower
        upper = self._parse_one(field, kind, value.get("value_to"), "value_to")
        if upper < lower:
            raise ConditionError(
                gettext("The upper value %(upper)s is below the lower value %(lower)s.")
                % {"upper": upper, "lower": lower},
                "value_to",
            )
        return (lower, upper)

    def _parse_one(self, field, kind, text, parameter):
        text = (text or "").strip()
        if not text:
            raise ConditionError(gettext("Enter a value."), parameter)
        try:
            if kind in ("integer", "decimal"):
                return parse_number(text, kind)
            if kind in ("date", "datetime"):
                return parse_iso_date(text)
        except ValueError as error:
            raise ConditionError(str(error), parameter) from error
        if kind == "choice":
            return self._parse_choice(field, text, parameter)
        return text

    def _parse_choice(self, field, text, parameter):
        for key, label in field.flatchoices:
            if fold_case(str(key)) == fold_case(text):
                return key
            if fold_case(str(label)) == fold_case(text):
                return key
        raise ConditionError(
            gettext("“%(value)s” is not a choice of the field “%(field)s”.")
            % {"value": text, "field": field.verbose_name},
            parameter,
        )

    def get_dependencies(self, value):
        return Dependencies(
            fields=frozenset([value.get("field") or ""]),
            time_relative=value.get("operator") in RELATIVE,
        )

    # SQL

    def get_q(self, value, context):
        field, kind, operator, argument = self.parse(value)
        if operator in NEGATIONS:
            return ~self._positive_q(
                field, kind, NEGATIONS[operator], argument, context
            )
        return self._positive_q(field, kind, operator, argument, context)

    def _positive_q(self, field, kind, operator, argument, context):
        name = field.name
        if operator == Op.EMPTY:
            return empty_q(field, kind)
        if operator == Op.IS_TRUE:
            return Q(**{name: True})
        if kind == "text":
            return text_q(name, operator, argument)
        if kind == "datetime":
            return datetime_q(name, operator, argument, context)
        if kind == "date":
            return date_q(name, operator, argument, context)
        return ordering_q(name, operator, argument)

    # Python

    def evaluate(self, contact, value, context):
        field, kind, operator, argument = self.parse(value)
        actual = getattr(contact, field.attname)
        if operator in NEGATIONS:
            positive = NEGATIONS[operator]
            return not operator_matches(kind, positive, actual, argument, context)
        return operator_matches(kind, operator, actual, argument, context)

    def describe(self, value):
        try:
            field, kind, operator, argument = self.parse(value)
        except ConditionError as error:
            return error.args[0]
        text = f"{str(field.verbose_name).capitalize()} {Op(operator).label}"
        if operator in (Op.IN_LAST_DAYS, Op.MORE_THAN_DAYS_AGO):
            return f"{text} (N = {argument})"
        if isinstance(argument, tuple):
            return f"{text} {argument[0]} – {argument[1]}"
        if isinstance(argument, list):
            return f"{text} {', '.join(str(item) for item in argument)}"
        return text if argument is None else f"{text} {argument}"

    def explain(self, contact, value, context):
        field = get_contact_model()._meta.get_field(value.get("field"))
        actual = getattr(contact, field.attname)
        if actual in (None, ""):
            actual = gettext("(empty)")
        return f"{str(field.verbose_name).capitalize()}: {actual}"
