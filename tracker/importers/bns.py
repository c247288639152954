"""Kazakhstan's Bureau of National Statistics: "Основные показатели внешней торговли".

The Bureau (stat.gov.kz) publishes a yearly workbook of Kazakhstan's trade by partner, a
sheet per year (the release's year and the one before). A data sheet has the header row
``Наименование | Товарооборот | | Экспорт | | Импорт |`` over ``всего | удельный вес …``;
columns are found by those labels, not by position. Title rows above it name the period
(``за январь-декабрь 2019 года``, ``за 2022 год``, ``2023 год``, ``за январь-июнь 2023
года``) and the unit, ``тыс. долларов США`` (required). Other sheets are read only for the
release date a cover prints (``Дата опубликования: 25.07.2024``).

Each row under the header is a country named in Russian
(:func:`~tracker.importers.names.country_code`) or a group row (:data:`~.names.GROUP_ROWS`:
``Всего``, ``Страны СНГ``, ``Европа``, ...), skipped with a count; a name that is neither
fails, naming sheet and row. The reporter is Kazakhstan; ``Товарооборот`` is ``total``,
``Экспорт`` ``exports``, ``Импорт`` ``imports``. No figure (empty, ``-``, ``х``) and zero
(``0,0``, "negligible") are skipped with a count; a negative or non-numeric figure fails.
The countries must add up to the ``Всего`` row (within the rounding of their figures): a
damaged file can lose rows silently. ``line`` is the row as Excel numbers it in its sheet,
and ``note`` names the sheet (``BNS sheet 12_2019 row 15``), as lines repeat across sheets.
"""

from __future__ import annotations

import math
import numbers
import os
import pickle
import re
import subprocess
import sys
from collections import Counter
from datetime import date
from pathlib import Path

import numpy as np
import pandas as pd

from tracker.core.failures import Failure
from tracker.core.units import MN_PER_SCALE, USD_PER_MN
from tracker.importers.common import MAX_FILE_BYTES, PARSED_COLUMNS, Parsed, check_magnitudes
from tracker.importers.names import GROUP_ROWS, country_code, normalise_name, span_of_title
from tracker.validation.cells import NOT_NEGATIVE

__all__ = ["FLOW_LABELS", "MAX_FILE_BYTES", "REPORTER", "parse_bns", "parse_bns_book", "read_book"]

REPORTER = "KAZ"
#: The reader runs in a child process with this much address space and time: a damaged
#: workbook can make it allocate terabytes and abort, or spin; the import then fails
#: instead of dying with it.
_READER_MEMORY_BYTES = 2 * 2**30
_READER_SECONDS = 120
#: The child: imports pandas only, writes the sheets pickled, or the error on stderr.
_READER = """
import pickle, sys
try:
    import resource
    resource.setrlimit(resource.RLIMIT_AS, (int(sys.argv[2]),) * 2)
except (ImportError, ValueError, OSError):
    pass  # no address-space limit on this system; the time limit still holds
import numpy as np
import pandas as pd
try:
    book = pd.read_excel(sys.argv[1], sheet_name=None, header=None, engine="calamine")
except BaseException as err:  # a Rust panic is a BaseException
    sys.stderr.write(f"{type(err).__name__}: {err}")
    sys.exit(1)
sys.stdout.buffer.write(pickle.dumps(book))
"""
#: Flow header labels (case-folded) and the flows they are.
FLOW_LABELS = {"товарооборот": "total", "экспорт": "exports", "импорт": "imports"}
#: The partner column's header starts so ("Наименование", "Наименование страны", and in
#: some releases, copied from a regional table, "Наименование области").
_NAME_LABEL = "наименование"
#: The sub-header cell over the figures of a flow (beside it: the partner's share, %).
_ALL_LABEL = "всего"
#: Rows searched for the header: it sits under three to five title rows.
_HEADER_SEARCH_ROWS = 30
#: The values' scale, printed above the header as "тыс. долларов США", in dollars (one
#: factor, not two steps through millions: 1000.25 thousand is exactly 1,000,250 dollars).
_SCALE = "thousand"
_USD_PER_SCALE = MN_PER_SCALE[_SCALE] * USD_PER_MN
_UNIT = re.compile(r"тыс\.?\s*долл\w*\s+сша")
#: The row every partner adds up to (normalised: "Всего", "Всего в том числе").
_TOTAL_ROW = "всего"
#: Half the step of a figure printed to 0.1 thousand (the 2018 figures are): summing n such
#: figures may drift from the printed total by up to n times this.
_ROUNDING = 0.05
#: Cells that mean "no figure" (``х`` is Cyrillic in the Bureau's tables, ``x`` Latin).
_NO_FIGURE = frozenset({"", "-", "–", "—", "х", "x", "...", "…"})
_PUBLISHED = re.compile(r"дата опубликования:\s*([0-9]{1,2})\.([0-9]{1,2})\.([0-9]{4})")
_SKIP_EMPTY = "flow cell empty, '-' or 'х' (no figure)"
_SKIP_ZERO = "flow cell 0 or «0,0» (negligible: an observation must be above 0)"
_SKIP_REPORTER = f"partner is the reporter ({REPORTER}) itself"
_SKIP_NOTE = "text row without figures (a note, not a partner)"
#: Counts group rows until the reason, naming them, is written.
_GROUP_COUNT = "group rows"
_UNKNOWN = (
    "is neither a country (pycountry's Russian names or the alias table in "
    "tracker/importers/names.py) nor a known group row"
)


