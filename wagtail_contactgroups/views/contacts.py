"""The contact listing, editor and inspect view, with each contact's groups."""

from django.urls import reverse
from django.utils.functional import cached_property
from django.utils.translation import gettext_lazy as _
from wagtail.admin.ui.tables import Column
from wagtail.admin.widgets import HeaderButton
from wagtail.snippets.views.snippets import EditView, IndexView, InspectView

from ..models import ContactGroup
from ..permissions import can_read_contacts, can_read_groups


class MergedIntoColumn(Column):
    """Marks merged contacts and links to the contact they were merged into."""

    cell_template_name = "wagtail_contactgroups/contacts/merged_cell.html"

    def __init__(self, name="merged_into", edit_url_name=None, **kwargs):
        kwargs.setdefault("label", _("Merged into"))
        super().__init__(name, **kwargs)
        self.edit_url_name = edit_url_name

    def get_cell_context_data(self, instance, parent_context):
        context = super().get_cell_context_data(instance, parent_context)
        parent_id = instance.merged_into_id
        context["parent"] = instance.merged_into if parent_id else None
        if parent_id and self.edit_url_name:
            context["parent_url"] = reverse(self.edit_url_name, args=[parent_id])
        return context


class ContactIndexView(IndexView):
    """The contact listing, which marks merged contacts and links to their parent."""

    def get_base_queryset(self):
        return super().get_base_queryset().select_related("merged_into")

    @cached_property
    def columns(self):
        columns = list(super().columns)
        columns.append(MergedIntoColumn(edit_url_name=self.edit_url_name))
        return columns


class ExplainButtonMixin:
    """Adds the "Why (not) a member" header button to views of one contact."""

    explain_url_name = None

    @cached_property
    def header_buttons(self):
        buttons = list(super().header_buttons)
        user = self.request.user
        if self.explain_url_name and can_read_groups(user) and can_read_contacts(user):
            buttons.append(
                HeaderButton(
                    _("Why (not) a member"),
                    url=reverse(self.explain_url_name, args=[self.object.pk]),
                    icon_name="help",
                )
            )
        return buttons


def contact_groups(contact) -> list[ContactGroup]:
    """Return the groups ``contact`` is a stored member of, by name."""
    return list(
        ContactGroup.objects.filter(memberships__contact=contact).order_by("name")
    )


class ContactGroupsContextMixin:
    """Puts the contact's groups into the template context."""

    group_edit_url_name = None

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        if self.object.pk and can_read_groups(self.request.user):
            context["contact_groups"] = contact_groups(self.object)
            context["group_edit_url_name"] = self.group_edit_url_name
        return context


class ContactEditView(ExplainButtonMixin, ContactGroupsContextMixin, EditView):
    """The contact editor, with the contact's groups below the form."""


class ContactInspectView(ExplainButtonMixin, ContactGroupsContextMixin, InspectView):
    """The read-only view of a contact, with its groups."""

    def get_merged_into_display_value(self):
        parent = self.object.merged_into
        return str(parent) if parent else _("Not merged")
