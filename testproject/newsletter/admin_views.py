"""The admin view that confirms and starts sending a newsletter."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.shortcuts import get_object_or_404, redirect
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.generic import TemplateView
from wagtail.admin.views.generic.base import WagtailAdminTemplateMixin
from wagtail.snippets.permissions import get_permission_name

from wagtail_contactgroups.selection import RecipientSelectionError

from .models import Newsletter
from .sending import queue_newsletter


class SendNewsletterView(WagtailAdminTemplateMixin, TemplateView):
    """GET shows how many contacts would receive it; POST starts the task."""

    template_name = "newsletter/send.html"
    page_title = gettext_lazy("Send newsletter")
    header_icon = "mail"
    edit_url_name = None

    def dispatch(self, request, pk):
        permission = get_permission_name("change", Newsletter)
        if not request.user.has_perm(permission):
            raise PermissionDenied
        self.object = get_object_or_404(Newsletter, pk=pk)
        return super().dispatch(request, pk)

    def get_page_subtitle(self):
        return self.object.subject

    def edit_url(self) -> str:
        return reverse(self.edit_url_name, args=[self.object.pk])

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["newsletter"] = self.object
        context["edit_url"] = self.edit_url()
        try:
            context["recipient_count"] = self.object.get_recipients().count()
        except RecipientSelectionError as error:
            context["selection_error"] = str(error)
        return context

    def post(self, request, pk):
        try:
            queue_newsletter(self.object)
        except RecipientSelectionError as error:
            messages.error(request, str(error))
            return redirect(self.edit_url())
        messages.success(
            request,
            _("“%(subject)s” is being sent in the background.")
            % {"subject": self.object.subject},
        )
        return redirect(self.edit_url())
