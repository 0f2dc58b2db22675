import pytest
from django.core import mail
from django.core.exceptions import ImproperlyConfigured

from testproject.settings.base import PROJECT_DIR, database_settings


def test_sqlite_database_next_to_manage_py():
    database = database_settings("sqlite")

    assert database["ENGINE"] == "django.db.backends.sqlite3"
    assert database["NAME"] == PROJECT_DIR / "db.sqlite3"
    assert (PROJECT_DIR / "manage.py").is_file()
    assert database["OPTIONS"] == {"transaction_mode": "IMMEDIATE", "timeout": 20}


def test_postgres_database_defaults(monkeypatch):
    for name in ("NAME", "USER", "HOST", "PORT"):
        monkeypatch.delenv(f"CONTACTGROUPS_PG_{name}", raising=False)

    database = database_settings("postgres")

    assert database["ENGINE"] == "django.db.backends.postgresql"
    assert database["NAME"] == "contactgroups"
    assert database["USER"] == "postgres"
    assert database["HOST"] == "127.0.0.1"
    assert database["PORT"] == "5432"


def test_postgres_database_from_environment(monkeypatch):
    monkeypatch.setenv("CONTACTGROUPS_PG_NAME", "crm_test")
    monkeypatch.setenv("CONTACTGROUPS_PG_USER", "editor")
    monkeypatch.setenv("CONTACTGROUPS_PG_HOST", "db.internal")
    monkeypatch.setenv("CONTACTGROUPS_PG_PORT", "54329")

    database = database_settings("postgres")

    assert database["NAME"] == "crm_test"
    assert database["USER"] == "editor"
    assert database["HOST"] == "db.internal"
    assert database["PORT"] == "54329"


def test_unknown_database_vendor_rejected():
    with pytest.raises(ImproperlyConfigured, match="'mysql' is invalid"):
        database_settings("mysql")


def test_postgres_app_only_with_postgres(settings):
    uses_postgres = settings.DATABASES["default"]["ENGINE"].endswith("postgresql")

    assert ("django.contrib.postgres" in settings.INSTALLED_APPS) == uses_postgres


def test_q_cluster_timeout_below_retry(settings):
    assert settings.Q_CLUSTER["timeout"] < settings.Q_CLUSTER["retry"]
    assert settings.Q_CLUSTER["orm"] == "default"


def test_wagtail_external_calls_disabled(settings):
    assert settings.WAGTAIL_ENABLE_UPDATE_CHECK is False
    assert settings.WAGTAIL_GRAVATAR_PROVIDER_URL is None


def test_email_kept_in_outbox():
    mail.send_mail("Welcome", "Hello", "site@example.com", ["ada@example.com"])

    assert len(mail.outbox) == 1
    assert mail.outbox[0].to == ["ada@example.com"]
