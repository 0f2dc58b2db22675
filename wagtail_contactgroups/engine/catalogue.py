"""The compiled form of every group, cached per process until a group changes."""

from __future__ import annotations

import datetime
import logging
import threading
from dataclasses import dataclass, field

from django.db import connections
from django.utils.translation import gettext

from ..conditions import ConditionContext, ConditionError, Dependencies
from .dependencies import dependency_levels
from .membership_sql import current_groups_sql
from .prepared import can_prepare, prepared_statements_enabled
from .sql import (
    compile_condition,
    contact_table,
    evaluated_contacts_subquery,
    fill_contact_ids,
    id_list_param,
    id_list_sql,
)
from .tree import build_q

logger = logging.getLogger(__name__)

# Assembled statements kept per catalogue; past this many they are dropped.
STATEMENT_LIMIT = 256


@dataclass
class GroupEntry:
    """One group's condition, ready to be evaluated for a few contacts."""

    id: int
    group: object
    dependencies: Dependencies
    level: int = 0
    error: str = ""
    _fragment: tuple[str, list] | None = field(default=None, repr=False)
    _template: PeriodTemplate | bool | None = field(default=None, repr=False)
    # Whether the condition reads only today's date, and its SQL of one day.
    _daily: bool | None = field(default=None, repr=False)
    _day_fragment: tuple | None = field(default=None, repr=False)

    @property
    def stable_sql(self) -> bool:
        """Whether :meth:`fragment` returns the same SQL text at every moment."""
        return not self.dependencies.time_relative or bool(self._template)

    @property
    def daily_sql(self) -> bool:
        """Whether :meth:`fragment` returns the same SQL text all day long."""
        return bool(self._daily)

    def fragment(self, context: ConditionContext) -> tuple[str, list]:
        """Return the SQL condition at ``context.now``.

        Time-relative conditions whose only moments are period starts are
        compiled once and get new period parameters per call. Those that read
        only today's date (calendar days) are compiled once a day; others
        are rebuilt per call.
        """
        if self._fragment is not None:
            return self._fragment
        if not self.dependencies.time_relative:
            self._fragment = compile_condition(
                build_q(self.group, context), context.using
            )
            return self._fragment
        if self._template is None:
            self._template = PeriodTemplate.build(self.group, context) or False
        if self._template:
            return self._template.render(context)
        if self._daily is None:
            self._daily = reads_date_only(self.group, context)
        if not self._daily:
            return compile_condition(build_q(self.group, context), context.using)
        today = context.today
        if self._day_fragment is None or self._day_fragment[0] != today:
            compiled = compile_condition(build_q(self.group, context), context.using)
            self._day_fragment = (today, compiled)
        return self._day_fragment[1]


def reads_date_only(group, context: ConditionContext) -> bool:
    """Return whether ``group`` compiles to the same SQL at any time of one day.

    The condition is compiled at the first second, noon and the last second
    of one server-time day, away from daylight saving changes. Calendar-day
    conditions ("in the last 7 days" of a date) compile the same each time,
    so they pass. Conditions on moments do not.

    NOTE: three samples, not a proof: a condition that read the time of day
    only between those samples would be wrongly cached for the day.
    """
    from ..conditions.field_operators import day_start

    start = day_start(datetime.date(2001, 1, 10))
    compiled = [
        compile_condition(
            build_q(
                group,
                ConditionContext(
                    now=start + offset,
                    using=context.using,
                    contact_ids=context.contact_ids,
                ),
            ),
            context.using,
        )
        for offset in (
            datetime.timedelta(seconds=1),
            datetime.timedelta(hours=12),
            datetime.timedelta(days=1, seconds=-1),
        )
    ]
    return compiled[0] == compiled[1] == compiled[2]


# Two moments far from daylight saving changes, to tell time parameters apart.
_FIRST = datetime.datetime(2001, 1, 10, 12, 0, tzinfo=datetime.UTC)
_SECOND = _FIRST + datetime.timedelta(days=2, hours=3)


@dataclass
class PeriodTemplate:
    """Compiled SQL whose parameters at ``slots`` are period starts (by days)."""

    sql: str
    params: list
    slots: dict[int, int]
    using: str

    @classmethod
    def build(cls, group, context: ConditionContext) -> PeriodTemplate | None:
        """Compile ``group`` once; return ``None`` if other moments are read."""
        using = context.using
        first = ConditionContext(
            now=_FIRST, using=using, periods=set(), contact_ids=context.contact_ids
        )
        second = ConditionContext(
            now=_SECOND, using=using, periods=set(), contact_ids=context.contact_ids
        )
        sql, params = compile_condition(build_q(group, first), using)
        other_sql, other_params = compile_condition(build_q(group, second), using)
        if sql != other_sql or len(params) != len(other_params):
            return None

        starts = {
            _adapt(first.period_start(days), using): days for days in first.periods
        }
        slots = {}
        for index, (value, other) in enumerate(zip(params, other_params, strict=True)):
            if value == other:
                continue
            if value not in starts:
                return None
            slots[index] = starts[value]
        return cls(sql, params, slots, using)

    def render(self, context: ConditionContext) -> tuple[str, list]:
        """Return the SQL and its parameters at ``context.now``."""
        params = list(self.params)
        for index, days in self.slots.items():
            params[index] = _adapt(context.period_start(days), self.using)
        return self.sql, params


def _adapt(moment: datetime.datetime, using: str):
    return connections[using].ops.adapt_datetimefield_value(moment)


