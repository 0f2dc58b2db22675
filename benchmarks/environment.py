"""Point Django at a benchmark database, creating and migrating it if needed."""

from __future__ import annotations

import logging
import os
import sys
from pathlib import Path

logger = logging.getLogger(__name__)

REPO_DIR = Path(__file__).resolve().parents[1]
PROJECT_DIR = REPO_DIR / "testproject"


def setup_django(vendor: str, name: str) -> None:
    """Configure and set up Django for the database ``name`` of ``vendor``.

    ``vendor`` is ``postgres`` or ``sqlite``; for SQLite ``name`` is a file path.
    """
    for path in (str(REPO_DIR), str(PROJECT_DIR)):
        if path not in sys.path:
            sys.path.insert(0, path)
    os.environ["CONTACTGROUPS_DATABASE"] = vendor
    if vendor == "postgres":
        os.environ["CONTACTGROUPS_PG_NAME"] = name
        _create_postgres_database(name)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "testproject.settings.base")

    import django
    from django.conf import settings

    if vendor == "sqlite":
        settings.DATABASES["default"]["NAME"] = str(Path(name).resolve())
    # Keep the benchmark output readable: the engine logs every recalculation.
    settings.LOGGING = {"version": 1, "disable_existing_loggers": False}
    django.setup()


def _create_postgres_database(name: str) -> None:
    import psycopg

    params = {
        "host": os.environ.get("CONTACTGROUPS_PG_HOST", "127.0.0.1"),
        "port": os.environ.get("CONTACTGROUPS_PG_PORT", "5432"),
        "user": os.environ.get("CONTACTGROUPS_PG_USER", "postgres"),
        "dbname": "postgres",
        "autocommit": True,
    }
    with psycopg.connect(**params) as connection:
        exists = connection.execute(
            "SELECT 1 FROM pg_database WHERE datname = %s", [name]
        ).fetchone()
        if not exists:
            logger.info("Creating database %s", name)
            connection.execute(f'CREATE DATABASE "{name}"')


def migrate() -> None:
    """Bring the database schema up to date, quietly."""
    from django.core.management import call_command

    call_command("migrate", verbosity=0, interactive=False)


def drop_postgres_database(name: str) -> None:
    """Drop a benchmark database created by :func:`setup_django`."""
    import psycopg

    with psycopg.connect(
        host=os.environ.get("CONTACTGROUPS_PG_HOST", "127.0.0.1"),
        port=os.environ.get("CONTACTGROUPS_PG_PORT", "5432"),
        user=os.environ.get("CONTACTGROUPS_PG_USER", "postgres"),
        dbname="postgres",
        autocommit=True,
    ) as connection:
        connection.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
