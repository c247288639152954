"""National statistics files: Uzbekistan's stat.uz tables and Armenia's opendata.am file.

The real files in datasets/raw/ are checked against figures read off them by hand (grep);
tiny inline files check each rule, with the line and value a failure must name.
"""

from __future__ import annotations

import pytest

from tests.conftest import ROOT
from tracker.importers import stat_uz
from tracker.importers.armstat import parse_armstat
from tracker.importers.stat_uz import parse_stat_uz

RAW = ROOT / "datasets" / "raw"
UZB_HEADER = "\ufeffCode,Klassifikator,Klassifikator_ru,Klassifikator_en,2022,2023\n"
ARM_HEADER = "country,export,import_consigment,import_origin,timeperiod,year"
THOUSAND = 1000  # the files print thousand US dollars

UZB_ZERO = "zero value (no trade, or less than the printed precision)"
UZB_OTHER = "aggregate partner code 0 (Other countries, not allocated to a partner)"
NO_TOTAL = "total not formed: exports or imports has no value"
JANUARY_ONLY = "Year rows of a year the file holds to January only (repeat the January row)"


def _value(parsed, partner, flow, span):
    rows = parsed.rows
    hit = rows[(rows.partner == partner) & (rows.flow == flow) & (rows.span == span)]
    assert len(hit) == 1, (partner, flow, span, len(hit))
    return hit.iloc[0]


def _uzb(tmp_path, body, flow="exports", header=UZB_HEADER):
    path = tmp_path / "sdmx_data.csv"
    path.write_text(header + body, encoding="utf-8")
    return parse_stat_uz(path, flow)


def _arm(tmp_path, *records):
    # The real layout: CRLF, a blank line after every record.
    path = tmp_path / "armenia.csv"
    path.write_bytes("\r\n\r\n".join([ARM_HEADER, *records, ""]).encode())
    return parse_armstat(path)


def _failures(parsed):
    return [(f.line, f.column, f.value) for f in parsed.failures]


# --- Uzbekistan, the real files -----------------------------------------------------------


def test_uzbekistan_exports_real_file():
    parsed = parse_stat_uz(RAW / "uzb_stat" / "sdmx_data_1105.csv", "exports")
    assert parsed.failures == []
    kaz_2010 = _value(parsed, "KAZ", "exports", "2010")
    assert kaz_2010.value_usd == pytest.approx(886_465.5 * THOUSAND)
    assert kaz_2010.line == 45  # `grep -n ^398,` in the file
    assert _value(parsed, "KAZ", "exports", "2023").value_usd == pytest.approx(
        1_417_053.6 * THOUSAND
    )
    assert set(parsed.rows.reporter) == {"UZB"} and set(parsed.rows.flow) == {"exports"}
    # 228 partner rows x 14 years = 3,192 cells: 14 of code 0, 889 zeros, the rest kept.
    assert parsed.skipped == {UZB_OTHER: 14, UZB_ZERO: 889}
    assert len(parsed.rows) == 228 * 14 - 14 - 889 == 2289
    # M49 736 "Sudan" (the pre-2011 code) is read as SDN: 12 years above zero, with a note.
    sudan = parsed.rows[parsed.rows.partner == "SDN"]
    assert len(sudan) == 12 and sudan.note.str.startswith("M49 736").all()
    assert _value(parsed, "SDN", "exports", "2021").value_usd == pytest.approx(1170.3 * THOUSAND)


def test_uzbekistan_imports_real_file():
    parsed = parse_stat_uz(RAW / "uzb_stat" / "sdmx_data_1176.csv", "imports")
    assert parsed.failures == []
    assert _value(parsed, "KAZ", "imports", "2023").value_usd == pytest.approx(
        3_068_544.9 * THOUSAND
    )
    assert _value(parsed, "KAZ", "imports", "2010").value_usd == pytest.approx(
        997_130.27 * THOUSAND
    )
    # Sudan 2019 is printed with seven decimals: 10.9986412 thousand.
    assert _value(parsed, "SDN", "imports", "2019").value_usd == pytest.approx(10_998.6412)
    # 234 rows x 14 = 3,276 cells: codes 0 and 530 (14 each), 1,265 zeros, and 7 cells
    # under a dollar (2022: 0.0005, 0.0006, 8e-05, 0.0002 x 3, 0.0001 thousand).
    assert parsed.skipped == {
        UZB_OTHER: 14,
        "former country code 530 (Netherlands Antilles), not one country today": 14,
        UZB_ZERO: 1265,
        "below one US dollar (rounding residue, not a trade figure)": 7,
    }
    assert len(parsed.rows) == 234 * 14 - 28 - 1265 - 7 == 1976
    assert not ((parsed.rows.partner == "GNQ") & (parsed.rows.span == "2022")).any()


