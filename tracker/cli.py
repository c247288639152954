"""The ``tracker`` command line: one entry point, a sub-command per job.

Exit codes: 0 success, 1 data invalid, 2 usage error (argparse's own).
"""

from __future__ import annotations

import argparse
import json
import os
import sys
from datetime import date
from pathlib import Path

import pandas as pd

from tracker.audit import audit
from tracker.datasets import Datasets, check_datasets, load_datasets
from tracker.failures import DataInvalid
from tracker.gaps import compute_gaps
from tracker.report import NothingToReport, build_report, month_end
from tracker.schemas import STATUS_COLUMNS

__all__ = ["main"]

EXIT_OK, EXIT_INVALID, EXIT_USAGE = 0, 1, 2


def _validate(args: argparse.Namespace) -> int:
    directory = Path(args.datasets)
    if not directory.is_dir():
        raise _DatasetsError(EXIT_USAGE, [f"tracker: datasets directory not found: {directory}"])
    rows, failures = check_datasets(directory)
    errors = [f for f in failures if f.severity == "error"]
    if args.format == "json":
        report = {
            "valid": not errors,
            "rows": rows,
            "errors": [f.to_dict() for f in errors],
            "warnings": [f.to_dict() for f in failures if f.severity != "error"],
        }
        print(json.dumps(report, indent=2, ensure_ascii=False))
    else:
        for failure in failures:
            print(failure)
        if errors:
            print(f"invalid: {len(errors)} error(s) in {directory}", file=sys.stderr)
        else:
            counts = ", ".join(f"{name} {count} rows" for name, count in rows.items())
            print(f"valid: {counts}")
    return EXIT_INVALID if errors else EXIT_OK


#: Columns of the human-readable status table.
_TEXT_COLUMNS = [
    "target_id",
    "target_usd_mn",
    "deadline_year",
    "baseline_year",
    "baseline_usd_mn",
    "growth_hist_pct",
    "growth_req_pct",
    "gap_pp",
    "status",
]


class _DatasetsError(Exception):
    """The datasets could not be loaded: the exit code and what to print."""

    def __init__(self, code: int, lines: list[str]):
        super().__init__("\n".join(lines))
        self.code, self.lines = code, lines


def _load(args: argparse.Namespace) -> Datasets:
    directory = Path(args.datasets)
    if not directory.is_dir():
        raise _DatasetsError(EXIT_USAGE, [f"tracker: datasets directory not found: {directory}"])
    try:
        return load_datasets(directory)
    except DataInvalid as invalid:
        lines = [str(f) for f in invalid.failures]
        lines.append(
            f"invalid: {len(invalid.failures)} error(s) in {directory}; run `tracker validate`"
        )
        raise _DatasetsError(EXIT_INVALID, lines) from None


def _emit(table: pd.DataFrame, fmt: str, text_columns: list[str]) -> None:
    if fmt == "csv":
        sys.stdout.write(table.to_csv(index=False, lineterminator="\n"))
    elif fmt == "json":
        print(table.to_json(orient="records", indent=2, force_ascii=False))
    elif table.empty:
        print("(none)")
    else:
        print(table[text_columns].to_string(index=False, float_format=lambda x: f"{x:,.2f}"))


def _status(args: argparse.Namespace) -> int:
    gaps = compute_gaps(_load(args), args.as_of)
    ordered = STATUS_COLUMNS + [c for c in gaps.columns if c not in STATUS_COLUMNS]
    _emit(gaps[ordered], args.format, _TEXT_COLUMNS)
    return EXIT_OK


def _audit(args: argparse.Namespace) -> int:
    findings = audit(_load(args))
    if args.format == "text":
        for _, row in findings.iterrows():
            print(
                f"{row['severity']}: {row['check']}: {row['reporter']}-{row['partner']} "
                f"{row['flow']} {row['span']}: {row['message']} [{row['rows']}]"
            )
        print(f"{len(findings)} finding(s)", file=sys.stderr)
    else:
        _emit(findings, args.format, list(findings.columns))
    errors = findings["severity"].eq("error").any()
    return EXIT_INVALID if errors else EXIT_OK


def _report(args: argparse.Namespace) -> int:
    data = _load(args)
    try:
        month_end(args.month)
    except ValueError as err:
        print(f"tracker: {err}", file=sys.stderr)
        return EXIT_USAGE
    try:
        path = build_report(data, args.month, args.out, show_progress=sys.stderr.isatty())
    except NothingToReport as nothing:
        print(f"tracker: {nothing}", file=sys.stderr)
        return EXIT_INVALID
    print(f"report written to {path}/ (index.html, report.md, status.csv, figures/)")
    return EXIT_OK


def _as_of(text: str) -> date:
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a date (YYYY-MM-DD): {text!r}") from None


def _add_datasets(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--datasets",
        default="datasets",
        metavar="DIR",
        help="folder of the dataset CSV files (default: datasets)",
    )


def _parser() -> argparse.ArgumentParser:
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
    validate.set_defaults(run=_validate)

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
    status.set_defaults(run=_status)

    audit_ = commands.add_parser("audit", help="figures that cannot all be true")
    _add_datasets(audit_)
    audit_.add_argument("--format", choices=("text", "csv", "json"), default="text")
    audit_.set_defaults(run=_audit)

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
    report.set_defaults(run=_report)
    return parser


def main(argv: list[str] | None = None) -> int:
    """Run the command line; return its exit code."""
    args = _parser().parse_args(argv)
    try:
        return args.run(args)
    except _DatasetsError as problem:
        for line in problem.lines:
            print(line, file=sys.stderr if line.startswith("tracker:") else sys.stdout)
        return problem.code
    except BrokenPipeError:
        # The reader (`head`, a pager) closed the pipe early: not a failure of ours.
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return EXIT_OK


if __name__ == "__main__":
    sys.exit(main())
