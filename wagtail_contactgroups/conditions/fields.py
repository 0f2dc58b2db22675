"""Conditions on the contact's own fields: any field, and the email domain."""

from __future__ import annotations

import datetime
import re

from django.core.exceptions import FieldDoesNotExist
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from wagtail import blocks

from ..conf import get_contact_model
from .base import CONTACT_FIELDS, Condition, ConditionError, Dependencies
from .values import (
    check_list_size,
    fold_case,
    parse_iso_date,
    parse_number,
    split_list,
)

# Matches no contact: a primary key is never NULL.
NOTHING = Q(pk__isnull=True)


class Operator(models.TextChoices):
    """Comparisons offered by the contact field condition."""

    EQUALS = "eq", _("is")
    NOT_EQUALS = "ne", _("is not")
    CONTAINS = "contains", _("contains")
    NOT_CONTAINS = "not_contains", _("does not contain")
    STARTS_WITH = "starts_with", _("starts with")
    ENDS_WITH = "ends_with", _("ends with")
    IN = "in", _("is one of")
    NOT_IN = "not_in", _("is none of")
    LESS = "lt", _("is less than / before")
    LESS_OR_EQUAL = "lte", _("is at most / on or before")
    GREATER = "gt", _("is greater than / after")
    GREATER_OR_EQUAL = "gte", _("is at least / on or after")
    BETWEEN = "between", _("is between (inclusive)")
    IN_LAST_DAYS = "in_last_days", _("is in the last N days")
    MORE_THAN_DAYS_AGO = "more_than_days_ago", _("is more than N days ago")
    TODAY = "today", _("is today")
    IS_TRUE = "true", _("is yes")
    IS_FALSE = "false", _("is no")
    EMPTY = "empty", _("is empty")
    NOT_EMPTY = "not_empty", _("is not empty")


Op = Operator
_EMPTINESS = [Op.EMPTY, Op.NOT_EMPTY]
_ORDERING = [Op.EQUALS, Op.NOT_EQUALS, Op.LESS, Op.LESS_OR_EQUAL, Op.GREATER]
_ORDERING += [Op.GREATER_OR_EQUAL, Op.BETWEEN]
OPERATORS_BY_KIND = {
    "text": [Op.EQUALS, Op.NOT_EQUALS, Op.CONTAINS, Op.NOT_CONTAINS, Op.STARTS_WITH]
    + [Op.ENDS_WITH, Op.IN, Op.NOT_IN, *_EMPTINESS],
    "choice": [Op.EQUALS, Op.NOT_EQUALS, Op.IN, Op.NOT_IN, *_EMPTINESS],
    "integer": [*_ORDERING, *_EMPTINESS],
    "decimal": [*_ORDERING, *_EMPTINESS],
    "date": [*_ORDERING, Op.IN_LAST_DAYS, Op.MORE_THAN_DAYS_AGO, Op.TODAY, *_EMPTINESS],
    "datetime": [*_ORDERING, Op.IN_LAST_DAYS, Op.MORE_THAN_DAYS_AGO, Op.TODAY]
    + _EMPTINESS,
    "boolean": [Op.IS_TRUE, Op.IS_FALSE],
}
NEGATIONS = {
    Op.NOT_EQUALS: Op.EQUALS,
    Op.NOT_CONTAINS: Op.CONTAINS,
    Op.NOT_IN: Op.IN,
    Op.NOT_EMPTY: Op.EMPTY,
    Op.IS_FALSE: Op.IS_TRUE,
}
RELATIVE = {Op.IN_LAST_DAYS, Op.MORE_THAN_DAYS_AGO, Op.TODAY}
MAX_DAYS = 36500


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
        if operator in _EMPTINESS or operator in (Op.IS_TRUE, Op.IS_FALSE, Op.TODAY):
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

    def validate(self, value):
        try:
            self.parse(value)
        except ConditionError as error:
            return {error.args[1] if len(error.args) > 1 else "__all__": error.args[0]}
        return {}

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
            return _empty_q(field, kind)
        if operator == Op.IS_TRUE:
            return Q(**{name: True})
        if kind == "text":
            return _text_q(name, operator, argument)
        if kind == "datetime":
            return _datetime_q(name, operator, argument, context)
        if kind == "date":
            return _date_q(name, operator, argument, context)
        return _ordering_q(name, operator, argument)

    # Python

    def evaluate(self, contact, value, context):
        field, kind, operator, argument = self.parse(value)
        actual = getattr(contact, field.attname)
        if operator in NEGATIONS:
            positive = NEGATIONS[operator]
            return not _matches(kind, positive, actual, argument, context)
        return _matches(kind, operator, actual, argument, context)

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


