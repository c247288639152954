"""`tracker import wdi-fx`: World Bank WDI PA.NUS.FCRF rates into fx_rates.csv.

Expected numbers were read by hand from the real file (grep) or written into the tiny
inline files below; they are not computed by the code under test.
"""

from __future__ import annotations

import hashlib
from collections import Counter
from datetime import date
from pathlib import Path

import pandas as pd
import pytest

from tests.conftest import ROOT, write_dataset
from tracker.core.failures import DataInvalid
from tracker.importers import wdi_fx
from tracker.importers.common import file_digest, source_record
from tracker.importers.fx_merge import FX_COLUMNS, FxParsed, merge_fx
from tracker.importers.wdi_fx import parse_wdi_fx
from tracker.loading.commit import LOCK
from tracker.loading.files import parse_table, read_table

REAL = ROOT / "datasets" / "raw" / "wdi_fx" / "API_PA.NUS.FCRF_DS2_en_csv_v2_404139.csv"
#: Non-empty value cells in the real file (counted with grep and a regex, by hand).
REAL_VALUES = 12630
NAME = "Official exchange rate (LCU per US$, period average)"


def _wdi(folder: Path, rows: list[tuple], years=("2021", "2022", "2023"), **options) -> Path:
    """A WDI bulk CSV as the World Bank writes it: CRLF, quotes, trailing commas."""
    indicator = options.get("indicator", wdi_fx.INDICATOR)
    lines = ['"Data Source","World Development Indicators",', ""]
    if options.get("released", "2026-07-13") is not None:
        lines += [f'"Last Updated Date","{options.get("released", "2026-07-13")}",', ""]
    cells = ["Country Name", "Country Code", "Indicator Name", "Indicator Code", *years]
    lines.append(",".join(f'"{c}"' for c in cells) + ",")
    for code, *values in rows:
        cells = [f"Name of {code}", code, NAME, indicator, *values]
        lines.append(",".join(f'"{c}"' for c in cells) + ",")
    path = folder / "API_PA.NUS.FCRF_DS2_en_csv_v2_1.csv"
    path.write_bytes(("\r\n".join(lines) + "\r\n").encode())
    return path


def _rates(parsed) -> dict[tuple[str, int], str]:
    return {(r.currency, r.year): r.units_per_usd for r in parsed.rows.itertuples()}


def _source(path: Path, released=date(2026, 7, 13), kind="wdi-fx") -> dict:
    return source_record(
        kind, path, file_digest(path), wdi_fx.PUBLISHER, wdi_fx.TITLE, released, wdi_fx.ADDRESS
    )


def _digest(directory: Path) -> dict[str, str]:
    return {
        p.name: hashlib.sha256(p.read_bytes()).hexdigest()
        for p in sorted(directory.iterdir())
        if p.is_file() and p.name != LOCK
    }


@pytest.fixture(scope="module")
def real():
    return parse_wdi_fx(REAL)


# --- the real file ---------------------------------------------------------------------


def test_real_file_gives_the_rates_the_tracker_needs(real):
    assert real.failures == []
    assert real.released == date(2026, 7, 13)
    rates = _rates(real)
    # Read by hand from the file's 2023 column.
    assert rates["KZT", 2023] == "456.165"
    assert rates["EUR", 2023] == "0.924839558470698"
    assert rates["RUB", 2023] == "85.1620083333333"
    assert rates["CNY", 2023] == "7.08399842343631"
    assert rates["INR", 2023] == "82.5992764460784"
    assert rates["TRY", 2023] == "23.7385661219918"
    assert rates["KZT", 2025] == "521.035"
    kzt = real.rows[(real.rows["currency"] == "KZT") & (real.rows["year"] == 2023)].iloc[0]
    assert (kzt["note"], kzt["line"]) == ("WDI PA.NUS.FCRF, from KAZ", 125)
    assert real.rows.columns.tolist() == FX_COLUMNS
    assert not real.rows.duplicated(["currency", "year"]).any()


