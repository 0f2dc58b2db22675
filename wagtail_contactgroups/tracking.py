"""Recognise known contacts on the site and record the pages they visit.

A contact is recognised by a signed cookie that contains its id. The cookie is
set when the contact submits a form page built with ``ContactFormMixin`` or
follows a link made with :func:`contact_tracking_url` (for example in a
newsletter). Page visits are recorded only with
``WAGTAIL_CONTACTGROUPS_TRACK_PAGE_VISITS = True``.
"""

from __future__ import annotations

import logging

from django.core import signing
from django.db import connections, transaction
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.urls import reverse
from django.utils import timezone
from django.utils.http import urlencode

from . import conf
from .activities import EMAIL_LINK_CLICKED, PAGE_VISITED, record_activity

logger = logging.getLogger(__name__)

COOKIE_SALT = "wagtail_contactgroups.contact"
LINK_SALT = "wagtail_contactgroups.link"


def set_contact_cookie(response: HttpResponse, contact, request=None) -> None:
    """Make later requests of this browser identify ``contact``."""
    response.set_signed_cookie(
        conf.tracking_cookie_name(),
        str(contact.merged_into_id or contact.pk),
        salt=COOKIE_SALT,
        max_age=conf.tracking_cookie_max_age(),
        httponly=True,
        samesite="Lax",
        secure=bool(request is not None and request.is_secure()),
    )


def contact_id_from_request(request: HttpRequest) -> int | None:
    """Return the contact id of a valid tracking cookie, or ``None``."""
    value = request.get_signed_cookie(
        conf.tracking_cookie_name(),
        default=None,
        salt=COOKIE_SALT,
        max_age=conf.tracking_cookie_max_age(),
    )
    if value is None or not value.isdigit():
        return None
    return int(value)


def contact_tracking_url(contact, url: str) -> str:
    """Return a link that identifies ``contact`` in the browser, then opens ``url``.

    The token is signed, so the link cannot be changed to point at another
    contact or another address. Following it records an "email link clicked"
    activity and sets the tracking cookie.
    """
    token = signing.dumps(
        {"c": contact.merged_into_id or contact.pk, "u": url}, salt=LINK_SALT
    )
    return f"{reverse('wagtail_contactgroups_track')}?{urlencode({'t': token})}"


def follow_tracking_link(request: HttpRequest) -> HttpResponse:
    """View of :func:`contact_tracking_url`: set the cookie and redirect."""
    from django.http import HttpResponseBadRequest

    try:
        data = signing.loads(
            request.GET.get("t", ""),
            salt=LINK_SALT,
            max_age=conf.tracking_link_max_age(),
        )
    except signing.BadSignature:
        return HttpResponseBadRequest("Invalid or expired link.")

    response = HttpResponseRedirect(data["u"])
    contact = conf.get_contact_model()._default_manager.filter(pk=data["c"]).first()
    if contact is None:
        return response
    if contact.merged_into_id is not None:
        contact = contact.merged_into
    try:
        record_activity(contact, EMAIL_LINK_CLICKED.name, url=data["u"][:2000])
    except Exception:
        logger.exception("Recording a link click of contact %s failed", contact.pk)
    set_contact_cookie(response, contact, request)
    return response


def record_page_visit(contact_id: int, page, url: str, using: str = "default"):
    """Record a visit of ``page`` by the contact in one INSERT; return the id used.

    A visit of a merged contact is recorded for its parent. Nothing is stored
    (and ``None`` returned) when the contact does not exist.
    """
    from .models import ContactActivity
    from .signal_handlers import queue_contact_update

    connection = connections[using]
    contact_meta = conf.get_contact_model()._meta
    quote = connection.ops.quote_name
    table = quote(ContactActivity._meta.db_table)
    contacts = quote(contact_meta.db_table)
    merged = quote(contact_meta.get_field("merged_into").column)
    pk = quote(contact_meta.pk.column)
    data_field = ContactActivity._meta.get_field("data")
    sql = (
        f"INSERT INTO {table} (contact_id, activity_type, occurred_at, page_id, "
        f"url, value, data) SELECT COALESCE({merged}, {pk}), %s, %s, %s, %s, "
        f"'', %s FROM {contacts} WHERE {pk} = %s RETURNING contact_id"
    )
    occurred_at = ContactActivity._meta.get_field("occurred_at").get_db_prep_value(
        timezone.now(), connection
    )
    params = [
        PAGE_VISITED.name,
        occurred_at,
        page.pk,
        url[:2000],
        data_field.get_db_prep_value({}, connection),
        contact_id,
    ]
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        row = cursor.fetchone()
    if row is None:
        return None
    queue_contact_update(row[0], set(), {PAGE_VISITED.name}, using=using)
    return row[0]


def track_page_visit(page, request: HttpRequest, serve_args, serve_kwargs) -> None:
    """``before_serve_page`` hook: record a visit of a recognised contact.

    Does nothing unless page visit tracking is on. Any failure is logged and
    the page is served as usual.
    """
    if not conf.track_page_visits() or request.method != "GET":
        return None
    contact_id = None
    try:
        contact_id = contact_id_from_request(request)
        if contact_id is not None:
            with transaction.atomic():
                record_page_visit(contact_id, page, request.build_absolute_uri())
    except Exception:
        logger.exception(
            "Recording a visit of page %s by contact %s failed",
            getattr(page, "pk", None),
            contact_id,
        )
    return None
