"""Fixtures of the browser tests: a logged-in admin page and screenshots."""

import os
from pathlib import Path

import pytest

PASSWORD = "secret-pass"


@pytest.fixture
def screenshot_dir(tmp_path) -> Path:
    """Where screenshots go: ``CONTACTGROUPS_SCREENSHOTS`` or a temporary folder."""
    folder = Path(os.environ.get("CONTACTGROUPS_SCREENSHOTS") or tmp_path)
    folder.mkdir(parents=True, exist_ok=True)
    return folder


@pytest.fixture
def admin_page(page, live_server, django_user_model):
    """A Playwright page logged in to the Wagtail admin as a superuser."""
    django_user_model.objects.create_superuser("editor", "editor@example.com", PASSWORD)
    page.set_default_timeout(15_000)
    page.set_viewport_size({"width": 1280, "height": 900})
    # The dashboard needs Wagtail's root page, which transactional tests
    # flush, so the login goes straight to the contact groups.
    groups_url = "/admin/snippets/wagtail_contactgroups/contactgroup/"
    page.goto(f"{live_server.url}/admin/login/?next={groups_url}")
    page.fill("#id_username", "editor")
    page.fill("#id_password", PASSWORD)
    page.click("button[type=submit]")
    page.wait_for_url(f"{live_server.url}{groups_url}")
    page.base = live_server.url
    return page