def test_real_file_attributes_no_year_to_a_currency_it_is_not_in(real):
    rates = _rates(real)
    currencies = set(real.rows["currency"])
    # Redenominated series are restated in today's unit: the old codes never appear.
    for old in ("TRL", "BYR", "BYB", "GHC", "ZMK", "MRO", "AZM", "ROL", "TMM", "MZM", "STD"):
        assert old not in currencies
    assert ("TRY", 2004) not in rates and rates["TRY", 2005] == "1.34358310833333"
    # Belarus's BYN began 1 July 2016: 2016 is a change year, 2017 the first kept.
    assert ("BYN", 2016) not in rates and rates["BYN", 2017] == "1.93234166666667"
    assert min(y for c, y in rates if c == "GHS") == 2008  # GHS from 3 July 2007
    assert min(y for c, y in rates if c == "ZMW") == 2013
    assert min(y for c, y in rates if c == "MRU") == 2018
    assert min(y for c, y in rates if c == "SDG") == 2008  # SDG from 10 January 2007
    assert [y for c, y in rates if c == "SLE"] == [2023]  # SLE from 1 July 2022
    # Euro members: national currency before entry (not attributed), euro from entry.
    for legacy in ("DEM", "FRF", "GRD", "LTL", "HRK", "SIT"):
        assert legacy not in currencies
    assert rates["EUR", 1999] == "0.938283072395283"  # Germany 1999 = euro area
    assert min(y for c, y in rates if c == "EUR") == 1999
    # Venezuela (ends 2017, in VEF) and Turkmenistan (ends 2001, in TMM): before today's
    # currency, so neither; Zimbabwe has USD and ZWG at once: skipped whole.
    assert not currencies & {"VEF", "VES", "VEB", "TMT", "ZWL", "ZWG", "ZWD"}
    # Bulgaria's lev (BGN from 5 July 1999) is its currency to 2025, but ISO 4217 (and so
    # fx_rates.csv) withdrew it with the euro in 2026: its 26 years 2000-2025 are counted.
    assert "BGN" not in currencies
    assert real.skipped["BGN: not a current ISO 4217 code (pycountry): not stored"] == 26
    # A national currency beside a second legal tender (NATIONAL_CURRENCY).
    assert rates["HTG", 2023] == "141.035912702189"
    assert rates["BTN", 2023] == "82.5992764460784"
    assert "USD" not in currencies


def test_real_file_accounts_for_every_value(real):
    assert len(real.rows) + sum(real.skipped.values()) == REAL_VALUES
    reasons = " | ".join(real.skipped)
    assert "ZWE: several currencies in use at the end of 2025 (USD, ZWG)" in reasons
    assert real.skipped[wdi_fx._AGGREGATE] >= 27  # EMU alone has 1999-2025
    assert real.skipped[wdi_fx._DOLLAR] > 0 and real.skipped[wdi_fx._EARLIER] > 0
    assert real.skipped[wdi_fx._CHANGED] > 0
    eur = real.rows[(real.rows["currency"] == "EUR") & (real.rows["year"] == 2023)].iloc[0]
    assert eur["note"] == "WDI PA.NUS.FCRF, from AUT; 25 countries agree within 1%"


def test_real_file_merges_once_and_byte_for_byte_reproducibly(tmp_path, real):
    outputs = []
    for name in ("a", "b"):
        datasets = write_dataset(tmp_path / name)
        before = (datasets / "fx_rates.csv").read_bytes()
        result = merge_fx(datasets, _source(REAL), real)
        assert result.added == len(real.rows)
        assert result.revised == 1  # KZT 2024: 469.44 (s2) against WDI's 468.9625
        after = (datasets / "fx_rates.csv").read_bytes()
        assert after.startswith(before)
        assert b"\nKZT,2023,456.165,wdi-fx-" in after
        outputs.append(_digest(datasets))
        again = merge_fx(datasets, _source(REAL), real)
        assert (again.added, again.identical) == (0, len(real.rows))
        assert _digest(datasets) == outputs[-1]
    assert outputs[0] == outputs[1]


# --- the currency rule on tiny files ------------------------------------------------------


def test_euro_entry_year_and_a_shared_currency(tmp_path):
    path = _wdi(
        tmp_path,
        [
            ("HRV", "", "7.1597415", "0.924839558470698"),
            ("AUT", "0.84549413889045", "0.949623753156941", "0.924839558470698"),
            ("EMU", "0.84549413889045", "0.949623753156941", "0.924839558470698"),
        ],
    )
    parsed = parse_wdi_fx(path)
    assert _rates(parsed) == {
        ("EUR", 2021): "0.84549413889045",
        ("EUR", 2022): "0.949623753156941",
        ("EUR", 2023): "0.924839558470698",
    }
    assert parsed.rows["note"].iloc[2] == "WDI PA.NUS.FCRF, from AUT; 2 countries agree within 1%"
    assert parsed.skipped == Counter({wdi_fx._EARLIER: 1, wdi_fx._SHARED: 1, wdi_fx._AGGREGATE: 3})


