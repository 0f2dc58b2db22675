"""Public tracking views: the open pixel and the click redirect."""

import base64
import logging

from django.core import signing
from django.http import (
    Http404,
    HttpResponse,
    HttpResponseBadRequest,
    HttpResponseRedirect,
)
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

from wagtail_contactgroups.activities import record_activity

from .models import Delivery
from .tracking import is_web_url, newsletter_links, read_token

logger = logging.getLogger(__name__)

PIXEL = base64.b64decode("R0lGODlhAQABAIAAAAAAAP///yH5BAEAAAAALAAAAAABAAEAAAIBRAA7")


def _delivery(token: str) -> tuple[Delivery, str]:
    try:
        delivery_id, url = read_token(token)
    except signing.BadSignature:
        raise Http404(_("This tracking link is not valid.")) from None
    delivery = (
        Delivery.objects.select_related("newsletter", "contact")
        .filter(pk=delivery_id)
        .first()
    )
    if delivery is None:
        raise Http404(_("This tracking link belongs to no sent newsletter."))
    return delivery, url


def _current_contact(contact):
    """Follow merges, so activity lands on the contact that is still active."""
    seen = set()
    while contact.merged_into_id is not None and contact.pk not in seen:
        seen.add(contact.pk)
        contact = contact.merged_into
    return contact


@never_cache
@require_GET
def track_open(request, token: str) -> HttpResponse:
    """Record an ``email_opened`` activity and return a 1×1 image."""
    delivery, _url = _delivery(token)
    record_activity(
        _current_contact(delivery.contact),
        "email_opened",
        value=delivery.newsletter.subject[:255],
        data={"newsletter": delivery.newsletter_id},
    )
    return HttpResponse(PIXEL, content_type="image/gif")


@never_cache
@require_GET
def track_click(request, token: str) -> HttpResponse:
    """Record an ``email_link_clicked`` activity and redirect to the link.

    Only http(s) targets that are links in the newsletter body are followed,
    so a token cannot turn the site into an open redirect.
    """
    delivery, url = _delivery(token)
    if not is_web_url(url) or url not in newsletter_links(delivery.newsletter):
        logger.warning("Rejected click redirect of delivery %s to %r", delivery.pk, url)
        return HttpResponseBadRequest(
            _("This link does not lead to an address in the newsletter.")
        )
    record_activity(
        _current_contact(delivery.contact),
        "email_link_clicked",
        url=url[:2000],
        value=delivery.newsletter.subject[:255],
        data={"newsletter": delivery.newsletter_id},
    )
    return HttpResponseRedirect(url)
