import django_filters
import pytest
from django.utils import timezone
from newsletter.models import Delivery, Newsletter

from wagtail_contactgroups.conf import get_contact_model
from wagtail_contactgroups.filtering import (
    ContactGroupFilter,
    ContactGroupFilterSetMixin,
    GroupMode,
)

from .recipient_helpers import build_audience, ids

pytestmark = pytest.mark.django_db


class ContactFilterSet(ContactGroupFilterSetMixin):
    class Meta:
        model = get_contact_model()
        fields = ["subscribed"]


class DeliveryFilterSet(ContactGroupFilterSetMixin, django_filters.FilterSet):
    contact_path = "contact"

    class Meta:
        model = Delivery
        fields = ["status"]


class ExplicitPathFilterSet(django_filters.FilterSet):
    members = ContactGroupFilter(mode="all", contact_path="contact__pk")

    class Meta:
        model = Delivery
        fields = []


@pytest.fixture
def audience():
    return build_audience()


@pytest.fixture
def deliveries(audience):
    """One delivery per contact of a newsletter, in a model outside the app."""
    _groups, people = audience
    newsletter = Newsletter.objects.create(subject="Spring", body="<p>Hi</p>")
    return {
        key: Delivery.objects.create(
            newsletter=newsletter,
            contact=contact,
            email=contact.email,
            claim="x",
            claimed_at=timezone.now(),
        )
        for key, contact in people.items()
    }


def run(filterset_class, data):
    filterset = filterset_class(data)
    assert filterset.is_valid(), filterset.errors
    return sorted(filterset.qs.values_list("pk", flat=True))


def test_contact_filter_any_of(audience):
    groups, people = audience
    data = {"groups_any_of": [groups["b"].pk, groups["c"].pk]}
    assert run(ContactFilterSet, data) == ids(people["ab"], people["b"], people["ac"])


def test_contact_filter_combines_modes(audience):
    groups, people = audience
    data = {
        "groups_all_of": [groups["a"].pk],
        "groups_none_of": [groups["c"].pk],
        "subscribed": "true",
    }
    assert run(ContactFilterSet, data) == ids(people["a"], people["ab"])


def test_relation_filter_selects_deliveries(deliveries, audience):
    groups, _people = audience
    data = {"groups_any_of": [groups["a"].pk, groups["b"].pk]}
    expected = ids(*(deliveries[key] for key in ("a", "ab", "b", "ac")))
    assert run(DeliveryFilterSet, data) == expected


def test_relation_filter_none_of(deliveries, audience):
    groups, _people = audience
    data = {"groups_none_of": [groups["a"].pk]}
    assert run(DeliveryFilterSet, data) == ids(deliveries["b"], deliveries["none"])


def test_relation_filter_no_duplicate_rows(deliveries, audience):
    groups, _people = audience
    filterset = DeliveryFilterSet(
        {"groups_any_of": [groups["a"].pk, groups["b"].pk, groups["c"].pk]}
    )
    rows = list(filterset.qs.values_list("pk", flat=True))
    assert len(rows) == len(set(rows)) == 4
    assert " JOIN " not in str(filterset.qs.query).upper()


def test_explicit_contact_path_all_of(deliveries, audience):
    groups, _people = audience
    data = {"members": [groups["a"].pk, groups["c"].pk]}
    assert run(ExplicitPathFilterSet, data) == ids(deliveries["ac"])


def test_empty_choice_leaves_queryset(deliveries):
    assert run(DeliveryFilterSet, {}) == ids(*deliveries.values())


def test_unknown_group_is_form_error(audience):
    filterset = ContactFilterSet({"groups_any_of": ["999999"]})
    assert not filterset.is_valid()
    assert "groups_any_of" in filterset.errors


def test_unknown_mode_names_choices():
    with pytest.raises(ValueError, match="'some'.*'any', 'all', 'none'"):
        ContactGroupFilter(mode="some")


def test_mode_labels_are_distinct():
    labels = {str(mode.label) for mode in GroupMode}
    assert len(labels) == 3
