from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from wagtail import hooks
from wagtail.snippets.action_menu import ActionMenuItem
from wagtail.snippets.models import register_snippet

from .models import Newsletter
from .viewsets import NewsletterViewSet

newsletter_viewset = NewsletterViewSet()
register_snippet(newsletter_viewset)


class SendMenuItem(ActionMenuItem):
    """“Send…” in the footer of a saved newsletter's edit view."""

    name = "action-send-newsletter"
    label = _("Send…")
    icon_name = "mail"
    order = 200

    def is_shown(self, context):
        return context.get("view") == "edit" and super().is_shown(context)

    def get_url(self, parent_context):
        instance = parent_context["instance"]
        return reverse(newsletter_viewset.get_url_name("send"), args=[instance.pk])


@hooks.register("register_snippet_action_menu_item")
def register_send_menu_item(model):
    if model is Newsletter:
        return SendMenuItem()
    return None
