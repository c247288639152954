"""The ``tracker`` command line's arguments: one parser, a sub-parser per command."""

from __future__ import annotations

import argparse
import math
from datetime import date
from pathlib import Path

from tracker.analysis.audit import FINDINGS_PER_SERIES
from tracker.cli.commands import (
    run_audit,
    run_import,
    run_report,
    run_status,
    run_validate,
    run_whatif,
)
from tracker.core.periods import DateError, parse_dated
from tracker.core.text import printable
from tracker.core.vocabulary import FLOWS
from tracker.importers.kinds import KINDS
from tracker.validation.cells import YEAR_RANGE

__all__ = ["build_parser"]

#: numpy's generators take seeds of up to 128 bits; a seed is a label, 32 bits are plenty.
_MAX_SEED = 2**32 - 1
#: A note on an imported source: a sentence or two, in one CSV cell.
_MAX_NOTE_CHARS = 1_000
#: A fall of 100% leaves no trade: growth must stay above it.
_MIN_GROWTH_PCT = -100.0


def _as_of(text: str) -> date:
    try:
        day = date.fromisoformat(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a date (YYYY-MM-DD): {printable(text)!r}") from None
    _year(str(day.year))
    return day


def _released(text: str) -> str:
    """A release date to the day, month or year, as it will be recorded."""
    try:
        first, _ = parse_dated(text)
    except DateError:
        raise argparse.ArgumentTypeError(
            f"not a date (YYYY, YYYY-MM or YYYY-MM-DD): {printable(text)!r}"
        ) from None
    _year(str(first.year))
    if first > date.today():
        raise argparse.ArgumentTypeError(f"after today: {printable(text)!r}")
    return text.strip()


def _note(text: str) -> str:
    """A note for sources.csv: one line of at most :data:`_MAX_NOTE_CHARS` characters."""
    if len(text) > _MAX_NOTE_CHARS or not text.isprintable():
        raise argparse.ArgumentTypeError(
            f"a note is one line of printable text of at most {_MAX_NOTE_CHARS} characters"
        )
    return text


def _integer(text: str, low: int, high: int | None = None) -> int:
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a whole number: {printable(text)!r}") from None
    if value < low or (high is not None and value > high):
        bound = f"from {low} to {high}" if high is not None else f"at least {low}"
        raise argparse.ArgumentTypeError(f"must be {bound}: {value}")
    return value


def _positive(text: str) -> int:
    return _integer(text, 1)


def _seed(text: str) -> int:
    return _integer(text, 0, _MAX_SEED)


def _year(text: str) -> int:
    return _integer(text, *YEAR_RANGE)


def _growth(text: str) -> float:
    try:
        value = float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a number: {printable(text)!r}") from None
    if not math.isfinite(value) or value <= _MIN_GROWTH_PCT:
        raise argparse.ArgumentTypeError(
            f"must be a finite growth above {_MIN_GROWTH_PCT:g}% a year: {printable(text)}"
        )
    return value


def _add_datasets(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--datasets",
        default="datasets",
        metavar="DIR",
        help="folder of the dataset CSV files (default: datasets)",
    )


def _add_judged_by(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--judged-by",
        choices=("own", "partner"),
        default="own",
        help="judge on each target's own reporter (default) or on the partner's statistics",
    )


def build_parser() -> argparse.ArgumentParser:
    """The parser of every sub-command; each sets ``run``, the function that does the job.

    Examples
    --------
    >>> args = build_parser().parse_args(["status", "--as-of", "2025-03-01"])
    >>> args.run.__name__, args.as_of.isoformat(), args.format
    ('run_status', '2025-03-01', 'text')
    """
    parser = argparse.ArgumentParser(
        prog="tracker",
        description="Hold stated bilateral trade targets against the trade reported.",
    )
    commands = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")

    validate = commands.add_parser(
        "validate", help="check every dataset file; exit 1 listing every failure"
    )
    _add_datasets(validate)
    validate.add_argument("--format", choices=("text", "json"), default="text")
    validate.set_defaults(run=run_validate)

    status = commands.add_parser("status", help="where every target stands, as of a date")
    _add_datasets(status)
    status.add_argument(
        "--as-of",
        type=_as_of,
        default=date.today(),
        metavar="DATE",
        help="use only sources published by this day (default: today)",
    )
    status.add_argument("--format", choices=("text", "csv", "json"), default="text")
    _add_judged_by(status)
    status.set_defaults(run=run_status)

    audit_ = commands.add_parser("audit", help="figures that cannot all be true")
    _add_datasets(audit_)
    audit_.add_argument("--format", choices=("text", "csv", "json"), default="text")
    audit_.add_argument(
        "--all",
        action="store_true",
        help=f"list every finding (otherwise the first {FINDINGS_PER_SERIES} of a check per "
        "series, and a count of the rest)",
    )
    audit_.set_defaults(run=run_audit)

    whatif = commands.add_parser("whatif", help="what growth a target needs; scenarios, odds")
    _add_datasets(whatif)
    whatif.add_argument(
        "target_id", metavar="TARGET_ID", help="any statement of the goal; the newest is used"
    )
    whatif.add_argument(
        "--growth",
        type=_growth,
        nargs="+",
        metavar="RATE",
        help="annual growth in percent to project (default: historical)",
    )
    whatif.add_argument(
        "--deadline",
        type=_year,
        metavar="YEAR",
        help="judge against this year instead of the target's deadline",
    )
    whatif.add_argument(
        "--simulate",
        type=_positive,
        metavar="N",
        help="resample the pair's own year-on-year growth N times",
    )
    whatif.add_argument(
        "--seed",
        type=_seed,
        default=0,
        metavar="S",
        help="seed of the resampling (default 0): same seed, same result",
    )
    whatif.add_argument("--as-of", type=_as_of, default=date.today(), metavar="DATE")
    whatif.add_argument("--format", choices=("text", "json"), default="text")
    _add_judged_by(whatif)
    whatif.set_defaults(run=run_whatif)

    importing = commands.add_parser("import", help="merge an official statistics file")
    kinds = importing.add_subparsers(dest="kind", required=True, metavar="KIND")
    for kind, about in KINDS.items():
        sub = kinds.add_parser(kind, help=about.summary)
        _add_datasets(sub)
        sub.add_argument("file", type=Path, metavar="FILE")
        if kind == "table":
            sub.add_argument("--spec", type=Path, required=True, metavar="SPEC.yaml")
        else:
            sub.add_argument(
                "--released",
                type=_released,
                metavar="DATE",
                help="release date of the file, to the day, month or year (default: the date "
                "the file prints; for a database download, today)",
            )
        if kind == "stat-uz":
            sub.add_argument(
                "--flow",
                required=True,
                choices=[flow for flow in FLOWS if flow != "total"],
                help="the flow the file holds (its layout does not say)",
            )
        sub.add_argument(
            "--note",
            type=_note,
            default="",
            metavar="TEXT",
            help="how the release date was established, or anything a reader should know",
        )
        sub.add_argument(
            "--dry-run",
            action="store_true",
            help="say what would be added, skipped and revised; write nothing",
        )
        sub.set_defaults(run=run_import)

    report = commands.add_parser("report", help="write the monthly report for a month")
    _add_datasets(report)
    report.add_argument(
        "--month", required=True, metavar="YYYY-MM", help="report as of this month's last day"
    )
    report.add_argument(
        "--out",
        default="reports",
        metavar="DIR",
        help="folder that receives YYYY-MM/ (default: reports)",
    )
    report.set_defaults(run=run_report)
    return parser
