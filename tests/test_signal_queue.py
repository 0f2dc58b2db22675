import pytest
from django.db import transaction

from wagtail_contactgroups.engine.recalculate import recalculate_group

from .helpers import (
    condition_group,
    field_condition,
    make_contact,
    make_group,
    member_ids,
)


class Abort(Exception):
    pass


@pytest.mark.django_db(transaction=True)
def test_save_after_rollback_updates_membership():
    group = make_group(
        "German", condition_group(field_condition("country", "eq", "DE"))
    )
    contact = make_contact(email="a@example.com", country="FR")
    recalculate_group(group)

    with pytest.raises(Abort), transaction.atomic():
        contact.country = "IT"
        contact.save()
        raise Abort

    contact.country = "DE"
    contact.save()
    assert member_ids(group) == [contact.pk]
