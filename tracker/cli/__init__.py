"""The ``tracker`` command line: one entry point, a sub-command per job.

Exit codes: 0 success, 1 data invalid, 2 usage error (argparse's own).
"""

from __future__ import annotations

import os
import sys

from tracker.cli.commands import EXIT_OK, DatasetsError
from tracker.cli.parser import build_parser

__all__ = ["main"]


def main(argv: list[str] | None = None) -> int:
    """Run the command line; return its exit code.

    Examples
    --------
    >>> main(["validate", "--datasets", "datasets"])  # doctest: +ELLIPSIS
    valid: sources ... rows, observations ... rows, targets ... rows, fx_rates ... rows
    0
    """
    args = build_parser().parse_args(argv)
    try:
        return args.run(args)
    except DatasetsError as problem:
        for line in problem.lines:
            print(line, file=sys.stderr if line.startswith("tracker:") else sys.stdout)
        return problem.code
    except BrokenPipeError:
        # The reader (`head`, a pager) closed the pipe early: not a failure of ours.
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return EXIT_OK
