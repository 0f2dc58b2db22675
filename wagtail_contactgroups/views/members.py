"""The Contacts screen of a group: its members, searchable and filterable.

Pages are cut by the contact id (keyset pagination) rather than an offset.
The listing shows the stored member count instead of counting rows. So a deep
page of a group with a million members costs as little as the first one.
"""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.db import connections
from django.db.models import Q
from django.db.models.expressions import RawSQL
from django.http import QueryDict
from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.utils.functional import cached_property
from django.utils.translation import gettext_lazy as _
from wagtail.admin.ui.tables import Column, DateColumn, TitleColumn
from wagtail.admin.views.generic.base import BaseListingView
from wagtail.admin.widgets import HeaderButton

from ..conf import get_contact_model
from ..filtering import KEY_RANGE
from ..filters import MemberFilterSet
from ..models import ContactGroup, ContactGroupMembership
from ..permissions import can_see_members

PAGE_SIZE = 50
SEARCH_FIELDS = ["first_name", "last_name", "email", "company"]


def search_members(queryset, query: str):
    """Memberships whose contact matches every word of ``query`` in some field."""
    for word in query.split():
        condition = Q()
        for name in SEARCH_FIELDS:
            condition |= Q(**{f"contact__{name}__icontains": word})
        queryset = queryset.filter(condition)
    return queryset


def bound_contact_key(queryset, lookup: str, key: int):
    """Filter both the membership and the joined contact table by contact id.

    Django reduces ``contact__pk`` to the membership's own column. The
    database does not carry a range bound across the join by itself, so the
    second bound names the contact table and deep pages stay index range scans
    on both sides.
    """
    table = get_contact_model()._meta.db_table
    column = get_contact_model()._meta.pk.column
    quote = connections[queryset.db].ops.quote_name
    contact_key = RawSQL(f"{quote(table)}.{quote(column)}", [])
    return queryset.alias(joined_contact_key=contact_key).filter(
        **{f"contact_id__{lookup}": key, f"joined_contact_key__{lookup}": key}
    )


def parse_key(value) -> int | None:
    """Return the contact id of a keyset bound, or None when missing or invalid.

    Ids outside the 64-bit range the database stores count as invalid.
    """
    try:
        key = int(value) if value not in (None, "") else None
    except (TypeError, ValueError):
        return None
    return key if key is None or key in KEY_RANGE else None


class MemberGroupMixin:
    """Loads the group from the URL and checks that the user may see its members."""

    def dispatch(self, request, *args, **kwargs):
        if not can_see_members(request.user):
            raise PermissionDenied
        return super().dispatch(request, *args, **kwargs)

    @cached_property
    def group(self) -> ContactGroup:
        return get_object_or_404(ContactGroup, pk=self.kwargs["pk"])


class MembersView(MemberGroupMixin, BaseListingView):
    """The members of one contact group, fifty per page."""

    template_name = "wagtail_contactgroups/members/index.html"
    results_template_name = "wagtail_contactgroups/members/results.html"
    filterset_class = MemberFilterSet
    is_searchable = True
    paginate_by = PAGE_SIZE
    default_ordering = "contact_id"
    page_title = _("Contacts")
    header_icon = "user"
    verbose_name = _("member")
    verbose_name_plural = _("members")
    index_url_name = None
    index_results_url_name = None
    edit_url_name = None
    export_url_name = None
    contact_edit_url_name = None

    def get_page_subtitle(self):
        return str(self.group)

    def get_breadcrumbs_items(self):
        return self.breadcrumbs_items + [
            {"url": reverse(self.index_url_name), "label": _("Contact groups")},
            {
                "url": reverse(self.edit_url_name, args=[self.group.pk]),
                "label": str(self.group),
            },
            {"url": "", "label": self.get_page_title(), "sublabel": str(self.group)},
        ]

    def get_index_url(self):
        return reverse(self.members_url_name, args=[self.group.pk])

    def get_index_results_url(self):
        return reverse(self.members_results_url_name, args=[self.group.pk])

    members_url_name = None
    members_results_url_name = None

    @cached_property
    def header_buttons(self):
        query = self.request.GET.copy()
        for name in ("after", "before"):
            query.pop(name, None)
        url = reverse(self.export_url_name, args=[self.group.pk])
        if query:
            url = f"{url}?{query.urlencode()}"
        return [HeaderButton(_("Download CSV"), url=url, icon_name="download")]

    @property
    def columns(self):
        return [
            TitleColumn(
                "name",
                label=_("Name"),
                accessor=lambda row: row.contact.full_name or "–",
                get_url=lambda row: reverse(
                    self.contact_edit_url_name, args=[row.contact_id]
                ),
            ),
            Column("email", label=_("Email"), accessor="contact.email"),
            DateColumn("added_at", label=_("Joined")),
        ]

    def get_base_queryset(self):
        return ContactGroupMembership.objects.filter(group=self.group).select_related(
            "contact"
        )

    def search_queryset(self, queryset):
        return search_members(queryset, self.search_query)

    def paginate_queryset(self, queryset, page_size):
        """Cut one page at the ``after`` or ``before`` contact id."""
        after = parse_key(self.request.GET.get("after"))
        before = parse_key(self.request.GET.get("before"))
        if before is not None:
            rows = list(
                queryset.filter(contact_id__lt=before, contact__pk__lt=before).order_by(
                    "-contact_id"
                )[: page_size + 1]
            )
            self.has_previous = len(rows) > page_size
            rows = rows[:page_size][::-1]
            self.has_next = True
        else:
            if after is not None:
                queryset = bound_contact_key(queryset, "gt", after)
            rows = list(queryset.order_by("contact_id")[: page_size + 1])
            self.has_next = len(rows) > page_size
            rows = rows[:page_size]
            self.has_previous = after is not None
        return (None, None, rows, False)

    def page_url(self, **bound) -> str:
        """Return the URL of this listing with the current query and a new bound."""
        query: QueryDict = self.request.GET.copy()
        for name in ("after", "before", "_w_filter_fragment"):
            query.pop(name, None)
        query.update(bound)
        return f"{self.get_index_url()}?{query.urlencode()}"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        rows = context["object_list"]
        context["group"] = self.group
        if rows and self.has_next:
            context["next_url"] = self.page_url(after=rows[-1].contact_id)
        if rows and self.has_previous:
            context["previous_url"] = self.page_url(before=rows[0].contact_id)
        return context
