"""CSV export of a group's members, streamed row by row."""

from __future__ import annotations

import csv
from collections.abc import Iterator

from django.http import HttpResponseBadRequest, StreamingHttpResponse
from django.utils import timezone
from django.utils.text import slugify
from django.utils.translation import gettext as _
from django.views import View

from ..filters import MemberFilterSet
from ..models import ContactGroupMembership
from .members import MemberGroupMixin, search_members

CHUNK_SIZE = 2000
# Spreadsheet programs run cells that start with these as formulas.
FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")


class Echo:
    """A file-like object whose ``write`` returns the text instead of storing it."""

    def write(self, value: str) -> str:
        return value


def safe_cell(value) -> str:
    """Text of one cell that a spreadsheet shows as text, never runs as a formula."""
    if value is None:
        return ""
    if hasattr(value, "isoformat"):
        return timezone.localtime(value).isoformat(timespec="seconds")
    text = str(value)
    return f"'{text}" if text.startswith(FORMULA_PREFIXES) else text


class MembersExportView(MemberGroupMixin, View):
    """Download the members of a group as CSV, with the listing's search and filters."""

    def get_filters(self) -> MemberFilterSet:
        queryset = ContactGroupMembership.objects.filter(group=self.group)
        return MemberFilterSet(self.request.GET, queryset=queryset)

    def get_queryset(self):
        queryset = self.get_filters().qs
        query = self.request.GET.get("q", "").strip()
        if query:
            queryset = search_members(queryset, query)
        return queryset.order_by("contact_id").values_list(
            "contact_id",
            "contact__first_name",
            "contact__last_name",
            "contact__email",
            "contact__company",
            "added_at",
        )

    def rows(self) -> Iterator[str]:
        writer = csv.writer(Echo())
        yield writer.writerow(
            [_("Id"), _("First name"), _("Last name"), _("Email"), _("Company")]
            + [_("Joined")]
        )
        for row in self.get_queryset().iterator(chunk_size=CHUNK_SIZE):
            yield writer.writerow([safe_cell(value) for value in row])

    def get(self, request, pk):
        filters = self.get_filters()
        if not filters.is_valid():
            # Exporting every member instead would hand out the wrong list.
            errors = "; ".join(
                f"{name}: {' '.join(messages)}"
                for name, messages in filters.errors.items()
            )
            return HttpResponseBadRequest(
                _(
                    "Invalid filters, nothing exported: %(errors)s. Correct them in "
                    "the Contacts view and download again."
                )
                % {"errors": errors},
                content_type="text/plain; charset=utf-8",
            )
        filename = f"{slugify(self.group.name) or 'contact-group'}-contacts.csv"
        response = StreamingHttpResponse(self.rows(), content_type="text/csv")
        response["Content-Disposition"] = f'attachment; filename="{filename}"'
        return response
