import datetime
import zoneinfo

import pytest

from home.newsletter import ensure_newsletter_page
from wagtail_contactgroups.conditions import registry
from wagtail_contactgroups.conditions.activities import period_start
from wagtail_contactgroups.engine.recalculate import (
    RecalculationError,
    recalculate_group,
)
from wagtail_contactgroups.models import GroupStatus

from .activity_helpers import (
    add_activity,
    add_page,
    performed,
    python_member_ids,
    site_home,
    sql_member_ids,
    submitted,
    visited,
)
from .helpers import condition_group, make_contact, make_group, member_ids

NOW = datetime.datetime(2024, 6, 15, 12, 0, tzinfo=datetime.UTC)
DAY = datetime.timedelta(days=1)


@pytest.fixture
def home():
    return site_home()


@pytest.fixture
def counted(home):
    """Contacts with 0, 1, 2 and 3 visits of the home page, by visit count."""
    contacts = {}
    for times in range(4):
        contacts[times] = make_contact(email=f"c{times}@example.com")
        for number in range(times):
            add_activity(contacts[times], "page_visited", NOW - number * DAY, home)
    return contacts


def assert_members(group, expected, now=NOW):
    expected = sorted(contact.pk for contact in expected)
    assert sql_member_ids(group, now) == expected
    assert python_member_ids(group, now) == expected


@pytest.mark.django_db
@pytest.mark.parametrize(
    "operator, count, negated, expected",
    [
        ("at_least", 0, False, [0, 1, 2, 3]),
        ("at_least", 2, False, [2, 3]),
        ("at_most", 2, False, [0, 1, 2]),
        ("at_most", 0, False, [0]),
        ("exactly", 0, False, [0]),
        ("exactly", 2, False, [2]),
        ("at_least", 0, True, []),
        ("at_least", 1, True, [0]),
        ("at_most", 1, True, [2, 3]),
        ("exactly", 0, True, [1, 2, 3]),
        ("exactly", 3, True, [0, 1, 2]),
    ],
)
def test_count_operators_match(home, counted, operator, count, negated, expected):
    condition = visited(home, operator=operator, count=count, negated=negated)
    group = make_group("Visitors", condition_group(condition))

    assert_members(group, [counted[times] for times in expected])


@pytest.mark.django_db
def test_last_days_boundary(home):
    inside = make_contact(email="inside@example.com")
    add_activity(
        inside, "page_visited", NOW - 7 * DAY + datetime.timedelta(seconds=1), home
    )
    exact = make_contact(email="exact@example.com")
    add_activity(exact, "page_visited", NOW - 7 * DAY, home)
    older = make_contact(email="older@example.com")
    add_activity(
        older, "page_visited", NOW - 7 * DAY - datetime.timedelta(seconds=1), home
    )
    tiny = make_contact(email="tiny@example.com")
    older_by = datetime.timedelta(microseconds=1)
    add_activity(tiny, "page_visited", NOW - 7 * DAY - older_by, home)

    group = make_group("Recent", condition_group(visited(home, days=7)))

    assert_members(group, [inside, exact])


@pytest.mark.django_db
def test_has_not_recently_includes_inactive(home):
    nothing = make_contact(email="none@example.com")
    old = make_contact(email="old@example.com")
    add_activity(old, "page_visited", NOW - 30 * DAY, home)
    recent = make_contact(email="recent@example.com")
    add_activity(recent, "page_visited", NOW - DAY, home)

    group = make_group("Lapsed", condition_group(visited(home, days=7, negated=True)))

    assert_members(group, [nothing, old])


@pytest.mark.django_db
def test_descendants_count_subpage_visits(home):
    section = add_page(home, "Section")
    child = add_page(section, "Child")
    other = add_page(home, "Other")
    parent_visitor = make_contact(email="a@example.com")
    add_activity(parent_visitor, "page_visited", NOW, section)
    child_visitor = make_contact(email="b@example.com")
    add_activity(child_visitor, "page_visited", NOW, child)
    other_visitor = make_contact(email="c@example.com")
    add_activity(other_visitor, "page_visited", NOW, other)

    subtree = make_group("Tree", condition_group(visited(section, True)))
    exact = make_group("Exact", condition_group(visited(section)))

    assert_members(subtree, [parent_visitor, child_visitor])
    assert_members(exact, [parent_visitor])


