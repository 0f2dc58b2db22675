import pytest

from wagtail_contactgroups.conf import get_contact_model
from wagtail_contactgroups.selection import (
    RecipientSelectionError,
    get_contact_groups,
)

from .recipient_helpers import build_audience, ids, pks

pytestmark = pytest.mark.django_db


@pytest.fixture
def audience():
    return build_audience()


def contacts():
    return get_contact_model().objects


def test_in_any_groups_selects_members(audience):
    groups, people = audience
    selected = contacts().in_any_groups([groups["b"], groups["c"]])
    assert pks(selected) == ids(people["ab"], people["b"], people["ac"])


def test_in_all_groups_requires_every_group(audience):
    groups, people = audience
    selected = contacts().in_all_groups([groups["a"], groups["b"]])
    assert pks(selected) == ids(people["ab"])


def test_in_no_groups_excludes_members(audience):
    groups, people = audience
    selected = contacts().in_no_groups([groups["a"]])
    assert pks(selected) == ids(people["b"], people["none"])


def test_methods_chain_any_but_none(audience):
    groups, people = audience
    selected = (
        contacts().in_any_groups([groups["a"], groups["b"]]).in_no_groups([groups["c"]])
    )
    assert pks(selected) == ids(people["a"], people["ab"], people["b"])


def test_select_recipients_combines_all(audience):
    groups, people = audience
    selected = contacts().select_recipients(
        any_of=[groups["b"], groups["c"]], all_of=[groups["a"]], none_of=[groups["c"]]
    )
    assert pks(selected) == ids(people["ab"])


def test_merged_contacts_never_selected(audience):
    groups, people = audience
    # A stale membership row must not let a merged contact through.
    contacts().filter(pk=people["ab"].pk).update(merged_into=people["none"])
    assert people["ab"].pk not in pks(contacts().in_any_groups([groups["a"]]))
    assert people["ab"].pk not in pks(contacts().in_all_groups([groups["a"]]))
    assert people["ab"].pk not in pks(contacts().in_no_groups([groups["c"]]))
    everyone = contacts().select_recipients(everyone=True)
    assert people["ab"].pk not in pks(everyone)


def test_empty_selection_raises_error(audience):
    with pytest.raises(RecipientSelectionError, match="everyone=True"):
        contacts().select_recipients()
    with pytest.raises(RecipientSelectionError):
        contacts().select_recipients(any_of=[], all_of=[])


def test_exclusions_alone_need_everyone(audience):
    groups, people = audience
    with pytest.raises(RecipientSelectionError):
        contacts().select_recipients(none_of=[groups["a"]])
    selected = contacts().select_recipients(none_of=[groups["a"]], everyone=True)
    assert pks(selected) == ids(people["b"], people["none"])


def test_everyone_with_groups_raises_error(audience):
    groups, _people = audience
    with pytest.raises(RecipientSelectionError, match="all contacts"):
        contacts().select_recipients(any_of=[groups["a"]], everyone=True)


def test_group_ids_accepted_as_integers(audience):
    groups, people = audience
    selected = contacts().select_recipients(any_of=[groups["c"].pk, groups["c"].pk])
    assert pks(selected) == ids(people["ac"])


def test_bad_group_value_names_it():
    with pytest.raises(RecipientSelectionError, match="'newsletter'"):
        contacts().in_any_groups(["newsletter"])


def test_empty_low_level_methods(audience):
    _groups, people = audience
    assert pks(contacts().in_any_groups([])) == []
    assert pks(contacts().in_all_groups([])) == []
    assert pks(contacts().in_no_groups([])) == ids(*people.values())


def test_selection_uses_exists_without_join(audience):
    groups, _people = audience
    selected = contacts().select_recipients(
        any_of=[groups["a"]], all_of=[groups["b"]], none_of=[groups["c"]]
    )
    sql = str(selected.query).upper()
    assert sql.count("EXISTS") == 3
    assert " JOIN " not in sql


def test_get_contact_groups_lists_memberships(audience):
    groups, people = audience
    names = [group.name for group in get_contact_groups(people["ac"])]
    assert names == [groups["a"].name, groups["c"].name]
    assert list(get_contact_groups(people["none"])) == []
