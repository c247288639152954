"""A national statistics table, described by a small YAML spec.

Statistics offices publish trade by partner as tables: tab- or comma-separated, often
with a byte-order mark, headers in the office's language, decimal commas, footnote
markers on figures, and periods that are cumulative from January ("January-June"). The
spec says which column is which, which partner names are which countries, which period
labels end in which month, and whether values are cumulative. For example::

    publisher: Bureau of National Statistics of Kazakhstan
    title: Foreign trade by partner country
    released: 2025-08-15
    reporter: KAZ
    delimiter: tab            # or ","
    decimal: ","              # or "."
    currency: USD
    scale: million            # unit, thousand, million or billion
    cumulative: true          # values run from January to the period's month
    columns:
      partner: Страна
      period: Период
      flows: {total: Товарооборот, exports: Экспорт, imports: Импорт}
    partners: {Таджикистан: TJK, Пакистан: PAK}
    skip_partners: [Всего]    # totals and regions: skipped with a count
    periods: {январь-март 2025: 2025-03, январь-июнь 2025: 2025-06}

A period label maps to the month it ends in: with ``cumulative: true`` the span runs from
January of that year (``2025-01/2025-06``); otherwise it is that month alone.
"""

from __future__ import annotations

import re
from collections import Counter
from datetime import date
from pathlib import Path

import numpy as np
import pandas as pd
import yaml

from tracker.core.failures import Failure
from tracker.core.units import SCALES, USD_PER_MN, to_usd_mn
from tracker.core.vocabulary import COUNTRIES, FLOWS
from tracker.importers.common import PARSED_COLUMNS, Parsed, check_magnitudes
from tracker.validation.cells import NOT_NEGATIVE

__all__ = ["SPEC_KEYS", "Spec", "parse_table_file", "read_spec"]

SPEC_KEYS = (
    "publisher",
    "title",
    "released",
    "reporter",
    "delimiter",
    "decimal",
    "currency",
    "scale",
    "cumulative",
    "columns",
    "partners",
    "periods",
)
_DELIMITERS = {"tab": "\t", ",": ",", ";": ";"}
#: Cells that mean "no figure" in statistics tables.
_MISSING = {"", "-", "–", "—", "…", "...", "x", "X", "n/a", ".."}
#: A footnote marker after a figure: asterisks, superscript digits, letters in brackets.
_FOOTNOTE = re.compile(
    r"^(?P<number>[-0-9\s\u00a0.,]+?)\s*(?P<mark>\*+|[¹²³⁴⁵⁶⁷⁸⁹⁰]+|\([a-z0-9]\))$"
)
#: The longest spec read: a table's spec is a page, not a file of megabytes.
MAX_SPEC_BYTES = 256 * 1024
_MONTH = re.compile(r"^[0-9]{4}-(0[1-9]|1[0-2])$")


class Spec(dict):
    """A validated table spec (a mapping, read from YAML).

    Examples
    --------
    >>> spec, failures = read_spec(Path("tests/fixtures/imports/kaz_trade_2025.yaml"))
    >>> isinstance(spec, Spec), spec["reporter"], spec["periods"]["январь-июнь 2025"], failures
    (True, 'KAZ', '2025-06', [])
    """


def _is_country(value) -> bool:
    return isinstance(value, str) and value in COUNTRIES


def _spec_text(path: Path) -> str:
    """The spec's text, refused when it is too long or uses aliases (a "billion laughs"
    nests aliases to make a few lines expand to gigabytes; a spec needs none)."""
    data = path.read_bytes()
    if len(data) > MAX_SPEC_BYTES:
        raise ValueError(f"a spec holds at most {MAX_SPEC_BYTES:,} bytes; this has {len(data):,}")
    text = data.decode("utf-8-sig")
    if any(isinstance(event, yaml.AliasEvent) for event in yaml.parse(text)):
        raise ValueError("a spec uses no YAML aliases (*name)")
    return text


