"""Write MUTATION.md from the results of the last ``mutmut run``.

Run from the project root after ``mutmut run`` (``make mutation`` does both)::

    python tools/mutation_report.py > MUTATION.md

The first line is the score, ``score: NN.N% (K of N mutants killed)``. Then come the test
files left out of the mutation selection and why, and every mutant that was not killed,
each with its diff and its reason from ``tools/mutation_notes.toml``: either
``equivalent: ...`` (no test can tell it apart) or ``test to write: ...``.

The script exits 1, after writing the report, when a survivor has no reason in the notes
or a left-out test file has no explanation, so the notes cannot fall behind the code; it
exits 2 when some mutants were never checked (an interrupted run gives no score).
"""

from __future__ import annotations

import re
import subprocess
import sys
import tomllib
from collections import Counter
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
NOTES = ROOT / "tools" / "mutation_notes.toml"
MUTMUT = Path(sys.executable).with_name("mutmut")
#: Statuses in which the tests noticed the mutant (a timeout is a mutant that made the
#: tests loop, which they notice by failing to finish).
KILLED = ("killed", "timeout")
REASON_KINDS = ("equivalent: ", "test to write: ")
_RESULT_LINE = re.compile(r"^\s*(\S+): (.+)$")
_IGNORE = "--ignore="


def mutant_statuses() -> dict[str, str]:
    """Every mutant's status, as ``mutmut results --all true`` prints them.

    Returns
    -------
    dict of str to str
        Mutant name (``tracker.core.chains.x_chain_of__mutmut_9``) to status
        (``killed``, ``survived``, ``no tests``, ``timeout``, ...).
    """
    listing = subprocess.run(
        [str(MUTMUT), "results", "--all", "true"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    return {match[1]: match[2] for match in map(_RESULT_LINE.match, listing.splitlines()) if match}


def mutant_diff(name: str) -> list[str]:
    """The lines a mutant removes and adds, from ``mutmut show``.

    Parameters
    ----------
    name : str
        A mutant name.

    Returns
    -------
    list of str
        The ``-`` and ``+`` lines of its diff, without the file headers.
    """
    shown = subprocess.run(
        [str(MUTMUT), "show", name], cwd=ROOT, capture_output=True, text=True, check=True
    ).stdout
    return [
        line
        for line in shown.splitlines()
        if line[:1] in "-+" and not line.startswith(("---", "+++"))
    ]


def ignored_test_files() -> list[str]:
    """Test files that ``[tool.mutmut]`` leaves out of the mutation selection.

    Returns
    -------
    list of str
        The paths given to pytest's ``--ignore`` in
        ``pytest_add_cli_args_test_selection``, in order.
    """
    config = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))
    selection = config["tool"]["mutmut"].get("pytest_add_cli_args_test_selection", [])
    return [arg.removeprefix(_IGNORE) for arg in selection if arg.startswith(_IGNORE)]


def reason_for(name: str, notes: dict) -> str | None:
    """The reason a mutant survives, from the notes; None when the notes give none.

    Parameters
    ----------
    name : str
        A mutant name.
    notes : dict
        The parsed notes file: ``[mutants]`` maps a mutant name to a key of ``[reasons]``,
        whose text starts with one of :data:`REASON_KINDS`.

    Returns
    -------
    str or None
    """
    key = notes["mutants"].get(name)
    reason = notes["reasons"].get(key) if key else None
    return reason if reason and reason.startswith(REASON_KINDS) else None


def report(statuses: dict[str, str], notes: dict, ignored: list[str]) -> tuple[str, list[str]]:
    """The text of MUTATION.md, and the problems that make it incomplete.

    Parameters
    ----------
    statuses : dict of str to str
        From :func:`mutant_statuses`.
    notes : dict
        The parsed notes file (``[excluded]``, ``[reasons]``, ``[mutants]``).
    ignored : list of str
        From :func:`ignored_test_files`.

    Returns
    -------
    tuple of (str, list of str)
        The report, and one line per survivor without a reason or left-out test file
        without an explanation.
    """
    killed = sum(status in KILLED for status in statuses.values())
    survivors = sorted(name for name, status in statuses.items() if status not in KILLED)
    counts = ", ".join(f"{n} {status}" for status, n in sorted(Counter(statuses.values()).items()))
    with ThreadPoolExecutor(max_workers=4) as pool:
        diffs = dict(zip(survivors, pool.map(mutant_diff, survivors), strict=True))

    problems = []
    lines = [
        f"score: {100 * killed / len(statuses):.1f}% ({killed} of {len(statuses)} mutants killed)",
        "",
        "# Mutation testing",
        "",
        "`make mutation` runs mutmut over `tracker/core` and `tracker/analysis` and writes "
        "this file with `tools/mutation_report.py`; the reasons below come from "
        "`tools/mutation_notes.toml`. A timeout counts as killed (the mutant made the "
        f"tests loop). By status: {counts}.",
        "",
        "## Test files left out of the mutation selection",
        "",
    ]
    for path in ignored:
        why = notes["excluded"].get(path)
        if why is None:
            problems.append(f"{path}: left out of the selection without an explanation")
        lines.append(f"- `{path}`: {why or 'NOT EXPLAINED'}")
    lines += ["", f"## Surviving mutants ({len(survivors)})", ""]
    for name in survivors:
        reason = reason_for(name, notes)
        if reason is None:
            problems.append(f"{name}: {statuses[name]} without a reason in {NOTES.name}")
        lines.append(f"- `{name}` ({statuses[name]}): {reason or 'NOT EXPLAINED'}")
        lines += ["  ```diff", *(f"  {line}" for line in diffs[name]), "  ```"]
    return "\n".join(lines) + "\n", problems


def main() -> int:
    """Print the report; see the module docstring for the exit codes."""
    statuses = mutant_statuses()
    unchecked = [name for name, status in statuses.items() if status == "not checked"]
    if not statuses or unchecked:
        print(f"{len(unchecked)} mutants not checked: run mutmut to the end", file=sys.stderr)
        return 2
    notes = tomllib.loads(NOTES.read_text(encoding="utf-8"))
    text, problems = report(statuses, notes, ignored_test_files())
    sys.stdout.write(text)
    stale = sorted(set(notes["mutants"]) - {n for n, s in statuses.items() if s not in KILLED})
    for name in stale:
        print(f"note for {name}, which is not a survivor (any more)", file=sys.stderr)
    for problem in problems:
        print(problem, file=sys.stderr)
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