def test_countries_sharing_a_currency_must_agree(tmp_path):
    # 2022 within 1% (601 / 600), 2023 not (650 / 600): skipped and named, not failed.
    path = _wdi(tmp_path, [("SEN", "", "600", "600"), ("CIV", "", "601", "650")])
    parsed = parse_wdi_fx(path)
    assert _rates(parsed) == {("XOF", 2022): "601"}  # a tie: the first code (CIV)
    assert (
        parsed.skipped["XOF 2023: the countries using it disagree by over 1% (SEN 600, CIV 650)"]
        == 2
    )


def test_a_redenomination_year_and_the_years_before_are_not_attributed(tmp_path):
    path = _wdi(
        tmp_path,
        [("BLR", "1.59259883333333", "1.98956283333333", "1.93234166666667")],
        years=("2015", "2016", "2017"),
    )
    parsed = parse_wdi_fx(path)
    assert _rates(parsed) == {("BYN", 2017): "1.93234166666667"}
    assert parsed.skipped == Counter({wdi_fx._EARLIER: 1, wdi_fx._CHANGED: 1})


def test_a_change_of_unit_inside_one_currency_drops_the_years_before(tmp_path):
    path = _wdi(tmp_path, [("KAZ", "4259.075", "460.165", "456.165")])
    parsed = parse_wdi_fx(path)
    assert _rates(parsed) == {("KZT", 2022): "460.165", ("KZT", 2023): "456.165"}
    assert parsed.skipped == Counter({wdi_fx._BREAK: 1})


def test_dollars_aggregates_and_several_currencies_are_counted(tmp_path):
    path = _wdi(
        tmp_path,
        [
            ("USA", "1", "1", "1"),
            ("WLD", "", "", "5"),
            ("ZWE", "88.55", "374.95", "3509.17"),
            ("HTI", "89.2", "115.6", "141.0"),
        ],
    )
    parsed = parse_wdi_fx(path)
    assert _rates(parsed) == {("HTG", 2021): "89.2", ("HTG", 2022): "115.6", ("HTG", 2023): "141.0"}
    assert parsed.skipped == Counter(
        {
            wdi_fx._DOLLAR: 3,
            wdi_fx._AGGREGATE: 1,
            "ZWE: several currencies in use at the end of 2023 (USD, ZWL): rate not attributed": 3,
        }
    )


def test_release_date_is_optional_but_must_be_a_date(tmp_path):
    assert parse_wdi_fx(_wdi(tmp_path, [("KAZ", "1", "2", "3")], released=None)).released is None
    parsed = parse_wdi_fx(_wdi(tmp_path, [("KAZ", "1", "2", "3")], released="13/07/2026"))
    assert [str(f) for f in parsed.failures] == [
        "API_PA.NUS.FCRF_DS2_en_csv_v2_1.csv:3: column 'Last Updated Date' value "
        "'13/07/2026': is not a date YYYY-MM-DD"
    ]


# --- bad input: failures naming file, line, column and value; no traceback ---------------


def _failures(path: Path) -> list[str]:
    parsed = parse_wdi_fx(path)
    assert parsed.rows.empty  # with any failure, nothing to import
    return [str(f) for f in parsed.failures]


@pytest.mark.parametrize(
    ("cell", "rule"),
    [
        ("abc", "is not a number"),
        ("1,234", "is not a number"),
        ("nan", "is not a number"),
        ("inf", "is not a number"),
        ("-5", "a rate must be a finite number greater than 0"),
        ("0", "a rate must be a finite number greater than 0"),
        ("1e20", "1e+20 units per US dollar is outside 1e-15 to 1e+12"),
        ("1e-20", "1e-20 units per US dollar is outside 1e-15 to 1e+12"),
    ],
)
def test_a_bad_cell_fails_the_file(tmp_path, cell, rule):
    failures = _failures(_wdi(tmp_path, [("KAZ", "425.9075", cell, "456.165")]))
    assert len(failures) == 1
    assert failures[0].startswith(
        f"API_PA.NUS.FCRF_DS2_en_csv_v2_1.csv:6: column '2022' value '{cell}': {rule}"
    )