def _empty_q(field, kind):
    if kind in ("text", "choice"):
        blank = Q(**{field.name: ""})
        return blank | Q(**{f"{field.name}__isnull": True}) if field.null else blank
    if kind == "boolean" or not field.null:
        return NOTHING
    return Q(**{f"{field.name}__isnull": True})


def _text_q(name, operator, argument):
    if operator == Op.EQUALS:
        return Q(**{f"{name}__iexact": argument})
    if operator == Op.CONTAINS:
        return Q(**{f"{name}__icontains": argument})
    if operator == Op.STARTS_WITH:
        return Q(**{f"{name}__istartswith": argument})
    if operator == Op.ENDS_WITH:
        return Q(**{f"{name}__iendswith": argument})
    # Op.IN
    result = NOTHING
    for item in argument:
        result |= Q(**{f"{name}__iexact": item})
    return result


def _ordering_q(name, operator, argument):
    lookups = {
        Op.EQUALS: "exact",
        Op.LESS: "lt",
        Op.LESS_OR_EQUAL: "lte",
        Op.GREATER: "gt",
        Op.GREATER_OR_EQUAL: "gte",
        Op.IN: "in",
    }
    if operator == Op.BETWEEN:
        return Q(**{f"{name}__gte": argument[0], f"{name}__lte": argument[1]})
    return Q(**{f"{name}__{lookups[operator]}": argument})


def _date_q(name, operator, argument, context):
    today = context.today
    if operator == Op.TODAY:
        return Q(**{name: today})
    if operator == Op.IN_LAST_DAYS:
        start = today - datetime.timedelta(days=argument)
        return Q(**{f"{name}__gte": start, f"{name}__lte": today})
    if operator == Op.MORE_THAN_DAYS_AGO:
        return Q(**{f"{name}__lt": today - datetime.timedelta(days=argument)})
    return _ordering_q(name, operator, argument)


def day_start(day: datetime.date) -> datetime.datetime:
    """Return midnight at the start of ``day`` in the server time zone."""
    naive = datetime.datetime.combine(day, datetime.time.min)
    return timezone.make_aware(naive, timezone.get_default_timezone())


def _day_range_q(name, first, last):
    """Select datetimes whose server-time-zone date lies in ``[first, last]``."""
    end = day_start(last + datetime.timedelta(days=1))
    if first is None:
        return Q(**{f"{name}__lt": end})
    return Q(**{f"{name}__gte": day_start(first), f"{name}__lt": end})


def _datetime_q(name, operator, argument, context):
    """Compare datetimes by their date in the server time zone, index-friendly."""
    today = context.today
    days = datetime.timedelta(days=argument if isinstance(argument, int) else 0)
    if operator == Op.TODAY:
        return _day_range_q(name, today, today)
    if operator == Op.IN_LAST_DAYS:
        return _day_range_q(name, today - days, today)
    if operator == Op.MORE_THAN_DAYS_AGO:
        return Q(**{f"{name}__lt": day_start(today - days)})
    if operator == Op.EQUALS:
        return _day_range_q(name, argument, argument)
    if operator == Op.LESS:
        return Q(**{f"{name}__lt": day_start(argument)})
    if operator == Op.LESS_OR_EQUAL:
        return _day_range_q(name, None, argument)
    if operator == Op.GREATER:
        return Q(**{f"{name}__gte": day_start(argument + datetime.timedelta(days=1))})
    if operator == Op.GREATER_OR_EQUAL:
        return Q(**{f"{name}__gte": day_start(argument)})
    # Op.BETWEEN
    return _day_range_q(name, argument[0], argument[1])


def _matches(kind, operator, actual, argument, context) -> bool:
    """Evaluate a non-negated operator in Python, as SQL would."""
    if operator == Op.EMPTY:
        return actual is None or actual == ""
    if operator == Op.IS_TRUE:
        return actual is True
    if actual is None or (kind == "text" and actual == ""):
        return False
    if kind == "text":
        return _text_matches(operator, fold_case(actual), argument)
    if kind == "datetime":
        actual = timezone.localtime(actual, timezone.get_default_timezone()).date()
    if kind in ("date", "datetime"):
        today = context.today
        if operator == Op.TODAY:
            return actual == today
        if operator == Op.IN_LAST_DAYS:
            return today - datetime.timedelta(days=argument) <= actual <= today
        if operator == Op.MORE_THAN_DAYS_AGO:
            return actual < today - datetime.timedelta(days=argument)
    return _compare(operator, actual, argument)


