"""Operators of the contact field condition, as queryset filters and in Python.

Each positive operator has a filter and a Python test that agree for every
value, NULL and empty text included. Negated operators are the exact
complement of their positive form, so the condition applies NOT to these.
"""

from __future__ import annotations

import datetime

from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from .values import fold_case

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
EMPTINESS = [Op.EMPTY, Op.NOT_EMPTY]
_ORDERING = [Op.EQUALS, Op.NOT_EQUALS, Op.LESS, Op.LESS_OR_EQUAL, Op.GREATER]
_ORDERING += [Op.GREATER_OR_EQUAL, Op.BETWEEN]
OPERATORS_BY_KIND = {
    "text": [Op.EQUALS, Op.NOT_EQUALS, Op.CONTAINS, Op.NOT_CONTAINS, Op.STARTS_WITH]
    + [Op.ENDS_WITH, Op.IN, Op.NOT_IN, *EMPTINESS],
    "choice": [Op.EQUALS, Op.NOT_EQUALS, Op.IN, Op.NOT_IN, *EMPTINESS],
    "integer": [*_ORDERING, *EMPTINESS],
    "decimal": [*_ORDERING, *EMPTINESS],
    "date": [*_ORDERING, Op.IN_LAST_DAYS, Op.MORE_THAN_DAYS_AGO, Op.TODAY, *EMPTINESS],
    "datetime": [*_ORDERING, Op.IN_LAST_DAYS, Op.MORE_THAN_DAYS_AGO, Op.TODAY]
    + EMPTINESS,
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


def empty_q(field, kind):
    if kind in ("text", "choice"):
        blank = Q(**{field.name: ""})
        return blank | Q(**{f"{field.name}__isnull": True}) if field.null else blank
    if kind == "boolean" or not field.null:
        return NOTHING
    return Q(**{f"{field.name}__isnull": True})


def text_q(name, operator, argument):
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


def ordering_q(name, operator, argument):
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


def date_q(name, operator, argument, context):
    today = context.today
    if operator == Op.TODAY:
        return Q(**{name: today})
    if operator == Op.IN_LAST_DAYS:
        start = today - datetime.timedelta(days=argument)
        return Q(**{f"{name}__gte": start, f"{name}__lte": today})
    if operator == Op.MORE_THAN_DAYS_AGO:
        return Q(**{f"{name}__lt": today - datetime.timedelta(days=argument)})
    return ordering_q(name, operator, argument)


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


def datetime_q(name, operator, argument, context):
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


def operator_matches(kind, operator, actual, argument, context) -> bool:
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
