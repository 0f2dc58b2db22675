"""WSGI entry point for serving the demo project."""

import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "testproject.settings.dev")

application = get_wsgi_application()
