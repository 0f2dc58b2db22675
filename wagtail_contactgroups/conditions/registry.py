"""The catalogue of condition types, filled from a Wagtail hook."""

from __future__ import annotations

import logging

from django.core.exceptions import ImproperlyConfigured
from wagtail import hooks

from .base import Condition

logger = logging.getLogger(__name__)

HOOK_NAME = "register_contact_condition"


class ConditionRegistry:
    """Condition types by name, loaded once from the Wagtail hook."""

    def __init__(self):
        self._conditions: dict[str, Condition] | None = None

    def _load(self) -> dict[str, Condition]:
        conditions: dict[str, Condition] = {}
        for hook in hooks.get_hooks(HOOK_NAME):
            result = hook()
            items = result if isinstance(result, (list, tuple)) else [result]
            for condition in items:
                self._add(conditions, condition)
        return conditions

    @staticmethod
    def _add(conditions: dict[str, Condition], condition) -> None:
        if isinstance(condition, type):
            condition = condition()
        if not isinstance(condition, Condition):
            raise ImproperlyConfigured(
                f"The {HOOK_NAME!r} hook returned {condition!r}; return an instance "
                "or subclass of wagtail_contactgroups.conditions.Condition."
            )
        if not condition.name.isidentifier():
            raise ImproperlyConfigured(
                f"Condition type {type(condition).__name__} has the name "
                f"{condition.name!r}; set `name` to a Python identifier."
            )
        if condition.name in conditions:
            raise ImproperlyConfigured(
                f"Two condition types are registered as {condition.name!r}: "
                f"{type(conditions[condition.name]).__name__} and "
                f"{type(condition).__name__}. Give one of them another name."
            )
        conditions[condition.name] = condition

    @property
    def conditions(self) -> dict[str, Condition]:
        if self._conditions is None:
            self._conditions = self._load()
        return self._conditions

    def all(self) -> list[Condition]:
        """Every condition type, ordered by category, then label."""
        return sorted(
            self.conditions.values(),
            key=lambda condition: (condition.category.order, str(condition.label)),
        )

    def get(self, name: str) -> Condition | None:
        return self.conditions.get(name)

    def reset(self) -> None:
        """Forget the loaded types so the hook is read again (used by tests).

        The condition blocks of the contact group model are rebuilt too.
        """
        self._conditions = None
        self.reset_blocks()

    def register(self, condition: Condition) -> None:
        """Add a condition type outside the hook, for example in a test."""
        self._add(self.conditions, condition)
        self.reset_blocks()

    def unregister(self, name: str) -> None:
        """Remove the condition type ``name`` added with :meth:`register`."""
        self.conditions.pop(name, None)
        self.reset_blocks()

    @staticmethod
    def reset_blocks() -> None:
        """Rebuild the contact group model's condition blocks from this registry."""
        from ..models import ContactGroup

        ContactGroup._meta.get_field("conditions").__dict__.pop("stream_block", None)


registry = ConditionRegistry()
