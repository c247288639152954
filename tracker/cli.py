"""The ``tracker`` command line: one entry point, a sub-command per job.

Exit codes: 0 success, 1 data invalid, 2 usage error (argparse's own).
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

from tracker.datasets import check_datasets
from tracker.schemas import FILES

__all__ = ["main"]

EXIT_OK, EXIT_INVALID, EXIT_USAGE = 0, 1, 2


def _validate(args: argparse.Namespace) -> int:
    directory = Path(args.datasets)
    if not directory.is_dir():
        print(f"tracker: datasets directory not found: {directory}", file=sys.stderr)
        return EXIT_USAGE
    frames, failures = check_datasets(directory)
    errors = [f for f in failures if f.severity == "error"]
    rows = {name: len(frames[name]) if name in frames else None for name in FILES}
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


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="tracker",
        description="Hold stated bilateral trade targets against the trade reported.",
    )
    commands = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")

    validate = commands.add_parser(
        "validate", help="check every dataset file; exit 1 listing every failure"
    )
    validate.add_argument(
        "--datasets",
        default="datasets",
        metavar="DIR",
        help="folder of the dataset CSV files (default: datasets)",
    )
    validate.add_argument("--format", choices=("text", "json"), default="text")
    validate.set_defaults(run=_validate)
    return parser


def main(argv: list[str] | None = None) -> int:
    """Run the command line; return its exit code."""
    args = _parser().parse_args(argv)
    return args.run(args)


if __name__ == "__main__":
    sys.exit(main())
