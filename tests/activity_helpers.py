"""Builders for activity conditions and activity histories used in tests."""

import datetime

from wagtail.coreutils import get_supported_content_language_variant
from wagtail.models import Locale, Page

from wagtail_contactgroups.conditions import ConditionContext
from wagtail_contactgroups.conf import get_contact_model
from wagtail_contactgroups.engine.tree import build_q, evaluate
from wagtail_contactgroups.models import ContactActivity

from .helpers import condition


def activity_condition(
    type_name,
    operator="at_least",
    count=1,
    days=None,
    negated=False,
    **subject,
):
    """Return the stored form of an activity condition."""
    return condition(
        type_name,
        negation="has_not" if negated else "has",
        operator=operator,
        count=count,
        period="ever" if days is None else "last_days",
        days=days,
        **subject,
    )


def visited(page, include_descendants=False, **options):
    return activity_condition(
        "visited_page",
        page=page.pk,
        include_descendants=include_descendants,
        **options,
    )


def submitted(form_page, **options):
    return activity_condition("submitted_form", form=form_page.pk, **options)


def performed(activity_type, **options):
    return activity_condition(
        "performed_activity", activity_type=activity_type, **options
    )


def add_activity(contact, activity_type, occurred_at, page=None):
    """Store an activity directly, without re-evaluating memberships."""
    return ContactActivity.objects.create(
        contact_id=contact.pk,
        activity_type=activity_type,
        occurred_at=occurred_at,
        page=page,
    )


def add_page(parent, title):
    """Add a plain page below ``parent`` and return it."""
    page = Page(title=title, slug=title.lower().replace(" ", "-"))
    parent.add_child(instance=page)
    return page


def sql_member_ids(group, now: datetime.datetime) -> list[int]:
    """Ids of the contacts the group's SQL filter selects at ``now``."""
    query = build_q(group, ConditionContext(now=now))
    return sorted(
        get_contact_model().objects.filter(query).values_list("pk", flat=True)
    )


def python_member_ids(group, now: datetime.datetime) -> list[int]:
    """Ids of the contacts the Python evaluation selects at ``now``."""
    context = ConditionContext(now=now)
    return sorted(
        contact.pk
        for contact in get_contact_model().objects.all()
        if evaluate(group, contact, context)
    )


def site_home() -> Page:
    """Return a page at depth 2, creating the tree if a flush emptied it."""
    home = Page.objects.filter(depth=2).first()
    if home is not None:
        return home
    Locale.objects.get_or_create(
        language_code=get_supported_content_language_variant("en")
    )
    root = Page.get_first_root_node() or Page.add_root(
        instance=Page(title="Root", slug="root")
    )
    return add_page(root, "Home")
