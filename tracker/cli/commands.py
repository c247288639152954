"""The sub-commands: each takes the parsed arguments and returns an exit code.

Exit codes: 0 success, 1 data invalid, 2 usage error. A data, file or argument problem is
printed as lines (``DatasetsError``), never as a traceback.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

import pandas as pd

from tracker.analysis.audit import FINDINGS_PER_SERIES, audit
from tracker.analysis.gaps import compute_gaps
from tracker.analysis.questions import answer
from tracker.analysis.whatif import SimulationTooLarge
from tracker.core.failures import DataInvalid
from tracker.core.text import printable
from tracker.loading.datasets import Datasets, check_datasets, load_datasets
from tracker.output.render import safe_csv, text_cell, year_text
from tracker.output.whatif_text import whatif_lines
from tracker.validation.tables import SLIP_FLAGS, STATUS_COLUMNS

__all__ = [
    "EXIT_INVALID",
    "EXIT_OK",
    "EXIT_USAGE",
    "DatasetsError",
    "deserve",
    "run_audit",
    "run_import",
    "run_report",
    "run_status",
    "run_validate",
    "run_whatif",
    "say",
]

EXIT_OK, EXIT_INVALID, EXIT_USAGE = 0, 1, 2


def deserve(args: argparse.Namespace, code: int) -> int:
    """Record the exit code the data deserves before anything is printed, so a reader
    that closes the pipe early (``| head``) does not change it.

    Examples
    --------
    >>> args = argparse.Namespace()
    >>> deserve(args, EXIT_INVALID), args.code
    (1, 1)
    """
    args.code = code
    return code


def say(line: str = "", stream=None) -> None:
    """Print one line of output with every control character escaped: one line stays one.

    Examples
    --------
    >>> say("KAZ" + chr(10) + "forged line")
    KAZ\\x0aforged line
    """
    print(printable(line), file=stream or sys.stdout)


def run_validate(args: argparse.Namespace) -> int:
    """``tracker validate``: every failure, one line each; exit 1 when any is an error.

    Examples
    --------
    >>> from tracker.cli.parser import build_parser
    >>> run_validate(build_parser().parse_args(["validate"]))  # doctest: +ELLIPSIS
    valid: sources ... rows, observations ... rows, targets ... rows, fx_rates ... rows
    0
    """
    directory = _directory(args)
    rows, failures = check_datasets(directory)
    errors = [f for f in failures if f.severity == "error"]
    deserve(args, EXIT_INVALID if errors else EXIT_OK)
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
            say(str(failure))
        if errors:
            say(f"invalid: {len(errors)} error(s) in {directory}", sys.stderr)
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
    "is_baseline_preliminary",
    *SLIP_FLAGS.values(),
    "growth_hist_pct",
    "growth_req_pct",
    "gap_pp",
    "status",
    "mirror_status",
]


#: Year columns the status text labels as the report does (``FY2022-23`` for a goal in
#: fiscal years); CSV and JSON keep the year a fiscal year ends in, beside
#: ``year_start_month``.
_YEAR_COLUMNS = ("deadline_year", "baseline_year")


def _labelled_years(gaps: pd.DataFrame) -> pd.DataFrame:
    starts = gaps["year_start_month"]
    labels = {
        column: [year_text(year, start) for year, start in zip(gaps[column], starts, strict=True)]
        for column in _YEAR_COLUMNS
    }
    return gaps.assign(**labels)


class DatasetsError(Exception):
    """The datasets could not be loaded: the exit code and what to print.

    Examples
    --------
    >>> DatasetsError(EXIT_USAGE, ["tracker: datasets directory not found: x"]).code
    2
    """

    def __init__(self, code: int, lines: list[str]):
        super().__init__("\n".join(lines))
        self.code, self.lines = code, lines


def _directory(args: argparse.Namespace) -> Path:
    directory = Path(args.datasets)
    if not directory.is_dir():
        raise DatasetsError(EXIT_USAGE, [f"tracker: datasets directory not found: {directory}"])
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
        raise DatasetsError(EXIT_INVALID, lines) from None


def _emit(table: pd.DataFrame, fmt: str, text_columns: list[str]) -> None:
    if fmt == "csv":
        sys.stdout.write(safe_csv(table))
    elif fmt == "json":
        print(table.to_json(orient="records", indent=2, force_ascii=False))
    elif table.empty:
        print("(none)")
    else:
        # Cells formatted here, not by pandas: a missing value reads "–", never NaN or <NA>.
        print(table[text_columns].map(text_cell).to_string(index=False))


def run_status(args: argparse.Namespace) -> int:
    """``tracker status``: the gap table as text, CSV (neutralised) or JSON.

    Examples
    --------
    >>> from tracker.cli.parser import build_parser
    >>> args = build_parser().parse_args(["status", "--as-of", "2025-03-01", "--format", "csv"])
    >>> run_status(args)  # doctest: +ELLIPSIS
    target_id,country_a,country_b,flow,target_usd_mn,...
    0
    """
    gaps = compute_gaps(_load(args), args.as_of, judged_by=_judged_by(args))
    deserve(args, EXIT_OK)
    ordered = STATUS_COLUMNS + [c for c in gaps.columns if c not in STATUS_COLUMNS]
    table = _labelled_years(gaps[ordered]) if args.format == "text" else gaps[ordered]
    _emit(table, args.format, _TEXT_COLUMNS)
    return EXIT_OK


def run_audit(args: argparse.Namespace) -> int:
    """``tracker audit``: every consistency finding; exit 1 only for an error-level one.

    Examples
    --------
    >>> from tracker.cli.parser import build_parser
    >>> run_audit(build_parser().parse_args(["audit", "--format", "json"]))  # doctest: +ELLIPSIS
    [
    ...
    0
    """
    findings = audit(_load(args), per_series=None if args.all else FINDINGS_PER_SERIES)
    code = deserve(args, EXIT_INVALID if findings["severity"].eq("error").any() else EXIT_OK)
    if args.format == "text":
        for _, row in findings.iterrows():
            say(
                f"{row['severity']}: {row['check']}: {row['reporter']}-{row['partner']} "
                f"{row['flow']} {row['span']}: {row['message']} [{row['rows']}]"
            )
        say(f"{len(findings)} finding(s)", sys.stderr)
    else:
        _emit(findings, args.format, list(findings.columns))
    return code


def run_report(args: argparse.Namespace) -> int:
    """``tracker report``: write the month's report; exit 1 when there is nothing to report.

    Examples
    --------
    >>> import tempfile
    >>> from tracker.cli.parser import build_parser
    >>> out = tempfile.mkdtemp()
    >>> run_report(build_parser().parse_args(["report", "--month", "2025-03", "--out", out]))
    ... # doctest: +ELLIPSIS
    report written to .../2025-03/ (summary: index.html, report.md; each goal in targets/)
    0
    """
    # Imported here: the report's charts need matplotlib, which no other command loads.
    from tracker.output.report import NothingToReport, build_report, month_end

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
    except DataInvalid as busy:  # another writer holds the reports folder
        raise DatasetsError(EXIT_INVALID, [str(f) for f in busy.failures]) from None
    except OSError as err:
        where = printable(str(err.filename or args.out))
        message = f"tracker: cannot write the report to {where}: {err.strerror or err}"
        raise DatasetsError(EXIT_USAGE, [message]) from None
    print(f"report written to {path}/ (summary: index.html, report.md; each goal in targets/)")
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
    except SimulationTooLarge as too_large:
        raise DatasetsError(EXIT_USAGE, [f"tracker: --simulate: {too_large}"]) from None
    except KeyError:
        raise DatasetsError(EXIT_USAGE, [_unknown_target(data, args)]) from None


def _unknown_target(data: Datasets, args: argparse.Namespace) -> str:
    targets = data.targets.set_index("target_id")
    asked = printable(args.target_id)
    if args.target_id in targets.index:
        first = targets.loc[args.target_id, "published_on"]
        return (
            f"tracker: target {asked!r} was not yet published as of {args.as_of} "
            f"(its source is dated {first:%Y-%m-%d}); use a later --as-of"
        )
    known = ", ".join(sorted(targets.index))
    return f"tracker: unknown target {asked!r} (known: {known})"


def _judged_by(args: argparse.Namespace) -> str | None:
    return None if args.judged_by == "own" else "partner"


def run_whatif(args: argparse.Namespace) -> int:
    """``tracker whatif``: what it would take to meet one target.

    Examples
    --------
    >>> from tracker.cli.parser import build_parser
    >>> args = build_parser().parse_args(
    ...     ["whatif", "kaz-tjk-2bn-2027", "--as-of", "2025-03-01", "--format", "json"])
    >>> run_whatif(args)  # doctest: +ELLIPSIS
    {
      "target_id": "kaz-tjk-2bn-2025",
    ...
    0
    """
    answer = _whatif_answer(args, _load(args))
    deserve(args, EXIT_OK)
    if args.format == "json":
        print(json.dumps(answer, indent=2, default=float))
        return EXIT_OK
    for line in whatif_lines(answer):
        say(line)
    return EXIT_OK


def run_import(args: argparse.Namespace) -> int:
    """``tracker import KIND FILE``: merge an official file; exit 1 when it is refused.

    Examples
    --------
    >>> from tracker.cli.parser import build_parser
    >>> file = "tests/fixtures/imports/imts_sdmx_v1.csv"
    >>> args = build_parser().parse_args(
    ...     ["import", "imf", file, "--released", "2025-06-30", "--dry-run"])
    >>> run_import(args)  # doctest: +ELLIPSIS
    would write ... new observation(s) to imf_imts.parquet ...
    0
    """
    directory = _directory(args)
    if not args.file.is_file():
        raise DatasetsError(EXIT_USAGE, [f"tracker: file not found: {args.file}"])
    spec = getattr(args, "spec", None)
    if spec is not None and not spec.is_file():
        raise DatasetsError(EXIT_USAGE, [f"tracker: spec not found: {spec}"])
    # Imported here: the importers' parsers would cost every other command's start-up.
    from tracker.importers.run import run_import as import_file

    try:
        result = import_file(
            args.kind,
            args.file,
            directory,
            getattr(args, "released", None),
            spec,
            args.dry_run,
            getattr(args, "flow", None),
            args.note,
        )
    except DataInvalid as invalid:
        for failure in invalid.failures:
            say(str(failure))
        print(
            f"import refused: {len(invalid.failures)} problem(s); {directory} is unchanged",
            file=sys.stderr,
        )
        return EXIT_INVALID
    except OSError as err:  # a full disk or an unreadable file: the commit is all or none
        where = printable(str(err.filename or args.file))
        message = (
            f"tracker: import failed on {where}: {err.strerror or err}; {directory} is unchanged"
        )
        raise DatasetsError(EXIT_USAGE, [message]) from None
    deserve(args, EXIT_OK)
    for line in result.summary():
        say(line)
    return EXIT_OK
