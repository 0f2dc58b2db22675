"""Random activity histories: the SQL filter and the Python evaluation agree."""

import datetime

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from hypothesis.extra.django import TestCase

from wagtail_contactgroups.models import ContactActivity, ContactGroup

from .activity_helpers import (
    add_page,
    performed,
    python_member_ids,
    site_home,
    sql_member_ids,
    visited,
)
from .helpers import condition_group, make_contact

NOW = datetime.datetime(2024, 10, 27, 1, 30, tzinfo=datetime.UTC)
TYPES = ["page_visited", "form_submitted", "email_opened"]

# Offsets around the period boundaries: whole days, a second and a
# microsecond either side, and hours across the October time change.
offsets = st.one_of(
    st.integers(0, 12).map(lambda days: datetime.timedelta(days=days)),
    st.sampled_from([-1, 1]).flatmap(
        lambda sign: st.sampled_from(
            [
                datetime.timedelta(days=days, seconds=sign, microseconds=micro)
                for days in (1, 3, 7)
                for micro in (0, sign)
            ]
        )
    ),
    st.integers(0, 300).map(lambda hours: datetime.timedelta(hours=hours)),
)
activities = st.tuples(st.sampled_from(TYPES), st.integers(0, 2), offsets)
histories = st.lists(st.lists(activities, max_size=6), min_size=1, max_size=5)
conditions = st.fixed_dictionaries(
    {
        "kind": st.sampled_from(["page", "tree", "type"]),
        "page": st.integers(0, 2),
        "activity_type": st.sampled_from(TYPES),
        "operator": st.sampled_from(["at_least", "at_most", "exactly"]),
        "count": st.integers(0, 3),
        "days": st.sampled_from([None, 1, 3, 7]),
        "negated": st.booleans(),
    }
)


class ActivityConditionsAgree(TestCase):
    """Runs on the database of the test settings: SQLite or PostgreSQL."""

    @classmethod
    def setUpTestData(cls):
        home = site_home()
        section = add_page(home, "Section")
        cls.pages = [section, add_page(section, "Child"), add_page(home, "Other")]

    @settings(
        max_examples=60,
        deadline=None,
        suppress_health_check=[HealthCheck.too_slow],
    )
    @given(histories=histories, spec=conditions)
    def test_sql_equals_python(self, histories, spec):
        for number, history in enumerate(histories):
            contact = make_contact(email=f"c{number}@example.com")
            ContactActivity.objects.bulk_create(
                ContactActivity(
                    contact=contact,
                    activity_type=activity_type,
                    page=self.pages[page],
                    occurred_at=NOW - offset,
                )
                for activity_type, page, offset in history
            )
        group = ContactGroup(
            name="Random", conditions=[condition_group(_build(self, spec))]
        )

        assert sql_member_ids(group, NOW) == python_member_ids(group, NOW)


def _build(case, spec):
    options = {
        "operator": spec["operator"],
        "count": spec["count"],
        "days": spec["days"],
        "negated": spec["negated"],
    }
    if spec["kind"] == "type":
        return performed(spec["activity_type"], **options)
    page = case.pages[spec["page"]]
    return visited(page, include_descendants=spec["kind"] == "tree", **options)


pytestmark = pytest.mark.django_db
