"""The load_demo_data command of the demo project."""

import pytest
from django.core.management import CommandError, call_command
from django_q.models import Schedule

from wagtail_contactgroups.conf import get_contact_model
from wagtail_contactgroups.models import ContactGroup, GroupStatus
from wagtail_contactgroups.scheduling import schedule_name

from .helpers import member_ids, python_members

pytestmark = pytest.mark.django_db


def test_loads_contacts_and_groups(capsys):
    call_command("load_demo_data", "--contacts", "500")
    model = get_contact_model()
    assert model.objects.count() == 500
    merged = model.objects.filter(merged_into__isnull=False).count()
    assert merged == 5
    assert model.objects.filter(country="").count() in range(40, 110)
    groups = list(ContactGroup.objects.all())
    assert len(groups) == 12
    kinds = {
        cond["type"]
        for group in groups
        for block in group.conditions.raw_data
        for cond in block["value"]["conditions"]
    }
    assert kinds == {
        "contact_field",
        "email_domain",
        "tags",
        "group_membership",
        "submitted_form",
    }
    for group in groups:
        assert group.status == GroupStatus.UP_TO_DATE, group.status_message
        assert group.member_count == len(member_ids(group))
        assert member_ids(group) == python_members(group), group.name
    assert all(group.member_count for group in groups)
    assert "Loaded 500 contacts and 12 groups" in capsys.readouterr().out

    # The groups that drift with time are recalculated every night.
    nightly = {group.name for group in groups if group.schedule_enabled}
    assert nightly == {"New in the last 30 days", "Newsletter sign-ups (30 days)"}
    for group in groups:
        if group.schedule_enabled:
            assert Schedule.objects.filter(name=schedule_name(group.pk)).count() == 1


def test_second_run_skips_then_refreshes(capsys):
    call_command("load_demo_data", "--contacts", "50")
    first = sorted(get_contact_model().objects.values_list("pk", flat=True))
    call_command("load_demo_data", "--contacts", "50")
    assert "already loaded (50 contacts); skipped" in capsys.readouterr().out
    assert sorted(get_contact_model().objects.values_list("pk", flat=True)) == first

    call_command("load_demo_data", "--contacts", "60", "--refresh")
    assert get_contact_model().objects.count() == 60
    assert ContactGroup.objects.count() == 12


def test_rejects_zero_contacts():
    with pytest.raises(CommandError, match="at least 1, not 0"):
        call_command("load_demo_data", "--contacts", "0")