def _text_matches(operator, actual, argument) -> bool:
    if operator == Op.IN:
        return any(actual == fold_case(item) for item in argument)
    argument = fold_case(argument)
    if operator == Op.EQUALS:
        return actual == argument
    if operator == Op.CONTAINS:
        return argument in actual
    if operator == Op.STARTS_WITH:
        return actual.startswith(argument)
    return actual.endswith(argument)


def _compare(operator, actual, argument) -> bool:
    if isinstance(actual, float):
        argument = (
            tuple(float(item) for item in argument)
            if isinstance(argument, tuple)
            else [float(item) for item in argument]
            if isinstance(argument, list)
            else float(argument)
        )
    if operator == Op.EQUALS:
        return actual == argument
    if operator == Op.IN:
        return actual in argument
    if operator == Op.LESS:
        return actual < argument
    if operator == Op.LESS_OR_EQUAL:
        return actual <= argument
    if operator == Op.GREATER:
        return actual > argument
    if operator == Op.GREATER_OR_EQUAL:
        return actual >= argument
    return argument[0] <= actual <= argument[1]


_DOMAIN = re.compile(
    r"^(?=.{1,253}$)([a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?\.)*"
    r"[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?$"
)


class EmailDomainCondition(Condition):
    """Tests the part of the email address after the ``@``."""

    name = "email_domain"
    label = _("Email domain")
    category = CONTACT_FIELDS
    description = _("Whether the email address belongs to one of the given domains.")
    icon = "mail"

    def get_parameter_blocks(self):
        return [
            (
                "operator",
                blocks.ChoiceBlock(
                    choices=[("in", _("is one of")), ("not_in", _("is none of"))],
                    default="in",
                    label=_("Operator"),
                ),
            ),
            (
                "domains",
                blocks.CharBlock(
                    max_length=20000,
                    label=_("Domains"),
                    help_text=_("For example: example.com, example.org"),
                ),
            ),
        ]

    def parse(self, value) -> tuple[str, list[str]]:
        operator = value.get("operator")
        if operator not in ("in", "not_in"):
            raise ConditionError(
                gettext("Choose “is one of” or “is none of”."), "operator"
            )
        domains = [
            item.lstrip("@").lower() for item in split_list(value.get("domains"))
        ]
        domains = list(dict.fromkeys(domains))
        if not domains:
            raise ConditionError(gettext("Enter at least one domain."), "domains")
        message = check_list_size(domains)
        if message:
            raise ConditionError(message, "domains")
        for domain in domains:
            if not _DOMAIN.match(domain):
                raise ConditionError(
                    gettext(
                        "“%(domain)s” is not a domain name. Enter names like "
                        "example.com, without spaces."
                    )
                    % {"domain": domain},
                    "domains",
                )
        return operator, domains

    def validate(self, value):
        try:
            self.parse(value)
        except ConditionError as error:
            return {error.args[1]: error.args[0]}
        return {}

    def get_dependencies(self, value):
        return Dependencies(fields=frozenset(["email"]))

    def get_q(self, value, context):
        operator, domains = self.parse(value)
        matches = NOTHING
        for domain in domains:
            matches |= Q(email__iendswith=f"@{domain}")
        return matches if operator == "in" else ~matches

    def evaluate(self, contact, value, context):
        operator, domains = self.parse(value)
        email = fold_case(contact.email or "")
        found = any(email.endswith(fold_case(f"@{domain}")) for domain in domains)
        return found if operator == "in" else not found

    def describe(self, value):
        try:
            operator, domains = self.parse(value)
        except ConditionError as error:
            return error.args[0]
        verb = gettext("is one of") if operator == "in" else gettext("is none of")
        return gettext("Email domain %(verb)s %(domains)s") % {
            "verb": verb,
            "domains": ", ".join(domains),
        }

    def explain(self, contact, value, context):
        return gettext("Email: %(email)s") % {
            "email": contact.email or gettext("(empty)")
        }
