"""django-filter filters that select rows by their contact's contact groups.

Put ``ContactGroupFilter`` on any ``FilterSet``, or inherit the three
ready-made filters from ``ContactGroupFilterSetMixin``. Both work on a contact
queryset and on a model that points at a contact, through ``contact_path``::

    class SubscriptionFilterSet(ContactGroupFilterSetMixin, FilterSet):
        contact_path = "contact"

        class Meta:
            model = Subscription
            fields = ["list"]
"""

from __future__ import annotations

import enum

import django_filters
from django import forms
from django.utils.translation import gettext_lazy as _

from .selection import in_all_groups_q, in_any_groups_q, in_no_groups_q

__all__ = ["ContactGroupFilter", "ContactGroupFilterSetMixin", "GroupMode"]


class GroupMode(enum.Enum):
    """The way the chosen groups combine: any, all or none of them."""

    ANY = "any"
    ALL = "all"
    NONE = "none"

    @property
    def label(self):
        return _MODE_LABELS[self]


_MODE_LABELS = {
    GroupMode.ANY: _("In any of these contact groups"),
    GroupMode.ALL: _("In all of these contact groups"),
    GroupMode.NONE: _("In none of these contact groups"),
}

_MODE_Q = {
    GroupMode.ANY: in_any_groups_q,
    GroupMode.ALL: in_all_groups_q,
    GroupMode.NONE: in_no_groups_q,
}


def _all_groups(request):
    from .models import ContactGroup

    return ContactGroup.objects.all()


# The range of the 64-bit integer keys that PostgreSQL and SQLite store.
KEY_RANGE = range(-(2**63), 2**63)


class GroupChoiceField(django_filters.fields.ModelMultipleChoiceField):
    """Multiple group choice that rejects ids the database cannot store."""

    def _check_values(self, value):
        for item in value if isinstance(value, (list, tuple, set)) else []:
            try:
                number = int(str(item).strip())
            except ValueError:
                continue  # reported as an invalid choice by Django
            if number not in KEY_RANGE:
                raise forms.ValidationError(
                    self.error_messages["invalid_pk_value"],
                    code="invalid_pk_value",
                    params={"pk": item},
                )
        return super()._check_values(value)


class ContactGroupFilter(django_filters.ModelMultipleChoiceFilter):
    """Keep rows whose contact is in any, all or none of the chosen groups.

    ``contact_path`` is the lookup path from the filtered model to the
    contact: ``"pk"`` on a contact queryset, ``"contact"`` on a model with a
    ``contact`` foreign key. Left as ``None``, it is taken from the filter
    set's ``contact_path`` attribute, then defaults to ``"pk"``. The filter
    uses ``EXISTS`` subqueries, so it never duplicates rows. An empty choice
    leaves the queryset unfiltered, like every other django-filter filter.
    """

    field_class = GroupChoiceField

    def __init__(
        self,
        *args,
        mode: GroupMode | str = GroupMode.ANY,
        contact_path: str | None = None,
        **kwargs,
    ):
        try:
            self.mode = GroupMode(mode)
        except ValueError:
            choices = ", ".join(repr(item.value) for item in GroupMode)
            raise ValueError(
                f"ContactGroupFilter mode {mode!r} is unknown; use one of {choices}."
            ) from None
        self.contact_path = contact_path
        kwargs.setdefault("queryset", _all_groups)
        kwargs.setdefault("label", self.mode.label)
        kwargs.setdefault("widget", forms.CheckboxSelectMultiple)
        super().__init__(*args, **kwargs)

    def filter(self, qs, value):
        if not value:
            return qs
        condition = _MODE_Q[self.mode](value, self.contact_path or "pk")
        return self.get_method(qs)(condition)


class ContactGroupFilterSet(django_filters.FilterSet):
    """Base filter set that hands its ``contact_path`` to its group filters."""

    #: Lookup path from the filtered model to the contact.
    contact_path: str = "pk"

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for item in self.filters.values():
            if isinstance(item, ContactGroupFilter) and item.contact_path is None:
                item.contact_path = self.contact_path


class ContactGroupFilterSetMixin(ContactGroupFilterSet):
    """Adds "in any of", "in all of" and "in none of" contact group filters."""

    groups_any_of = ContactGroupFilter(mode=GroupMode.ANY)
    groups_all_of = ContactGroupFilter(mode=GroupMode.ALL)
    groups_none_of = ContactGroupFilter(mode=GroupMode.NONE)
