"""Settings for the test suite."""

from .base import *  # noqa: F403
from .base import DATABASE_VENDOR, DATABASES, PROJECT_DIR, USE_MAILERS_SETTING

# A file, not an in-memory database, so that tests marked `cluster` can let a
# separate qcluster process read the same SQLite test database.
if DATABASE_VENDOR == "sqlite":
    DATABASES["default"]["TEST"] = {"NAME": PROJECT_DIR / "test_db.sqlite3"}

PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]

EMAIL_BACKEND_PATH = "django.core.mail.backends.locmem.EmailBackend"
if USE_MAILERS_SETTING:
    MAILERS = {"default": {"BACKEND": EMAIL_BACKEND_PATH}}
else:
    EMAIL_BACKEND = EMAIL_BACKEND_PATH

STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.InMemoryStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
WAGTAILADMIN_BASE_URL = "http://testserver"
