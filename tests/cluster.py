"""A real django-q2 cluster for tests: start it on the test database, stop it after."""

import os
import signal
import subprocess
import sys
import time
from contextlib import contextmanager
from pathlib import Path

import pytest
from django.db import connection

REPO_DIR = Path(__file__).resolve().parents[1]


def cluster_environment(extra: dict | None = None) -> dict:
    """Point a child process at the test database this test uses."""
    env = dict(os.environ)
    env["DJANGO_SETTINGS_MODULE"] = "testproject.settings.test"
    env["PYTHONPATH"] = os.pathsep.join([str(REPO_DIR), str(REPO_DIR / "testproject")])
    name = str(connection.settings_dict["NAME"])
    if connection.vendor == "sqlite":
        env["CONTACTGROUPS_SQLITE_NAME"] = name
    else:
        env["CONTACTGROUPS_PG_NAME"] = name
    env.update(extra or {})
    return env


@contextmanager
def running_qcluster(log_path: Path, extra_env: dict | None = None):
    """Run ``manage.py qcluster`` logging to ``log_path``; stop it on exit."""
    with open(log_path, "wb") as log:
        process = subprocess.Popen(
            [sys.executable, str(REPO_DIR / "testproject" / "manage.py"), "qcluster"],
            env=cluster_environment(extra_env),
            stdout=log,
            stderr=subprocess.STDOUT,
        )
    try:
        yield process
    finally:
        process.send_signal(signal.SIGTERM)
        try:
            process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


def start_qcluster(tmp_path):
    """Start ``manage.py qcluster``, yield its log path, then stop that process."""
    log_path = tmp_path / "qcluster.log"
    with running_qcluster(log_path):
        yield log_path


def wait_for(check, log_path, seconds=45.0):
    """Poll ``check`` until it is true; fail with the cluster's log if it is not."""
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if check():
            return
        time.sleep(0.25)
    pytest.fail(f"Timed out. qcluster log:\n{log_path.read_text(errors='replace')}")


def wait_for_log(log_path: Path, text: str, seconds: float = 45.0) -> None:
    """Wait until the cluster's log contains ``text``."""
    wait_for(lambda: text in log_path.read_text(errors="replace"), log_path, seconds)
