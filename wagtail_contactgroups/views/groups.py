"""The contact group listing and editor."""

from django.urls import reverse
from django.utils.functional import cached_property
from django.utils.translation import gettext_lazy as _
from wagtail.admin.ui.tables import Column, DateColumn, StatusTagColumn
from wagtail.admin.widgets import HeaderButton
from wagtail.snippets.views.snippets import CreateView, EditView, IndexView

from ..models import GroupStatus
from ..permissions import can_recalculate, can_see_members


def schedule_display(group) -> str:
    """Return the listing's text for a group's nightly recalculation."""
    if not group.schedule_enabled:
        return _("Not scheduled")
    if group.scheduled_time is None:
        return _("Scheduled, time not chosen yet")
    return _("Daily at %(time)s") % {"time": group.scheduled_time.strftime("%H:%M")}


def group_columns() -> list:
    """Return the columns of the contact group listing after the name."""
    return [
        Column("member_count", label=_("Members"), sort_key="member_count"),
        StatusTagColumn(
            "status",
            accessor="get_status_display",
            label=_("Status"),
            sort_key="status",
            primary=lambda group: group.status == GroupStatus.UP_TO_DATE,
        ),
        Column("schedule", accessor=schedule_display, label=_("Recalculation")),
        DateColumn(
            "recalculated_at", label=_("Last recalculated"), sort_key="recalculated_at"
        ),
    ]


class ContactGroupIndexView(IndexView):
    """The listing of contact groups with their status."""

    add_item_label = _("New contact group")


class GroupHeaderButtonsMixin:
    """Header buttons of a saved group: its members and its recalculation."""

    members_url_name = None
    recalculate_url_name = None

    @cached_property
    def header_buttons(self):
        buttons = list(super().header_buttons)
        group = self.object
        user = self.request.user
        if self.members_url_name and can_see_members(user):
            buttons.append(
                HeaderButton(
                    _("Contacts"),
                    url=reverse(self.members_url_name, args=[group.pk]),
                    icon_name="user",
                    priority=10,
                )
            )
        if group.needs_recalculation and can_recalculate(user):
            url = reverse(self.recalculate_url_name, args=[group.pk])
            buttons.append(
                HeaderButton(
                    _("Recalculate contact group"),
                    icon_name="resubmit",
                    priority=20,
                    attrs={
                        "data-controller": "w-action",
                        "data-action": "w-action#post",
                        "data-w-action-url-value": url,
                    },
                )
            )
        return buttons


class ContactGroupEditView(GroupHeaderButtonsMixin, EditView):
    """The editor of a saved contact group."""


class ContactGroupCreateView(CreateView):
    """The editor of a new contact group."""

    add_item_label = _("New contact group")
