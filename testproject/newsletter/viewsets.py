"""The newsletter snippet admin: edit form with groups, recipients and sending."""

from django.urls import path
from django.utils.translation import gettext_lazy as _
from wagtail.admin.panels import (
    FieldPanel,
    MultiFieldPanel,
    MultipleChooserPanel,
)
from wagtail.snippets.views.snippets import SnippetViewSet

from wagtail_contactgroups.choosers import ContactGroupChooser

from .admin_views import SendNewsletterView
from .models import Newsletter
from .panels import RecipientsPanel


def _group_panel(relation_name: str, label) -> MultipleChooserPanel:
    return MultipleChooserPanel(
        relation_name,
        chooser_field_name="group",
        label=label,
        panels=[FieldPanel("group", widget=ContactGroupChooser)],
    )


class NewsletterViewSet(SnippetViewSet):
    model = Newsletter
    icon = "mail"
    menu_label = _("Newsletters")
    menu_order = 260
    add_to_admin_menu = True
    list_display = ["subject", "status", "sent_at", "updated_at"]
    list_filter = ["status"]
    search_fields = ["subject"]
    panels = [
        FieldPanel("subject"),
        FieldPanel("body"),
        MultiFieldPanel(
            [
                FieldPanel("group_match"),
                _group_panel("target_groups", _("Contact group")),
                FieldPanel("send_to_everyone"),
            ],
            heading=_("Send to"),
        ),
        MultiFieldPanel(
            [_group_panel("excluded_groups", _("Excluded contact group"))],
            heading=_("But not to contacts in"),
        ),
        FieldPanel("only_subscribed"),
        RecipientsPanel(),
    ]

    @property
    def send_view(self):
        return self.construct_view(
            SendNewsletterView, edit_url_name=self.get_url_name("edit")
        )

    def get_urlpatterns(self):
        return super().get_urlpatterns() + [
            path("send/<str:pk>/", self.send_view, name="send"),
        ]
