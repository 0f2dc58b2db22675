from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class NewsletterConfig(AppConfig):
    name = "newsletter"
    verbose_name = _("Demo newsletter")
    default_auto_field = "django.db.models.BigAutoField"