@dataclass
class Catalogue:
    """Every group of one database, with its level in the dependency order."""

    key: tuple
    entries: dict[int, GroupEntry]
    # Whether PostgreSQL can prepare the evaluation statements (see prepared.py).
    preparable: bool = False
    # Assembled evaluation SQL by the tuple of group ids it evaluates.
    statements: dict[tuple, str] = field(default_factory=dict, repr=False)

    def evaluation(
        self, group_ids: tuple, context: ConditionContext, contact_ids, memberships
    ) -> tuple[str, list]:
        """Return SQL and parameters evaluating ``contact_ids`` against ``group_ids``.

        Each row is the contact id, then 1 or 0 per group; with ``memberships``
        a last column lists the groups the contact is stored in
        (``membership_sql.parse_group_ids`` reads it). The SQL is assembled
        once per group set unless a condition's SQL text changes with the
        time; parameters are taken at ``context.now``.
        """
        using = context.using
        params, columns, stable, daily = [], [], True, False
        for group_id in group_ids:
            entry = self.entries[group_id]
            fragment_sql, fragment_params = entry.fragment(context)
            params.extend(fragment_params)
            columns.append(f"CASE WHEN ({fragment_sql}) THEN 1 ELSE 0 END")
            daily = daily or entry.daily_sql
            stable = stable and (entry.stable_sql or entry.daily_sql)
        statement_key = (group_ids, memberships, context.today if daily else None)
        if len(self.statements) > STATEMENT_LIMIT:
            self.statements.clear()
        sql = self.statements.get(statement_key)
        if sql is None:
            table, pk = contact_table(using)
            if memberships:
                columns.append(current_groups_sql(using, f"{table}.{pk}"))
            sql = (
                f"SELECT {table}.{pk}, {', '.join(columns)} FROM {table} "
                f"WHERE {id_list_sql(using, f'{table}.{pk}')}"
            )
            if stable:
                self.statements[statement_key] = sql
        params = fill_contact_ids(params, using, contact_ids)
        params.append(id_list_param(using, contact_ids))
        return sql, params

    def readers_of(self, group_ids: set[int]) -> set[int]:
        """Return the groups that read any of ``group_ids``, directly or not."""
        found: set[int] = set()
        frontier = set(group_ids)
        while frontier:
            frontier = {
                entry.id
                for entry in self.entries.values()
                if entry.dependencies.groups & frontier and entry.id not in found
            }
            found |= frontier
        return found


_cache = threading.local()


def evaluation_context(using: str) -> ConditionContext:
    """Return the context that catalogue fragments are compiled in.

    Subqueries that use ``context.evaluated_contacts()`` hold a placeholder
    for the evaluated ids; ``sql.fill_contact_ids`` fills it at execution.
    """
    return ConditionContext(using=using, contact_ids=evaluated_contacts_subquery(using))


# Number of columns of the key_sql() row.
KEY_COLUMNS = 4


def key_sql(using: str) -> str:
    """Return SQL of one row that changes whenever any group's condition changes.

    Its columns are the number of groups, the highest id, the latest
    condition change and the number of failed groups. Saving a condition,
    adding or deleting a group, and a group failing (for example because a
    page its condition names was deleted) move it.
    """
    from ..models import ContactGroup

    connection = connections[using]
    quote = connection.ops.quote_name
    table = quote(ContactGroup._meta.db_table)
    changed = quote(ContactGroup._meta.get_field("conditions_changed_at").column)
    pk = quote(ContactGroup._meta.pk.column)
    status = quote(ContactGroup._meta.get_field("status").column)
    failed = f"SUM(CASE WHEN {status} = 'failed' THEN 1 ELSE 0 END)"
    return f"SELECT COUNT(*), MAX({pk}), MAX({changed}), {failed} FROM {table}"


def _current_key(using: str) -> tuple:
    with connections[using].cursor() as cursor:
        cursor.execute(key_sql(using))
        return tuple(cursor.fetchone())


def _build(using: str, key: tuple) -> Catalogue:
    from ..models import ContactGroup

    groups = list(ContactGroup.objects.using(using).order_by("pk"))
    entries = {}
    for group in groups:
        entries[group.pk] = GroupEntry(
            id=group.pk,
            group=group,
            dependencies=Dependencies.from_json(group.dependencies),
        )
    levels, cyclic = dependency_levels(
        {pk: set(entry.dependencies.groups) for pk, entry in entries.items()}
    )
    for pk, entry in entries.items():
        entry.level = levels.get(pk, 0)
        if pk in cyclic:
            entry.error = gettext("The group depends on itself through other groups.")
            continue
        try:
            entry.fragment(evaluation_context(using))
        except ConditionError as error:
            entry.error = str(error.args[0])
    catalogue = Catalogue(key=key, entries=entries)
    valid = tuple(pk for pk, entry in entries.items() if not entry.error)
    if valid and prepared_statements_enabled(using):
        sql, params = catalogue.evaluation(valid, evaluation_context(using), [0], True)
        catalogue.preparable = can_prepare(sql, params, using)
    return catalogue


def cached_catalogue(using: str = "default") -> Catalogue | None:
    """Return this thread's catalogue of ``using`` without checking it is current."""
    return getattr(_cache, "catalogues", {}).get(using)


def get_catalogue(using: str = "default", key: tuple | None = None) -> Catalogue:
    """Return the catalogue of ``using``, rebuilding it if any group changed.

    ``key`` is the current :func:`key_sql` row when the caller already read it.
    """
    if key is None:
        key = _current_key(using)
    catalogues = getattr(_cache, "catalogues", None)
    if catalogues is None:
        catalogues = _cache.catalogues = {}
    catalogue = catalogues.get(using)
    if catalogue is None or catalogue.key != key:
        catalogue = catalogues[using] = _build(using, key)
    return catalogue


def clear_catalogue() -> None:
    """Forget this thread's cached catalogues."""
    _cache.catalogues = {}
