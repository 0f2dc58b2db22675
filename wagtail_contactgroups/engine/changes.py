"""Which contact fields a save changed, from a snapshot taken at load time."""

from __future__ import annotations

_STATE = "_contactgroups_state"


def _concrete_fields(instance):
    return [field for field in instance._meta.concrete_fields if not field.primary_key]


def remember_state(instance) -> None:
    """Store the current field values of ``instance`` for later comparison."""
    values = instance.__dict__
    setattr(
        instance,
        _STATE,
        {
            field.name: values[field.attname]
            for field in _concrete_fields(instance)
            if field.attname in values
        },
    )


def changed_fields(instance, update_fields=None) -> set[str] | None:
    """Return the names of fields changed since the snapshot, or None if unknown.

    None means every field may have changed (a new contact, or one created
    without loading it from the database).
    """
    state = getattr(instance, _STATE, None)
    if state is None:
        return None
    values = instance.__dict__
    changed = set()
    for field in _concrete_fields(instance):
        if update_fields is not None and field.name not in update_fields:
            continue
        if field.name not in state:
            changed.add(field.name)
        elif values.get(field.attname) != state[field.name]:
            changed.add(field.name)
    return changed
