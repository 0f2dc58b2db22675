"""The limits on condition groups, conditions and list values, with clear messages."""

import pytest

from tests.admin.conftest import group_url
from tests.admin.forms import field_params, group_form
from wagtail_contactgroups.models import ContactGroup

pytestmark = pytest.mark.django_db

GERMAN = ("contact_field", field_params("country", "eq", "DE"))


@pytest.fixture
def small_limits(settings):
    settings.WAGTAIL_CONTACTGROUPS_MAX_CONDITION_GROUPS = 3
    settings.WAGTAIL_CONTACTGROUPS_MAX_CONDITIONS_PER_GROUP = 2
    settings.WAGTAIL_CONTACTGROUPS_MAX_LIST_VALUES = 4


LIMITS = {
    "condition groups": (
        [[GERMAN]] * 4,
        "A contact group can have at most 3 condition groups, not 4.",
    ),
    "conditions per group": (
        [[GERMAN] * 3],
        "A condition group can have at most 2 conditions, not 3. Split it into "
        "several condition groups.",
    ),
    "list values": (
        [[("contact_field", field_params("country", "in", "DE,FR,AT,CH,IT"))]],
        "Enter at most 4 values, not 5.",
    ),
    "tags": (
        [[("tags", {"operator": "any", "tags": "a, b, c, d, e"})]],
        "Enter at most 4 values, not 5.",
    ),
}


@pytest.mark.parametrize(
    ("condition_groups", "message"), LIMITS.values(), ids=list(LIMITS)
)
def test_limit_enforced_with_message(
    admin_client, small_limits, condition_groups, message
):
    data = group_form(name="Too big", condition_groups=condition_groups)

    response = admin_client.post(group_url("live_count"), data)
    assert response.status_code == 400
    assert message in [error["message"] for error in response.json()["errors"]]

    response = admin_client.post(group_url("add"), data)
    assert response.status_code == 200
    assert message in response.content.decode()
    assert not ContactGroup.objects.filter(name="Too big").exists()


def test_at_the_limits_accepted(admin_client, small_limits):
    in_list = ("contact_field", field_params("country", "in", "DE,FR,AT,CH"))
    data = group_form(name="Just fits", condition_groups=[[GERMAN, in_list]] * 3)

    response = admin_client.post(group_url("live_count"), data)
    assert response.status_code == 200, response.content

    response = admin_client.post(group_url("add"), data)
    assert response.status_code == 302
    assert ContactGroup.objects.filter(name="Just fits").exists()


def test_default_limits_match_docs():
    from pathlib import Path

    from wagtail_contactgroups import conf

    docs = Path(__file__).resolve().parents[2] / "docs"
    text = (docs / "api.md").read_text() + (docs / "reliability.md").read_text()
    for name, value in [
        ("MAX_CONDITION_GROUPS", conf.max_condition_groups()),
        ("MAX_CONDITIONS_PER_GROUP", conf.max_conditions_per_group()),
        ("MAX_LIST_VALUES", conf.max_list_values()),
    ]:
        assert f"`WAGTAIL_CONTACTGROUPS_{name}` | `{value}`" in text
