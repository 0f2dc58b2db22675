"""The explanation of a contact's membership of a group, condition by condition."""

from __future__ import annotations

from django import forms
from django.core.exceptions import PermissionDenied
from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.utils.functional import cached_property
from django.utils.translation import gettext_lazy as _
from django.views.generic import TemplateView
from wagtail.admin.views.generic.base import WagtailAdminTemplateMixin

from ..conditions import ConditionContext, ConditionError
from ..conf import get_contact_model
from ..engine.tree import explain
from ..models import ContactGroup, ContactGroupMembership, GroupStatus
from ..permissions import can_read_contacts, can_read_groups


class GroupChoiceForm(forms.Form):
    """Picks the group to explain."""

    group = forms.ModelChoiceField(
        label=_("Contact group"),
        queryset=ContactGroup.objects.order_by("name"),
        empty_label=_("Choose a contact group"),
    )


def verdict(result_matches: bool, is_member: bool, group) -> str:
    """Return a sentence that compares the evaluated condition with the membership."""
    if result_matches == is_member:
        if is_member:
            return _("The contact meets the condition and is a member.")
        return _("The contact does not meet the condition and is not a member.")
    if group.status != GroupStatus.UP_TO_DATE:
        reason = _("The contact group needs recalculation (status: %(status)s).") % {
            "status": group.get_status_display()
        }
    else:
        reason = _(
            "Conditions on relative dates may have changed since the last update; "
            "recalculate the contact group."
        )
    if is_member:
        return _("The contact is a member but no longer meets the condition. ") + reason
    return _("The contact meets the condition but is not a member yet. ") + reason


class ExplainMembershipView(WagtailAdminTemplateMixin, TemplateView):
    """Shows each condition group and condition with the contact's values."""

    template_name = "wagtail_contactgroups/explain.html"
    page_title = _("Why (not) a member")
    header_icon = "help"
    edit_url_name = None
    index_url_name = None
    group_edit_url_name = None

    def dispatch(self, request, *args, **kwargs):
        if not (can_read_contacts(request.user) and can_read_groups(request.user)):
            raise PermissionDenied
        return super().dispatch(request, *args, **kwargs)

    @cached_property
    def contact(self):
        return get_object_or_404(get_contact_model(), pk=self.kwargs["pk"])

    def get_page_subtitle(self):
        return str(self.contact)

    def get_breadcrumbs_items(self):
        return self.breadcrumbs_items + [
            {"url": reverse(self.index_url_name), "label": _("Contacts")},
            {
                "url": reverse(self.edit_url_name, args=[self.contact.pk]),
                "label": str(self.contact),
            },
            {"url": "", "label": self.page_title, "sublabel": str(self.contact)},
        ]

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        form = GroupChoiceForm(self.request.GET or None)
        context.update(form=form, contact=self.contact)
        if form.is_valid():
            context.update(self.explanation(form.cleaned_data["group"]))
        return context

    def explanation(self, group) -> dict:
        """Context for one group: the result tree, membership and verdict."""
        is_member = ContactGroupMembership.objects.filter(
            group=group, contact=self.contact
        ).exists()
        context = {
            "group": group,
            "is_member": is_member,
            "group_url": reverse(self.group_edit_url_name, args=[group.pk]),
        }
        try:
            result = explain(group, self.contact, ConditionContext())
        except ConditionError as error:
            context["error"] = str(error.args[0])
            return context
        context["result"] = result
        context["verdict"] = verdict(result.matches, is_member, group)
        context["agrees"] = result.matches == is_member
        return context
