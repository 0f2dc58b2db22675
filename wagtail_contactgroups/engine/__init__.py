"""The membership engine: compile conditions, evaluate contacts, recalculate groups."""
