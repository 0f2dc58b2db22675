"""A dropped database connection never leaves membership half-written (PostgreSQL)."""

import threading

import pytest
from django.db import DatabaseError, connection, connections, transaction

from wagtail_contactgroups.conf import get_contact_model
from wagtail_contactgroups.engine.recalculate import recalculate_groups
from wagtail_contactgroups.models import ContactGroupMembership

from .helpers import condition_group, field_condition, make_contact, make_group

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(connection.vendor != "postgresql", reason="PostgreSQL only"),
]

MEMBERSHIP_TABLE = ContactGroupMembership._meta.db_table


def german_groups():
    """Two groups that a German contact joins in one evaluation."""
    groups = [
        make_group(name, condition_group(field_condition("country", "eq", "DE")))
        for name in ("German A", "German B")
    ]
    recalculate_groups(groups)
    return groups


def terminate(pid: int) -> None:
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_terminate_backend(%s)", [pid])


class SaveInThread(threading.Thread):
    """Saves a contact on its own connection and records how that ended."""

    def __init__(self, contact_id: int, hold: threading.Event | None = None):
        super().__init__(daemon=True)
        self.contact_id = contact_id
        self.hold = hold
        self.backend_pid: int | None = None
        self.started_work = threading.Event()
        self.error: BaseException | None = None

    def run(self):
        try:
            self.backend_pid = self._backend_pid()
            contact = get_contact_model().objects.get(pk=self.contact_id)
            contact.country = "DE"
            if self.hold is None:
                self.started_work.set()
                contact.save()
            else:
                with transaction.atomic():
                    contact.save()
                    self.started_work.set()
                    self.hold.wait(10)
        except DatabaseError as error:
            self.error = error
        finally:
            connections.close_all()

    def _backend_pid(self) -> int:
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_backend_pid()")
            return cursor.fetchone()[0]


def test_drop_before_commit_keeps_everything():
    groups = german_groups()
    contact = make_contact(email="drop@example.com", country="FR")
    hold = threading.Event()
    saver = SaveInThread(contact.pk, hold)
    saver.start()
    assert saver.started_work.wait(10)

    terminate(saver.backend_pid)
    hold.set()
    saver.join(10)

    assert saver.error is not None
    contact.refresh_from_db()
    assert contact.country == "FR"
    for group in groups:
        assert not group.memberships.filter(contact_id=contact.pk).exists()


@pytest.fixture
def slow_membership_inserts():
    """Make each membership insert wait two seconds, inside the writer's transaction."""
    with connection.cursor() as cursor:
        cursor.execute(
            "CREATE FUNCTION contactgroups_test_slow() RETURNS trigger AS $$ "
            "BEGIN PERFORM pg_sleep(2); RETURN NEW; END $$ LANGUAGE plpgsql"
        )
        cursor.execute(
            f"CREATE TRIGGER contactgroups_test_slow BEFORE INSERT ON "
            f"{MEMBERSHIP_TABLE} FOR EACH ROW "
            "EXECUTE FUNCTION contactgroups_test_slow()"
        )
    yield
    with connection.cursor() as cursor:
        cursor.execute(f"DROP TRIGGER contactgroups_test_slow ON {MEMBERSHIP_TABLE}")
        cursor.execute("DROP FUNCTION contactgroups_test_slow()")


def test_drop_during_membership_write(slow_membership_inserts):
    groups = german_groups()
    contact = make_contact(email="drop@example.com", country="FR")
    saver = SaveInThread(contact.pk)
    saver.start()
    assert saver.started_work.wait(10)

    # Wait until the evaluation sits in the first membership insert.
    with connection.cursor() as cursor:
        for _ in range(100):
            cursor.execute(
                "SELECT 1 FROM pg_stat_activity WHERE pid = %s AND query LIKE %s",
                [saver.backend_pid, f"%INSERT INTO%{MEMBERSHIP_TABLE}%"],
            )
            if cursor.fetchone():
                break
            threading.Event().wait(0.05)
        else:
            pytest.fail("The membership insert never started.")
    # While the first insert waits, nothing of the evaluation is visible.
    for group in groups:
        assert not group.memberships.filter(contact_id=contact.pk).exists()
    terminate(saver.backend_pid)
    saver.join(30)

    # The contact's own transaction had committed, and the evaluation ran
    # again on a new connection: both memberships are there, and once each.
    assert saver.error is None
    contact.refresh_from_db()
    assert contact.country == "DE"
    for group in groups:
        assert group.memberships.filter(contact_id=contact.pk).count() == 1
        group.refresh_from_db()
        assert group.member_count == 1
