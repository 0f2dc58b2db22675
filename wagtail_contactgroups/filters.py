"""Filter sets of the admin listings: contact groups, contacts and members."""

import django_filters
from django import forms
from django.utils.translation import gettext_lazy as _
from django_countries import countries
from wagtail.admin.filters import DateRangePickerWidget, WagtailFilterSet
from wagtail.admin.widgets import BooleanRadioSelect

from .conf import get_contact_model
from .filtering import GroupChoiceField
from .models import ContactGroup, ContactGroupMembership, GroupStatus


class ContactGroupFilterSet(WagtailFilterSet):
    """Filters of the contact group listing."""

    status = django_filters.MultipleChoiceFilter(
        label=_("Status"),
        choices=GroupStatus.choices,
        widget=forms.CheckboxSelectMultiple,
    )
    schedule_enabled = django_filters.BooleanFilter(
        label=_("Scheduled"), widget=BooleanRadioSelect
    )

    class Meta:
        model = ContactGroup
        fields = ["status", "schedule_enabled"]


def _group_queryset(request):
    return ContactGroup.objects.order_by("name")


class OptionalCheckboxInput(forms.CheckboxInput):
    """A checkbox that reads as "no filter" (None) until the form is submitted."""

    def value_from_datadict(self, data, files, name):
        if name not in data:
            return None
        return super().value_from_datadict(data, files, name)


class GroupsFilter(django_filters.ModelMultipleChoiceFilter):
    field_class = GroupChoiceField


class ContactFilterSet(WagtailFilterSet):
    """Filters of the contact listing."""

    groups = GroupsFilter(
        label=_("In any of the groups"),
        queryset=_group_queryset,
        method="filter_groups",
        widget=forms.CheckboxSelectMultiple,
    )
    country = django_filters.ChoiceFilter(
        label=_("Country"), choices=lambda: list(countries), widget=forms.Select
    )
    subscribed = django_filters.BooleanFilter(
        label=_("Subscribed"), widget=BooleanRadioSelect
    )
    created_at = django_filters.DateFromToRangeFilter(
        label=_("Created"), widget=DateRangePickerWidget
    )
    hide_merged = django_filters.BooleanFilter(
        label=_("Hide merged contacts"),
        method="filter_hide_merged",
        widget=OptionalCheckboxInput,
    )

    class Meta:
        model = None
        fields = ["groups", "country", "subscribed", "created_at", "hide_merged"]

    def __init__(self, data=None, queryset=None, **kwargs):
        if queryset is None:
            queryset = get_contact_model()._default_manager.all()
        super().__init__(data, queryset, **kwargs)

    def filter_groups(self, queryset, name, value):
        if not value:
            return queryset
        return queryset.in_any_groups(value)

    def filter_hide_merged(self, queryset, name, value):
        return queryset.filter(merged_into__isnull=True) if value else queryset


class MemberFilterSet(WagtailFilterSet):
    """Filters of a group's members listing."""

    added_at = django_filters.DateFromToRangeFilter(
        label=_("Joined"), widget=DateRangePickerWidget
    )
    country = django_filters.ChoiceFilter(
        label=_("Country"),
        field_name="contact__country",
        choices=lambda: list(countries),
        widget=forms.Select,
    )
    subscribed = django_filters.BooleanFilter(
        label=_("Subscribed"),
        field_name="contact__subscribed",
        widget=BooleanRadioSelect,
    )

    class Meta:
        model = ContactGroupMembership
        fields = ["added_at", "country", "subscribed"]
