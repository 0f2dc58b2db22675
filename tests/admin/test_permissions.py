"""Every admin view against every permission: who may see and do what."""

import pytest
from django.contrib.auth.models import Permission

from tests.admin.conftest import contact_url, group_url, make_user
from tests.admin.forms import field_params, group_form
from wagtail_contactgroups.conf import get_contact_model
from wagtail_contactgroups.models import ContactGroup, GroupStatus

pytestmark = pytest.mark.django_db

CONTACT = get_contact_model()._meta.model_name
GROUP_PERMS = {f"{action}_contactgroup" for action in ("view", "add", "change")}
GROUP_PERMS |= {"delete_contactgroup"}
CONTACT_READ = {f"view_{CONTACT}", f"change_{CONTACT}"}
CONTACT_ANY = CONTACT_READ | {f"add_{CONTACT}", f"delete_{CONTACT}"}

PERMISSION_SETS = {
    "none": set(),
    **{name: {name} for name in sorted(GROUP_PERMS | CONTACT_ANY)},
    "recalculate": {"recalculate_contactgroup"},
    "view both": {"view_contactgroup", f"view_{CONTACT}"},
    "change both": {"change_contactgroup", f"change_{CONTACT}"},
}


def reads_members(perms):
    return bool(perms & GROUP_PERMS) and bool(perms & CONTACT_READ)


def german_form():
    return group_form(
        name="Germany",
        condition_groups=[[("contact_field", field_params("country", "eq", "AT"))]],
    )


# view name: (method, URL builder, data builder, rule on the permission set)
VIEWS = {
    "group listing": ("get", lambda g: group_url("list"), None, GROUP_PERMS.__and__),
    "group editor": (
        "get",
        lambda g: group_url("edit", g.pk),
        None,
        lambda perms: "change_contactgroup" in perms,
    ),
    "change conditions": (
        "post",
        lambda g: group_url("edit", g.pk),
        german_form,
        lambda perms: "change_contactgroup" in perms,
    ),
    "live count": (
        "post",
        lambda g: group_url("live_count"),
        german_form,
        lambda perms: bool(perms & {"add_contactgroup", "change_contactgroup"}),
    ),
    "recalculate": (
        "post",
        lambda g: group_url("recalculate", g.pk),
        None,
        lambda perms: "recalculate_contactgroup" in perms,
    ),
    "members": ("get", lambda g: group_url("members", g.pk), None, reads_members),
    "members export": (
        "get",
        lambda g: group_url("members_export", g.pk),
        None,
        reads_members,
    ),
    "contact listing": (
        "get",
        lambda g: contact_url("list"),
        None,
        CONTACT_ANY.__and__,
    ),
    "contact editor": (
        "get",
        lambda g: contact_url("edit", g.ada.pk),
        None,
        lambda perms: f"change_{CONTACT}" in perms,
    ),
    "contact inspect": (
        "get",
        lambda g: contact_url("inspect", g.ada.pk),
        None,
        CONTACT_ANY.__and__,
    ),
    "why (not) a member": (
        "get",
        lambda g: contact_url("explain", g.ada.pk) + f"?group={g.pk}",
        None,
        reads_members,
    ),
}


def is_denied(response) -> bool:
    """Return whether Wagtail rejected the request with 403 or a dashboard redirect."""
    return response.status_code == 403 or (
        response.status_code == 302 and response["Location"] == "/admin/"
    )


@pytest.fixture
def stale_group(german_group):
    ContactGroup.objects.filter(pk=german_group.pk).update(
        status=GroupStatus.NEEDS_RECALCULATION
    )
    return german_group


@pytest.mark.parametrize("perm_set", PERMISSION_SETS)
@pytest.mark.parametrize("view", VIEWS)
def test_permission_matrix(client, django_user_model, stale_group, view, perm_set):
    perms = PERMISSION_SETS[perm_set]
    method, url, data, rule = VIEWS[view]
    user = make_user(django_user_model, "someone", sorted(perms))
    client.force_login(user)
    kwargs = {"data": data()} if data else {}

    response = getattr(client, method)(url(stale_group), **kwargs)

    if rule(perms):
        assert response.status_code in (200, 302), response.status_code
        assert not is_denied(response)
    else:
        assert is_denied(response), (response.status_code, response.get("Location"))
        stale_group.refresh_from_db()
        assert stale_group.status == GroupStatus.NEEDS_RECALCULATION
        assert "AT" not in str(stale_group.conditions.get_prep_value())


def test_permissions_offered_in_groups_ui(admin_client):
    from django.contrib.auth.models import Group

    group = Group.objects.create(name="Marketing")
    response = admin_client.get(f"/admin/groups/edit/{group.pk}/")
    html = response.content.decode()
    recalculate = Permission.objects.get(codename="recalculate_contactgroup")
    view_contact = Permission.objects.get(codename=f"view_{CONTACT}")
    assert f'value="{recalculate.pk}"' in html
    assert f'value="{view_contact.pk}"' in html
