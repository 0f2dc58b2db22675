"""Snippet viewsets of the admin: contacts and contact groups."""

from django.utils.translation import gettext_lazy as _
from wagtail.admin.panels import FieldPanel, MultiFieldPanel
from wagtail.snippets.views.snippets import SnippetViewSet, SnippetViewSetGroup

from .conf import get_contact_model
from .models import ContactGroup


class ContactGroupViewSet(SnippetViewSet):
    model = ContactGroup
    icon = "group"
    menu_label = _("Contact groups")
    add_to_admin_menu = False
    list_display = ["name", "member_count", "status", "recalculated_at"]
    list_filter = ["status", "schedule_enabled"]
    search_fields = ["name", "description"]
    panels = [
        FieldPanel("name"),
        FieldPanel("description"),
        MultiFieldPanel(
            [FieldPanel("match"), FieldPanel("conditions")],
            heading=_("Condition"),
        ),
        FieldPanel("schedule_enabled"),
    ]


class ContactViewSet(SnippetViewSet):
    icon = "user"
    menu_label = _("Contacts")
    list_display = ["__str__", "company", "country", "subscribed", "created_at"]
    list_filter = ["subscribed", "country"]
    search_fields = ["first_name", "last_name", "email", "company"]
    search_backend_name = None
    panels = [
        MultiFieldPanel(
            [
                FieldPanel("first_name"),
                FieldPanel("last_name"),
                FieldPanel("email"),
                FieldPanel("phone"),
            ],
            heading=_("Person"),
        ),
        MultiFieldPanel(
            [FieldPanel("company"), FieldPanel("job_title")], heading=_("Work")
        ),
        MultiFieldPanel(
            [FieldPanel("city"), FieldPanel("country")], heading=_("Address")
        ),
        FieldPanel("birthday"),
        FieldPanel("gender"),
        FieldPanel("tags"),
        FieldPanel("subscribed"),
    ]

    def __init__(self, *args, **kwargs):
        self.model = get_contact_model()
        super().__init__(*args, **kwargs)


class ContactsViewSetGroup(SnippetViewSetGroup):
    menu_label = _("Contacts")
    menu_icon = "group"
    menu_order = 250
    items = (ContactViewSet, ContactGroupViewSet)
