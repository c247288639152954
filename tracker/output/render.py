"""Rendering: Jinja2 templates, the filters that format numbers for a reader, and the
status table as CSV. Text from the datasets is escaped in HTML (autoescape), made inert in
Markdown (:func:`md`) and neutralised in CSV (:func:`status_csv`).
"""

from __future__ import annotations

import re
from urllib.parse import urlsplit

import pandas as pd
from jinja2 import Environment, PackageLoader, StrictUndefined, select_autoescape

from tracker.core.statuses import STATUS_LABELS
from tracker.core.units import format_usd_mn

__all__ = ["environment", "md", "safe_csv", "web_address"]

#: Cell starts a spreadsheet would run as a formula (OWASP CSV injection).
_FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r", "\n")
#: Line breaks of every kind, as Python's str.splitlines knows them.
_LINE_BREAKS = re.compile(r"\r\n|[\r\n\v\f\x1c-\x1e\x85\u2028\u2029]")
#: Characters that start Markdown syntax (emphasis, code, links, images, tables, headings).
_MARKDOWN = re.compile(r"([\\`*_\[\]!|#~{}])")
#: The only schemes a dataset address may link to.
_WEB_SCHEMES = ("http", "https")
#: Characters an address must not hold to be written as a link.
_NOT_IN_LINK = re.compile(r"[\s<>\"'`\\]|[\x00-\x1f\x7f]")


def _neutralise(cell):
    """A text cell a spreadsheet reads as text: a formula-like start gets an apostrophe,
    and every line break is a plain LF (which the CSV writer quotes; a lone CR it would not).
    """
    if not isinstance(cell, str):
        return cell
    cell = _LINE_BREAKS.sub("\n", cell)
    return "'" + cell if cell.startswith(_FORMULA_STARTS) else cell


def safe_csv(table: pd.DataFrame) -> str:
    """A table as CSV text that a spreadsheet cannot run: formula-like text neutralised,
    line breaks inside cells quoted.

    Examples
    --------
    >>> notes = ["=HYPERLINK(1)", "a" + chr(13) + "b"]  # the second holds a lone CR
    >>> print(safe_csv(pd.DataFrame({"note": notes, "gap_pp": [-1.5, 2]})))
    note,gap_pp
    '=HYPERLINK(1),-1.5
    "a
    b",2.0
    <BLANKLINE>
    """
    text_columns = table.select_dtypes(include=["object", "string"]).columns
    safe = table.copy()
    for column in text_columns:
        safe[column] = safe[column].map(_neutralise)
    return safe.to_csv(index=False, lineterminator="\n")


def web_address(text) -> str | None:
    """The address, when it may become a link: ``http`` or ``https`` with a host, nothing
    that could end the link early. None otherwise (it is then shown as text, not linked).

    Examples
    --------
    >>> web_address("https://stat.gov.kz/en/"), web_address("javascript:alert(1)")
    ('https://stat.gov.kz/en/', None)
    """
    if not isinstance(text, str) or _NOT_IN_LINK.search(text):
        return None
    parts = urlsplit(text)
    return text if parts.scheme.lower() in _WEB_SCHEMES and parts.netloc else None


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
    """Dataset text inert in Markdown: no raw HTML, no link, image, emphasis, heading or
    table cell break, and one line.

    Examples
    --------
    >>> print(md("![x](http://evil) <b>a|b</b>" + chr(13) + "# heading"))
    \\!\\[x\\](http://evil) &lt;b&gt;a\\|b&lt;/b&gt; \\# heading
    """
    if text is None or (not isinstance(text, str) and pd.isna(text)):
        return ""
    text = str(text).replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
    return _LINE_BREAKS.sub(" ", _MARKDOWN.sub(r"\\\1", text))


def environment() -> Environment:
    """The Jinja2 environment of the report templates, with the number filters.

    Examples
    --------
    >>> environment().from_string("{{ 1234.5 | usd }}, {{ 7.25 | pct }}").render()
    '$1.23 bn, +7.2%'
    """
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
        web=web_address,
        label=STATUS_LABELS.get,
    )
    return env
