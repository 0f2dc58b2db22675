"""A chooser for contact groups: modal views, a form widget and a block.

``contact_group_chooser_viewset`` is registered with the
``register_admin_viewset`` hook. Other apps use what it builds:

* ``ContactGroupChooser``: a form widget, e.g.
  ``FieldPanel("group", widget=ContactGroupChooser)``, or with
  ``MultipleChooserPanel`` to pick several groups at once;
* ``ContactGroupChooserBlock``: a StreamField block whose value is a group.
"""

from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from wagtail.admin.ui.tables import Column, NumberColumn
from wagtail.admin.views.generic import chooser as chooser_views
from wagtail.admin.viewsets.chooser import ChooserViewSet

from .models import ContactGroup

__all__ = [
    "ContactGroupChooser",
    "ContactGroupChooserBlock",
    "ContactGroupChooserViewSet",
    "contact_group_chooser_viewset",
]


class ContactGroupColumnsMixin:
    """Show each group's name, member count and status in the chooser."""

    @property
    def title_column(self):
        column = super().title_column
        column.label = _("Name")
        column.accessor = "name"
        return column

    @property
    def columns(self):
        return [
            self.title_column,
            NumberColumn("member_count", label=_("Members")),
            Column("status", label=_("Status"), accessor="get_status_display"),
        ]


class ContactGroupChooseView(ContactGroupColumnsMixin, chooser_views.ChooseView):
    pass


class ContactGroupChooseResultsView(
    ContactGroupColumnsMixin, chooser_views.ChooseResultsView
):
    pass


class ContactGroupChooserViewSet(ChooserViewSet):
    """Modal views to search contact groups and choose one or several."""

    model = ContactGroup
    icon = "group"
    choose_one_text = _("Choose a contact group")
    choose_another_text = _("Choose another contact group")
    edit_item_text = _("Edit contact group")
    page_title = _("Choose contact groups")
    per_page = 20
    choose_view_class = ContactGroupChooseView
    choose_results_view_class = ContactGroupChooseResultsView
    # Foreign keys to ContactGroup keep the snippet chooser; forms that want
    # this one ask for its widget explicitly.
    register_widget = False

    def get_object_list(self):
        return ContactGroup.objects.only(
            "pk", "name", "member_count", "status"
        ).order_by("name")


contact_group_chooser_viewset = ContactGroupChooserViewSet(
    "wagtail_contactgroups_chooser", url_prefix="contact-groups/chooser"
)

ContactGroupChooser = contact_group_chooser_viewset.widget_class

ContactGroupChooserBlock = contact_group_chooser_viewset.get_block_class(
    name="ContactGroupChooserBlock", module_path="wagtail_contactgroups.choosers"
)


def chooser_url() -> str:
    """Return the URL of the chooser modal."""
    return reverse(contact_group_chooser_viewset.get_url_name("choose"))
