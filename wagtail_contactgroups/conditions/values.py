"""Parsing and comparing condition values the way the database does."""

from __future__ import annotations

import datetime
import decimal
import re

from django.utils.dateparse import parse_date
from django.utils.translation import gettext as _

from .. import conf

_ASCII_UPPER = str.maketrans("abcdefghijklmnopqrstuvwxyz", "ABCDEFGHIJKLMNOPQRSTUVWXYZ")


def fold_case(text: str) -> str:
    """Upper-case ASCII letters only, as SQLite's LIKE and this app's tests do.

    PostgreSQL's UPPER() also folds non-ASCII letters, depending on the
    database's locale, so text conditions ignore the case of ASCII letters
    everywhere and of other letters on PostgreSQL only.
    """
    return text.translate(_ASCII_UPPER)


def split_list(text: str) -> list[str]:
    """Split a comma- or newline-separated list, dropping blanks and duplicates."""
    values = []
    for part in re.split(r"[,\n]", text or ""):
        part = part.strip()
        if part and part not in values:
            values.append(part)
    return values


def check_list_size(values: list) -> str | None:
    """Return an error message when ``values`` is longer than allowed."""
    limit = conf.max_list_values()
    if len(values) > limit:
        return _("Enter at most %(limit)s values, not %(count)s.") % {
            "limit": limit,
            "count": len(values),
        }
    return None


def parse_number(text: str, kind: str):
    """Parse ``text`` as an ``int`` or ``Decimal``; raise ``ValueError`` if invalid."""
    text = (text or "").strip()
    if kind == "integer":
        if not re.fullmatch(r"[+-]?\d{1,18}", text):
            raise ValueError(_("“%(value)s” is not a whole number.") % {"value": text})
        return int(text)
    try:
        number = decimal.Decimal(text)
    except decimal.InvalidOperation:
        number = None
    if number is None or not number.is_finite() or len(text) > 40:
        raise ValueError(_("“%(value)s” is not a number.") % {"value": text})
    return number


# Dates outside these years are rejected, so that a date plus or minus the
# largest number of days a condition allows stays representable.
MIN_YEAR = 1000
MAX_YEAR = 9000


def parse_iso_date(text: str) -> datetime.date:
    """Parse a ``YYYY-MM-DD`` date; raise ``ValueError`` if invalid."""
    text = (text or "").strip()
    try:
        value = parse_date(text)
    except ValueError:
        value = None
    if value is not None and not MIN_YEAR <= value.year <= MAX_YEAR:
        raise ValueError(
            _("“%(value)s” is out of range. Use a year from %(min)s to %(max)s.")
            % {"value": text, "min": MIN_YEAR, "max": MAX_YEAR}
        )
    if value is None:
        raise ValueError(
            _("“%(value)s” is not a date. Use the form YYYY-MM-DD, e.g. 2024-03-31.")
            % {"value": text}
        )
    return value
