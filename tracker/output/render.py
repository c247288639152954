"""Rendering: Jinja2 templates, the filters that format numbers for a reader, and the
status table as CSV. Text from the datasets is escaped in HTML (autoescape), made inert in
Markdown (:func:`md`) and neutralised in CSV (:func:`safe_csv`).

Every text output (report, ``tracker status`` and ``tracker whatif`` as text) shows a
missing number as :data:`MISSING`, a projection against its target in the words of
:func:`versus_target`, a year (calendar or fiscal) as :func:`year_text`, and the year a
trend reaches a target as :func:`whole_year`.
"""

from __future__ import annotations

import math
import re
from typing import TYPE_CHECKING
from urllib.parse import urlsplit

import pandas as pd

from tracker.core.periods import CALENDAR_START_MONTH, year_label
from tracker.core.statuses import STATUS_LABELS
from tracker.core.units import format_usd_mn
from tracker.core.vocabulary import SCOPE_DEFAULT, SCOPE_LABELS
from tracker.validation.tables import SLIP_FLAGS

if TYPE_CHECKING:
    from jinja2 import Environment

__all__ = [
    "MISSING",
    "POSSIBLE_SLIP",
    "environment",
    "is_missing",
    "md",
    "safe_csv",
    "text_cell",
    "versus_target",
    "web_address",
    "whole_year",
    "year_text",
]

#: What every text output shows for a number that is missing or undefined.
MISSING = "–"
#: What every text output calls a figure the audit's ``jump`` check flags.
POSSIBLE_SLIP = "possible unit slip"
#: Slack when rounding a fractional year up: floating-point error in ln(T / V) / ln(1 + g)
#: must not turn an exact year (2026.0000000001) into the next one.
_YEAR_SLACK = 1e-6

#: Cell starts a spreadsheet would run as a formula (OWASP CSV injection).
_FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r", "\n")
#: Line breaks of every kind, as Python's str.splitlines knows them.
_LINE_BREAKS = re.compile(r"\r\n|[\r\n\v\f\x1c-\x1e\x85\u2028\u2029]")
#: Characters that start Markdown syntax (emphasis, code, links, images, tables, headings)
#: and raw HTML or autolinks (``<``, ``>``).
_MARKDOWN = re.compile(r"([\\`*_\[\]!|#~{}<>])")
#: An ``&`` that would start a named character reference (``&copy;``); any other ``&``
#: is shown as it is. A numeric one (``&#60;``) is already broken by its escaped ``#``.
_REFERENCE = re.compile(r"&(?=[A-Za-z0-9]+;)")
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


def is_missing(value) -> bool:
    """Whether a value has no number to show: None, NaN, NA, NaT or an infinity.

    Examples
    --------
    >>> [is_missing(v) for v in (None, float("nan"), pd.NA, float("inf"), 0, "2027")]
    [True, True, True, True, False, False]
    """
    if isinstance(value, str):
        return False
    if isinstance(value, float) and math.isinf(value):
        return True
    return value is None or bool(pd.isna(value))


def text_cell(value, digits: int = 2) -> str:
    """One cell of a text table: a float with thousands separators, anything missing as
    :data:`MISSING`.

    Examples
    --------
    >>> text_cell(1234.567), text_cell(2027), text_cell(float("nan")), text_cell(pd.NA)
    ('1,234.57', '2027', '–', '–')
    """
    if is_missing(value):
        return MISSING
    return f"{value:,.{digits}f}" if isinstance(value, float) else str(value)


def versus_target(shortfall_mn, amount=format_usd_mn) -> str:
    """Where a projection stands against its target, from the shortfall (target −
    projection, in US dollar millions): never a negative shortfall.

    ``amount`` writes the (positive) difference; the report's dollars by default.

    Examples
    --------
    >>> versus_target(560.0), versus_target(-1490.0)
    ('short of the target by $560 m', 'above the target by $1.49 bn')
    >>> versus_target(0.0), versus_target(float("nan"))
    ('exactly at the target', '–')
    >>> versus_target(-125.9, amount=lambda mn: f"{mn:,.1f} USD mn")
    'above the target by 125.9 USD mn'
    """
    if is_missing(shortfall_mn):
        return MISSING
    if shortfall_mn > 0:
        return f"short of the target by {amount(shortfall_mn)}"
    if shortfall_mn < 0:
        return f"above the target by {amount(-shortfall_mn)}"
    return "exactly at the target"


def whole_year(year_reached, start_month: int = CALENDAR_START_MONTH) -> str:
    """The first whole year whose annual value reaches the target, from the fractional
    ``year_reached`` of the gap table: rounded up, since a year's value is reached only
    once the year is complete.

    With V_2023 = 1000 growing 10% a year, a target of 1400 is reached at 2026.53: 2026
    gives 1331, 2027 gives 1464.1, so 2027. A target of 1331 is reached exactly in 2026.

    Examples
    --------
    >>> whole_year(2026.5302864532623), whole_year(2026.0), whole_year(2026.0000000001)
    ('2027', '2026', '2026')
    >>> whole_year(float("nan")), whole_year(2026.53, start_month=4)  # fiscal years
    ('–', 'FY2026-27')
    """
    if is_missing(year_reached):
        return MISSING
    return year_text(math.ceil(float(year_reached) - _YEAR_SLACK), start_month)


