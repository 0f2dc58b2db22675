"""Sending a newsletter in batches, at most once per contact, as a django-q2 task.

Each recipient's ``Delivery`` row is claimed before the email goes out, under
a unique (newsletter, contact) constraint. A later run skips every row it did
not claim itself, so running the task again after a crash never emails a
contact twice. A row left ``claimed`` by a crash stays unsent; a ``failed``
row (the email backend raised) is claimed again by the next run.
"""

from __future__ import annotations

import logging
import time
import uuid
from dataclasses import dataclass

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.db import transaction
from django.db.models import Exists, OuterRef
from django.utils import timezone
from django_q.tasks import async_task

from wagtail_contactgroups.activities import record_activity

from .models import Delivery, DeliveryStatus, Newsletter, NewsletterStatus
from .tracking import render_email

logger = logging.getLogger(__name__)


def batch_size() -> int:
    """Return how many recipients are claimed and sent together."""
    return getattr(settings, "NEWSLETTER_BATCH_SIZE", 200)


@dataclass
class SendResult:
    sent: int = 0
    failed: int = 0


def queue_newsletter(newsletter: Newsletter) -> str:
    """Mark ``newsletter`` queued and start the sending task; return its id.

    Raises ``RecipientSelectionError`` at once when no recipients are chosen.
    """
    newsletter.get_selection()
    Newsletter.objects.filter(pk=newsletter.pk).update(
        status=NewsletterStatus.QUEUED, queued_at=timezone.now(), status_message=""
    )
    task_id = async_task(
        "newsletter.sending.send_newsletter",
        newsletter.pk,
        task_name=f"newsletter-{newsletter.pk}-{uuid.uuid4().hex[:8]}",
    )
    logger.info("Queued newsletter %s as task %s", newsletter.pk, task_id)
    return task_id


def send_newsletter(newsletter_id: int) -> dict:
    """Send the newsletter to every recipient not yet emailed; return counts."""
    newsletter = Newsletter.objects.get(pk=newsletter_id)
    _set_status(newsletter, NewsletterStatus.SENDING)
    started = time.monotonic()
    logger.info("Sending newsletter %s", newsletter.pk)
    try:
        result = _send_all(newsletter)
    except Exception as error:
        logger.exception("Sending newsletter %s failed", newsletter.pk)
        _set_status(newsletter, NewsletterStatus.FAILED, str(error))
        raise
    message = f"{result.sent} sent, {result.failed} failed"
    _set_status(newsletter, NewsletterStatus.SENT, message, sent_at=timezone.now())
    logger.info(
        "Sent newsletter %s: %s in %.1f s",
        newsletter.pk,
        message,
        time.monotonic() - started,
    )
    return {"sent": result.sent, "failed": result.failed}


def _set_status(newsletter, status, message="", **fields) -> None:
    Newsletter.objects.filter(pk=newsletter.pk).update(
        status=status, status_message=message, **fields
    )


def _mail_connection():
    """Return the default email connection: Django 6.1's mailers or 5.2's."""
    try:
        from django.core.mail import mailers
    except ImportError:
        from django.core.mail import get_connection

        return get_connection(fail_silently=False)
    return mailers.default


def _send_all(newsletter: Newsletter) -> SendResult:
    claim = uuid.uuid4().hex
    result = SendResult()
    connection = _mail_connection()
    for contacts in _recipient_batches(newsletter):
        deliveries = _claim(newsletter, contacts, claim)
        if deliveries:
            _send_batch(newsletter, deliveries, connection, result)
    return result


def _recipient_batches(newsletter: Newsletter):
    """Yield recipients without a sent or claimed delivery, by ascending id."""
    done = Delivery.objects.filter(
        newsletter=newsletter,
        contact_id=OuterRef("pk"),
        status__in=[DeliveryStatus.SENT, DeliveryStatus.CLAIMED],
    )
    recipients = newsletter.get_recipients().exclude(Exists(done))
    recipients = recipients.only("pk", "email", "first_name", "last_name")
    last_id = 0
    while True:
        batch = list(recipients.filter(pk__gt=last_id)[: batch_size()])
        if not batch:
            return
        yield batch
        last_id = batch[-1].pk


def _claim(newsletter, contacts, claim: str) -> list[Delivery]:
    """Claim a delivery for each contact no run has claimed; return ours."""
    now = timezone.now()
    ids = [contact.pk for contact in contacts]
    Delivery.objects.bulk_create(
        [
            Delivery(
                newsletter=newsletter,
                contact=contact,
                email=contact.email,
                claim=claim,
                claimed_at=now,
            )
            for contact in contacts
        ],
        ignore_conflicts=True,
    )
    Delivery.objects.filter(
        newsletter=newsletter, contact_id__in=ids, status=DeliveryStatus.FAILED
    ).update(status=DeliveryStatus.CLAIMED, claim=claim, claimed_at=now, error="")
    return list(
        Delivery.objects.filter(
            newsletter=newsletter,
            contact_id__in=ids,
            claim=claim,
            status=DeliveryStatus.CLAIMED,
        ).select_related("contact")
    )


def _message(newsletter, delivery) -> EmailMultiAlternatives:
    html, text = render_email(newsletter, delivery.pk)
    message = EmailMultiAlternatives(
        subject=newsletter.subject, body=text, to=[delivery.email]
    )
    message.attach_alternative(html, "text/html")
    return message


def _send_batch(newsletter, deliveries, connection, result: SendResult) -> None:
    sent, failed = [], []
    with connection:
        for delivery in deliveries:
            try:
                connection.send_messages([_message(newsletter, delivery)])
            except Exception as error:
                logger.warning(
                    "Newsletter %s to contact %s failed: %s",
                    newsletter.pk,
                    delivery.contact_id,
                    error,
                )
                delivery.error = str(error)
                failed.append(delivery)
            else:
                sent.append(delivery)
    with transaction.atomic():
        _record(newsletter, sent, failed)
    result.sent += len(sent)
    result.failed += len(failed)


def _record(newsletter, sent, failed) -> None:
    """Store the outcome of a batch and an ``email_sent`` activity per email."""
    now = timezone.now()
    Delivery.objects.filter(pk__in=[item.pk for item in sent]).update(
        status=DeliveryStatus.SENT, sent_at=now
    )
    for delivery in failed:
        Delivery.objects.filter(pk=delivery.pk).update(
            status=DeliveryStatus.FAILED, error=delivery.error
        )
    for delivery in sent:
        record_activity(
            delivery.contact,
            "email_sent",
            occurred_at=now,
            value=newsletter.subject[:255],
            data={"newsletter": newsletter.pk},
        )
