"""Random and hostile condition data never causes a server error or unsafe SQL.

The admin's add and edit views and the live count endpoint get posts built by
``tests/bad_input.py``. Each must get a validation error or a correct
result. Set CONTACTGROUPS_BAD_INPUT_EXAMPLES to run more examples per test.
"""

import os
from contextlib import contextmanager
from datetime import timedelta

import pytest
from django.conf import settings as settings_module
from django.db import connection
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.admin.conftest import group_url
from wagtail_contactgroups.conditions import ConditionContext, ConditionError
from wagtail_contactgroups.conf import get_contact_model
from wagtail_contactgroups.engine.sql import compile_condition
from wagtail_contactgroups.engine.tree import build_q, evaluate
from wagtail_contactgroups.models import ContactGroup

from .activity_helpers import add_page, site_home
from .bad_input import MARKER, Tally, condition_posts, texts
from .helpers import condition_group, field_condition, make_contact, make_group

pytestmark = pytest.mark.django_db

EXAMPLES = int(os.environ.get("CONTACTGROUPS_BAD_INPUT_EXAMPLES", "0"))
# Far above a normal request (well under 1 s here), so only a runaway regex or
# query would exceed it.
DEADLINE = timedelta(seconds=10)
tally = Tally()


def examples(default: int):
    return settings(
        max_examples=EXAMPLES or default,
        deadline=DEADLINE,
        suppress_health_check=[
            HealthCheck.function_scoped_fixture,
            HealthCheck.too_slow,
            HealthCheck.data_too_large,
            HealthCheck.large_base_example,
        ],
    )


@pytest.fixture(scope="module", autouse=True)
def report_tally():
    yield
    print(f"\nbad input tally: {tally.report()}")


@pytest.fixture
def world(admin_client):
    """Create contacts, a page and a group for posts to refer to; bound queries."""
    home = site_home()
    page = add_page(home, "Campaign")
    for number, country in enumerate(["DE", "FR", "AT", ""]):
        make_contact(
            email=f"c{number}@example.com",
            first_name=f"%_{number}'",
            country=country,
            lead_score=number * 10,
        )
    group = make_group(
        "Existing", condition_group(field_condition("country", "eq", "DE"))
    )
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SET LOCAL statement_timeout = '5s'")
    return {"client": admin_client, "pages": [home.pk, page.pk], "groups": [group.pk]}


@contextmanager
def sql_templates():
    """Collect the SQL text of each query before parameters are bound."""
    seen = []

    def record(execute, sql, params, many, context):
        seen.append(sql)
        return execute(sql, params, many, context)

    with connection.execute_wrapper(record):
        yield seen


def assert_parameters_only(statements) -> None:
    for sql in statements:
        assert MARKER not in sql, sql
        assert " ~" not in sql, sql
        assert "REGEXP" not in sql.upper(), sql


def expected_count(data) -> int | None:
    """Clean the post as the view does and count matches in Python.

    Returns None when the condition cannot be evaluated (ConditionError).
    """
    field = ContactGroup._meta.get_field("conditions").formfield()
    conditions = field.clean(field.widget.value_from_datadict(data, {}, "conditions"))
    group = ContactGroup(match=data.get("match", "all"), conditions=conditions)
    context = ConditionContext()
    rows = get_contact_model().objects.prefetch_related("tags")
    try:
        matched = sum(1 for contact in rows if evaluate(group, contact, context))
        sql, _params = compile_condition(build_q(group, context), "default")
    except ConditionError:
        return None
    assert MARKER not in sql
    return matched


def check_live_count(client, data) -> str:
    with sql_templates() as statements:
        response = client.post(group_url("live_count"), data)
    assert response.status_code in (200, 400), response.content[:500]
    body = response.json()
    assert_parameters_only(statements)
    if response.status_code == 400:
        assert body["valid"] is False, body
        assert body["errors"], body
        assert all(error["message"] for error in body["errors"]), body
        return "rejected"
    assert body["valid"] is True
    assert body["count"] == expected_count(data), body
    return "counted"


@examples(100)
@given(data=st.data())
def test_live_count_never_fails(world, data):
    post = data.draw(condition_posts(world["pages"], world["groups"]))
    tally.add("live count", check_live_count(world["client"], post))


@examples(100)
@given(data=st.data())
def test_live_count_hostile_values_counted(world, data):
    post = data.draw(condition_posts(world["pages"], world["groups"], well_formed=True))
    tally.add("live count (well-formed)", check_live_count(world["client"], post))