def _usd(value) -> str:
    return MISSING if is_missing(value) else format_usd_mn(value)


def _pct(value, signed: bool = True) -> str:
    if is_missing(value):
        return MISSING
    return f"{value:+.1f}%" if signed else f"{value:.1f}%"


def _pp(value) -> str:
    return MISSING if is_missing(value) else f"{value:+.1f} pp"


def _number(value, digits: int = 2) -> str:
    return MISSING if is_missing(value) else f"{value:,.{digits}f}"


def year_text(value, start_month: int = CALENDAR_START_MONTH) -> str:
    """A year as every text output shows it: ``2023``, ``FY2022-23`` for a fiscal year
    that starts in April and ends in 2023, or :data:`MISSING`.

    Examples
    --------
    >>> year_text(2023), year_text(2023, 4), year_text(None)
    ('2023', 'FY2022-23', '–')
    """
    return MISSING if is_missing(value) else year_label(value, start_month)


#: The years a verdict rests on, in words (their flags: :data:`SLIP_FLAGS`).
_VERDICT_YEARS = {"baseline_year": "the baseline", "history_start_year": "the window's start"}


def _slip_words(row: dict) -> str:
    """The years a goal's verdict rests on whose figures are possible unit slips, in words
    (empty when none is).

    Examples
    --------
    >>> _slip_words({"baseline_year": 2024, "is_baseline_possible_slip": True,
    ...     "history_start_year": 2021, "is_history_start_possible_slip": True,
    ...     "year_start_month": 1})
    "2024 (the baseline) and 2021 (the window's start)"
    """
    return " and ".join(
        f"{year_text(row[year], row['year_start_month'])} ({words})"
        for year, words in _VERDICT_YEARS.items()
        if row[SLIP_FLAGS[year]]
    )


def _scope_words(scope: str) -> str:
    """The words after a flow for a goal or series not of goods, as a whole: nothing for
    goods.

    Examples
    --------
    >>> _scope_words("goods"), _scope_words("non_oil_goods")
    ('', ' (non-oil goods)')
    """
    return "" if scope == SCOPE_DEFAULT else f" ({SCOPE_LABELS[scope]})"


def derivation(row: dict) -> str:
    """How a goal stated as a multiple of a base year gets its value, after the value.

    Examples
    --------
    >>> derivation({"target_multiple": 2.0, "target_base_year": 2017, "year_start_month": 1,
    ...     "target_base_usd_mn": 600.0})
    ' (2 × the 2017 level of $600 m)'
    >>> derivation({"target_multiple": 1.5, "target_base_year": 2017, "year_start_month": 1,
    ...     "target_base_usd_mn": None})
    ' (1.5 × the 2017 level, not reported yet)'
    >>> derivation({"target_multiple": None})
    ''
    """
    if is_missing(row["target_multiple"]):
        return ""
    base_year = year_text(row["target_base_year"], row["year_start_month"])
    level = f"{row['target_multiple']:g} × the {base_year} level"
    if is_missing(row["target_base_usd_mn"]):
        return f" ({level}, not reported yet)"
    return f" ({level} of {_usd(row['target_base_usd_mn'])})"


def md(text) -> str:
    """Dataset text inert in Markdown, and readable as it is: every character that starts
    Markdown syntax or raw HTML is backslash-escaped (no link, image, emphasis, heading,
    tag or table cell break), no HTML entity is written, and it is one line.

    Examples
    --------
    >>> print(md("![x](http://evil) <b>a|b</b>" + chr(13) + "# heading"))
    \\!\\[x\\](http://evil) \\<b\\>a\\|b\\</b\\> \\# heading
    >>> print(md("<1 million, Central Asia & ECO, &copy;"))
    \\<1 million, Central Asia & ECO, \\&copy;
    """
    if is_missing(text):
        return ""
    text = _MARKDOWN.sub(r"\\\1", str(text))
    return _LINE_BREAKS.sub(" ", _REFERENCE.sub(r"\\&", text))


def environment() -> Environment:
    """The Jinja2 environment of the report templates, with the number filters.

    Examples
    --------
    >>> environment().from_string("{{ 1234.5 | usd }}, {{ 7.25 | pct }}").render()
    '$1.23 bn, +7.2%'
    """
    # Imported here: only the report renders templates, and Jinja2 costs every other
    # command's start-up.
    from jinja2 import Environment, PackageLoader, StrictUndefined, select_autoescape

    env = Environment(
        loader=PackageLoader("tracker", "output/templates"),
        autoescape=select_autoescape(enabled_extensions=("html",), default=False),
        undefined=StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
    )
    env.globals["possible_slip"] = POSSIBLE_SLIP
    env.filters.update(
        usd=_usd,
        pct=_pct,
        pp=_pp,
        number=_number,
        year=year_text,
        whole_year=whole_year,
        versus_target=versus_target,
        md=md,
        web=web_address,
        label=STATUS_LABELS.get,
        scope=_scope_words,
        derivation=derivation,
        slips=_slip_words,
    )
    return env
