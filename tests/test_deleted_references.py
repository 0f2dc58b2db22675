"""Groups whose field, group, page or form is gone fail alone and keep members."""

import datetime

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.utils import timezone

from home.newsletter import ensure_newsletter_page
from wagtail_contactgroups.conf import get_contact_model
from wagtail_contactgroups.engine.recalculate import recalculate_groups
from wagtail_contactgroups.models import ContactGroup, GroupStatus
from wagtail_contactgroups.tasks import run_scheduled_recalculation

from .activity_helpers import add_activity, add_page, site_home, submitted, visited
from .helpers import (
    condition_group,
    field_condition,
    make_contact,
    make_group,
    member_ids,
    membership_condition,
)
from .reliability import membership_mismatches

pytestmark = pytest.mark.django_db(transaction=True)

NOW = timezone.now() - datetime.timedelta(hours=1)

# Group name: a fragment of the reason its recalculation must give.
REASONS = {
    "Field": "“fax” does not exist",
    "Reader": "contact group was deleted",
    "Page": "page chosen in this condition does not exist",
    "Form": "form chosen in this condition does not exist",
}


@pytest.fixture
def broken_and_healthy():
    """Four groups whose reference is then deleted, and two healthy groups."""
    home = site_home()
    page, form = add_page(home, "Campaign"), ensure_newsletter_page(home)
    ada = make_contact(email="ada@example.com", country="DE", lead_score=50)
    bob = make_contact(email="bob@example.com", country="FR", lead_score=5)
    add_activity(ada, "page_visited", NOW, page)
    add_activity(ada, "form_submitted", NOW, form)
    french = make_group(
        "French", condition_group(field_condition("country", "eq", "FR"))
    )
    groups = {
        "Field": make_group(
            "Field", condition_group(field_condition("country", "eq", "DE"))
        ),
        "Reader": make_group(
            "Reader", condition_group(membership_condition("any", french))
        ),
        "Page": make_group("Page", condition_group(visited(page))),
        "Form": make_group("Form", condition_group(submitted(form))),
    }
    scored = make_group(
        "Scored", condition_group(field_condition("lead_score", "gte", "10"))
    )
    scored_reader = make_group(
        "Scored reader", condition_group(membership_condition("any", scored))
    )
    assert (
        recalculate_groups(None)
        and ContactGroup.objects.filter(status=GroupStatus.FAILED).count() == 0
    )
    members = {name: member_ids(group) for name, group in groups.items()}
    assert members == {
        "Field": [ada.pk],
        "Reader": [bob.pk],
        "Page": [ada.pk],
        "Form": [ada.pk],
    }

    field_group = groups["Field"]
    field_group.conditions = [condition_group(field_condition("fax", "eq", "1"))]
    field_group.save()
    french.delete()
    page.delete()
    form.delete()
    return groups, members, (scored, scored_reader)


def rescore() -> None:
    """Move every contact across the healthy groups' threshold, without signals."""
    for contact in get_contact_model().objects.all():
        get_contact_model().objects.filter(pk=contact.pk).update(
            lead_score=60 - contact.lead_score
        )


def assert_outcome(groups, members, healthy) -> None:
    for name, group in groups.items():
        group.refresh_from_db()
        assert group.status == GroupStatus.FAILED, name
        assert REASONS[name] in group.status_message, group.status_message
        assert member_ids(group) == members[name], name
    for group in healthy:
        group.refresh_from_db()
        assert group.status == GroupStatus.UP_TO_DATE, group.status_message
        assert membership_mismatches(group) == (set(), set())


def test_recalculate_all_skips_broken_groups(broken_and_healthy):
    groups, members, healthy = broken_and_healthy
    before = [member_ids(group) for group in healthy]
    rescore()

    failures = {}
    results = recalculate_groups(None, failures=failures)

    assert set(failures) == {group.pk for group in groups.values()}
    assert {result.group_id for result in results} == {group.pk for group in healthy}
    assert_outcome(groups, members, healthy)
    assert [member_ids(group) for group in healthy] != before


def test_command_all_skips_broken_groups(broken_and_healthy, capsys):
    groups, members, healthy = broken_and_healthy
    rescore()

    with pytest.raises(CommandError, match="4 group"):
        call_command("recalculate_contact_groups", "--all")

    error_output = capsys.readouterr().err
    for name, reason in REASONS.items():
        assert f"{name}: failed: " in error_output
        assert reason in error_output
    assert_outcome(groups, members, healthy)


def test_nightly_runs_skip_broken_groups(broken_and_healthy):
    groups, members, healthy = broken_and_healthy
    rescore()

    reports = {
        group.pk: run_scheduled_recalculation(group.pk)
        for group in [*groups.values(), *healthy]
    }

    for group in groups.values():
        assert list(reports[group.pk]["failed"]) == [group.pk]
    assert reports[healthy[0].pk]["recalculated"][0] == healthy[0].pk
    assert_outcome(groups, members, healthy)
