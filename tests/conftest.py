import os

import pytest

# pytest-playwright runs an asyncio event loop in the test thread, and Django
# rejects ORM calls from such a thread unless this is set.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

CHROMIUM_PATH = os.environ.get("CONTACTGROUPS_CHROMIUM", "/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args):
    """Launch the system Chromium, because Playwright's own browsers are absent."""
    return {
        **browser_type_launch_args,
        "executable_path": CHROMIUM_PATH,
        "args": CHROMIUM_ARGS,
    }


@pytest.fixture(autouse=True)
def media_root(settings, tmp_path):
    """Store each test's uploaded files in its own temporary folder."""
    settings.MEDIA_ROOT = tmp_path / "media"
    return settings.MEDIA_ROOT


@pytest.fixture
def sync_tasks(settings, monkeypatch):
    """Run django-q2 tasks in the calling process, as ``Q_CLUSTER["sync"]`` does.

    django-q2 reads ``Q_CLUSTER`` once at import, so its ``Conf`` is set too.
    """
    from django_q.conf import Conf

    settings.Q_CLUSTER = {**settings.Q_CLUSTER, "sync": True}
    monkeypatch.setattr(Conf, "SYNC", True)


@pytest.fixture
def qcluster(tmp_path):
    """A real ``qcluster`` process on the test database; yields its log path."""
    from tests.cluster import start_qcluster

    yield from start_qcluster(tmp_path)
