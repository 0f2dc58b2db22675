"""What a group reads, the order groups must be evaluated in, and cycles."""

from __future__ import annotations

from ..conditions import ConditionError, Dependencies


def collect_dependencies(group) -> Dependencies:
    """Return the union of what the group's conditions read."""
    from .tree import iter_conditions

    result = Dependencies()
    try:
        for _group_value, items in iter_conditions(group):
            for condition, value in items:
                result |= condition.get_dependencies(value)
    except ConditionError:
        pass
    return result


def find_cycle(group) -> list[str]:
    """Return the names along a dependency loop through ``group``, or ``[]``."""
    from ..models import ContactGroup

    graph = {
        row["pk"]: (row["name"], set(row["dependencies"].get("groups", [])))
        for row in ContactGroup.objects.values("pk", "name", "dependencies")
    }
    own = set(collect_dependencies(group).groups)
    key = group.pk if group.pk is not None else object()
    graph[key] = (group.name, own)

    path: list = []
    visited: set = set()

    def visit(node) -> bool:
        if node == key and path:
            return True
        if node in visited or node not in graph:
            return False
        visited.add(node)
        path.append(node)
        for target in sorted(graph[node][1], key=str):
            if visit(target):
                return True
        path.pop()
        return False

    path.append(key)
    for target in sorted(own, key=str):
        if visit(target):
            return [graph[node][0] for node in path] + [group.name]
    return []


def dependency_levels(groups: dict[int, set[int]]) -> tuple[dict[int, int], set[int]]:
    """Return each group's level (0 = reads no group) and the groups in loops.

    ``groups`` maps group id to the ids it reads. Ids it reads that are absent
    from the mapping count as level 0.
    """
    levels: dict[int, int] = {}
    cyclic: set[int] = set()
    state: dict[int, str] = {}

    def visit(group_id: int) -> int:
        if group_id not in groups:
            return -1
        if state.get(group_id) == "done":
            return levels.get(group_id, -1)
        if state.get(group_id) == "active":
            cyclic.add(group_id)
            return -1
        state[group_id] = "active"
        level = 0
        for target in groups[group_id]:
            target_level = visit(target)
            if target in cyclic:
                cyclic.add(group_id)
            level = max(level, target_level + 1)
        state[group_id] = "done"
        if group_id not in cyclic:
            levels[group_id] = level
        return level

    for group_id in groups:
        visit(group_id)
    return levels, cyclic


def dependents_in_order(group_ids, groups: dict[int, set[int]]) -> list[int]:
    """Return the groups that read ``group_ids``, directly or not, in level order."""
    readers: dict[int, set[int]] = {}
    for group_id, targets in groups.items():
        for target in targets:
            readers.setdefault(target, set()).add(group_id)

    found: set[int] = set()
    stack = list(group_ids)
    while stack:
        for reader in readers.get(stack.pop(), ()):
            if reader not in found:
                found.add(reader)
                stack.append(reader)
    found -= set(group_ids)

    levels, _cyclic = dependency_levels(groups)
    return sorted((pk for pk in found if pk in levels), key=lambda pk: (levels[pk], pk))
