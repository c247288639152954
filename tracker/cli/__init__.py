"""The ``tracker`` command line: one entry point, a sub-command per job.

Exit codes: 0 success, 1 data invalid, 2 usage error (argparse's own).
"""

from __future__ import annotations

import os
import sys

from tracker.cli.commands import EXIT_OK, EXIT_USAGE, DatasetsError, say
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
    if sys.stdout is None:  # started with standard output closed (`>&-`)
        print("tracker: standard output is closed; nothing could be printed", file=sys.stderr)
        return EXIT_USAGE
    args = build_parser().parse_args(argv)
    try:
        code = args.run(args)
        sys.stdout.flush()
    except DatasetsError as problem:
        for line in problem.lines:
            say(line, sys.stderr if line.startswith("tracker:") else sys.stdout)
        return problem.code
    except BrokenPipeError:
        # The reader (`head`, a pager) closed the pipe early: the exit code stays the one
        # the data deserves. Further writes go nowhere, so Python's exit flush is quiet.
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return getattr(args, "code", EXIT_OK)
    except OSError as err:  # a full disk or a device that refuses output
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        say(f"tracker: cannot write the output: {err.strerror or err}", sys.stderr)
        return EXIT_USAGE
    return code
