import pytest
from django.core.exceptions import ValidationError
from django.db import connection
from django.test.utils import CaptureQueriesContext

from wagtail_contactgroups.activities import record_activity
from wagtail_contactgroups.conditions import ConditionContext, Dependencies
from wagtail_contactgroups.engine.catalogue import get_catalogue
from wagtail_contactgroups.engine.recalculate import recalculate_group
from wagtail_contactgroups.merging import merge_contacts
from wagtail_contactgroups.models import ContactActivity

from .activity_helpers import performed, site_home, visited
from .helpers import (
    condition_group,
    field_condition,
    make_contact,
    make_group,
    member_ids,
)


@pytest.fixture
def home():
    return site_home()


def make_groups(home, count):
    """Create ``count`` groups on page visits and as many on a contact field."""
    groups = []
    for number in range(count):
        groups.append(
            make_group(
                f"Visitors {count}-{number}",
                condition_group(visited(home, days=30 + number)),
            )
        )
        make_group(
            f"Country {count}-{number}",
            condition_group(field_condition("country", "eq", "DE")),
        )
    return groups


def queries_of_recording(home, group_count):
    groups = make_groups(home, group_count)
    contact = make_contact(email=f"q{group_count}@example.com")
    get_catalogue()  # build the cache, as a running site would have it

    with CaptureQueriesContext(connection) as queries:
        record_activity(contact, "page_visited", page=home)

    for group in groups:
        assert member_ids(group) == [contact.pk], [q["sql"] for q in queries]
    return len(queries)


@pytest.mark.django_db(transaction=True)
def test_recording_queries_stay_constant(home):
    counts = [queries_of_recording(home, count) for count in (1, 10, 100)]

    assert counts[0] == counts[1] == counts[2]
    assert counts[0] <= 10


@pytest.mark.django_db(transaction=True)
def test_recording_joins_group_at_once(home):
    group = make_group("Visitors", condition_group(visited(home, days=30)))
    recalculate_group(group)
    contact = make_contact(email="a@example.com")
    assert member_ids(group) == []

    record_activity(contact, "page_visited", page=home)

    assert member_ids(group) == [contact.pk]
    group.refresh_from_db()
    assert group.member_count == 1


@pytest.mark.django_db(transaction=True)
def test_recording_skips_unrelated_groups(home):
    visitors = make_group("Visitors", condition_group(visited(home)))
    openers = make_group(
        "Non-openers", condition_group(performed("email_opened", negated=True))
    )
    contact = make_contact(email="a@example.com")
    assert member_ids(openers) == [contact.pk]
    openers.memberships.all().delete()

    record_activity(contact, "page_visited", page=home)

    assert member_ids(visitors) == [contact.pk]
    # The membership removed by hand stays removed: the group reads another
    # activity type, so recording a page visit does not evaluate it.
    assert member_ids(openers) == []


@pytest.mark.django_db(transaction=True)
def test_merged_contact_records_for_parent(home):
    parent = make_contact(email="a@example.com")
    merged = make_contact(email="b@example.com")
    merge_contacts(parent, merged)
    merged.refresh_from_db()

    activity = record_activity(merged, "page_visited", page=home)

    assert activity.contact_id == parent.pk


@pytest.mark.django_db(transaction=True)
def test_merge_moves_activities_and_membership(home):
    group = make_group("Visitors", condition_group(visited(home, count=2)))
    parent = make_contact(email="a@example.com")
    merged = make_contact(email="b@example.com")
    record_activity(parent, "page_visited", page=home)
    record_activity(merged, "page_visited", page=home)
    assert member_ids(group) == []

    merge_contacts(parent, merged)

    assert ContactActivity.objects.filter(contact=parent).count() == 2
    assert member_ids(group) == [parent.pk]


@pytest.mark.django_db
def test_unknown_type_is_rejected():
    contact = make_contact(email="a@example.com")

    with pytest.raises(ValidationError, match="teleported"):
        record_activity(contact, "teleported")

    assert not ContactActivity.objects.exists()


@pytest.mark.django_db(transaction=True)
def test_update_after_rollback_still_runs(home):
    from django.db import transaction

    group = make_group("Visitors", condition_group(visited(home)))
    contact = make_contact(email="a@example.com")
    with pytest.raises(RuntimeError), transaction.atomic():
        record_activity(contact, "page_visited", page=home)
        raise RuntimeError("rolled back")
    assert member_ids(group) == []

    with transaction.atomic():
        record_activity(contact, "page_visited", page=home)

    assert member_ids(group) == [contact.pk]


@pytest.mark.django_db
@pytest.mark.parametrize("hours", [0, 5, 24 * 140, 24 * 200 + 7])
def test_period_template_matches_rebuild(home, hours):
    import datetime

    from wagtail_contactgroups.conditions import ConditionContext
    from wagtail_contactgroups.engine.catalogue import GroupEntry, PeriodTemplate
    from wagtail_contactgroups.engine.sql import compile_condition
    from wagtail_contactgroups.engine.tree import build_q

    group = make_group(
        "Mixed",
        condition_group(
            visited(home, days=7),
            performed("email_opened", days=30, negated=True),
            field_condition("country", "eq", "DE"),
            match="any",
        ),
    )
    moment = datetime.datetime(2024, 1, 1, tzinfo=datetime.UTC)
    context = ConditionContext(now=moment + datetime.timedelta(hours=hours))
    entry = GroupEntry(group.pk, group, Dependencies.from_json(group.dependencies))

    fragment = entry.fragment(context)

    assert isinstance(entry._template, PeriodTemplate)
    assert len(entry._template.slots) == 2
    assert fragment == compile_condition(build_q(group, context), "default")


@pytest.mark.django_db
def test_date_conditions_are_rebuilt(home):
    from wagtail_contactgroups.engine.catalogue import GroupEntry

    group = make_group(
        "Birthdays", condition_group(field_condition("birthday", "today"))
    )
    entry = GroupEntry(group.pk, group, Dependencies.from_json(group.dependencies))

    entry.fragment(ConditionContext())

    assert entry._template is False
