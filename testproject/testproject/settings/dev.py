"""Settings for running the demo on a developer's machine."""

from .base import *  # noqa: F403
from .base import USE_MAILERS_SETTING

DEBUG = True

EMAIL_BACKEND_PATH = "django.core.mail.backends.console.EmailBackend"
if USE_MAILERS_SETTING:
    MAILERS = {"default": {"BACKEND": EMAIL_BACKEND_PATH}}
else:
    EMAIL_BACKEND = EMAIL_BACKEND_PATH
