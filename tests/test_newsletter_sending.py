import pytest
from django.core import mail
from django.utils import timezone
from django_q.conf import Conf
from newsletter.models import Delivery, DeliveryStatus, NewsletterStatus
from newsletter.sending import queue_newsletter, send_newsletter

from wagtail_contactgroups.models import ContactActivity
from wagtail_contactgroups.selection import RecipientSelectionError

from .helpers import make_contact
from .newsletter_helpers import make_newsletter, recipients_of
from .recipient_helpers import build_audience

pytestmark = pytest.mark.django_db


@pytest.fixture
def audience():
    return build_audience()


def test_group_minus_excluded_exact_recipients(audience):
    groups, _people = audience
    newsletter = make_newsletter(include=[groups["a"]], exclude=[groups["c"]])

    result = send_newsletter(newsletter.pk)

    assert recipients_of(mail.outbox) == ["a@example.com", "ab@example.com"]
    assert result == {"sent": 2, "failed": 0}
    newsletter.refresh_from_db()
    assert newsletter.status == NewsletterStatus.SENT


def test_unsubscribed_skipped_by_default(audience):
    groups, _people = audience
    send_newsletter(make_newsletter(include=[groups["b"]]).pk)
    assert recipients_of(mail.outbox) == ["ab@example.com"]


def test_unsubscribed_included_when_allowed(audience):
    groups, _people = audience
    newsletter = make_newsletter(include=[groups["b"]], only_subscribed=False)
    send_newsletter(newsletter.pk)
    assert recipients_of(mail.outbox) == ["ab@example.com", "b@example.com"]


def test_all_of_match_requires_every_group(audience):
    groups, _people = audience
    newsletter = make_newsletter(include=[groups["a"], groups["c"]], match="all")
    send_newsletter(newsletter.pk)
    assert recipients_of(mail.outbox) == ["ac@example.com"]


def test_resend_emails_nobody_twice(audience):
    groups, people = audience
    newsletter = make_newsletter(include=[groups["a"]])
    send_newsletter(newsletter.pk)
    assert len(mail.outbox) == 3

    result = send_newsletter(newsletter.pk)

    assert len(mail.outbox) == 3
    assert result == {"sent": 0, "failed": 0}
    assert Delivery.objects.filter(newsletter=newsletter).count() == 3


def test_crash_claimed_delivery_not_resent(audience):
    groups, people = audience
    newsletter = make_newsletter(include=[groups["a"]], exclude=[groups["c"]])
    # A run that crashed after claiming "a" may have emailed it already.
    Delivery.objects.create(
        newsletter=newsletter,
        contact=people["a"],
        email="a@example.com",
        claim="crashed-run",
        claimed_at=timezone.now(),
    )

    send_newsletter(newsletter.pk)

    assert recipients_of(mail.outbox) == ["ab@example.com"]
    claimed = Delivery.objects.get(newsletter=newsletter, contact=people["a"])
    assert claimed.status == DeliveryStatus.CLAIMED


def test_failed_delivery_retried_once(audience):
    groups, people = audience
    newsletter = make_newsletter(include=[groups["a"]], exclude=[groups["c"]])
    Delivery.objects.create(
        newsletter=newsletter,
        contact=people["a"],
        email="a@example.com",
        status=DeliveryStatus.FAILED,
        claim="earlier-run",
        claimed_at=timezone.now(),
        error="Connection refused",
    )

    send_newsletter(newsletter.pk)
    send_newsletter(newsletter.pk)

    assert recipients_of(mail.outbox) == ["a@example.com", "ab@example.com"]
    retried = Delivery.objects.get(newsletter=newsletter, contact=people["a"])
    assert retried.status == DeliveryStatus.SENT
    assert retried.error == ""


def test_small_batches_send_each_once(audience, settings):
    settings.NEWSLETTER_BATCH_SIZE = 2
    groups, _people = audience
    newsletter = make_newsletter(include=[groups["a"], groups["b"]])
    send_newsletter(newsletter.pk)
    assert recipients_of(mail.outbox) == [
        "a@example.com",
        "ab@example.com",
        "ac@example.com",
    ]


def test_sent_email_recorded_as_activity(audience):
    groups, people = audience
    newsletter = make_newsletter(include=[groups["c"]])
    send_newsletter(newsletter.pk)
    activity = ContactActivity.objects.get(activity_type="email_sent")
    assert activity.contact_id == people["ac"].pk
    assert activity.data == {"newsletter": newsletter.pk}
    assert activity.value == "Spring news"


def test_merged_member_receives_nothing(audience):
    groups, people = audience
    type(people["ab"]).objects.filter(pk=people["ab"].pk).update(
        merged_into=people["a"]
    )
    send_newsletter(make_newsletter(include=[groups["b"]]).pk)
    assert mail.outbox == []


def test_everyone_option_reaches_all_subscribed(audience):
    groups, _people = audience
    newsletter = make_newsletter(exclude=[groups["a"]], send_to_everyone=True)
    make_contact(email="", subscribed=True)
    send_newsletter(newsletter.pk)
    assert recipients_of(mail.outbox) == ["none@example.com"]


def test_no_groups_rejected_before_queueing(audience):
    newsletter = make_newsletter()
    with pytest.raises(RecipientSelectionError):
        queue_newsletter(newsletter)
    newsletter.refresh_from_db()
    assert newsletter.status == NewsletterStatus.DRAFT
    assert mail.outbox == []


def test_queued_task_sends_through_django_q(audience, monkeypatch):
    monkeypatch.setattr(Conf, "SYNC", True)
    groups, _people = audience
    newsletter = make_newsletter(include=[groups["c"]])

    queue_newsletter(newsletter)

    assert recipients_of(mail.outbox) == ["ac@example.com"]
    newsletter.refresh_from_db()
    assert newsletter.status == NewsletterStatus.SENT
    assert newsletter.status_message == "1 sent, 0 failed"
