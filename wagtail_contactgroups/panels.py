"""Edit-form panels of the contact group editor."""

from django import forms
from django.urls import reverse
from wagtail.admin.panels import FieldPanel, Panel

from .models import GroupStatus


class RecalculationStatusPanel(Panel):
    """The membership status of a saved group; a warning while it is stale."""

    class BoundPanel(Panel.BoundPanel):
        template_name = "wagtail_contactgroups/panels/recalculation_status.html"

        def is_shown(self):
            return bool(self.instance and self.instance.pk)

        def get_context_data(self, parent_context=None):
            context = super().get_context_data(parent_context)
            status = self.instance.status
            context["group"] = self.instance
            context["failed"] = status == GroupStatus.FAILED
            context["stale"] = status == GroupStatus.NEEDS_RECALCULATION
            context["in_progress"] = status in (GroupStatus.QUEUED, GroupStatus.RUNNING)
            return context


class LiveCountPanel(Panel):
    """Shows how many contacts the condition in the form matches right now."""

    def __init__(self, url_name: str = "", **kwargs):
        super().__init__(**kwargs)
        self.url_name = url_name

    def clone_kwargs(self):
        return {**super().clone_kwargs(), "url_name": self.url_name}

    class BoundPanel(Panel.BoundPanel):
        template_name = "wagtail_contactgroups/panels/live_count.html"

        def get_context_data(self, parent_context=None):
            context = super().get_context_data(parent_context)
            context["url"] = reverse(self.panel.url_name)
            context["group_id"] = self.instance.pk if self.instance else ""
            return context

        @property
        def media(self):
            return forms.Media(
                js=["wagtail_contactgroups/js/condition-builder.js"],
                css={"all": ["wagtail_contactgroups/css/condition-builder.css"]},
            )


class ScheduledTimePanel(FieldPanel):
    """The read-only time of the nightly recalculation, shown once one is chosen."""

    def __init__(self, field_name: str = "scheduled_time", **kwargs):
        kwargs.setdefault("read_only", True)
        super().__init__(field_name, **kwargs)

    class BoundPanel(FieldPanel.BoundPanel):
        def is_shown(self):
            if not (self.instance and self.instance.scheduled_time):
                return False
            return super().is_shown()
