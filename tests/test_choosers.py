import json

import pytest
from django import forms
from django.urls import reverse

from wagtail_contactgroups.choosers import (
    ContactGroupChooser,
    ContactGroupChooserBlock,
    chooser_url,
    contact_group_chooser_viewset,
)
from wagtail_contactgroups.models import ContactGroup

pytestmark = pytest.mark.django_db


@pytest.fixture
def groups():
    return [
        ContactGroup.objects.create(name="Customers in Berlin", member_count=12),
        ContactGroup.objects.create(name="Newsletter readers", member_count=3400),
    ]


def url(name, *args):
    return reverse(contact_group_chooser_viewset.get_url_name(name), args=args)


def modal(response):
    assert response.status_code == 200
    return json.loads(response.content)


def test_choose_view_lists_groups(admin_client, groups):
    data = modal(admin_client.get(url("choose")))
    assert data["step"] == "choose"
    assert "Customers in Berlin" in data["html"]
    assert "Newsletter readers" in data["html"]
    assert "3400" in data["html"] or "3,400" in data["html"]


def test_search_narrows_results(admin_client, groups):
    response = admin_client.get(url("choose_results"), {"q": "Berlin"})
    html = response.content.decode()
    assert "Customers in Berlin" in html
    assert "Newsletter readers" not in html


def test_chosen_view_returns_group(admin_client, groups):
    data = modal(admin_client.get(url("chosen", groups[1].pk)))
    assert data["step"] == "chosen"
    assert data["result"]["id"] == str(groups[1].pk)
    assert data["result"]["title"] == "Newsletter readers"


def test_multiple_choice_returns_list(admin_client, groups):
    listing = modal(admin_client.get(url("choose"), {"multiple": "1"}))
    assert 'type="checkbox"' in listing["html"]
    response = admin_client.get(
        url("chosen_multiple"), {"id": [groups[0].pk, groups[1].pk]}
    )
    titles = sorted(item["title"] for item in modal(response)["result"])
    assert titles == ["Customers in Berlin", "Newsletter readers"]


def test_chooser_needs_admin_login(client, groups):
    response = client.get(url("choose"))
    assert response.status_code == 302
    assert reverse("wagtailadmin_login") in response["Location"]


class GroupForm(forms.Form):
    group = forms.ModelChoiceField(
        queryset=ContactGroup.objects.all(), widget=ContactGroupChooser
    )


def test_widget_works_as_form_field(admin_client, groups):
    form = GroupForm(initial={"group": groups[0]})
    html = form.as_div()
    assert chooser_url() in html
    assert "Customers in Berlin" in html
    bound = GroupForm({"group": str(groups[1].pk)})
    assert bound.is_valid()
    assert bound.cleaned_data["group"] == groups[1]


def test_block_round_trips_group(groups):
    block = ContactGroupChooserBlock()
    assert block.get_prep_value(groups[0]) == groups[0].pk
    assert block.to_python(groups[0].pk) == groups[0]
    assert block.to_python(999999) is None
    assert block.deconstruct()[0] == (
        "wagtail_contactgroups.choosers.ContactGroupChooserBlock"
    )


def test_block_form_uses_chooser(groups):
    block = ContactGroupChooserBlock()
    widget = block.field.widget
    html = widget.render("group", groups[1].pk, {"id": "id_group"})
    assert chooser_url() in html
    assert "Newsletter readers" in html
