"""A contact deleted while a recalculation adds it: both commit (PostgreSQL)."""

import threading

import pytest
from django.db import connection

from wagtail_contactgroups.conf import get_contact_model
from wagtail_contactgroups.engine.recalculate import recalculate_group
from wagtail_contactgroups.models import ContactGroup, GroupStatus

from .cluster import wait_for
from .faults import sleeping_backend, slow_membership_inserts
from .helpers import condition_group, field_condition, make_contact, make_group
from .reliability import membership_mismatches

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(
        connection.vendor != "postgresql",
        reason="PostgreSQL only: needs two writers at once and a pg_sleep trigger",
    ),
]


class InThread(threading.Thread):
    """Runs ``action`` on its own database connection and keeps its outcome."""

    def __init__(self, action):
        super().__init__(daemon=True)
        self.action = action
        self.error: BaseException | None = None

    def run(self):
        try:
            self.action()
        except BaseException as error:  # reported by the test
            self.error = error
        finally:
            connection.close()


def test_delete_during_recalculation_commits(tmp_path):
    kept = make_contact(email="kept@example.com", country="DE")
    deleted = make_contact(email="gone@example.com", country="DE")
    group = make_group(
        "German", condition_group(field_condition("country", "eq", "DE"))
    )
    log = tmp_path / "no-log.txt"
    log.write_text("")

    with slow_membership_inserts(2):
        recalculation = InThread(lambda: recalculate_group(group))
        recalculation.start()
        # The run has inserted both members and sleeps before committing.
        wait_for(lambda: sleeping_backend() is not None, log, seconds=20)
        deletion = InThread(
            lambda: get_contact_model().objects.get(pk=deleted.pk).delete()
        )
        deletion.start()
        recalculation.join(30)
        deletion.join(30)

    assert recalculation.error is None, repr(recalculation.error)
    assert deletion.error is None, repr(deletion.error)
    assert not get_contact_model().objects.filter(pk=deleted.pk).exists()
    group = ContactGroup.objects.get(pk=group.pk)
    assert group.status == GroupStatus.UP_TO_DATE
    assert list(group.memberships.values_list("contact_id", flat=True)) == [kept.pk]
    assert group.member_count == 1
    assert membership_mismatches(group) == (set(), set())
