"""The action that recalculates a contact group's membership."""

import logging

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.shortcuts import get_object_or_404, redirect
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views import View

from ..models import ContactGroup, GroupStatus
from ..permissions import can_recalculate
from ..recalculation import request_recalculation

logger = logging.getLogger(__name__)


class RecalculateView(View):
    """Request the recalculation of one group (POST only) and report the outcome."""

    http_method_names = ["post"]
    edit_url_name = None

    def post(self, request, pk):
        if not can_recalculate(request.user):
            raise PermissionDenied
        group = get_object_or_404(ContactGroup, pk=pk)
        edit_url = reverse(self.edit_url_name, args=[group.pk])
        if not group.needs_recalculation:
            messages.info(
                request,
                _("“%(group)s” is %(status)s; there is nothing to recalculate.")
                % {"group": group, "status": group.get_status_display().lower()},
            )
            return redirect(edit_url)

        logger.info(
            "User %s requested the recalculation of contact group %s",
            request.user.pk,
            group.pk,
        )
        request_recalculation(group, request.user)
        group.refresh_from_db()
        self.report(request, group)
        return redirect(edit_url)

    def report(self, request, group) -> None:
        """Add a message that reports the outcome of the request."""
        if group.status == GroupStatus.FAILED:
            messages.error(
                request,
                _("Recalculating “%(group)s” failed: %(reason)s")
                % {"group": group, "reason": group.status_message},
            )
        elif group.status == GroupStatus.UP_TO_DATE:
            messages.success(
                request,
                _("“%(group)s” was recalculated and has %(count)s members.")
                % {"group": group, "count": f"{group.member_count:,}"},
            )
        else:
            messages.success(
                request,
                _("The recalculation of “%(group)s” is queued.") % {"group": group},
            )
