"""Validation of condition parameters through the StreamField blocks."""

import pytest

from .helpers import (
    block_errors,
    condition_errors,
    condition_group,
    email_domain_condition,
    field_condition,
    membership_condition,
    tags_condition,
)

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    ("cond", "parameter", "fragment"),
    [
        (field_condition("lead_score", "eq", "abc"), "value", "“abc” is not a whole"),
        (field_condition("lead_score", "eq", "1.5"), "value", "“1.5”"),
        (
            field_condition("annual_revenue", "gt", "ten"),
            "value",
            "“ten” is not a number",
        ),
        (
            field_condition("birthday", "eq", "31.12.2020"),
            "value",
            "“31.12.2020” is not a date",
        ),
        (field_condition("birthday", "eq", "0999-01-01"), "value", "“0999-01-01”"),
        (
            field_condition("created_at", "lt", "yesterday"),
            "value",
            "“yesterday” is not a date",
        ),
        (field_condition("country", "eq", "Atlantis"), "value", "“Atlantis”"),
        (field_condition("gender", "in", "female, robot"), "value", "“robot”"),
        (field_condition("lead_score", "contains", "1"), "operator", "“contains”"),
        (field_condition("city", "lt", "B"), "operator", "text field “city”"),
        (field_condition("subscribed", "eq", "yes"), "operator", "boolean field"),
        (field_condition("birthday", "starts_with", "19"), "operator", "date field"),
        (field_condition("city", "eq", ""), "value", "Enter a value"),
        (field_condition("city", "in", " , ,"), "value", "at least one value"),
        (
            field_condition("lead_score", "between", "10", "5"),
            "value_to",
            "The upper value 5 is below the lower value 10",
        ),
        (field_condition("birthday", "in_last_days"), "days", "number of days"),
        (email_domain_condition("in", "exa mple.com"), "domains", "“exa mple.com”"),
        (email_domain_condition("in", ","), "domains", "at least one domain"),
        (email_domain_condition("in", "@@, x.org"), "domains", "“@@”"),
        (tags_condition("any", ""), "tags", "at least one tag"),
    ],
)
def test_invalid_values_named_per_parameter(cond, parameter, fragment):
    errors = condition_errors(cond)
    assert parameter in errors, errors
    assert fragment in " ".join(errors[parameter])


def test_operator_error_lists_allowed_operators():
    errors = condition_errors(field_condition("lead_score", "contains", "1"))
    message = errors["operator"][0]
    assert "is less than" in message
    assert "integer" in message


def test_unknown_field_rejected_by_choice():
    errors = condition_errors(field_condition("fax", "eq", "1"))
    assert "field" in errors


def test_valid_conditions_pass_cleaning():
    raw = [
        condition_group(
            field_condition("city", "in", "Berlin, Bonn"),
            field_condition("lead_score", "between", "1", "9"),
            field_condition("created_at", "in_last_days", days=30),
            field_condition("subscribed", "true"),
            email_domain_condition("not_in", "@Example.com"),
            tags_condition("untagged"),
            match="any",
        )
    ]
    assert block_errors(raw) is None


def test_deleted_group_rejected_by_block():
    errors = condition_errors(membership_condition("any", _Gone()))
    assert "groups" in errors


class _Gone:
    pk = 987654


def test_too_many_list_values_rejected(settings):
    settings.WAGTAIL_CONTACTGROUPS_MAX_LIST_VALUES = 3
    errors = condition_errors(field_condition("city", "in", "a,b,c,d"))
    assert "at most 3 values, not 4" in errors["value"][0]
