"""An edit-view panel with the current recipient count and the first few."""

from django.utils.translation import gettext_lazy as _
from wagtail.admin.panels import Panel

from wagtail_contactgroups.selection import RecipientSelectionError

PREVIEW_SIZE = 10


class RecipientsPanel(Panel):
    """Shows who the saved newsletter would go to if it were sent now."""

    def __init__(self, preview_size: int = PREVIEW_SIZE, **kwargs):
        kwargs.setdefault("heading", _("Recipients"))
        super().__init__(**kwargs)
        self.preview_size = preview_size

    def clone_kwargs(self):
        kwargs = super().clone_kwargs()
        kwargs["preview_size"] = self.preview_size
        return kwargs

    class BoundPanel(Panel.BoundPanel):
        template_name = "newsletter/panels/recipients.html"

        def get_context_data(self, parent_context=None):
            context = super().get_context_data(parent_context)
            context.update(self.recipients_summary())
            return context

        def recipients_summary(self) -> dict:
            """Return the count and first recipients, or why there are none."""
            if self.instance is None or self.instance.pk is None:
                return {"unsaved": True}
            try:
                recipients = self.instance.get_recipients()
            except RecipientSelectionError as error:
                return {"selection_error": str(error)}
            return {
                "recipient_count": recipients.count(),
                "recipients": list(recipients[: self.panel.preview_size]),
            }
