"""The contact group workflow, driven in Chromium."""

import re

import pytest
from playwright.sync_api import expect

from tests.browser.builder import (
    add_condition_group,
    condition_prefix,
    field_wrapper,
    fill_field_condition,
    pick_condition,
)
from tests.helpers import condition_group, field_condition, make_contact, make_group
from wagtail_contactgroups.conf import get_contact_model
from wagtail_contactgroups.models import ContactGroup, GroupStatus

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

GROUPS_URL = "/admin/snippets/wagtail_contactgroups/contactgroup/"


def contact_edit_path(contact) -> str:
    opts = get_contact_model()._meta
    return f"/admin/snippets/{opts.app_label}/{opts.model_name}/edit/{contact.pk}/"


def build_german_subscribers(page) -> None:
    """Fill the add form: German contacts AND subscribed, as two condition groups."""
    page.goto(f"{page.base}{GROUPS_URL}add/")
    page.fill("#id_name", "German subscribers")
    page.select_option("#id_match", "all")
    add_condition_group(page)
    pick_condition(page, "Contact field")
    fill_field_condition(page, condition_prefix(0), "country", "eq", "DE")
    add_condition_group(page)
    pick_condition(page, "Contact field")
    fill_field_condition(page, condition_prefix(1), "subscribed", "true")


def wait_until_up_to_date(page, group_pk: int) -> None:
    """Reload the edit view until the queued task has finished (45 s at most)."""
    for _ in range(90):
        status = ContactGroup.objects.get(pk=group_pk).status
        if status == GroupStatus.UP_TO_DATE:
            break
        assert status != GroupStatus.FAILED
        page.wait_for_timeout(500)
    page.goto(f"{page.base}{GROUPS_URL}edit/{group_pk}/")


def test_group_workflow_end_to_end(admin_page, screenshot_dir, qcluster):
    page = admin_page
    ada = make_contact(
        first_name="Ada",
        last_name="Lovelace",
        email="ada@example.de",
        country="DE",
        subscribed=True,
    )
    make_contact(
        first_name="Dora",
        last_name="Dietrich",
        email="dora@example.de",
        country="DE",
        subscribed=True,
    )
    make_contact(first_name="Bert", last_name="Brecht", country="DE")
    make_contact(first_name="Chloe", email="chloe@example.fr", subscribed=True)
    make_group(
        "French contacts", condition_group(field_condition("country", "eq", "FR"))
    )

    build_german_subscribers(page)
    page.get_by_role("button", name="Count matching contacts").click()
    expect(page.locator("[data-contactgroups-live-count-result]")).to_have_text(
        "Matches 2 contacts"
    )
    page.screenshot(path=screenshot_dir / "condition-builder.png", full_page=True)

    page.get_by_role("button", name="Save", exact=True).click()
    expect(page.get_by_text("German subscribers").first).to_be_visible()
    group = ContactGroup.objects.get(name="German subscribers")
    assert len(group.conditions) == 2

    page.goto(f"{page.base}{GROUPS_URL}edit/{group.pk}/")
    page.get_by_role("button", name="Recalculate contact group").click()
    expect(page.get_by_text("is queued")).to_be_visible()
    wait_until_up_to_date(page, group.pk)
    expect(page.get_by_role("button", name="Recalculate contact group")).to_have_count(
        0
    )

    page.goto(f"{page.base}{GROUPS_URL}")
    expect(page.locator("#listing-results .w-status--primary")).to_have_text(
        "Up to date"
    )
    expect(page.locator("#listing-results")).to_contain_text("Needs recalculation")
    page.screenshot(path=screenshot_dir / "contact-groups.png")

    page.goto(f"{page.base}{GROUPS_URL}edit/{group.pk}/")
    page.get_by_role("link", name="Contacts", exact=True).click()
    table = page.locator("table.listing")
    expect(table.get_by_text("Ada Lovelace")).to_be_visible()
    expect(table.get_by_text("Dora Dietrich")).to_be_visible()
    expect(table.get_by_text("Bert Brecht")).to_have_count(0)
    page.screenshot(path=screenshot_dir / "group-contacts.png")
    members_url = page.url

    page.goto(f"{page.base}{contact_edit_path(ada)}")
    page.uncheck("#id_subscribed")
    page.get_by_role("button", name="Save", exact=True).click()
    expect(page.locator(".messages")).to_contain_text("updated")
    page.goto(members_url)
    expect(page.locator("table.listing").get_by_text("Dora Dietrich")).to_be_visible()
    expect(page.get_by_text("Ada Lovelace")).to_have_count(0)


def test_invalid_parameter_error_beside_field(admin_page):
    page = admin_page
    page.goto(f"{page.base}{GROUPS_URL}add/")
    page.fill("#id_name", "Birthday people")
    add_condition_group(page)
    pick_condition(page, "Contact field")
    prefix = condition_prefix(0)
    fill_field_condition(page, prefix, "birthday", "lt", "31.12.1990")

    page.get_by_role("button", name="Count matching contacts").click()
    expect(page.locator("[data-contactgroups-live-count-errors]")).to_contain_text(
        "Value"
    )

    page.get_by_role("button", name="Save", exact=True).click()
    error = field_wrapper(page, f"{prefix}-value").locator(".error-message")
    expect(error).to_contain_text(re.compile("date", re.IGNORECASE))
    expect(
        field_wrapper(page, f"{prefix}-field").locator(".error-message")
    ).to_have_count(0)
    expect(page.locator("#id_name")).to_have_value("Birthday people")
    expect(page.locator(f"#{prefix}-value")).to_have_value("31.12.1990")
    assert not ContactGroup.objects.exists()