def test_another_indicator_is_refused(tmp_path):
    path = _wdi(
        tmp_path, [("KAZ", "1", "2", "3"), ("TJK", "1", "2", "3")], indicator="NY.GDP.MKTP.CD"
    )
    assert _failures(path) == [
        "API_PA.NUS.FCRF_DS2_en_csv_v2_1.csv:6: column 'Indicator Code' value "
        "'NY.GDP.MKTP.CD': is not PA.NUS.FCRF (official exchange rate, LCU per US$): 2 row(s) "
        "of another indicator; this importer reads that one only"
    ]


@pytest.mark.parametrize(
    ("content", "expected"),
    [
        (b"", "wdi.csv: file is empty"),
        (b" \r\n\r\n", "wdi.csv: file is empty"),
        (b"hello,world\nthis is,not wdi\n", "wdi.csv: no header row starting Country Name,"),
        (b"\x00\x01\x02binary", "wdi.csv: is binary or UTF-16"),
        (b'"Data Source","WDI"\n"\xff"\n', "wdi.csv:2: byte 0xFF is not UTF-8"),
    ],
)
def test_files_that_are_not_a_wdi_csv(tmp_path, content, expected):
    path = tmp_path / "wdi.csv"
    path.write_bytes(content)
    failures = _failures(path)
    assert len(failures) == 1 and failures[0].startswith(expected)


def test_a_missing_file_and_a_file_past_the_size_limit(tmp_path, monkeypatch):
    assert _failures(tmp_path / "none.csv")[0].startswith("none.csv: cannot be read")
    path = _wdi(tmp_path, [("KAZ", "1", "2", "3")])
    monkeypatch.setattr(wdi_fx, "MAX_FILE_BYTES", 100)
    assert "bytes; at most 100" in _failures(path)[0]


def test_row_shape_header_and_repeated_countries(tmp_path):
    path = _wdi(tmp_path, [("KAZ", "1", "2", "3"), ("KAZ", "1", "2", "3")])
    assert _failures(path) == [
        "API_PA.NUS.FCRF_DS2_en_csv_v2_1.csv:7: column 'Country Code' value 'KAZ': "
        "country code appears twice (first on line 6)"
    ]
    path = _wdi(tmp_path, [("KAZ", "1", "2", "3")], years=("2021", "Total", "2023"))
    assert _failures(path) == [
        "API_PA.NUS.FCRF_DS2_en_csv_v2_1.csv:5: column 'Total' value 'Total': "
        "is not a year column (1950-2100)"
    ]
    path = _wdi(tmp_path, [("KAZ", "1", "2")])
    assert "row has 7 fields; the header has 8" in _failures(path)[0]


def test_a_long_list_of_failures_is_cut(tmp_path):
    years = tuple(str(y) for y in range(1960, 2026))
    path = _wdi(tmp_path, [(f"K{i:02d}", *["x"] * len(years)) for i in range(3)], years=years)
    failures = _failures(path)
    assert len(failures) == 101
    assert failures[-1] == "API_PA.NUS.FCRF_DS2_en_csv_v2_1.csv: 98 more problem(s) not listed"


# --- merging ---------------------------------------------------------------------------


def test_merge_appends_registers_the_source_and_is_idempotent(tmp_path):
    datasets = write_dataset(tmp_path / "d")
    fx_before = (datasets / "fx_rates.csv").read_bytes()
    path = _wdi(tmp_path, [("TJK", "11.30885", "11.031075", "10.844525")])
    source = _source(path)
    result = merge_fx(datasets, source, parse_wdi_fx(path))
    assert (result.added, result.identical, result.revised) == (3, 0, 0)
    assert result.panel == "fx_rates.csv" and result.source_id == source["source_id"]
    fx = (datasets / "fx_rates.csv").read_bytes()
    assert (
        fx
        == fx_before
        + (
            f'TJS,2021,11.30885,{source["source_id"]},"WDI PA.NUS.FCRF, from TJK"\n'
            f'TJS,2022,11.031075,{source["source_id"]},"WDI PA.NUS.FCRF, from TJK"\n'
            f'TJS,2023,10.844525,{source["source_id"]},"WDI PA.NUS.FCRF, from TJK"\n'
        ).encode()
    )
    sources, _ = read_table(datasets / "sources.csv")
    row = sources[sources["source_id"] == source["source_id"]].iloc[0]
    assert (row["kind"], row["published_date"], row["sha256"]) == (
        "database_extract",
        "2026-07-13",
        file_digest(path),
    )
    before = _digest(datasets)
    again = merge_fx(datasets, source, parse_wdi_fx(path))
    assert (again.added, again.identical) == (0, 3)
    assert _digest(datasets) == before


