"""Live counts, the group's Contacts view and its CSV export, through the admin.

The views are requested with Django's test client as a superuser, so every
figure includes what the admin really does: middleware, permission checks,
filters, templates and the queries of the page.
"""

from __future__ import annotations

from django.contrib.auth import get_user_model
from django.db import connections
from django.test import Client
from django.urls import reverse

from wagtail_contactgroups.conditions import ConditionContext
from wagtail_contactgroups.conf import get_contact_model
from wagtail_contactgroups.engine.sql import compile_condition, contact_table
from wagtail_contactgroups.engine.tree import build_q
from wagtail_contactgroups.models import ContactGroup
from wagtail_contactgroups.views.live_count import count_matches
from wagtail_contactgroups.viewsets import snippet_url_name

from .measure import Report, Row, measure_memory, mebibytes, milliseconds, time_pair

USERNAME = "benchmark-admin"


def admin_client(using: str = "default") -> Client:
    """A test client logged in as a superuser created for the benchmarks."""
    users = get_user_model()._default_manager.db_manager(using)
    user = users.filter(username=USERNAME).first()
    if user is None:
        user = users.create_superuser(USERNAME, "admin@example.com", "benchmark")
    client = Client()
    client.force_login(user)
    return client


def members_url(group: ContactGroup, after: int | None = None) -> str:
    """The URL of the group's Contacts view, from its start or after a contact id."""
    url = reverse(snippet_url_name(ContactGroup, "members"), args=[group.pk])
    return url if after is None else f"{url}?after={after}"


def contacts_url() -> str:
    """The URL of the plain contact listing (the contact snippet index)."""
    return reverse(snippet_url_name(get_contact_model(), "list"))


def export_url(group: ContactGroup) -> str:
    return reverse(snippet_url_name(ContactGroup, "members_export"), args=[group.pk])


def get_page(client: Client, url: str) -> bytes:
    """Request ``url`` and return its body; fail on anything but 200."""
    response = client.get(url)
    if response.status_code != 200:
        raise RuntimeError(f"GET {url} returned status {response.status_code}")
    return response.content


def stream_export(client: Client, group: ContactGroup) -> tuple[int, int]:
    """Download the group's CSV export; return (bytes, lines) read from the stream."""
    response = client.get(export_url(group))
    if response.status_code != 200 or not response.streaming:
        raise RuntimeError(f"The export returned status {response.status_code}")
    size = lines = 0
    for chunk in response.streaming_content:
        size += len(chunk)
        lines += chunk.count(b"\n")
    response.close()
    return size, lines


def plain_count(group, using: str = "default") -> int:
    """COUNT(*) of the compiled condition, run as raw SQL: the baseline."""
    sql, params = compile_condition(
        build_q(group, ConditionContext(using=using)), using
    )
    table, _pk = contact_table(using)
    with connections[using].cursor() as cursor:
        cursor.execute(f"SELECT COUNT(*) FROM {table} WHERE {sql}", params)
        return cursor.fetchone()[0]


def _live_count(report: Report, repeat: int, group, using: str) -> None:
    live, plain = time_pair(
        lambda: count_matches(group, using),
        lambda: plain_count(group, using),
        repeat,
    )
    report.add(
        Row(
            "live count",
            f"{group.name} ({count_matches(group, using)} contacts)",
            f"{milliseconds(live.median)} vs {milliseconds(plain.median)}",
            live.median / plain.median,
            1.3,
        )
    )


def run(report: Report, repeat: int, count_group, big_group, using: str) -> None:
    """Measure the live count, the Contacts view and the export of ``big_group``."""
    _live_count(report, repeat, count_group, using)
    client = admin_client(using)
    members = big_group.memberships.using(using).count()
    middle = _middle_id(big_group, using)
    baseline_url = contacts_url()
    get_page(client, baseline_url)  # warm templates and the session
    for label, after in (("first page", None), ("page at the middle", middle)):
        page, baseline = time_pair(
            lambda after=after: get_page(client, members_url(big_group, after)),
            lambda: get_page(client, baseline_url),
            repeat,
        )
        report.add(
            Row(
                "members view",
                f"Contacts view, {label} of {members} members "
                "(vs the contact listing's first page)",
                f"{milliseconds(page.median)} vs {milliseconds(baseline.median)}",
                page.median / baseline.median,
            )
        )
    written = []
    memory = measure_memory(lambda: written.append(stream_export(client, big_group)))
    size, lines = written[0]
    report.add(
        Row(
            "export",
            f"CSV export view, {lines - 1} members",
            f"{mebibytes(size)} streamed, traced peak "
            f"{mebibytes(memory.traced_peak)}, max RSS {mebibytes(memory.max_rss)}",
        )
    )


def _middle_id(group, using: str) -> int:
    ids = group.memberships.using(using).order_by("contact_id")
    count = ids.count()
    if not count:
        return 0
    return ids.values_list("contact_id", flat=True)[count // 2]
