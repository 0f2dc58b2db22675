from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class WagtailContactGroupsAppConfig(AppConfig):
    name = "wagtail_contactgroups"
    label = "wagtail_contactgroups"
    verbose_name = _("Contact groups")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        from . import signal_handlers

        signal_handlers.connect()
