"""Snippet viewsets of the admin: contacts and contact groups."""

from django.urls import path
from django.utils.translation import gettext_lazy as _
from wagtail.admin.panels import (
    FieldPanel,
    MultiFieldPanel,
    ObjectList,
    TabbedInterface,
)
from wagtail.snippets.views.snippets import SnippetViewSet, SnippetViewSetGroup

from .conf import get_contact_model
from .filters import ContactFilterSet, ContactGroupFilterSet
from .models import ContactGroup
from .panels import LiveCountPanel, RecalculationStatusPanel, ScheduledTimePanel
from .views.contacts import ContactEditView, ContactIndexView, ContactInspectView
from .views.explain import ExplainMembershipView
from .views.export import MembersExportView
from .views.groups import (
    ContactGroupCreateView,
    ContactGroupEditView,
    ContactGroupIndexView,
    group_columns,
)
from .views.live_count import LiveCountView
from .views.members import MembersView
from .views.recalculate import RecalculateView


def snippet_url_name(model, view_name: str) -> str:
    """Return the URL name of a snippet admin view of ``model``."""
    opts = model._meta
    return f"wagtailsnippets_{opts.app_label}_{opts.model_name}:{view_name}"


class ContactGroupViewSet(SnippetViewSet):
    model = ContactGroup
    icon = "group"
    menu_label = _("Contact groups")
    add_to_admin_menu = False
    inspect_view_enabled = True
    inspect_view_fields_exclude = [
        "dependencies",
        "latest_revision",
        "recalculation_requested_at",
        "recalculation_started_at",
        "recalculation_task_id",
    ]
    index_view_class = ContactGroupIndexView
    add_view_class = ContactGroupCreateView
    edit_view_class = ContactGroupEditView
    filterset_class = ContactGroupFilterSet

    @property
    def list_display(self):
        return ["name", *group_columns()]

    def get_edit_handler(self):
        live_count_url = self.get_url_name("live_count")
        general = ObjectList(
            [
                RecalculationStatusPanel(),
                FieldPanel("name"),
                FieldPanel("description"),
                MultiFieldPanel(
                    [
                        FieldPanel("match"),
                        FieldPanel("conditions"),
                        LiveCountPanel(url_name=live_count_url),
                    ],
                    heading=_("Condition"),
                ),
            ],
            heading=_("General"),
        )
        settings = ObjectList(
            [FieldPanel("schedule_enabled"), ScheduledTimePanel()],
            heading=_("Settings"),
        )
        return TabbedInterface([general, settings]).bind_to_model(self.model)

    def get_common_view_kwargs(self, **kwargs):
        return super().get_common_view_kwargs(
            members_url_name=self.get_url_name("members"),
            members_results_url_name=self.get_url_name("members_results"),
            export_url_name=self.get_url_name("members_export"),
            recalculate_url_name=self.get_url_name("recalculate"),
            contact_edit_url_name=snippet_url_name(get_contact_model(), "edit"),
            **kwargs,
        )

    def get_urlpatterns(self):
        members = self.construct_view(MembersView)
        members_results = self.construct_view(MembersView, results_only=True)
        return super().get_urlpatterns() + [
            path("live-count/", LiveCountView.as_view(), name="live_count"),
            path(
                "recalculate/<int:pk>/",
                self.construct_view(RecalculateView),
                name="recalculate",
            ),
            path("contacts/<int:pk>/", members, name="members"),
            path("contacts/<int:pk>/results/", members_results, name="members_results"),
            path(
                "contacts/<int:pk>/export/",
                self.construct_view(MembersExportView),
                name="members_export",
            ),
        ]


class ContactViewSet(SnippetViewSet):
    icon = "user"
    menu_label = _("Contacts")
    inspect_view_enabled = True
    index_view_class = ContactIndexView
    edit_view_class = ContactEditView
    inspect_view_class = ContactInspectView
    edit_template_name = "wagtail_contactgroups/contacts/edit.html"
    inspect_template_name = "wagtail_contactgroups/contacts/inspect.html"
    filterset_class = ContactFilterSet
    list_display = ["__str__", "company", "country", "subscribed", "created_at"]
    # Contacts are not in Wagtail's search index; search with database lookups.
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

    def get_common_view_kwargs(self, **kwargs):
        return super().get_common_view_kwargs(
            explain_url_name=self.get_url_name("explain"),
            group_edit_url_name=snippet_url_name(ContactGroup, "edit"),
            **kwargs,
        )

    def get_urlpatterns(self):
        return super().get_urlpatterns() + [
            path(
                "explain/<int:pk>/",
                self.construct_view(ExplainMembershipView),
                name="explain",
            ),
        ]


class ContactsViewSetGroup(SnippetViewSetGroup):
    menu_label = _("Contacts")
    menu_icon = "group"
    menu_order = 250
    items = (ContactViewSet, ContactGroupViewSet)