def read_spec(path: Path) -> tuple[Spec | None, list[Failure]]:
    """Read and check a spec; every problem is reported against the spec file.

    Examples
    --------
    >>> folder = Path("tests/fixtures/imports")
    >>> read_spec(folder / "kaz_trade_2025.yaml")[1]
    []
    >>> print(*read_spec(folder / "kaz_trade_2025.tsv")[1])  # a table, not a spec
    kaz_trade_2025.tsv: cannot be read as YAML (...)
    """
    file = path.name
    try:
        text = _spec_text(path)
        spec = yaml.safe_load(text)
    except (OSError, yaml.YAMLError, UnicodeDecodeError, ValueError) as err:
        return None, [Failure(file, None, None, "", f"cannot be read as YAML ({err})")]
    if not isinstance(spec, dict):
        return None, [Failure(file, None, None, "", "a spec is a mapping of keys to values")]
    failures = [
        Failure(file, None, key, "", "required key is missing")
        for key in SPEC_KEYS
        if key not in spec
    ]
    if failures:
        return None, failures
    columns = spec["columns"] if isinstance(spec["columns"], dict) else {}
    flows = columns.get("flows") if isinstance(columns.get("flows"), dict) else {}
    checks = [
        ("reporter", _is_country(spec["reporter"]), "is not an ISO 3166-1 alpha-3 code"),
        ("delimiter", str(spec["delimiter"]) in _DELIMITERS, "must be tab, ',' or ';'"),
        ("decimal", spec["decimal"] in (",", "."), "must be ',' or '.'"),
        ("scale", spec["scale"] in SCALES, f"must be one of {', '.join(SCALES)}"),
        (
            "currency",
            spec["currency"] == "USD",
            "must be USD (tables in other currencies are not supported yet)",
        ),
        ("cumulative", isinstance(spec["cumulative"], bool), "must be true or false"),
        ("released", isinstance(spec["released"], date), "must be a date YYYY-MM-DD"),
        (
            "columns",
            {"partner", "period"} <= set(columns) and bool(flows) and set(flows) <= set(FLOWS),
            "needs partner, period and flows (total/exports/imports)",
        ),
        (
            "partners",
            isinstance(spec["partners"], dict)
            and all(_is_country(v) for v in spec["partners"].values()),
            "maps names to ISO 3166-1 alpha-3 codes",
        ),
        (
            "periods",
            isinstance(spec["periods"], dict)
            and all(_MONTH.match(str(v)) for v in spec["periods"].values()),
            "maps period labels to the month they end in (YYYY-MM)",
        ),
        (
            "skip_partners",
            isinstance(spec.get("skip_partners") or [], list)
            and all(isinstance(name, str) for name in spec.get("skip_partners") or []),
            "is a list of partner names",
        ),
        *(
            (key, isinstance(spec[key], str), "is text")
            for key in ("publisher", "title")
            if key in spec
        ),
    ]
    failures = [
        Failure(file, None, key, str(spec.get(key, "")), rule) for key, ok, rule in checks if not ok
    ]
    return (None, failures) if failures else (Spec(spec), [])


def _number(cell: str, decimal: str) -> tuple[float | None, str]:
    """A figure as a float and its footnote marker; None for a cell that is no number."""
    match = _FOOTNOTE.match(cell)
    number, mark = (match["number"], match["mark"]) if match else (cell, "")
    digits = number.replace("\u00a0", "").replace(" ", "")
    digits = (
        digits.replace(".", "").replace(",", ".") if decimal == "," else digits.replace(",", "")
    )
    if not digits.isascii():  # float() reads "٨٠"; no statistics table means that
        return None, mark
    try:
        return float(digits), mark
    except ValueError:
        return None, mark