def test_an_identical_value_is_skipped_and_a_different_one_is_a_new_vintage(tmp_path):
    # The tiny dataset has KZT 2024 = 469.44 from s2; "469.440" is the same number.
    # (A second rate for KZT 2024 needs fx_rates' key (currency, year, source_id).)
    datasets = write_dataset(tmp_path / "d")
    same = _wdi(tmp_path, [("KAZ", "469.440")], years=("2024",))
    result = merge_fx(datasets, _source(same), parse_wdi_fx(same))
    assert (result.added, result.identical, result.revised) == (0, 1, 0)
    other = _wdi(tmp_path, [("KAZ", "468.9625")], years=("2024",))
    result = merge_fx(datasets, _source(other), parse_wdi_fx(other))
    assert (result.added, result.identical, result.revised) == (1, 0, 1)
    fx, failures = read_table(datasets / "fx_rates.csv")
    assert failures == []
    assert fx[fx["currency"] == "KZT"]["units_per_usd"].tolist() == ["469.44", "468.9625"]


def test_a_dry_run_writes_nothing(tmp_path):
    datasets = write_dataset(tmp_path / "d")
    before = _digest(datasets)
    path = _wdi(tmp_path, [("TJK", "11.30885", "11.031075", "10.844525")])
    result = merge_fx(datasets, _source(path), parse_wdi_fx(path), dry_run=True)
    assert (result.added, result.dry_run) == (3, True)
    assert result.summary()[0].startswith("would write 3 new")
    assert _digest(datasets) == before and not (datasets / LOCK).exists()


def test_failures_or_an_invalid_result_write_nothing(tmp_path):
    datasets = write_dataset(tmp_path / "d")
    before = _digest(datasets)
    bad = _wdi(tmp_path, [("TJK", "x", "1", "1")])
    with pytest.raises(DataInvalid) as error:
        merge_fx(datasets, _source(bad), parse_wdi_fx(bad))
    assert "value 'x': is not a number" in str(error.value.failures[0])
    good = _wdi(tmp_path, [("TJK", "11.30885", "11.031075", "10.844525")])
    source = {**_source(good), "published_date": "2026-13-45"}
    with pytest.raises(DataInvalid) as error:
        merge_fx(datasets, source, parse_wdi_fx(good))
    assert any(
        f.file == "sources.csv" and f.column == "published_date" for f in error.value.failures
    )
    assert _digest(datasets) == before


def test_rates_go_into_the_file_s_own_column_order_and_line_ending(tmp_path):
    fx = "note,source_id,units_per_usd,year,currency\r\n,s2,469.44,2024,KZT\r\n"
    datasets = write_dataset(tmp_path / "d", fx_rates=fx)
    path = _wdi(tmp_path, [("TJK", "", "", "10.844525")])
    source = _source(path)
    merge_fx(datasets, source, parse_wdi_fx(path))
    data = (datasets / "fx_rates.csv").read_bytes()
    assert data.endswith(
        f'\r\n"WDI PA.NUS.FCRF, from TJK",{source["source_id"]},10.844525,2023,TJS\r\n'.encode()
    )
    frame, failures = parse_table("fx_rates.csv", data)
    assert failures == [] and frame["currency"].tolist() == ["KZT", "TJS"]


def test_merge_takes_any_parsed_rates(tmp_path):
    datasets = write_dataset(tmp_path / "d")
    rows = pd.DataFrame([["UZS", 2023, "11734.8334198669", "by hand", 2]], columns=FX_COLUMNS)
    path = _wdi(tmp_path, [("UZB", "1", "2", "3")])
    result = merge_fx(datasets, _source(path), FxParsed(rows))
    assert result.added == 1 and result.skipped == Counter()
