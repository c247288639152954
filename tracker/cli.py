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

from tracker.analysis.audit import audit
from tracker.analysis.gaps import compute_gaps
from tracker.analysis.whatif import answer
from tracker.core.failures import DataInvalid
from tracker.core.statuses import NOT_JUDGED
from tracker.importers import run_import
from tracker.loading.datasets import Datasets, check_datasets, load_datasets
from tracker.output.report import NothingToReport, build_report, month_end
from tracker.validation.tables import STATUS_COLUMNS

__all__ = ["main"]

EXIT_OK, EXIT_INVALID, EXIT_USAGE = 0, 1, 2


def _validate(args: argparse.Namespace) -> int:
    directory = _directory(args)
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


def _directory(args: argparse.Namespace) -> Path:
    directory = Path(args.datasets)
    if not directory.is_dir():
        raise _DatasetsError(EXIT_USAGE, [f"tracker: datasets directory not found: {directory}"])
    return directory


def _load(args: argparse.Namespace) -> Datasets:
    directory = _directory(args)
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
    gaps = compute_gaps(_load(args), args.as_of, judged_by=_judged_by(args))
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


def _whatif_answer(args: argparse.Namespace, data: Datasets) -> dict:
    try:
        return answer(
            data,
            args.target_id,
            args.as_of,
            growth_pct=args.growth,
            deadline=args.deadline,
            simulations=args.simulate,
            seed=args.seed,
            judged_by=_judged_by(args),
        )
    except KeyError:
        known = ", ".join(sorted(data.targets["target_id"]))
        raise _DatasetsError(
            EXIT_USAGE,
            [f"tracker: unknown target {args.target_id!r} as of {args.as_of} (known: {known})"],
        ) from None


def _judged_by(args: argparse.Namespace) -> str | None:
    return None if args.judged_by == "own" else "partner"


def _whatif(args: argparse.Namespace) -> int:
    answer = _whatif_answer(args, _load(args))
    if args.format == "json":
        print(json.dumps(answer, indent=2, default=float))
        return EXIT_OK
    if answer["status"] == NOT_JUDGED:
        head = (
            f"{answer['target_id']}: a potential of {answer['target_usd_mn']:,.0f} USD mn, "
            "tracked, not judged"
        )
    else:
        assumed = " (assumed)" if answer["is_deadline_assumed"] else ""
        head = (
            f"{answer['target_id']}: {answer['target_usd_mn']:,.0f} USD mn by "
            f"{answer['deadline_year']}{assumed}, status {answer['status']}"
        )
    print(
        head
        if answer["asked_for"] == answer["target_id"]
        else f"{head} (newest statement of {answer['asked_for']})"
    )
    if answer["baseline_year"] is None:
        print(f"  {answer['reason']}")
        return EXIT_OK
    print(
        f"  baseline {answer['baseline_usd_mn']:,.1f} USD mn in {answer['baseline_year']}"
        f" ({answer['judged_by']}'s statistics)"
    )
    if answer["growth_hist_pct"] is not None:
        print(f"  historical growth {answer['growth_hist_pct']:+.2f}% a year")
    if answer["growth_needed_pct"] is not None:
        print(f"  growth needed     {answer['growth_needed_pct']:+.2f}% a year")
    for s in answer["scenarios"]:
        verdict = "met" if s["is_met"] else f"short by {s['shortfall_usd_mn']:,.1f} USD mn"
        print(
            f"  at {s['growth_pct']:+.1f}% a year: {s['projected_usd_mn']:,.1f} USD mn in "
            f"{answer['deadline_year']}, {verdict}"
        )
    chance = answer["probability"]
    if chance is not None:
        print(
            f"  probability of meeting it: {chance['value']:.1%} ({chance['simulations']:,} "
            f"resampled paths, seed {chance['seed']})"
            if chance["value"] is not None
            else f"  probability unavailable: {chance['reason']}"
        )
    return EXIT_OK


def _import(args: argparse.Namespace) -> int:
    directory = _directory(args)
    if not args.file.is_file():
        raise _DatasetsError(EXIT_USAGE, [f"tracker: file not found: {args.file}"])
    spec = getattr(args, "spec", None)
    if spec is not None and not spec.is_file():
        raise _DatasetsError(EXIT_USAGE, [f"tracker: spec not found: {spec}"])
    try:
        result = run_import(
            args.kind, args.file, directory, getattr(args, "released", None), spec, args.dry_run
        )
    except DataInvalid as invalid:
        for failure in invalid.failures:
            print(failure)
        print(
            f"import refused: {len(invalid.failures)} problem(s); {directory} is unchanged",
            file=sys.stderr,
        )
        return EXIT_INVALID
    for line in result.summary():
        print(line)
    return EXIT_OK


def _as_of(text: str) -> date:
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a date (YYYY-MM-DD): {text!r}") from None


def _positive(text: str) -> int:
    value = int(text)
    if value < 1:
        raise argparse.ArgumentTypeError(f"must be at least 1: {text}")
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
    _add_judged_by(status)
    status.set_defaults(run=_status)

    audit_ = commands.add_parser("audit", help="figures that cannot all be true")
    _add_datasets(audit_)
    audit_.add_argument("--format", choices=("text", "csv", "json"), default="text")
    audit_.set_defaults(run=_audit)

    whatif = commands.add_parser("whatif", help="what growth a target needs; scenarios, odds")
    _add_datasets(whatif)
    whatif.add_argument(
        "target_id", metavar="TARGET_ID", help="any statement of the goal; the newest is used"
    )
    whatif.add_argument(
        "--growth",
        type=float,
        nargs="+",
        metavar="RATE",
        help="annual growth in percent to project (default: historical)",
    )
    whatif.add_argument(
        "--deadline",
        type=int,
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
        type=int,
        default=0,
        metavar="S",
        help="seed of the resampling (default 0): same seed, same result",
    )
    whatif.add_argument("--as-of", type=_as_of, default=date.today(), metavar="DATE")
    whatif.add_argument("--format", choices=("text", "json"), default="text")
    _add_judged_by(whatif)
    whatif.set_defaults(run=_whatif)

    importing = commands.add_parser("import", help="merge an official statistics file")
    kinds = importing.add_subparsers(dest="kind", required=True, metavar="KIND")
    for kind, text in (
        ("imf", "IMF IMTS/DOTS: SDMX-CSV 1.0 or 2.0, or the bulk layout"),
        ("comtrade", "UN Comtrade API v1 CSV, commodity code TOTAL"),
        ("table", "a national statistics table described by --spec"),
    ):
        sub = kinds.add_parser(kind, help=text)
        _add_datasets(sub)
        sub.add_argument("file", type=Path, metavar="FILE")
        if kind == "table":
            sub.add_argument("--spec", type=Path, required=True, metavar="SPEC.yaml")
        else:
            sub.add_argument(
                "--released",
                type=_as_of,
                default=date.today(),
                metavar="DATE",
                help="release (or download) date of the file (default: today)",
            )
        sub.add_argument(
            "--dry-run",
            action="store_true",
            help="say what would be added, skipped and revised; write nothing",
        )
        sub.set_defaults(run=_import)

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
