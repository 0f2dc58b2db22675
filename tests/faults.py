"""Helpers of the fault tests: a Redis server, a slowed membership table, pids."""

import os
import re
import socket
import subprocess
import time
from contextlib import contextmanager
from pathlib import Path

import pytest
from django.db import connection

from wagtail_contactgroups.models import ContactGroupMembership

REDIS_SERVER = Path(
    os.environ.get("CONTACTGROUPS_REDIS_SERVER", "/usr/bin/redis-server")
)
MEMBERSHIP_TABLE = ContactGroupMembership._meta.db_table


def free_port() -> int:
    """Return a TCP port on the loopback interface that nothing listens on now."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@contextmanager
def running_redis(tmp_path: Path):
    """Run Debian's ``redis-server`` on a free loopback port and yield the port."""
    if not REDIS_SERVER.exists():
        pytest.fail(
            f"redis-server not found at {REDIS_SERVER}. Install it with "
            "'apt-get install redis-server' (.ci/run does) or set "
            "CONTACTGROUPS_REDIS_SERVER to its path."
        )
    import redis

    port = free_port()
    data_dir = tmp_path / "redis"
    data_dir.mkdir()
    log_path = data_dir / "redis.log"
    command = [str(REDIS_SERVER), "--port", str(port), "--bind", "127.0.0.1"]
    command += ["--save", "", "--appendonly", "no", "--dir", str(data_dir)]
    with open(log_path, "wb") as log:
        process = subprocess.Popen(command, stdout=log, stderr=subprocess.STDOUT)
    try:
        client = redis.Redis(host="127.0.0.1", port=port)
        deadline = time.monotonic() + 20
        while True:
            try:
                client.ping()
                break
            except redis.ConnectionError:
                if process.poll() is not None or time.monotonic() > deadline:
                    pytest.fail(f"Redis did not start:\n{log_path.read_text()}")
                time.sleep(0.1)
        client.close()
        yield port
    finally:
        process.terminate()
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


@contextmanager
def slow_membership_inserts(seconds: float):
    """Make each INSERT statement on the membership table sleep (PostgreSQL).

    A real delay inside the recalculation's transaction, after its DELETE and
    before its INSERT commits. The trigger is dropped again on exit, since
    tables are flushed between tests but triggers are not.
    """
    function = "contactgroups_test_slow_insert"
    with connection.cursor() as cursor:
        cursor.execute(
            f"CREATE OR REPLACE FUNCTION {function}() RETURNS trigger AS $$ "
            f"BEGIN PERFORM pg_sleep({float(seconds)}); RETURN NULL; END $$ "
            "LANGUAGE plpgsql"
        )
        cursor.execute(
            f"CREATE TRIGGER {function} AFTER INSERT ON {MEMBERSHIP_TABLE} "
            f"FOR EACH STATEMENT EXECUTE FUNCTION {function}()"
        )
    try:
        yield
    finally:
        with connection.cursor() as cursor:
            cursor.execute(f"DROP TRIGGER IF EXISTS {function} ON {MEMBERSHIP_TABLE}")
            cursor.execute(f"DROP FUNCTION IF EXISTS {function}()")


def sleeping_backend() -> int | None:
    """Return the pid of the backend inside the trigger's pg_sleep, if any."""
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT pid FROM pg_stat_activity WHERE state = 'active' "
            "AND wait_event = 'PgSleep' AND datname = current_database()"
        )
        row = cursor.fetchone()
    return row[0] if row else None


def backend_alive(pid: int) -> bool:
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1 FROM pg_stat_activity WHERE pid = %s", [pid])
        return cursor.fetchone() is not None


def worker_pid_processing(log_path: Path, task_name: str) -> int:
    """Return the OS pid of the cluster worker that logged taking ``task_name``.

    django-q2 logs "<worker> ready for work at <pid>" when a worker starts and
    "<worker> processing <task name> ..." when it takes a task.
    """
    log = log_path.read_text(errors="replace")
    processing = re.findall(rf"(\S+) processing {re.escape(task_name)} ", log)
    assert processing, f"No worker took {task_name!r}:\n{log}"
    worker = processing[-1]
    ready = re.findall(rf"{re.escape(worker)} ready for work at (\d+)", log)
    assert ready, f"No pid logged for {worker}:\n{log}"
    return int(ready[-1])


def descendant_pids(pid: int) -> set[int]:
    """Return the pids of all processes below ``pid`` (Linux /proc).

    A qcluster process starts a sentinel process, which starts the workers.
    """
    found = set()
    for task in Path(f"/proc/{pid}/task").iterdir():
        for child in (task / "children").read_text().split():
            found.add(int(child))
            found |= descendant_pids(int(child))
    return found
