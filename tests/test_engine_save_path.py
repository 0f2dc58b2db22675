"""The save path: few round trips, cached SQL, prepared statements, exact results."""

import datetime

import pytest
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext

from wagtail_contactgroups.engine import catalogue as catalogue_module
from wagtail_contactgroups.engine.catalogue import (
    cached_catalogue,
    clear_catalogue,
    evaluation_context,
    get_catalogue,
    reads_date_only,
)
from wagtail_contactgroups.engine.evaluate import _lock_and_read_key
from wagtail_contactgroups.engine.locks import LOCK_NAMESPACE
from wagtail_contactgroups.engine.membership_sql import member_count_update_sql
from wagtail_contactgroups.engine.prepared import (
    can_prepare,
    fetch_all,
    prepared_statements_enabled,
)
from wagtail_contactgroups.models import ContactGroup, ContactGroupMembership

from .activity_helpers import site_home, visited
from .helpers import (
    condition_group,
    field_condition,
    make_contact,
    make_group,
    member_ids,
)

postgres_only = pytest.mark.skipif(
    connection.vendor != "postgresql", reason="PostgreSQL feature"
)


@pytest.fixture(autouse=True)
def fresh_catalogue():
    clear_catalogue()
    yield
    clear_catalogue()


def german_group(name="German"):
    return make_group(name, condition_group(field_condition("country", "eq", "DE")))


@pytest.mark.django_db(transaction=True)
def test_save_reads_memberships_with_evaluation():
    group = german_group()
    contact = make_contact(email="a@example.com", country="FR")
    get_catalogue()
    table = ContactGroupMembership._meta.db_table

    with CaptureQueriesContext(connection) as captured:
        contact.country = "DE"
        contact.save()

    assert member_ids(group) == [contact.pk]
    reads = [
        query["sql"]
        for query in captured.captured_queries
        if query["sql"].startswith("SELECT") and f'FROM "{table}"' in query["sql"]
    ]
    # One statement evaluates the contact and reads its current groups.
    assert len(reads) == 1
    assert "CASE WHEN" in reads[0]


@pytest.mark.django_db(transaction=True)
def test_member_counts_follow_saves():
    group = german_group()
    contact = make_contact(email="a@example.com", country="DE")
    group.refresh_from_db()
    assert group.member_count == 1

    contact.country = "FR"
    contact.save()
    group.refresh_from_db()
    assert group.member_count == 0
    assert member_ids(group) == []


@pytest.mark.django_db
def test_member_count_never_negative():
    group = german_group()
    other = german_group("Other")
    ContactGroup.objects.filter(pk=other.pk).update(member_count=5)
    sql, params = member_count_update_sql({group.pk: -3, other.pk: 2}, "default")
    fetch_all(sql, params, "default")

    counts = dict(ContactGroup.objects.values_list("pk", "member_count"))
    assert counts[group.pk] == 0
    assert counts[other.pk] == 7


@pytest.mark.django_db(transaction=True)
def test_stale_catalogue_rebuilt_at_save():
    german_group()
    get_catalogue()
    stale = cached_catalogue()
    french = make_group(
        "French", condition_group(field_condition("country", "eq", "FR"))
    )
    # As if another process had created the group: this one still caches
    # the catalogue from before.
    catalogue_module._cache.catalogues = {"default": stale}
    contact = make_contact(email="a@example.com", country="DE")

    contact.country = "FR"
    contact.save()

    assert member_ids(french) == [contact.pk]
    assert french.pk in cached_catalogue().entries


@pytest.mark.django_db(transaction=True)
def test_assembled_sql_reused_per_group_set():
    german_group()
    contact = make_contact(email="a@example.com", country="FR")
    contact.country = "DE"
    contact.save()
    statements = dict(cached_catalogue().statements)
    assert statements

    contact.country = "FR"
    contact.save()
    for key, sql in statements.items():
        assert cached_catalogue().statements[key] is sql


@pytest.mark.django_db
def test_calendar_day_condition_compiled_daily():
    group = make_group(
        "Recent", condition_group(field_condition("created_at", "in_last_days", days=3))
    )
    entry = get_catalogue().entries[group.pk]
    context = evaluation_context("default")
    context.now = datetime.datetime(2026, 3, 10, 9, 0, tzinfo=datetime.UTC)
    morning = entry.fragment(context)
    context.now += datetime.timedelta(hours=3)
    assert entry.fragment(context) is morning
    context.now += datetime.timedelta(days=1)
    assert entry.fragment(context)[1] != morning[1]
    assert entry.daily_sql


@pytest.mark.django_db
def test_period_condition_not_daily():
    visitors = make_group("Visitors", condition_group(visited(site_home(), days=30)))
    context = evaluation_context("default")

    assert not reads_date_only(visitors, context)
    assert reads_date_only(german_group(), context)


@postgres_only
@pytest.mark.django_db(transaction=True)
def test_lock_and_key_in_one_statement():
    group = german_group()
    with transaction.atomic():
        with CaptureQueriesContext(connection) as captured:
            key = _lock_and_read_key({group.pk}, "default")
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT mode FROM pg_locks WHERE locktype = 'advisory' "
                "AND pid = pg_backend_pid() AND classid = %s AND objid = %s",
                [LOCK_NAMESPACE, group.pk],
            )
            modes = [row[0] for row in cursor.fetchall()]
            cursor.execute("SELECT current_setting('plan_cache_mode')")
            plans = cursor.fetchone()[0]
    assert modes == ["ShareLock"]
    assert plans == "force_generic_plan"
    assert len(captured.captured_queries) == 1
    assert key == get_catalogue().key


@postgres_only
@pytest.mark.django_db(transaction=True)
def test_save_uses_prepared_statements():
    assert prepared_statements_enabled("default")
    group = german_group()
    contact = make_contact(email="a@example.com", country="FR")
    assert get_catalogue().preparable
    contact.country = "DE"
    contact.save()

    with connection.cursor() as cursor:
        cursor.execute("SELECT statement FROM pg_prepared_statements")
        prepared = [row[0] for row in cursor.fetchall()]
    assert any("CASE WHEN" in statement for statement in prepared)
    assert member_ids(group) == [contact.pk]


@postgres_only
@pytest.mark.django_db(transaction=True)
def test_unpreparable_sql_falls_back():
    with transaction.atomic():
        assert not can_prepare("SELECT %s IS NULL", ["x"], "default")
        # The transaction is still usable after the failed check.
        assert fetch_all("SELECT %s::int + 1", [1], "default") == [(2,)]


@postgres_only
@pytest.mark.django_db(transaction=True)
def test_saves_without_prepare_threshold():
    connection.ensure_connection()
    raw = connection.connection
    threshold = raw.prepare_threshold
    raw.prepare_threshold = None
    try:
        assert not prepared_statements_enabled("default")
        group = german_group()
        contact = make_contact(email="a@example.com", country="FR")
        assert not get_catalogue().preparable
        contact.country = "DE"
        contact.save()
        assert member_ids(group) == [contact.pk]
    finally:
        raw.prepare_threshold = threshold
