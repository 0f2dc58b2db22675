from django.apps import apps
from wagtail import hooks
from wagtail.snippets.models import register_snippet

from .activities import BUILTIN_ACTIVITY_TYPES
from .choosers import contact_group_chooser_viewset
from .conditions.activities import (
    PerformedActivityCondition,
    SubmittedFormCondition,
    VisitedPageCondition,
)
from .conditions.email import EmailDomainCondition
from .conditions.fields import ContactFieldCondition
from .conditions.membership import GroupMembershipCondition
from .conditions.tags import TagsCondition
from .tracking import track_page_visit
from .viewsets import ContactsViewSetGroup


@hooks.register("register_contact_condition")
def register_builtin_conditions():
    return [
        ContactFieldCondition(),
        EmailDomainCondition(),
        TagsCondition(),
        GroupMembershipCondition(),
    ]


@hooks.register("register_contact_condition")
def register_activity_conditions():
    conditions = [VisitedPageCondition(), PerformedActivityCondition()]
    if apps.is_installed("wagtail.contrib.forms"):
        conditions.append(SubmittedFormCondition())
    return conditions


@hooks.register("register_contact_activity_type")
def register_builtin_activity_types():
    return BUILTIN_ACTIVITY_TYPES


hooks.register("before_serve_page", track_page_visit)

register_snippet(ContactsViewSetGroup)


@hooks.register("register_admin_viewset")
def register_contact_group_chooser():
    return contact_group_chooser_viewset