def check_form(client, url, data) -> str:
    response = client.post(url, data)
    if response.status_code == 400:
        # Django refuses posts beyond DATA_UPLOAD_MAX_NUMBER_FIELDS itself.
        assert len(data) > settings_module.DATA_UPLOAD_MAX_NUMBER_FIELDS
        return "refused as too large"
    assert response.status_code in (200, 302), response.status_code
    if response.status_code == 302:
        return "saved"
    form = response.context["form"]
    assert form.errors, "re-rendered without errors"
    return "rejected"


@examples(25)
@given(data=st.data())
def test_add_form_never_fails(world, data):
    post = data.draw(condition_posts(world["pages"], world["groups"]))
    post.update(name=data.draw(texts), description=data.draw(texts))
    tally.add("add form", check_form(world["client"], group_url("add"), post))


@examples(25)
@given(data=st.data())
def test_edit_form_never_fails(world, data):
    post = data.draw(condition_posts(world["pages"], world["groups"]))
    post.update(name=data.draw(texts), description="")
    url = group_url("edit", world["groups"][0])
    tally.add("edit form", check_form(world["client"], url, post))


# Posts that once caused server errors, kept as explicit regression tests.
def builder_post(**overrides) -> dict:
    data = {
        "match": "all",
        "conditions-count": "1",
        "conditions-0-type": "condition_group",
        "conditions-0-deleted": "",
        "conditions-0-order": "0",
        "conditions-0-id": "",
        "conditions-0-value-match": "all",
        "conditions-0-value-conditions-count": "1",
        "conditions-0-value-conditions-0-type": "visited_page",
        "conditions-0-value-conditions-0-deleted": "",
        "conditions-0-value-conditions-0-order": "0",
        "conditions-0-value-conditions-0-id": "",
        "conditions-0-value-conditions-0-value-negation": "has",
        "conditions-0-value-conditions-0-value-page": "1",
        "conditions-0-value-conditions-0-value-operator": "at_least",
        "conditions-0-value-conditions-0-value-count": "1",
        "conditions-0-value-conditions-0-value-period": "ever",
        "conditions-0-value-conditions-0-value-days": "",
    }
    data.update(overrides)
    return {key: value for key, value in data.items() if value is not None}


UNREADABLE = "could not be read"
MALFORMED = {
    "missing count": ({"conditions-count": None}, UNREADABLE),
    "missing deleted flag": ({"conditions-0-deleted": None}, UNREADABLE),
    "order not a number": ({"conditions-0-order": "first"}, UNREADABLE),
    "count not a number": (
        {"conditions-0-value-conditions-count": "1e3"},
        UNREADABLE,
    ),
    "page id not a number": (
        {"conditions-0-value-conditions-0-value-page": "NaN"},
        UNREADABLE,
    ),
    "page id overflowing": (
        {"conditions-0-value-conditions-0-value-page": "99999999999999999999"},
        "This field is required.",
    ),
}


@pytest.mark.parametrize(
    ("overrides", "message"), MALFORMED.values(), ids=list(MALFORMED)
)
def test_malformed_post_is_validation_error(world, overrides, message):
    data = builder_post(**overrides)
    response = world["client"].post(group_url("live_count"), data)
    assert response.status_code == 400
    assert message in str(response.json()["errors"])

    response = world["client"].post(group_url("add"), {**data, "name": "Broken"})
    assert response.status_code == 200
    assert message in response.content.decode()
    assert not ContactGroup.objects.filter(name="Broken").exists()


def test_oversized_live_count_is_json_error(world, settings):
    settings.DATA_UPLOAD_MAX_NUMBER_FIELDS = 10
    response = world["client"].post(group_url("live_count"), builder_post())
    assert response.status_code == 400
    assert "too large to count" in response.json()["errors"][0]["message"]


def test_invalid_utf8_is_validation_error(world):
    body = (
        b"match=all&conditions-count=1&conditions-0-type=condition_group"
        b"&conditions-0-deleted=&conditions-0-order=0"
        b"&conditions-0-value-match=%FF%FE&conditions-0-value-conditions-count=0"
    )
    response = world["client"].post(
        group_url("live_count"), body, content_type="application/x-www-form-urlencoded"
    )
    assert response.status_code == 400
    assert response.json()["valid"] is False
