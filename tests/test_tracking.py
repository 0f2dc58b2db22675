import contextlib
import logging
import time
from urllib.parse import urlsplit

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from wagtail.models import Site

from wagtail_contactgroups import tracking
from wagtail_contactgroups.engine.catalogue import get_catalogue
from wagtail_contactgroups.merging import merge_contacts
from wagtail_contactgroups.models import ContactActivity

from .activity_helpers import add_page, site_home, visited
from .helpers import condition_group, make_contact, make_group, member_ids


@pytest.fixture
def home():
    page = site_home()
    Site.objects.update_or_create(
        is_default_site=True,
        defaults={"hostname": "testserver", "port": 80, "root_page": page},
    )
    return page


@pytest.fixture
def tracked(settings):
    settings.WAGTAIL_CONTACTGROUPS_TRACK_PAGE_VISITS = True


def recognise(client, contact):
    """Give the test client the cookie that identifies ``contact``."""
    response = client.get(tracking.contact_tracking_url(contact, "/"))
    assert response.status_code == 302
    return response


@pytest.mark.django_db(transaction=True)
def test_visit_recorded_with_cookie(client, home, tracked):
    group = make_group("Visitors", condition_group(visited(home, days=7)))
    contact = make_contact(email="a@example.com")
    recognise(client, contact)

    response = client.get(home.url)

    assert response.status_code == 200
    visit = ContactActivity.objects.get(activity_type="page_visited")
    assert (visit.contact_id, visit.page_id) == (contact.pk, home.pk)
    assert visit.url == "http://testserver/"
    assert member_ids(group) == [contact.pk]


@pytest.mark.django_db(transaction=True)
def test_no_visit_without_setting(client, home):
    contact = make_contact(email="a@example.com")
    recognise(client, contact)

    client.get(home.url)

    assert not ContactActivity.objects.filter(activity_type="page_visited").exists()


@pytest.mark.django_db(transaction=True)
def test_no_visit_without_cookie(client, home, tracked):
    make_contact(email="a@example.com")
    client.cookies["contactgroups_contact"] = "1:forged"

    assert client.get(home.url).status_code == 200
    assert not ContactActivity.objects.exists()


@pytest.mark.django_db(transaction=True)
def test_link_sets_cookie_and_redirects(client, home):
    contact = make_contact(email="a@example.com")

    response = recognise(client, contact)

    assert response["Location"] == "/"
    assert "contactgroups_contact" in response.cookies
    click = ContactActivity.objects.get()
    assert (click.activity_type, click.url) == ("email_link_clicked", "/")


@pytest.mark.django_db
def test_tampered_link_is_rejected(client, home):
    contact = make_contact(email="a@example.com")
    url = tracking.contact_tracking_url(contact, "/")
    path, query = urlsplit(url).path, urlsplit(url).query

    response = client.get(f"{path}?{query.replace('t=', 't=x')}")

    assert response.status_code == 400
    assert "contactgroups_contact" not in response.cookies


@pytest.mark.django_db(transaction=True)
def test_visit_of_merged_contact_goes_to_parent(client, home, tracked):
    parent = make_contact(email="a@example.com")
    merged = make_contact(email="b@example.com")
    recognise(client, merged)
    merge_contacts(parent, merged)

    client.get(home.url)

    assert ContactActivity.objects.get(activity_type="page_visited").contact == parent


@pytest.mark.django_db(transaction=True)
def test_deleted_contact_serves_page(client, home, tracked):
    contact = make_contact(email="a@example.com")
    recognise(client, contact)
    contact.delete()

    response = client.get(home.url)

    assert response.status_code == 200
    assert not ContactActivity.objects.exists()


@contextlib.contextmanager
def failing_inserts():
    """Make the database reject every new activity, as a broken disk would."""
    table = "wagtail_contactgroups_contactactivity"
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute(
                "CREATE FUNCTION cg_fail() RETURNS trigger AS $$ BEGIN "
                "RAISE EXCEPTION 'activities are read-only'; END $$ LANGUAGE plpgsql"
            )
            cursor.execute(
                f"CREATE TRIGGER cg_fail BEFORE INSERT ON {table} "
                "FOR EACH ROW EXECUTE FUNCTION cg_fail()"
            )
        else:
            cursor.execute(
                f"CREATE TRIGGER cg_fail BEFORE INSERT ON {table} "
                "BEGIN SELECT RAISE(ABORT, 'activities are read-only'); END"
            )
    try:
        yield
    finally:
        _drop_trigger(table)


def _drop_trigger(table):
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute(f"DROP TRIGGER cg_fail ON {table}")
            cursor.execute("DROP FUNCTION cg_fail()")
        else:
            cursor.execute("DROP TRIGGER cg_fail")


@pytest.mark.django_db(transaction=True)
def test_database_error_is_logged(client, home, tracked, caplog):
    contact = make_contact(email="a@example.com")
    recognise(client, contact)
    ContactActivity.objects.all().delete()

    with caplog.at_level(logging.ERROR), failing_inserts():
        failing = client.get(home.url)

    assert failing.status_code == 200
    assert f"Recording a visit of page {home.pk} by contact {contact.pk}" in (
        caplog.text
    )
    assert not ContactActivity.objects.exists()


@pytest.mark.django_db(transaction=True)
def test_visit_is_one_insert(client, home, tracked):
    pages = [add_page(home, f"Page {number}") for number in range(3)]
    for number, page in enumerate(pages):
        make_group(f"Visitors {number}", condition_group(visited(page, days=7)))
    contact = make_contact(email="a@example.com")
    recognise(client, contact)
    get_catalogue()

    with CaptureQueriesContext(connection) as queries:
        client.get(pages[0].url)

    inserts = [q["sql"] for q in queries if q["sql"].startswith("INSERT")]
    assert len(inserts) == 2  # the visit, then the new membership
    assert "contactactivity" in inserts[0]
    assert "membership" in inserts[1]


@pytest.mark.django_db(transaction=True)
def test_visit_cost_is_measured(client, home, tracked, settings):
    """Serving a page with tracking costs little more than without it."""
    for number in range(20):
        make_group(
            f"Visitors {number}", condition_group(visited(home, days=number + 1))
        )
    contact = make_contact(email="a@example.com")
    recognise(client, contact)
    client.get(home.url)

    def median_seconds():
        times = []
        for _ in range(15):
            started = time.perf_counter()
            client.get(home.url)
            times.append(time.perf_counter() - started)
        return sorted(times)[len(times) // 2]

    tracked_time = median_seconds()
    settings.WAGTAIL_CONTACTGROUPS_TRACK_PAGE_VISITS = False
    plain_time = median_seconds()

    print(
        f"page view: {plain_time * 1000:.1f} ms, tracked: {tracked_time * 1000:.1f} ms"
    )
    assert tracked_time < plain_time + 0.1