# --- Uzbekistan, rule by rule -------------------------------------------------------------


def test_uzbekistan_codes_and_values(tmp_path):
    parsed = _uzb(
        tmp_path,
        "398,Qozog'iston,Казахстан,Kazakhstan,1.5,-\n"
        "0,Boshqa,Другие,Other countries,100.0,200.0\n"
        "8,Albaniya,Албания,Albania,0.0,\n"
        "736,Sudan,Судан,Sudan,2.25,0\n",
    )
    assert parsed.failures == []
    assert parsed.rows[["partner", "span", "value_usd", "line"]].values.tolist() == [
        ["KAZ", "2022", 1500.0, 2],
        ["SDN", "2022", 2250.0, 5],
    ]
    assert parsed.skipped == {
        "no value (empty or '-')": 2,  # KAZ 2023 "-", ALB 2023 empty
        UZB_OTHER: 2,
        UZB_ZERO: 2,  # ALB 2022 "0.0", SDN 2023 "0"
    }


def test_uzbekistan_unknown_code_negative_and_text_fail_with_line_and_value(tmp_path):
    parsed = _uzb(
        tmp_path,
        "398,Qozog'iston,Казахстан,Kazakhstan,1.5,2.5\n"
        "999,Nowhere,Нигде,Nowhere,1.0,1.0\n"
        '762,Tojikiston,Таджикистан,Tajikistan,-4.0,"1 234,5"\n'
        "X1,Guruh,Группа,Group,1.0,1.0\n",
    )
    assert _failures(parsed) == [
        (3, "Code", "999"),
        (4, "2022", "-4.0"),
        (4, "2023", "1 234,5"),
        (5, "Code", "X1"),
    ]
    assert "not negative" in parsed.failures[1].rule


def test_uzbekistan_same_partner_twice_fails(tmp_path):
    parsed = _uzb(tmp_path, "8,Albaniya,Албания,Albania,1,2\n008,Albaniya,Албания,Albania,1,2\n")
    assert _failures(parsed) == [(3, "Code", "008")]
    assert "first on line 2" in parsed.failures[0].rule


def test_uzbekistan_scale_applied_twice_fails(tmp_path):
    # 2e10 thousand = 2e13 dollars, above the $1e13 ceiling.
    parsed = _uzb(tmp_path, "398,Qozog'iston,Казахстан,Kazakhstan,20000000000,1\n")
    assert _failures(parsed) == [(2, "2022", "2e+13")]


