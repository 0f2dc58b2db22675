"""Condition types: the base class, the registry and the built-in catalogue."""

from .base import (
    ACTIVITIES,
    CONTACT_FIELDS,
    MEMBERSHIP,
    TAGS,
    Category,
    Condition,
    ConditionContext,
    ConditionError,
    Dependencies,
)
from .registry import HOOK_NAME, registry

__all__ = [
    "ACTIVITIES",
    "CONTACT_FIELDS",
    "HOOK_NAME",
    "MEMBERSHIP",
    "TAGS",
    "Category",
    "Condition",
    "ConditionContext",
    "ConditionError",
    "Dependencies",
    "registry",
]