def parse_table_file(path: Path, spec: Spec) -> Parsed:
    """Parse a national table with its spec into observations in US dollars.

    Examples
    --------
    >>> folder = Path("tests/fixtures/imports")
    >>> spec, _ = read_spec(folder / "kaz_trade_2025.yaml")
    >>> parsed = parse_table_file(folder / "kaz_trade_2025.tsv", spec)
    >>> parsed.rows.iloc[:2, :5]  # "281,4" and "598,7*": decimal commas, a footnote marker
      reporter partner   flow             span    value_usd
    0      KAZ     TJK  total  2025-01/2025-03  281400000.0
    1      KAZ     TJK  total  2025-01/2025-06  598700000.0
    """
    file = path.name
    try:
        frame = pd.read_csv(
            path,
            sep=_DELIMITERS[str(spec["delimiter"])],
            dtype=str,
            keep_default_na=False,
            encoding="utf-8-sig",
        )
    except (UnicodeDecodeError, pd.errors.ParserError, pd.errors.EmptyDataError) as err:
        return Parsed(
            pd.DataFrame(),
            failures=[Failure(file, None, None, "", f"cannot be read as a table ({err})")],
        )
    frame.columns = [c.strip() for c in frame.columns]
    columns, flows = spec["columns"], spec["columns"]["flows"]
    wanted = [columns["partner"], columns["period"], *flows.values()]
    missing = [c for c in wanted if c not in frame.columns]
    if missing:
        return Parsed(
            pd.DataFrame(),
            failures=[
                Failure(
                    file,
                    1,
                    c,
                    "",
                    f"column named in the spec is not in the table "
                    f"(columns: {', '.join(frame.columns)})",
                )
                for c in missing
            ],
        )
    frame = frame.apply(lambda column: column.str.strip()).assign(line=np.arange(len(frame)) + 2)

    skipped: Counter = Counter()
    failures: list[Failure] = []
    skip = set(spec.get("skip_partners") or [])
    partner_name = frame[columns["partner"]]
    for name, count in partner_name[partner_name.isin(skip)].value_counts().items():
        skipped[f"partner {name} (listed in skip_partners)"] += int(count)
    frame = frame[~partner_name.isin(skip)]
    unknown_partner = ~frame[columns["partner"]].isin(spec["partners"])
    unknown_period = ~frame[columns["period"]].isin(spec["periods"])
    for mask, column, rule in (
        (
            unknown_partner,
            columns["partner"],
            "partner not in the spec's partners or skip_partners",
        ),
        (unknown_period, columns["period"], "period label not in the spec's periods"),
    ):
        bad = frame[mask.to_numpy(dtype=bool)]
        failures += [
            Failure(file, int(line), column, text, rule)
            for line, text in zip(bad["line"], bad[column], strict=True)
        ]
    frame = frame[(~unknown_partner & ~unknown_period).to_numpy(dtype=bool)]

    factor = to_usd_mn(1.0, spec["scale"]) * USD_PER_MN  # US dollars per unit of the table
    rows = []
    for flow, column in flows.items():
        for line, partner, label, cell in zip(
            frame["line"],
            frame[columns["partner"]],
            frame[columns["period"]],
            frame[column],
            strict=True,
        ):
            if cell in _MISSING:
                skipped["missing figure"] += 1
                continue
            value, mark = _number(cell, spec["decimal"])
            if value is None:
                failures.append(Failure(file, int(line), column, cell, "is not a number"))
                continue
            if value < 0:
                failures.append(Failure(file, int(line), column, cell, NOT_NEGATIVE))
                continue
            end = str(spec["periods"][label])
            span = f"{end[:4]}-01/{end}" if spec["cumulative"] else end
            note = f"footnote {mark} in the source table" if mark else ""
            rows.append(
                (
                    spec["reporter"],
                    spec["partners"][partner],
                    flow,
                    span,
                    value * factor,
                    note,
                    int(line),
                )
            )
    parsed = pd.DataFrame(rows, columns=PARSED_COLUMNS)
    zero = parsed["value_usd"] == 0
    skipped["zero value (no trade recorded)"] += int(zero.sum())
    parsed = parsed[~zero]
    failures += check_magnitudes(parsed, file, "value")
    return Parsed(parsed.reset_index(drop=True), +skipped, failures)
