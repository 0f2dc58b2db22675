"""Fixtures of the admin tests: users, groups with members, URLs."""

import pytest
from django.contrib.auth.models import Permission
from django.urls import reverse

from tests.helpers import condition_group, field_condition, make_contact, make_group
from wagtail_contactgroups.conf import get_contact_model


def group_url(view_name, *args):
    """URL of a contact group admin view."""
    return reverse(
        f"wagtailsnippets_wagtail_contactgroups_contactgroup:{view_name}", args=args
    )


def contact_url(view_name, *args):
    """URL of a contact admin view."""
    opts = get_contact_model()._meta
    return reverse(
        f"wagtailsnippets_{opts.app_label}_{opts.model_name}:{view_name}", args=args
    )


def make_user(django_user_model, username, codenames=(), superuser=False):
    """An active admin user with the given permission codenames."""
    user = django_user_model.objects.create_user(
        username=username, password="secret-pass", is_superuser=superuser
    )
    if not superuser:
        admin = Permission.objects.get(codename="access_admin")
        user.user_permissions.add(admin)
        for codename in codenames:
            user.user_permissions.add(Permission.objects.get(codename=codename))
    return user


@pytest.fixture
def admin_user(django_user_model):
    return make_user(django_user_model, "admin", superuser=True)


@pytest.fixture
def admin_client(client, admin_user):
    client.force_login(admin_user)
    return client


@pytest.fixture
def german_group(django_capture_on_commit_callbacks):
    """A recalculated group 'Germany' with two German members and one outsider."""
    with django_capture_on_commit_callbacks(execute=True):
        ada = make_contact(
            first_name="Ada", last_name="Lovelace", email="ada@example.de", country="DE"
        )
        bert = make_contact(
            first_name="Bert", last_name="Brecht", email="bert@example.de", country="DE"
        )
        make_contact(
            first_name="Chloe",
            last_name="Martin",
            email="chloe@example.fr",
            country="FR",
        )
    group = make_group(
        "Germany", condition_group(field_condition("country", "eq", "DE"))
    )
    from wagtail_contactgroups.engine.recalculate import recalculate_group

    recalculate_group(group)
    group.refresh_from_db()
    group.ada, group.bert = ada, bert
    return group