def read_book(path: Path) -> tuple[dict[str, pd.DataFrame] | None, list[Failure]]:
    """Every sheet of a workbook as a raw frame (no header row), or why it cannot be read.

    Examples
    --------
    >>> book, failures = read_book(Path("datasets/raw/kaz_bns/bns_main_indicators_2019.xls"))
    >>> list(book), failures
    (['12_2019', '12_2018'], [])
    >>> print(*read_book(Path("tracker/__init__.py"))[1])  # doctest: +ELLIPSIS
    __init__.py: is not a readable Excel workbook (CalamineError: ...)
    """
    file = path.name
    try:
        size = path.stat().st_size
    except OSError as err:
        return None, [Failure(file, None, None, "", f"cannot be read ({err.strerror})")]
    if size == 0:
        return None, [Failure(file, None, None, "", "is empty, not an Excel workbook")]
    if size > MAX_FILE_BYTES:
        rule = f"is larger than any statistics release ({MAX_FILE_BYTES // 2**20} MB): not read"
        return None, [Failure(file, None, None, "", rule)]
    return _read_in_child(path)


def _read_in_child(path: Path) -> tuple[dict[str, pd.DataFrame] | None, list[Failure]]:
    # One thread per numeric library: their per-thread buffers would eat the limit.
    env = {**os.environ, "OPENBLAS_NUM_THREADS": "1", "OMP_NUM_THREADS": "1", "RUST_BACKTRACE": "0"}
    command = [sys.executable, "-I", "-c", _READER, str(path), str(_READER_MEMORY_BYTES)]
    try:
        done = subprocess.run(
            command, capture_output=True, timeout=_READER_SECONDS, env=env, check=False
        )
    except subprocess.TimeoutExpired:
        reason = f"reading took over {_READER_SECONDS} s"
    except OSError as err:  # no interpreter to start the reader with
        reason = f"the reader did not start: {err}"
    else:
        if done.returncode == 0:  # our own child's pickle, of frames: safe to load
            return pickle.loads(done.stdout), []
        lines = done.stderr.decode("utf-8", "replace").strip().splitlines() or [""]
        if done.returncode > 0:  # the child's own message, written last
            reason = lines[-1]
        else:  # killed by a signal (an abort): the first line says why
            reason = f"the reader crashed with signal {-done.returncode}: {lines[0]}".rstrip(": ")
    reason = " ".join(reason.split())[:200]
    rule = f"is not a readable Excel workbook ({reason})"
    return None, [Failure(path.name, None, None, "", rule)]


def _text(cell) -> str:
    return "" if _is_empty(cell) else normalise_name(cell)


def _is_empty(cell) -> bool:
    if isinstance(cell, float):
        return math.isnan(cell)
    return cell is None or (isinstance(cell, str) and not cell.strip())


def _figure(cell) -> float | None:
    """The number in a cell; None when it holds no figure; ValueError when not a number."""
    if _is_empty(cell):
        return None
    if isinstance(cell, bool) or not isinstance(cell, numbers.Real | str):
        raise ValueError("is not a number")
    if isinstance(cell, str):
        text = cell.strip()
        if text.casefold() in _NO_FIGURE:
            return None
        # Decimal comma and thin, plain or no-break spaces between thousands.
        text = re.sub(r"[\s\u00a0\u202f]", "", text).replace(",", ".")
        if not re.fullmatch(r"[-+]?[0-9]+(?:\.[0-9]*)?", text):
            raise ValueError("is not a number")
        cell = text
    value = float(cell)
    if not math.isfinite(value):
        raise ValueError("is not a finite number")
    return value


