"""Rendering: Jinja2 templates, the filters that format numbers for a reader, and the
status table as CSV. Text from the datasets is escaped in HTML (autoescape), made inert in
Markdown (:func:`md`) and neutralised in CSV (:func:`status_csv`).
"""

from __future__ import annotations

import pandas as pd
from jinja2 import Environment, PackageLoader, StrictUndefined, select_autoescape

from tracker.core.statuses import STATUS_LABELS
from tracker.core.units import format_usd_mn

__all__ = ["environment", "md", "status_csv"]

#: Cell starts a spreadsheet would run as a formula (OWASP CSV injection).
_FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def _neutralise(cell):
    """Prefix text a spreadsheet would run as a formula with an apostrophe."""
    if isinstance(cell, str) and cell.startswith(_FORMULA_STARTS):
        return "'" + cell
    return cell


def status_csv(table: pd.DataFrame) -> str:
    """The status table as CSV text, with formula-like text cells neutralised.

    Examples
    --------
    >>> print(status_csv(pd.DataFrame({"note": ["=HYPERLINK(1)", "fine"], "gap_pp": [-1.5, 2]})))
    note,gap_pp
    '=HYPERLINK(1),-1.5
    fine,2.0
    <BLANKLINE>
    """
    text_columns = table.select_dtypes(include=["object", "string"]).columns
    safe = table.copy()
    for column in text_columns:
        safe[column] = safe[column].map(_neutralise)
    return safe.to_csv(index=False, lineterminator="\n")


def _pct(value, signed: bool = True) -> str:
    if value is None or pd.isna(value):
        return "–"
    return f"{value:+.1f}%" if signed else f"{value:.1f}%"


def _pp(value) -> str:
    return "–" if value is None or pd.isna(value) else f"{value:+.1f} pp"


def _number(value, digits: int = 2) -> str:
    return "–" if value is None or pd.isna(value) else f"{value:,.{digits}f}"


def _fractional_year(value) -> str:
    """A year with its fraction, no thousands separator: 2042.5."""
    return "–" if value is None or pd.isna(value) else f"{value:.1f}"


def _year(value) -> str:
    return "–" if value is None or pd.isna(value) else str(int(value))


def md(text) -> str:
    """Dataset text safe inside a Markdown table cell: no raw HTML, no cell breaks.

    Examples
    --------
    >>> md("<b>a|b</b>")
    '&lt;b&gt;a\\\\|b&lt;/b&gt;'
    """
    if text is None or (not isinstance(text, str) and pd.isna(text)):
        return ""
    return (
        str(text)
        .replace("&", "&amp;")
        .replace("<", "&lt;")
        .replace(">", "&gt;")
        .replace("|", "\\|")
        .replace("\n", " ")
    )


def environment() -> Environment:
    """The Jinja2 environment of the report templates, with the number filters."""
    env = Environment(
        loader=PackageLoader("tracker", "output/templates"),
        autoescape=select_autoescape(enabled_extensions=("html",), default=False),
        undefined=StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
    )
    env.filters.update(
        usd=format_usd_mn,
        pct=_pct,
        pp=_pp,
        number=_number,
        year=_year,
        fractional_year=_fractional_year,
        md=md,
        label=STATUS_LABELS.get,
    )
    return env
