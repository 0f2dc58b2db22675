"""Set-based recalculation, its signals, its failures and its command."""

import pytest
from django.core.management import CommandError, call_command
from django.db import connection
from django.db.models import BooleanField, Q
from django.db.models.expressions import RawSQL
from wagtail import blocks

from wagtail_contactgroups import signals as signals_module
from wagtail_contactgroups.conditions import Condition, registry
from wagtail_contactgroups.conf import get_contact_model
from wagtail_contactgroups.engine.recalculate import (
    RecalculationError,
    recalculate_group,
    recalculate_groups,
)
from wagtail_contactgroups.models import GroupStatus
from wagtail_contactgroups.signals import membership_changed

from .helpers import (
    condition,
    condition_group,
    field_condition,
    make_contact,
    make_group,
    member_ids,
    membership_condition,
)

pytestmark = pytest.mark.django_db

DE = field_condition("country", "eq", "DE")


@pytest.fixture
def signals():
    received = []

    def receiver(sender, group_id, added, removed, source, **kwargs):
        received.append((group_id, sorted(added), sorted(removed), source))

    membership_changed.connect(receiver)
    yield received
    membership_changed.disconnect(receiver)


def test_recalculation_signals_in_batches(
    signals, monkeypatch, django_capture_on_commit_callbacks
):
    monkeypatch.setattr(signals_module, "MEMBERSHIP_SIGNAL_BATCH_SIZE", 2)
    ids = [make_contact(country="DE").pk for _ in range(5)]
    group = make_group("German", condition_group(DE))

    with django_capture_on_commit_callbacks(execute=True):
        result = recalculate_group(group)
        assert signals == []  # sent only once committed

    assert (result.added, result.removed, result.member_count) == (5, 0, 5)
    assert signals == [
        (group.pk, ids[0:2], [], "recalculation"),
        (group.pk, ids[2:4], [], "recalculation"),
        (group.pk, ids[4:5], [], "recalculation"),
    ]
    get_contact_model().objects.filter(pk__in=ids[:3]).update(country="FR")
    signals.clear()
    with django_capture_on_commit_callbacks(execute=True):
        result = recalculate_group(group)
    assert signals == [
        (group.pk, [], ids[0:2], "recalculation"),
        (group.pk, [], ids[2:3], "recalculation"),
    ]
    group.refresh_from_db()
    assert group.member_count == 2
    assert group.status == GroupStatus.UP_TO_DATE


def test_unchanged_recalculation_sends_nothing(
    signals, django_capture_on_commit_callbacks
):
    make_contact(country="DE")
    group = make_group("German", condition_group(DE))
    recalculate_group(group)
    with django_capture_on_commit_callbacks(execute=True):
        result = recalculate_group(group)
    assert (result.added, result.removed) == (0, 0)
    assert signals == []


def test_dependents_recalculated_after_base():
    contact = make_contact(country="DE")
    base = make_group("German", condition_group(DE))
    reader = make_group("Reader", condition_group(membership_condition("any", base)))
    results = recalculate_groups([base])
    assert [result.group_id for result in results] == [base.pk, reader.pk]
    assert member_ids(reader) == [contact.pk]


class ExplodingCondition(Condition):
    """SQL that fails while it runs, on the row of a contact named "boom"."""

    name = "exploding_for_test"
    label = "Exploding"

    def get_parameter_blocks(self):
        return [("note", blocks.CharBlock(required=False))]

    def get_q(self, value, context):
        table = connection.ops.quote_name(get_contact_model()._meta.db_table)
        if connection.vendor == "postgresql":
            sql = (
                f"CAST(CASE WHEN {table}.first_name = 'boom' THEN 'x' ELSE '1' END "
                "AS integer) = 1"
            )
        else:
            sql = (
                f"json_extract(CASE WHEN {table}.first_name = 'boom' THEN 'x' "
                "ELSE '{\"a\": 1}' END, '$.a') = 1"
            )
        return Q(RawSQL(sql, [], output_field=BooleanField()))

    def evaluate(self, contact, value, context):
        return True


@pytest.fixture
def exploding():
    registry.register(ExplodingCondition())
    yield
    registry.unregister("exploding_for_test")


def test_failure_midway_keeps_membership(exploding):
    kept = make_contact(country="DE", first_name="kept")
    leaving = make_contact(country="DE", first_name="leaving")
    group = make_group("German", condition_group(DE))
    recalculate_group(group)
    leaving.country = "FR"
    leaving.save()
    make_contact(country="DE", first_name="boom")
    group.conditions = [
        condition_group(DE, condition("exploding_for_test", note=""), match="all")
    ]
    group.save()

    # The delete of "leaving" succeeds; the insert then fails on "boom".
    with pytest.raises(RecalculationError):
        recalculate_group(group)

    group.refresh_from_db()
    assert member_ids(group) == sorted([kept.pk, leaving.pk])
    assert group.status == GroupStatus.FAILED
    assert group.status_message
    assert group.member_count == 2


def test_failure_does_not_stop_others(exploding):
    make_contact(first_name="boom")
    broken = make_group("Broken", condition_group(condition("exploding_for_test")))
    fine = make_group(
        "Fine", condition_group(field_condition("lead_score", "gte", "0"))
    )
    failures = {}
    results = recalculate_groups(None, failures=failures)
    assert list(failures) == [broken.pk]
    assert [result.group_id for result in results] == [fine.pk]


@pytest.fixture
def two_groups():
    make_contact(country="DE", lead_score=5)
    make_contact(country="FR", lead_score=5)
    german = make_group("German", condition_group(DE))
    scored = make_group(
        "Scored", condition_group(field_condition("lead_score", "gt", "1"))
    )
    return german, scored


def test_command_by_name_prints_counts(two_groups, capsys):
    german, _scored = two_groups
    call_command("recalculate_contact_groups", "German")
    out = capsys.readouterr().out
    assert "German: +1 added, -0 removed, 1 members" in out
    assert "Scored" not in out


def test_command_by_id_and_all(two_groups, capsys):
    german, scored = two_groups
    call_command("recalculate_contact_groups", str(scored.pk))
    assert "Scored: +2 added, -0 removed, 2 members" in capsys.readouterr().out
    call_command("recalculate_contact_groups", "--all")
    out = capsys.readouterr().out
    assert "German: +1 added" in out
    assert "Scored: +0 added, -0 removed" in out


@pytest.mark.parametrize(
    ("args", "message"),
    [
        ((), "Name one group"),
        (("German", "--all"), "Name one group"),
        (("Nobody",), "“Nobody”"),
    ],
)
def test_command_errors(two_groups, args, message):
    with pytest.raises(CommandError, match=message):
        call_command("recalculate_contact_groups", *args)


def test_command_reports_failed_group(two_groups, capsys):
    german, _scored = two_groups
    german.conditions = [condition_group(field_condition("fax", "eq", "1"))]
    german.save()
    with pytest.raises(CommandError, match="1 group"):
        call_command("recalculate_contact_groups", "--all")
    captured = capsys.readouterr()
    assert "German: failed" in captured.err
    assert "fax" in captured.err
    assert "Scored: +2 added" in captured.out
