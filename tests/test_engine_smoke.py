import pytest

from wagtail_contactgroups.engine.recalculate import recalculate_group

from .helpers import (
    condition_group,
    field_condition,
    make_contact,
    make_group,
    member_ids,
)


@pytest.mark.django_db(transaction=True)
def test_recalculate_country_not_de_includes_empty():
    german = make_contact(email="a@example.com", country="DE")
    french = make_contact(email="b@example.com", country="FR")
    nowhere = make_contact(email="c@example.com", country="")
    group = make_group(
        "Not German", condition_group(field_condition("country", "ne", "DE"))
    )

    result = recalculate_group(group)

    assert member_ids(group) == sorted([french.pk, nowhere.pk])
    assert result.added == 2
    assert german.pk not in member_ids(group)


@pytest.mark.django_db(transaction=True)
def test_contact_save_joins_and_leaves():
    group = make_group(
        "German", condition_group(field_condition("country", "eq", "DE"))
    )
    recalculate_group(group)
    contact = make_contact(email="a@example.com", country="DE")
    assert member_ids(group) == [contact.pk]

    contact.country = "FR"
    contact.save()
    assert member_ids(group) == []
    group.refresh_from_db()
    assert group.member_count == 0
