"""Settings shared by the demo (``dev``) and the test suite (``test``).

The database is chosen with the ``CONTACTGROUPS_DATABASE`` environment
variable: ``sqlite`` (the default) or ``postgres``. PostgreSQL connection
details come from ``CONTACTGROUPS_PG_NAME``, ``CONTACTGROUPS_PG_USER``,
``CONTACTGROUPS_PG_HOST`` and ``CONTACTGROUPS_PG_PORT``; the SQLite file can
be moved with ``CONTACTGROUPS_SQLITE_NAME``. ``CONTACTGROUPS_Q_REDIS_PORT``
switches the task broker from the database to Redis on that port.
"""

import os
from pathlib import Path

import django
from django.core.exceptions import ImproperlyConfigured

# The folder that contains manage.py.
PROJECT_DIR = Path(__file__).resolve().parents[2]

SECRET_KEY = os.environ.get(
    "CONTACTGROUPS_SECRET_KEY", "insecure-demo-key-never-use-in-production"
)
DEBUG = False
ALLOWED_HOSTS = ["127.0.0.1", "localhost", "testserver"]

DATABASE_VENDOR = os.environ.get("CONTACTGROUPS_DATABASE", "sqlite")


def database_settings(vendor):
    """Return the ``default`` database settings for ``sqlite`` or ``postgres``."""
    if vendor == "sqlite":
        return {
            "ENGINE": "django.db.backends.sqlite3",
            "NAME": os.environ.get(
                "CONTACTGROUPS_SQLITE_NAME", PROJECT_DIR / "db.sqlite3"
            ),
            # IMMEDIATE makes writers take the lock when a transaction starts,
            # so the web server and qcluster workers wait for each other
            # instead of failing with "database is locked" mid-transaction.
            "OPTIONS": {"transaction_mode": "IMMEDIATE", "timeout": 20},
        }
    if vendor == "postgres":
        return {
            "ENGINE": "django.db.backends.postgresql",
            "NAME": os.environ.get("CONTACTGROUPS_PG_NAME", "contactgroups"),
            "USER": os.environ.get("CONTACTGROUPS_PG_USER", "postgres"),
            "HOST": os.environ.get("CONTACTGROUPS_PG_HOST", "127.0.0.1"),
            "PORT": os.environ.get("CONTACTGROUPS_PG_PORT", "5432"),
            # Lets the membership engine prepare its statements on the server
            # (Django's own queries stay client-side bound). Remove it behind
            # a connection pooler in transaction mode that cannot prepare.
            "OPTIONS": {"prepare_threshold": 5},
        }
    raise ImproperlyConfigured(
        f"CONTACTGROUPS_DATABASE={vendor!r} is invalid: use 'sqlite' or 'postgres'."
    )


DATABASES = {"default": database_settings(DATABASE_VENDOR)}


# Django 6.1 deprecates EMAIL_BACKEND in favour of MAILERS, so the dev and test
# settings pick one of the two by version.
USE_MAILERS_SETTING = django.VERSION >= (6, 1)

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

INSTALLED_APPS = [
    "home",
    "crm",
    "newsletter",
    "wagtail_contactgroups",
    "wagtail.contrib.forms",
    "wagtail.contrib.settings",
    "wagtail.embeds",
    "wagtail.sites",
    "wagtail.users",
    "wagtail.snippets",
    "wagtail.documents",
    "wagtail.images",
    "wagtail.search",
    "wagtail.admin",
    "wagtail",
    "modelcluster",
    "taggit",
    "django_filters",
    "django_q",
    "django_countries",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
]

# Wagtail's search index declares a GinIndex on PostgreSQL. Since Django 6.1
# the system checks reject that (postgres.E005) unless this app is installed.
if DATABASE_VENDOR == "postgres":
    INSTALLED_APPS.append("django.contrib.postgres")

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
]

ROOT_URLCONF = "testproject.urls"
WSGI_APPLICATION = "testproject.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.debug",
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "wagtail.contrib.settings.context_processors.settings",
            ],
        },
    },
]

AUTH_PASSWORD_VALIDATORS = [
    {
        "NAME": "django.contrib.auth.password_validation."
        "UserAttributeSimilarityValidator"
    },
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

LANGUAGE_CODE = "en"
TIME_ZONE = "Europe/Berlin"
USE_I18N = True
USE_TZ = True

STATIC_URL = "/static/"
STATIC_ROOT = PROJECT_DIR / "static"
MEDIA_URL = "/media/"
MEDIA_ROOT = PROJECT_DIR / "media"

WAGTAIL_SITE_NAME = "Contact groups demo"
WAGTAILADMIN_BASE_URL = os.environ.get(
    "CONTACTGROUPS_BASE_URL", "http://127.0.0.1:8000"
)
WAGTAILSEARCH_BACKENDS = {
    "default": {"BACKEND": "wagtail.search.backends.database"},
}
WAGTAILDOCS_EXTENSIONS = ["csv", "docx", "pdf", "txt", "xlsx"]
# The machines that run the demo and the tests have no internet access, and
# these two features would make the admin call out to external hosts.
WAGTAIL_ENABLE_UPDATE_CHECK = False
WAGTAIL_GRAVATAR_PROVIDER_URL = None

WAGTAIL_CONTACTGROUPS_CONTACT_MODEL = "crm.DemoContact"

Q_CLUSTER = {
    "name": "contactgroups",
    "orm": "default",
    "workers": 2,
    # django-q2 hands a task to another worker once `retry` seconds pass
    # without an acknowledgement. Keeping `timeout` (the hard limit on one
    # run) below `retry` stops a long recalculation from running twice.
    "timeout": 1800,
    "retry": 2100,
    "max_attempts": 1,
    # A missed nightly recalculation is not worth a burst of catch-up runs:
    # the next scheduled run recalculates the group from scratch anyway.
    "catch_up": False,
}

# With CONTACTGROUPS_Q_REDIS_PORT set, django-q2 uses a Redis broker on that
# port instead of the database. ALT_CLUSTERS lets a second cluster listen on
# its own Redis list when started with Q_CLUSTER_NAME (see the cluster tests).
Q_REDIS_PORT = os.environ.get("CONTACTGROUPS_Q_REDIS_PORT")
if Q_REDIS_PORT:
    del Q_CLUSTER["orm"]
    Q_CLUSTER["redis"] = {
        "host": os.environ.get("CONTACTGROUPS_Q_REDIS_HOST", "127.0.0.1"),
        "port": int(Q_REDIS_PORT),
        "db": 0,
    }
    Q_CLUSTER["ALT_CLUSTERS"] = {}

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "loggers": {
        "wagtail_contactgroups": {"handlers": ["console"], "level": "INFO"},
    },
}
