"""Walk a group's condition tree: to a queryset filter, or in Python."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field

from django.db.models import Q
from django.utils.translation import gettext

from ..conditions import ConditionContext, ConditionError, registry
from ..models.groups import Match

# Matches no contact: a primary key is never NULL.
NOTHING = Q(pk__isnull=True)


def iter_conditions(group) -> Iterator[tuple[object, list]]:
    """Yield ``(condition_group_value, [(condition_type, value), ...])``.

    Raises ``ConditionError`` for a stored condition whose type is not
    installed: StreamField drops blocks of unknown types when it loads them,
    and silently dropping a condition would widen or narrow the group.
    """
    stream = group.conditions or []
    raw_items = stream.raw_data if hasattr(stream, "raw_data") else stream
    for index, child in enumerate(stream):
        if child.block_type != "condition_group":
            continue
        _check_installed(raw_items[index])
        items = []
        for condition_child in child.value.get("conditions") or []:
            condition = registry.get(condition_child.block_type)
            if condition is None:
                _raise_not_installed(condition_child.block_type)
            items.append((condition, condition_child.value))
        yield child.value, items


def _check_installed(raw_item) -> None:
    value = raw_item.get("value") if isinstance(raw_item, dict) else None
    for raw_condition in (value or {}).get("conditions") or []:
        name = raw_condition.get("type") if isinstance(raw_condition, dict) else None
        if name is not None and registry.get(name) is None:
            _raise_not_installed(name)


def _raise_not_installed(name: str):
    raise ConditionError(
        gettext(
            "The condition type “%(name)s” is not installed. Remove the "
            "condition or install the app that provides it."
        )
        % {"name": name}
    )


def _combine(parts: list[Q], match: str) -> Q:
    if not parts:
        return NOTHING
    result = parts[0]
    for part in parts[1:]:
        result = result | part if match == Match.ANY else result & part
    return result


def build_q(group, context: ConditionContext) -> Q:
    """Return the filter that selects the group's members among all contacts.

    An empty condition, or an empty condition group, matches no contact.
    Merged contacts never match. Raises ``ConditionError`` for invalid conditions.
    """
    parts = []
    for group_value, items in iter_conditions(group):
        condition_qs = [condition.get_q(value, context) for condition, value in items]
        parts.append(_combine(condition_qs, group_value.get("match")))
    return Q(merged_into__isnull=True) & _combine(parts, group.match)


def evaluate(group, contact, context: ConditionContext) -> bool:
    """Return whether ``contact`` belongs in ``group``, computed in Python."""
    return explain(group, contact, context).matches


@dataclass
class ConditionResult:
    """One condition's outcome for one contact."""

    description: str
    matches: bool
    actual: str = ""


@dataclass
class ConditionGroupResult:
    """One condition group's outcome for one contact."""

    match: str
    matches: bool
    conditions: list[ConditionResult] = field(default_factory=list)


@dataclass
class GroupResult:
    """A whole group's outcome for one contact, with the reasons."""

    match: str
    matches: bool
    merged: bool
    condition_groups: list[ConditionGroupResult] = field(default_factory=list)


def explain(group, contact, context: ConditionContext) -> GroupResult:
    """Evaluate every condition for ``contact`` and return the outcome tree."""
    condition_groups = []
    for group_value, items in iter_conditions(group):
        results = [
            ConditionResult(
                description=condition.describe(value),
                matches=condition.evaluate(contact, value, context),
                actual=condition.explain(contact, value, context),
            )
            for condition, value in items
        ]
        outcomes = [result.matches for result in results]
        match = group_value.get("match")
        matches = bool(outcomes) and (
            any(outcomes) if match == Match.ANY else all(outcomes)
        )
        condition_groups.append(ConditionGroupResult(match, matches, results))

    outcomes = [item.matches for item in condition_groups]
    matches = bool(outcomes) and (
        any(outcomes) if group.match == Match.ANY else all(outcomes)
    )
    merged = contact.merged_into_id is not None
    return GroupResult(group.match, matches and not merged, merged, condition_groups)