@pytest.mark.parametrize(
    ("content", "expected"),
    [
        (b"", "file is empty"),
        (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR", "binary"),
        (b"Code,Klassifikator_en,2022\n398,Kazakhstan,1\n", "Klassifikator, Klassif"),
        ("\ufeffCode,Klassifikator,Klassifikator_ru,Klassifikator_en,2022\n".encode(), "no rows"),
        (
            "Code,Klassifikator,Klassifikator_ru,Klassifikator_en,2022\n1,Kuba,x,\xe9,1\n".encode(
                "latin-1"
            ),
            "0xE9 is not UTF-8",
        ),
        (
            b"Code,Klassifikator,Klassifikator_ru,Klassifikator_en,Total\n1,a,b,c,1\n",
            "every column is a year",
        ),
    ],
    ids=["empty", "binary", "header", "header-only", "latin-1", "not-a-year"],
)
def test_uzbekistan_unusable_files_fail_without_traceback(tmp_path, content, expected):
    path = tmp_path / "bad.csv"
    path.write_bytes(content)
    parsed = parse_stat_uz(path, "imports")
    assert parsed.rows.empty and len(parsed.failures) == 1
    assert expected in str(parsed.failures[0]) and parsed.failures[0].file == "bad.csv"


def test_uzbekistan_refuses_an_overlong_file_and_a_bad_flow(tmp_path, monkeypatch):
    path = tmp_path / "big.csv"
    path.write_text(UZB_HEADER + "398,a,b,c,1,2\n" * 10, encoding="utf-8")
    monkeypatch.setattr(stat_uz, "MAX_FILE_BYTES", 100)
    assert "a statistics table has at most 100" in parse_stat_uz(path, "exports").failures[0].rule
    assert parse_stat_uz(path, "total").failures[0].value == "total"


# --- Armenia, the real file ---------------------------------------------------------------


def test_armenia_real_file_kazakhstan():
    parsed = parse_armstat(RAW / "arm_opendata" / "armenia_data.csv")
    assert parsed.failures == []
    # grep '^Kazakhstan.*Year,2022' (line 9539): 18432.3,26860.0,23458.7,Year,2022
    exports = _value(parsed, "KAZ", "exports", "2022")
    assert exports.value_usd == pytest.approx(18_432.3 * THOUSAND)
    assert exports.line == 9539 and exports.note == ""
    # imports by origin (23,458.7), not by consignment (26,860.0)
    assert _value(parsed, "KAZ", "imports", "2022").value_usd == pytest.approx(23_458.7 * THOUSAND)
    assert _value(parsed, "KAZ", "total", "2022").value_usd == pytest.approx(
        (18_432.3 + 23_458.7) * THOUSAND
    )
    # June 2022, origin 15,407.5 (consignment 15,753.8); turnover 1,042.0 + 15,407.5.
    assert _value(parsed, "KAZ", "imports", "2022-06").value_usd == pytest.approx(
        15_407.5 * THOUSAND
    )
    assert _value(parsed, "KAZ", "total", "2022-06").value_usd == pytest.approx(16_449.5 * THOUSAND)
    # The twelve 2022 export months, summed by hand, give the Year row exactly.
    months = parsed.rows[
        (parsed.rows.partner == "KAZ")
        & (parsed.rows.flow == "exports")
        & parsed.rows.span.str.match(r"^2022-[0-9]{2}$")
    ]
    assert len(months) == 12 and months.value_usd.sum() == pytest.approx(18_432.3 * THOUSAND)
    # 2023: the file stops at January; its "Year" row repeats January and is no full year.
    kaz_spans = set(parsed.rows.loc[parsed.rows.partner == "KAZ", "span"])
    assert {span for span in kaz_spans if span.startswith("2023")} == {"2023-01"}
    assert _value(parsed, "KAZ", "exports", "2023-01").value_usd == pytest.approx(
        2_458.2 * THOUSAND
    )
    assert not parsed.rows.span.str.startswith("2023-01/").any()
    assert not (parsed.rows.span == "2023").any()


def test_armenia_real_file_counts_and_part_years():
    parsed = parse_armstat(RAW / "arm_opendata" / "armenia_data.csv")
    assert parsed.rows.flow.value_counts().to_dict() == {
        "imports": 10039,
        "exports": 5153,
        "total": 4844,
    }
    assert parsed.skipped == {
        "aggregate or non-country partner: EU countries not specified": 15,
        "aggregate or non-country partner: blank country name": 67,
        "aggregate or non-country partner: unknown country": 80,
        JANUARY_ONLY: 140,  # 136 partners in 2023; 2 in 2018, 1 in 2021, 1 in 2022
        "exports: no value (empty or '-')": 5639,
        "imports: no value (empty or '-')": 753,
        NO_TOTAL: 5948,
    }
    assert not parsed.rows.duplicated(["partner", "flow", "span"]).any()
    # Algeria 2022: months 4, 5, 7, 8 and 11 only; 25.4 + 72.0 + 27.4 + 56.1 + 1.7 = 182.6.
    algeria = _value(parsed, "DZA", "imports", "2022-01/2022-11")
    assert algeria.value_usd == pytest.approx(182.6 * THOUSAND) and algeria.line == 239
    assert not ((parsed.rows.partner == "DZA") & (parsed.rows.span == "2022")).any()
    # Afghanistan 2020: the Year row's exports (3,326.0) exceed its seven months (2,992.7).
    afghanistan = _value(parsed, "AFG", "exports", "2020")
    assert afghanistan.value_usd == pytest.approx(3326.0 * THOUSAND)
    assert "2,992.7" in afghanistan.note
    assert _value(parsed, "AFG", "imports", "2020").note == ""  # 0.3 vs 0.1: rounding


# --- Armenia, rule by rule ----------------------------------------------------------------


def test_armenia_part_year_is_year_to_date_and_lines_count_blank_lines(tmp_path):
    parsed = _arm(
        tmp_path,
        "Georgia,10.0,5.0,4.0,1,2021",  # line 3
        "Georgia,20.0,5.0,6.0,3,2021",  # line 5
        "Georgia,30.0,10.0,10.0,Year,2021",  # line 7
    )
    assert parsed.failures == []
    rows = parsed.rows
    assert rows[["flow", "span", "value_usd", "line"]].values.tolist() == [
        ["exports", "2021-01", 10_000.0, 3],
        ["imports", "2021-01", 4_000.0, 3],
        ["total", "2021-01", 14_000.0, 3],
        ["exports", "2021-03", 20_000.0, 5],
        ["imports", "2021-03", 6_000.0, 5],
        ["total", "2021-03", 26_000.0, 5],
        ["exports", "2021-01/2021-03", 30_000.0, 7],
        ["imports", "2021-01/2021-03", 10_000.0, 7],
        ["total", "2021-01/2021-03", 40_000.0, 7],
    ]
    assert "2021" not in set(rows.span)


def test_armenia_full_year_january_only_and_disagreeing_years(tmp_path):
    months = [f"Turkey,1.0,-,2.0,{m},2021" for m in range(1, 13)]
    parsed = _arm(
        tmp_path,
        *months,
        "Turkey,13.0,-,24.0,Year,2021",  # exports 13.0 vs 12 x 1.0: beyond 13 x 0.05
        "Turkey,3.0,-,1.0,1,2023",
        "Turkey,3.0,-,1.0,Year,2023",  # the file stops at January: repeats it
        "Iran,1.0,-,1.0,2,2022",
        "Iran,9.0,-,1.0,Year,2022",  # a part year that disagrees: coverage unknown
    )
    assert parsed.failures == []
    year = _value(parsed, "TUR", "exports", "2021")
    assert year.value_usd == pytest.approx(13_000.0) and "month rows 12.0" in year.note
    assert _value(parsed, "TUR", "imports", "2021").note == ""  # 24.0 = 12 x 2.0
    assert _value(parsed, "TUR", "total", "2021").value_usd == pytest.approx(37_000.0)
    assert not parsed.rows.span.isin(["2023", "2022", "2022-01/2022-02"]).any()
    assert parsed.skipped == {
        JANUARY_ONLY: 1,
        "Year rows of a part year that disagree with their months": 1,
    }


def test_armenia_missing_values_aggregates_and_aliases(tmp_path):
    parsed = _arm(
        tmp_path,
        "Unknown country,5.0,5.0,5.0,1,2022",
        ",1.0,-,-,1,2022",
        '"Korea, Republic of",-,-,7.5,1,2022',
        "Russia,-,-,-,1,2022",
    )
    assert parsed.failures == []
    assert parsed.rows[["partner", "flow", "value_usd", "line"]].values.tolist() == [
        ["KOR", "imports", 7_500.0, 7]
    ]
    assert parsed.skipped == {
        "aggregate or non-country partner: unknown country": 1,
        "aggregate or non-country partner: blank country name": 1,
        "exports: no value (empty or '-')": 2,
        "imports: no value (empty or '-')": 1,
        NO_TOTAL: 2,
    }


def test_armenia_bad_rows_fail_with_line_column_and_value(tmp_path):
    parsed = _arm(
        tmp_path,
        "Atlantis,1.0,1.0,1.0,1,2022",  # line 3
        "Georgia,-2.0,1.0,1.0,1,2022",  # line 5
        "Georgia,1.0,1.0,n/a,2,2022",  # line 7
        "Georgia,1.0,1.0,1.0,13,2022",  # line 9
        "Georgia,1.0,1.0,1.0,3,22",  # line 11
        "Turkey,1.0,1.0,1.0,4,2022",  # line 13
        "Türkiye,1.0,1.0,1.0,4,2022",  # line 15: the same partner and month again
    )
    assert _failures(parsed) == [
        (3, "country", "Atlantis"),
        (5, "export", "-2.0"),
        (7, "import_origin", "n/a"),
        (9, "timeperiod", "13"),
        (11, "year", "22"),
        (15, "country", "Türkiye"),
    ]
    assert "first on line 13" in parsed.failures[-1].rule


@pytest.mark.parametrize(
    ("content", "expected"),
    [
        (b"", "file is empty"),
        (bytes(range(256)) * 4, "binary"),
        (b"country,export,year\r\nGeorgia,1,2022\r\n", "import_consigment, import_origin"),
        (b"country,export,import_consigment,import_origin,timeperiod,year\r\n\r\n", "no rows"),
        (b'country,export\r\n"Georgia,1\r\n', "fields"),
    ],
    ids=["empty", "binary", "header", "header-only", "open-quote"],
)
def test_armenia_unusable_files_fail_without_traceback(tmp_path, content, expected):
    path = tmp_path / "bad.csv"
    path.write_bytes(content)
    parsed = parse_armstat(path)
    assert parsed.rows.empty and parsed.failures
    assert expected in str(parsed.failures[0])