def _header(cells) -> tuple[int, int, dict[str, int], dict[str, str]] | None:
    """Row of the header, the name column, each flow's figure column and printed label."""
    for row in range(min(len(cells) - 1, _HEADER_SEARCH_ROWS)):
        texts = [_text(cell) for cell in cells[row]]
        names = [col for col, text in enumerate(texts) if text.startswith(_NAME_LABEL)]
        labels = {FLOW_LABELS[t]: col for col, t in enumerate(texts) if t in FLOW_LABELS}
        if not names or len(labels) < len(FLOW_LABELS):
            continue
        starts = [*sorted(labels.values()), len(texts)]
        under = [_text(cell) for cell in cells[row + 1]]
        figures = {}
        for flow, col in labels.items():
            stop = starts[starts.index(col) + 1]
            found = [c for c in range(col, stop) if under[c] == _ALL_LABEL]
            figures[flow] = found[0] if found else col  # the label's own column, failing that
        printed = {flow: str(cells[row][col]).strip() for flow, col in labels.items()}
        printed["name"] = str(cells[row][names[0]]).strip()
        return row, names[0], figures, printed
    return None


def _title(cells, header_row: int) -> tuple[str | None, bool]:
    """The span a title row above the header names, and whether the unit is printed."""
    texts = [_text(cell) for row in cells[:header_row] for cell in row]
    spans = [span for span in map(span_of_title, texts) if span]
    return (spans[0] if spans else None), any(_UNIT.search(text) for text in texts)


def _release_dates(book: dict, file: str) -> tuple[date | None, list[Failure]]:
    found, failures = set(), []
    for sheet, frame in book.items():
        for (row, _), cell in np.ndenumerate(frame.to_numpy(dtype=object)):
            if match := _PUBLISHED.search(_text(cell) if isinstance(cell, str) else ""):
                try:
                    found.add(date(int(match[3]), int(match[2]), int(match[1])))
                except ValueError:
                    rule = "is not a real date (Дата опубликования: DD.MM.YYYY)"
                    failures.append(Failure(f"{file}[{sheet}]", row + 1, None, cell.strip(), rule))
    if len(found) > 1:
        shown = ", ".join(sorted(day.isoformat() for day in found))
        failures.append(Failure(file, None, None, "", f"prints several release dates: {shown}"))
    return (found.pop() if len(found) == 1 else None), failures


def _sheet(cells, header, span: str, where: str, sheet: str, skipped: Counter, groups: dict):
    """Rows of one data sheet; failures name ``where`` (file[sheet]) and the Excel row."""
    header_row, name_col, figures, printed = header
    rows, failures, seen, totals = [], [], {}, {}
    for index in range(header_row + 2, len(cells)):
        line, name = index + 1, cells[index][name_col]
        flow_cells = {flow: cells[index][col] for flow, col in figures.items()}
        no_cells = all(_is_empty(cell) for cell in flow_cells.values())
        if _is_empty(name):
            if not no_cells:
                rule = "a row with figures has no partner name"
                failures.append(Failure(where, line, printed["name"], "", rule))
            continue
        shown, normal = " ".join(str(name).split()), _text(name)
        if normal in GROUP_ROWS:
            skipped[_GROUP_COUNT] += 1
            groups.setdefault(normal, shown)
            if normal.startswith(_TOTAL_ROW) and not totals:
                totals = {flow: (line, cell) for flow, cell in flow_cells.items()}
            continue
        code = country_code(normal)
        if code is None:
            if no_cells:
                skipped[_SKIP_NOTE] += 1
            else:
                failures.append(Failure(where, line, printed["name"], shown, _UNKNOWN))
            continue
        if code == REPORTER:
            skipped[_SKIP_REPORTER] += 1
            continue
        if code in seen:
            rule = f"is {code} again: row {seen[code]} names the same partner"
            failures.append(Failure(where, line, printed["name"], shown, rule))
            continue
        seen[code] = line
        for flow, cell in flow_cells.items():
            try:
                value = _figure(cell)
            except ValueError as err:
                failures.append(Failure(where, line, printed[flow], str(cell).strip(), str(err)))
                continue
            if value is None:
                skipped[_SKIP_EMPTY] += 1
            elif value < 0:
                failures.append(Failure(where, line, printed[flow], str(cell), NOT_NEGATIVE))
            elif value == 0:
                skipped[_SKIP_ZERO] += 1
            else:
                rows.append(
                    [REPORTER, code, flow, span, value, f"BNS sheet {sheet} row {line}", line]
                )
    if not failures:
        failures += _totals(rows, totals, where, printed)
    return rows, failures


def _totals(rows: list, totals: dict, where: str, printed: dict) -> list[Failure]:
    """The "Всего" row against the sum of the countries, flow by flow."""
    failures = []
    for flow, (line, cell) in totals.items():
        try:
            total = _figure(cell)
        except ValueError as err:
            failures.append(Failure(where, line, printed[flow], str(cell).strip(), str(err)))
            continue
        values = [row[4] for row in rows if row[2] == flow]
        if total is not None and abs(sum(values) - total) > _ROUNDING * max(len(values), 1):
            rule = (
                f"the countries add up to {sum(values):,.1f}, not this total: a partner row "
                "is missing or a figure misread"
            )
            failures.append(Failure(where, line, printed[flow], str(cell), rule))
    return failures


