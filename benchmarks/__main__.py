"""Command line: ``python -m benchmarks run --contacts 100000 --database postgres``."""

from __future__ import annotations

import argparse
import logging
import platform
import sys
from pathlib import Path

from .environment import drop_postgres_database, migrate, setup_django


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="python -m benchmarks")
    commands = parser.add_subparsers(dest="command", required=True)
    run = commands.add_parser("run", help="generate data if needed and measure")
    run.add_argument("--contacts", type=int, default=100_000)
    run.add_argument("--activities-per-contact", type=int, default=10)
    run.add_argument("--database", choices=["postgres", "sqlite"], default="postgres")
    run.add_argument(
        "--name",
        help="database name (PostgreSQL) or file (SQLite); "
        "default bench_<contacts> or bench_<contacts>.sqlite3",
    )
    run.add_argument("--repeat", type=int, default=5, help="runs per median")
    run.add_argument("--save-repeat", type=int, default=20, help="saves per median")
    run.add_argument(
        "--groups",
        type=lambda text: tuple(int(part) for part in text.split(",")),
        default=(0, 10, 100, 500),
        help="group counts of the save benchmark, comma-separated",
    )
    run.add_argument(
        "--only",
        action="append",
        choices=["recalculation", "saves", "listing"],
        help="measure only these sections (repeatable)",
    )
    run.add_argument("--regenerate", action="store_true", help="rebuild the data")
    run.add_argument("--markdown", type=Path, help="also write the table here")
    drop = commands.add_parser("drop", help="drop a PostgreSQL benchmark database")
    drop.add_argument("name")
    return parser


def main(argv: list[str] | None = None) -> int:
    arguments = _parser().parse_args(argv)
    logging.basicConfig(level=logging.WARNING, format="%(message)s")
    logging.getLogger("benchmarks").setLevel(logging.INFO)
    if arguments.command == "drop":
        drop_postgres_database(arguments.name)
        return 0
    name = arguments.name or f"bench_{arguments.contacts}"
    if arguments.database == "sqlite" and not arguments.name:
        name += ".sqlite3"
    setup_django(arguments.database, name)
    migrate()

    from .measure import Report
    from .runner import SECTIONS, Options, run

    options = Options(
        contacts=arguments.contacts,
        activities_per_contact=arguments.activities_per_contact,
        repeat=arguments.repeat,
        save_repeat=arguments.save_repeat,
        group_counts=arguments.groups,
        sections=tuple(arguments.only or SECTIONS),
        regenerate=arguments.regenerate,
    )
    print(
        f"# {arguments.contacts} contacts on {arguments.database} ({name}), "
        f"Python {platform.python_version()}"
    )
    report = run(options, Report())
    table = report.markdown()
    print(table)
    if arguments.markdown:
        arguments.markdown.write_text(table + "\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
