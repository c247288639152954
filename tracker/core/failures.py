"""What validation reports: one failure per offending cell, in one line each."""

from __future__ import annotations

from dataclasses import asdict, dataclass

from tracker.core.text import printable

__all__ = ["DataInvalid", "Failure"]


@dataclass(frozen=True, order=True)
class Failure:
    """One broken rule at one place in one dataset file.

    Attributes
    ----------
    file : str
        File name inside the datasets directory.
    line : int or None
        1-based line in the file (the header is line 1); None for a whole-file problem.
    column : str or None
        Column name, or several joined by '+' for a rule over a key.
    value : str
        The offending text as read.
    rule : str
        What was expected, in words.
    severity : str
        ``error`` fails validation; ``warning`` is printed only.

    Examples
    --------
    >>> print(Failure("observations.csv", 5, "reporter", "KZX", "is not a country code"))
    observations.csv:5: column 'reporter' value 'KZX': is not a country code
    >>> print(Failure("targets.csv", None, None, "", "has a header but no rows", "warning"))
    targets.csv: warning: has a header but no rows
    """

    file: str
    line: int | None
    column: str | None
    value: str
    rule: str
    severity: str = "error"

    def __str__(self) -> str:
        # Every part may come from a dataset: escaped, so one failure stays one line.
        where = self.file if self.line is None else f"{self.file}:{self.line}"
        tag = "" if self.severity == "error" else f"{self.severity}: "
        if self.column is None:
            return printable(f"{where}: {tag}{self.rule}")
        return printable(f"{where}: {tag}column '{self.column}' value '{self.value}': {self.rule}")

    def to_dict(self) -> dict:
        """The failure as a JSON-ready mapping."""
        return asdict(self)


class DataInvalid(Exception):
    """Raised when datasets fail validation; carries every failure found.

    Examples
    --------
    >>> error = DataInvalid([Failure("fx_rates.csv", 3, "year", "23", "is not a year")])
    >>> print(error)
    1 validation error(s)
    >>> print(*error.failures)
    fx_rates.csv:3: column 'year' value '23': is not a year
    """

    def __init__(self, failures: list[Failure]):
        self.failures = failures
        super().__init__(f"{len(failures)} validation error(s)")
