"""Timing, query counting and memory measurement, and the printed results."""

from __future__ import annotations

import gc
import resource
import statistics
import time
import tracemalloc
from collections.abc import Callable
from dataclasses import dataclass, field

from django.db import connections
from django.test.utils import CaptureQueriesContext


@dataclass
class Timing:
    """Median seconds of several runs of one operation."""

    median: float
    runs: list[float] = field(default_factory=list)


def time_runs(
    operation: Callable[[], object],
    repeat: int,
    before: Callable[[], object] | None = None,
) -> Timing:
    """Run ``operation`` ``repeat`` times (``before`` untimed each time)."""
    runs = []
    for _ in range(repeat):
        if before is not None:
            before()
        started = time.perf_counter()
        operation()
        runs.append(time.perf_counter() - started)
    return Timing(statistics.median(runs), runs)


def time_pair(
    subject: Callable[[], object],
    baseline: Callable[[], object],
    repeat: int,
    before: Callable[[], object] | None = None,
) -> tuple[Timing, Timing]:
    """Time ``subject`` and ``baseline`` alternately, so noise hits both alike."""
    subject_runs, baseline_runs = [], []
    for _ in range(repeat):
        for operation, runs in ((baseline, baseline_runs), (subject, subject_runs)):
            if before is not None:
                before()
            started = time.perf_counter()
            operation()
            runs.append(time.perf_counter() - started)
    return (
        Timing(statistics.median(subject_runs), subject_runs),
        Timing(statistics.median(baseline_runs), baseline_runs),
    )


def count_queries(operation: Callable[[], object], using: str = "default"):
    """Run ``operation`` once; return the SQL statements it issued."""
    with CaptureQueriesContext(connections[using]) as captured:
        operation()
    return [query["sql"] for query in captured.captured_queries]


@dataclass
class Memory:
    """Peak Python allocations during one run, and the process's peak RSS."""

    traced_peak: int
    max_rss: int


def measure_memory(operation: Callable[[], object]) -> Memory:
    """Run ``operation`` once under tracemalloc."""
    gc.collect()
    tracemalloc.start()
    try:
        operation()
        _current, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    return Memory(peak, resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024)


def mebibytes(size: int) -> str:
    return f"{size / 1024 / 1024:.1f} MiB"


def milliseconds(seconds: float) -> str:
    return f"{seconds * 1000:.1f} ms"


@dataclass
class Row:
    """One printed figure: what, the measurements, the ratio and the goal."""

    section: str
    name: str
    value: str
    ratio: float | None = None
    goal: float | None = None
    note: str = ""

    @property
    def verdict(self) -> str:
        if self.ratio is None or self.goal is None:
            return ""
        return "met" if self.ratio <= self.goal else "NOT MET"


@dataclass
class Report:
    """Rows collected during a run, printed as a Markdown table."""

    rows: list[Row] = field(default_factory=list)
    echo: Callable[[str], object] | None = print

    def add(self, row: Row) -> Row:
        self.rows.append(row)
        if self.echo is not None:
            self.echo(_format(row))
        return row

    def markdown(self) -> str:
        lines = [
            "| section | measurement | value | ratio | goal | verdict |",
            "|---|---|---|---|---|---|",
        ]
        for row in self.rows:
            ratio = f"{row.ratio:.2f}×" if row.ratio is not None else ""
            goal = f"≤ {row.goal:g}×" if row.goal is not None else ""
            value = f"{row.value} {row.note}".strip()
            lines.append(
                f"| {row.section} | {row.name} | {value} | {ratio} | {goal} "
                f"| {row.verdict} |"
            )
        return "\n".join(lines)


def _format(row: Row) -> str:
    parts = [f"[{row.section}] {row.name}: {row.value}"]
    if row.ratio is not None:
        parts.append(f"ratio {row.ratio:.2f}x")
    if row.goal is not None:
        parts.append(f"goal <= {row.goal:g}x: {row.verdict}")
    if row.note:
        parts.append(row.note)
    return "; ".join(parts)
