import pytest

from wagtail_contactgroups.models import ContactGroup, GroupStatus

pytestmark = pytest.mark.django_db


def test_deferred_condition_loads_and_saves():
    group = ContactGroup.objects.create(name="Readers")
    ContactGroup.objects.filter(pk=group.pk).update(status=GroupStatus.UP_TO_DATE)

    loaded = ContactGroup.objects.only("pk", "name", "status").get(pk=group.pk)
    loaded.name = "All readers"
    loaded.save()

    loaded.refresh_from_db()
    assert loaded.name == "All readers"
    assert loaded.status == GroupStatus.UP_TO_DATE