@pytest.mark.django_db
def test_descendants_follow_moved_page(home):
    section = add_page(home, "Section")
    elsewhere = add_page(home, "Elsewhere")
    moved = add_page(elsewhere, "Moved")
    visitor = make_contact(email="a@example.com")
    add_activity(visitor, "page_visited", NOW, moved)
    group = make_group("Tree", condition_group(visited(section, True)))
    assert_members(group, [])

    moved.move(section, pos="last-child")

    assert_members(group, [visitor])


@pytest.mark.django_db
def test_other_types_not_counted(home):
    contact = make_contact(email="a@example.com")
    add_activity(contact, "form_submitted", NOW, home)
    add_activity(contact, "email_opened", NOW)

    group = make_group("Visitors", condition_group(visited(home)))
    opened = make_group("Openers", condition_group(performed("email_opened")))

    assert_members(group, [])
    assert_members(opened, [contact])


@pytest.mark.django_db
def test_submitted_form_counts_submissions(home):
    form = ensure_newsletter_page()
    signed_up = make_contact(email="a@example.com")
    add_activity(signed_up, "form_submitted", NOW - 2 * DAY, form)
    visitor = make_contact(email="b@example.com")
    add_activity(visitor, "page_visited", NOW, form)

    group = make_group("Sign-ups", condition_group(submitted(form, days=30)))

    assert_members(group, [signed_up])


@pytest.mark.django_db
def test_form_condition_rejects_plain_page(home):
    condition = registry.get("submitted_form")
    block = condition.get_block()
    value = block.to_python(
        {"form": home.pk, "operator": "at_least", "count": 1, "period": "ever"}
    )

    errors = condition.validate(value)

    assert "is not a form page" in errors["form"]
    assert "Choose another form page" in errors["form"]


@pytest.mark.django_db
def test_last_days_requires_days(home):
    condition = registry.get("visited_page")
    value = condition.get_block().to_python(
        {"page": home.pk, "operator": "at_least", "count": 1, "period": "last_days"}
    )

    assert "number of days" in condition.validate(value)["days"]


@pytest.mark.django_db
def test_unknown_activity_type_invalid():
    condition = registry.get("performed_activity")
    value = condition.get_block().to_python(
        {"activity_type": "teleported", "operator": "at_least", "count": 1}
    )

    assert "teleported" in condition.validate(value)["activity_type"]


@pytest.mark.django_db(transaction=True)
def test_deleted_page_fails_group(home):
    page = add_page(home, "Campaign")
    visitor = make_contact(email="a@example.com")
    add_activity(visitor, "page_visited", NOW, page)
    group = make_group("Campaign", condition_group(visited(page)))
    recalculate_group(group)
    assert member_ids(group) == [visitor.pk]

    page.delete()
    group.refresh_from_db()
    with pytest.raises(RecalculationError, match="does not exist"):
        recalculate_group(group)

    group.refresh_from_db()
    assert group.status == GroupStatus.FAILED
    assert "Choose another page" in group.status_message
    assert member_ids(group) == [visitor.pk]


@pytest.mark.django_db
def test_dependencies_name_type_and_time(home):
    recent = make_group("Recent", condition_group(visited(home, days=7)))
    ever = make_group("Ever", condition_group(performed("email_opened")))

    assert recent.dependencies["activity_types"] == ["page_visited"]
    assert recent.dependencies["time_relative"] is True
    assert ever.dependencies["activity_types"] == ["email_opened"]
    assert ever.dependencies["time_relative"] is False


def test_period_start_in_server_time(settings):
    settings.TIME_ZONE = "Europe/Berlin"
    berlin = zoneinfo.ZoneInfo("Europe/Berlin")
    after_change = datetime.datetime(2024, 3, 31, 12, 0, tzinfo=berlin)

    start = period_start(after_change, 1)

    assert start == datetime.datetime(2024, 3, 30, 12, 0, tzinfo=berlin)
    elapsed = after_change.astimezone(datetime.UTC) - start.astimezone(datetime.UTC)
    assert elapsed == datetime.timedelta(hours=23)


@pytest.mark.django_db
def test_describe_reads_as_sentence(home):
    condition = registry.get("visited_page")
    value = condition.get_block().to_python(
        {
            "negation": "has_not",
            "page": home.pk,
            "operator": "at_least",
            "count": 2,
            "period": "last_days",
            "days": 7,
        }
    )

    text = condition.describe(value)

    assert text == f"has not visited “{home.title}” at least 2 times in the last 7 days"