def parse_bns_book(book: dict[str, pd.DataFrame], file: str) -> tuple[Parsed, date | None]:
    """Parse a BNS workbook's sheets (raw frames, read with no header) into observations.

    ``file`` names the workbook in failures, as ``file[sheet]:row``.

    Returns
    -------
    tuple of (Parsed, datetime.date or None)
        The observations (values in US dollars) and the release date a cover sheet prints.

    Examples
    --------
    >>> sheet = pd.DataFrame([
    ...     ["Основные показатели внешней торговли", None, None, None],
    ...     ["за январь-июнь 2024 года", None, None, "тыс. долларов США"],
    ...     ["Наименование", "Товарооборот", "Экспорт", "Импорт"],
    ...     [None, "всего", "всего", "всего"],
    ...     ["Всего", 500.5, 300.5, "-"],
    ...     ["Таджикистан", 500.5, "300,5", "-"],
    ... ])
    >>> parsed, released = parse_bns_book({"6_2024": sheet}, "kaz.xls")
    >>> parsed.rows[["partner", "flow", "span", "value_usd", "line"]]
      partner     flow             span  value_usd  line
    0     TJK    total  2024-01/2024-06   500500.0     6
    1     TJK  exports  2024-01/2024-06   300500.0     6
    >>> dict(parsed.skipped), released
    ({"flow cell empty, '-' or 'х' (no figure)": 1, 'group rows, not countries (Всего)': 1}, None)
    """
    failures, skipped, groups, rows, spans, data_sheets = [], Counter(), {}, [], {}, 0
    released, problems = _release_dates(book, file)
    failures += problems
    for sheet, frame in book.items():
        cells = frame.to_numpy(dtype=object)
        header = _header(cells)
        if header is None:
            continue  # a cover, legend or contents sheet
        where, data_sheets = f"{file}[{sheet}]", data_sheets + 1
        span, has_unit = _title(cells, header[0])
        needed = {
            "a period title (e.g. 'за 2023 год')": span,
            "the unit 'тыс. долларов США'": has_unit,
        }
        if not all(needed.values()):
            missing = " and ".join(what for what, found in needed.items() if not found)
            rule = f"is a data sheet without {missing} above its header"
            failures.append(Failure(where, None, None, "", rule))
            continue
        if span in spans:
            rule = f"covers {span}, as sheet {spans[span]} does: the file repeats a period"
            failures.append(Failure(where, None, None, "", rule))
            continue
        spans[span] = sheet
        found, problems = _sheet(cells, header, span, where, sheet, skipped, groups)
        sheet_rows = pd.DataFrame(found, columns=PARSED_COLUMNS)
        sheet_rows["value_usd"] = sheet_rows["value_usd"].astype(float) * _USD_PER_SCALE
        failures += problems
        for flow in FLOW_LABELS.values():  # the ceiling, naming each flow's own column
            chosen = sheet_rows[sheet_rows["flow"] == flow]
            failures += check_magnitudes(chosen, where, header[3][flow])
        rows.append(sheet_rows)
    if not data_sheets:
        rule = (
            "has no data sheet: no sheet has the header row "
            "Наименование | Товарооборот | Экспорт | Импорт"
        )
        failures.append(Failure(file, None, None, "", rule))
    if groups:
        skipped[f"group rows, not countries ({', '.join(groups.values())})"] = skipped.pop(
            _GROUP_COUNT
        )
    frame = pd.concat(rows, ignore_index=True) if rows else pd.DataFrame(columns=PARSED_COLUMNS)
    return Parsed(frame, +skipped, failures), released


def parse_bns(path: Path) -> tuple[Parsed, date | None]:
    """Parse a BNS "main indicators of foreign trade" workbook (.xls or .xlsx).

    Returns
    -------
    tuple of (Parsed, datetime.date or None)
        The observations, values in US dollars, and the release date the workbook prints
        on its cover (``Дата опубликования: DD.MM.YYYY``), or None when it prints none.

    Examples
    --------
    >>> raw = Path("datasets/raw/kaz_bns")
    >>> parsed, released = parse_bns(raw / "bns_main_indicators_by_country_2023.xls")
    >>> released, parsed.failures, sorted(set(parsed.rows["span"]))
    (datetime.date(2024, 7, 25), [], ['2022', '2023'])
    >>> tjk = parsed.rows.query("partner == 'TJK' and flow == 'total'")
    >>> [(row.span, round(row.value_usd / 1e3, 1), row.note) for row in tjk.itertuples()]
    [('2022', 1384860.4, 'BNS sheet 2022 row 16'), ('2023', 1129966.5, 'BNS sheet 2023 row 16')]
    """
    book, failures = read_book(path)
    if book is None:
        return Parsed(pd.DataFrame(columns=PARSED_COLUMNS), failures=failures), None
    return parse_bns_book(book, path.name)
