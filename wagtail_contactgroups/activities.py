"""Activity types and recording what contacts did."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.core.exceptions import ImproperlyConfigured, ValidationError
from django.utils import timezone
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from wagtail import hooks

HOOK_NAME = "register_contact_activity_type"


@dataclass(frozen=True)
class ActivityType:
    """A kind of activity; ``name`` is stored on each activity row."""

    name: str
    label: Any
    description: Any = ""


PAGE_VISITED = ActivityType("page_visited", _("Page visited"))
FORM_SUBMITTED = ActivityType("form_submitted", _("Form submitted"))
EMAIL_SENT = ActivityType("email_sent", _("Email sent"))
EMAIL_OPENED = ActivityType("email_opened", _("Email opened"))
EMAIL_LINK_CLICKED = ActivityType("email_link_clicked", _("Email link clicked"))

BUILTIN_ACTIVITY_TYPES = [
    PAGE_VISITED,
    FORM_SUBMITTED,
    EMAIL_SENT,
    EMAIL_OPENED,
    EMAIL_LINK_CLICKED,
]


class ActivityTypeRegistry:
    """Activity types by name, loaded once from the Wagtail hook."""

    def __init__(self):
        self._types: dict[str, ActivityType] | None = None

    @property
    def types(self) -> dict[str, ActivityType]:
        if self._types is None:
            found: dict[str, ActivityType] = {}
            for hook in hooks.get_hooks(HOOK_NAME):
                result = hook()
                items = result if isinstance(result, (list, tuple)) else [result]
                for activity_type in items:
                    if not isinstance(activity_type, ActivityType):
                        raise ImproperlyConfigured(
                            f"The {HOOK_NAME!r} hook returned {activity_type!r}; "
                            "return ActivityType instances."
                        )
                    found[activity_type.name] = activity_type
            self._types = found
        return self._types

    def get(self, name: str) -> ActivityType | None:
        return self.types.get(name)

    def choices(self) -> list[tuple[str, str]]:
        """Return ``(name, label)`` pairs sorted by label, for choice fields."""
        return sorted(
            ((item.name, str(item.label)) for item in self.types.values()),
            key=lambda pair: pair[1],
        )

    def reset(self) -> None:
        self._types = None


activity_types = ActivityTypeRegistry()


def record_activity(
    contact,
    activity_type: str,
    *,
    occurred_at=None,
    page=None,
    url: str = "",
    value: str = "",
    data: dict | None = None,
):
    """Store an activity of ``contact`` and re-evaluate the groups that ask about it.

    Only groups whose conditions read ``activity_type`` are evaluated, after
    the current transaction commits, in a number of queries that does not
    grow with the number of groups. An activity of a merged contact is stored
    for the contact it was merged into. Raises ``ValidationError`` for an
    activity type that is not registered.
    """
    from .models import ContactActivity
    from .signal_handlers import queue_contact_update

    if activity_types.get(activity_type) is None:
        known = ", ".join(sorted(activity_types.types))
        raise ValidationError(
            gettext(
                "“%(type)s” is not a registered activity type. Use one of: "
                "%(known)s, or register it with the %(hook)s hook."
            )
            % {"type": activity_type, "known": known, "hook": HOOK_NAME}
        )
    using = contact._state.db or "default"
    contact_id = contact.merged_into_id or contact.pk
    activity = ContactActivity.objects.using(using).create(
        contact_id=contact_id,
        activity_type=activity_type,
        occurred_at=occurred_at or timezone.now(),
        page=page,
        url=url,
        value=value,
        data=data or {},
    )
    queue_contact_update(contact_id, set(), {activity_type}, using=using)
    return activity
