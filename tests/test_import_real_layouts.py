"""Importers against real layouts: the IMF portal download, real IMF and UN Comtrade answers.

Expected numbers are read by hand from the files (the real ones under
``tests/fixtures/imports/real/``) and written here.
"""

from __future__ import annotations

import csv
import gzip
import io
import json
import shutil

import pandas as pd
import pytest

from tests.conftest import ROOT, write_dataset
from tracker.core.units import USD_PER_MN
from tracker.importers import comtrade_json, imf_portal, parse_comtrade, parse_imf
from tracker.importers.imf_portal import iso_code

FIXTURES = ROOT / "tests" / "fixtures" / "imports"
REAL = FIXTURES / "real"
PORTAL = FIXTURES / "imf_portal.csv"
NIC_GZ = REAL / "imf_imts_nic_g001.csv.gz"
SDMX_ML = REAL / "openbb_imts_USA_G001_G998_A_2023_2024.xml"
COMTRADE_JSON = REAL / "comtradr_HS-60a6ad_CHN_ARG_DEU_2010.json"
COMTRADE_CSV = FIXTURES / "comtrade_real.csv"

PORTAL_HEADER = (
    '"DATASET","SERIES_CODE","OBS_MEASURE","COUNTRY.ID","COUNTRY","COUNTRY.Description",'
    '"COUNTERPART_COUNTRY.ID","COUNTERPART_COUNTRY","COUNTERPART_COUNTRY.Description"'
)
KOSOVO = "partner XKX (IMF code KOS): not in ISO 3166-1, so not a country here"
NOT_GOODS = "(not goods exports FOB or imports CIF)"
#: The real NIC answer: 436 months (1990-M01 to 2026-M04) of three indicators, plus one
#: row with no country, period or value (MG_FOB_USD), 1,309 rows in all.
NIC_MONTHS = 436


def _values(parsed) -> dict:
    """(reporter, partner, flow, span) -> value in US dollars."""
    return {(r.reporter, r.partner, r.flow, r.span): r.value_usd for r in parsed.rows.itertuples()}


def _portal(tmp_path, rows: list[str], periods: str = '"2023"', name: str = "p.csv"):
    path = tmp_path / name
    path.write_text("\n".join([f"{PORTAL_HEADER},{periods}", *rows]) + "\n", encoding="utf-8")
    return path


def _portal_row(series: str, *cells: str) -> str:
    reporter, _, partner, _ = series.split(".")
    quoted = ",".join(f'"{c}"' for c in cells)
    return f'"IMF.STA:IMTS","{series}","OBS_VALUE","{reporter}","","","{partner}","","",{quoted}'


# --- IMF data-portal download -----------------------------------------------------------


def test_portal_layout_values_are_millions():
    parsed = parse_imf(PORTAL)
    assert parsed.failures == []
    assert _values(parsed) == pytest.approx(
        {
            ("KAZ", "TJK", "exports", "2023"): 851.2345678 * USD_PER_MN,
            ("KAZ", "TJK", "imports", "2023"): 263.4 * USD_PER_MN,
            ("PAK", "KAZ", "exports", "2023"): 150.5 * USD_PER_MN,
        }
    )
    assert parsed.skipped == {
        "missing value": 1,  # Kazakhstan's imports from Kosovo: an empty cell
        f"indicator TBG_USD {NOT_GOODS}": 1,
        KOSOVO: 1,
        "aggregate or non-country partner G001": 1,
    }


def test_portal_and_sdmx_agree_on_the_same_figure():
    # 851.2345678 million in the portal download is OBS_VALUE 851234567.8 in SDMX-CSV.
    portal = _values(parse_imf(PORTAL))
    sdmx = _values(parse_imf(FIXTURES / "imts_sdmx_v1.csv"))
    key = ("KAZ", "TJK", "exports", "2023")
    assert portal[key] == pytest.approx(sdmx[key]) == pytest.approx(851_234_567.8)


def test_portal_row_order_does_not_matter(tmp_path):
    header, *rows = PORTAL.read_text(encoding="utf-8").splitlines()
    reversed_file = tmp_path / "reversed.csv"
    reversed_file.write_text("\n".join([header, *reversed(rows)]) + "\n", encoding="utf-8")
    again = parse_imf(reversed_file)
    assert _values(again) == _values(parse_imf(PORTAL))
    assert again.skipped == parse_imf(PORTAL).skipped


def test_imf_codes_that_are_not_iso(tmp_path):
    assert iso_code("KOS") == "XKX"
    assert iso_code("WBG") == "PSE"
    assert iso_code("KAZ: Kazakhstan") == "KAZ"
    # West Bank and Gaza is in ISO 3166-1 (PSE): its row is kept under the ISO code.
    path = _portal(tmp_path, [_portal_row("KAZ.XG_FOB_USD.WBG.A", "0.5")])
    assert _values(parse_imf(path)) == pytest.approx(
        {("KAZ", "PSE", "exports", "2023"): 0.5 * USD_PER_MN}
    )
    # Kosovo in SDMX-CSV too: mapped, then counted under its own reason.
    sdmx = tmp_path / "kos.csv"
    sdmx.write_text(
        "DATAFLOW,COUNTRY,INDICATOR,COUNTERPART_COUNTRY,FREQUENCY,TIME_PERIOD,OBS_VALUE\n"
        "IMF.STA:IMTS(1.0.0),KAZ,XG_FOB_USD,KOS,A,2023,1250000\n"
        "IMF.STA:IMTS(1.0.0),KOS,MG_CIF_USD,KAZ,A,2023,1300000\n",
        encoding="utf-8",
    )
    parsed = parse_imf(sdmx)
    assert parsed.rows.empty and parsed.failures == []
    assert parsed.skipped == {
        KOSOVO: 1,
        "reporter XKX (IMF code KOS): not in ISO 3166-1, so not a country here": 1,
    }


def test_portal_monthly_and_annual_columns_in_one_file(tmp_path):
    path = _portal(
        tmp_path,
        [
            _portal_row("KAZ.XG_FOB_USD.TJK.M", "", "70.123456", ""),
            _portal_row("KAZ.XG_FOB_USD.TJK.A", "851.2345678", "", ""),
            _portal_row("KAZ.MG_CIF_USD.TJK.Q", "", "", "65.5"),
        ],
        periods='"2023","2023-M01","2023-Q1"',
    )
    parsed = parse_imf(path)
    assert parsed.failures == []
    assert _values(parsed) == pytest.approx(
        {
            ("KAZ", "TJK", "exports", "2023-01"): 70_123_456,
            ("KAZ", "TJK", "exports", "2023"): 851_234_567.8,
            ("KAZ", "TJK", "imports", "2023-Q1"): 65_500_000,
        }
    )
    # The blank cells of other frequencies' columns are not missing values.
    assert parsed.skipped == {}


def test_portal_value_in_a_column_of_another_frequency_fails(tmp_path):
    path = _portal(
        tmp_path,
        [_portal_row("KAZ.XG_FOB_USD.TJK.A", "851.2", "70.1")],
        periods='"2023","2023-M01"',
    )
    (failure,) = parse_imf(path).failures
    assert str(failure) == (
        "p.csv:2: column '2023-M01' value '70.1': a value of series KAZ.XG_FOB_USD.TJK.A "
        "(frequency A) in a column of frequency M"
    )


@pytest.mark.parametrize(
    ("series", "rule"),
    [
        ("KAZ.XG_FOB_USD.TJK", "is not REPORTER.INDICATOR.PARTNER.FREQ"),
        ("KAZ.XG_FOB_USD.UZB.A", "names other countries than COUNTRY.ID KAZ and"),
    ],
)
def test_portal_series_code_that_does_not_fit(tmp_path, series, rule):
    row = f'"IMF.STA:IMTS","{series}","OBS_VALUE","KAZ","","","TJK","","","851.2"'
    parsed = parse_imf(_portal(tmp_path, [row]))
    assert len(parsed.failures) == 1 and parsed.rows.empty
    assert parsed.failures[0].line == 2 and parsed.failures[0].column == "SERIES_CODE"
    assert rule in parsed.failures[0].rule


def test_portal_without_period_columns(tmp_path):
    path = tmp_path / "p.csv"
    path.write_text(PORTAL_HEADER + "\n", encoding="utf-8")
    (failure,) = parse_imf(path).failures
    assert "required column missing: period columns" in failure.rule


# --- the real IMF SDMX-CSV answer (gzip) --------------------------------------------------


def test_real_imts_answer_world_partner_is_all_skipped():
    parsed = parse_imf(NIC_GZ)  # read through gzip: the name is not what decides
    assert parsed.failures == []
    assert parsed.rows.empty
    assert parsed.skipped == {
        "aggregate or non-country partner G001": 2 * NIC_MONTHS,  # exports and imports
        f"indicator TBG_USD {NOT_GOODS}": NIC_MONTHS,
        f"indicator MG_FOB_USD {NOT_GOODS}": 1,
    }


@pytest.fixture
def nic_as_country(tmp_path):
    """The real answer with World (G001) replaced by a country: its rows are then kept."""
    text = gzip.decompress(NIC_GZ.read_bytes()).decode("utf-8")
    assert text.count(",G001,M,") == 3 * NIC_MONTHS
    plain = tmp_path / "nic_usa.csv"
    plain.write_text(text.replace(",G001,M,", ",USA,M,"), encoding="utf-8")
    packed = tmp_path / "nic_usa.csv.gz"
    packed.write_bytes(gzip.compress(plain.read_bytes()))
    return plain, packed


def test_real_imts_answer_is_in_dollars_and_monthly(nic_as_country):
    plain, packed = nic_as_country
    parsed = parse_imf(packed)
    assert parsed.failures == []
    values = _values(parsed)
    assert len(values) == 2 * NIC_MONTHS
    # SCALE 6 on every row is a display hint: OBS_VALUE is already dollars.
    assert values[("NIC", "USA", "imports", "1990-01")] == pytest.approx(70_463_718.95791951)
    assert values[("NIC", "USA", "exports", "1990-01")] == pytest.approx(20_429_862.10355028)
    assert values[("NIC", "USA", "imports", "2026-04")] == pytest.approx(876_915_315)
    assert values[("NIC", "USA", "exports", "2026-04")] == pytest.approx(601_982_690)
    for flow in ("exports", "imports"):
        spans = sorted(parsed.rows.loc[parsed.rows["flow"] == flow, "span"].astype(str))
        assert len(set(spans)) == NIC_MONTHS  # every month, each once
        assert (spans[0], spans[12], spans[-1]) == ("1990-01", "1991-01", "2026-04")
    assert parsed.skipped == {
        f"indicator TBG_USD {NOT_GOODS}": NIC_MONTHS,
        f"indicator MG_FOB_USD {NOT_GOODS}": 1,
    }
    unpacked = parse_imf(plain)  # the same file uncompressed: the same rows
    pd.testing.assert_frame_equal(unpacked.rows, parsed.rows)


def test_gzip_is_unpacked_only_up_to_the_limit(tmp_path, monkeypatch):
    monkeypatch.setattr(imf_portal, "MAX_UNPACKED_BYTES", 100_000)
    (failure,) = parse_imf(NIC_GZ).failures  # 790,762 bytes unpacked
    assert str(failure) == (
        "imf_imts_nic_g001.csv.gz: unpacks to more than 100,000 bytes, the most a "
        "compressed file may hold here; ask for fewer series"
    )
    bomb = tmp_path / "bomb.csv"
    bomb.write_bytes(gzip.compress(b"0" * 10_000_000))  # about 10 KB packed
    assert len(bomb.read_bytes()) < 20_000
    (failure,) = parse_imf(bomb).failures
    assert "unpacks to more than 100,000 bytes" in failure.rule


def test_truncated_gzip(tmp_path):
    truncated = tmp_path / "cut.csv.gz"
    data = NIC_GZ.read_bytes()
    truncated.write_bytes(data[: len(data) // 2])
    (failure,) = parse_imf(truncated).failures
    assert failure.rule.startswith("cannot be unpacked as gzip (")


def test_sdmx_ml_is_refused_in_one_line(tmp_path):
    (failure,) = parse_imf(SDMX_ML).failures
    assert str(failure) == (
        "openbb_imts_USA_G001_G998_A_2023_2024.xml:1: SDMX-ML (XML) is not read; download SDMX-CSV"
    )
    packed = tmp_path / "answer.csv.gz"  # compressed, and named as CSV: still XML
    packed.write_bytes(gzip.compress(SDMX_ML.read_bytes()))
    assert parse_imf(packed).failures[0].rule == "SDMX-ML (XML) is not read; download SDMX-CSV"


def test_sdmx_ml_through_the_cli(tmp_path, run_cli):
    datasets = write_dataset(tmp_path / "datasets")
    code, out = run_cli("import", "imf", str(SDMX_ML), "--datasets", str(datasets))
    assert code == 1
    assert "Traceback" not in out
    assert "SDMX-ML (XML) is not read; download SDMX-CSV" in out


def test_real_gzip_answer_through_the_cli(tmp_path, run_cli):
    datasets = write_dataset(tmp_path / "datasets")
    args = ["import", "imf", str(NIC_GZ), "--datasets", str(datasets), "--dry-run"]
    code, out = run_cli(*args, "--released", "2026-08-08")
    assert code == 0, out
    assert "would write 0 new observation(s)" in out
    assert "skipped 872 row(s): aggregate or non-country partner G001" in out


# --- UN Comtrade JSON ---------------------------------------------------------------------

#: The four records of the real answer, read by hand: China 2010, US dollars.
CHINA_2010 = {
    ("CHN", "ARG", "imports", "2010"): 6_804_128_143,
    ("CHN", "DEU", "imports", "2010"): 74_251_272_075,
    ("CHN", "ARG", "exports", "2010"): 6_115_764_185,
    ("CHN", "DEU", "exports", "2010"): 68_047_133_397,
}


def _csv_cell(value) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


def _csv_from_json(text: str) -> str:
    """The answer's records as the API's CSV: one column per field, in the records' order."""
    records = json.loads(text)["data"]
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(list(records[0]))
    writer.writerows([_csv_cell(record[field]) for field in records[0]] for record in records)
    return buffer.getvalue()


def _answer(tmp_path, edit, name: str = "answer.json"):
    """The real answer with its records changed by ``edit``."""
    answer = json.loads(COMTRADE_JSON.read_text(encoding="utf-8"))
    for record in answer["data"]:
        edit(record)
    path = tmp_path / name
    path.write_text(json.dumps(answer), encoding="utf-8")
    return path


def test_comtrade_real_json():
    parsed = parse_comtrade(COMTRADE_JSON)
    assert parsed.failures == []
    assert _values(parsed) == CHINA_2010
    assert parsed.skipped == {}


def test_comtrade_csv_fixture_is_the_json_records():
    text = COMTRADE_JSON.read_text(encoding="utf-8")
    assert COMTRADE_CSV.read_text(encoding="utf-8") == _csv_from_json(text)


def test_comtrade_json_and_csv_give_identical_rows():
    from_json = parse_comtrade(COMTRADE_JSON)
    from_csv = parse_comtrade(COMTRADE_CSV)
    assert from_csv.failures == [] and from_csv.skipped == from_json.skipped
    columns = ["reporter", "partner", "flow", "span", "value_usd", "note"]
    pd.testing.assert_frame_equal(from_json.rows[columns], from_csv.rows[columns])
    assert from_csv.rows["line"].tolist() == [2, 3, 4, 5]  # lines; records are 0 to 3


def test_comtrade_format_is_told_by_content(tmp_path):
    json_named_csv = tmp_path / "answer.csv"
    shutil.copy(COMTRADE_JSON, json_named_csv)
    assert _values(parse_comtrade(json_named_csv)) == CHINA_2010
    csv_named_json = tmp_path / "answer.json"
    shutil.copy(COMTRADE_CSV, csv_named_json)
    assert _values(parse_comtrade(csv_named_json)) == CHINA_2010


def test_comtrade_numeric_codes_stand_in_for_missing_iso(tmp_path):
    def codes_only(record):
        for field in ("reporterISO", "partnerISO", "reporterDesc", "partnerDesc"):
            del record[field]

    assert _values(parse_comtrade(_answer(tmp_path, codes_only))) == CHINA_2010

    def comtrade_numbers(record):  # Comtrade's own numbers; ISO null
        record["reporterISO"] = record["partnerISO"] = None
        record["reporterCode"] = 842  # USA (ISO 3166-1 numeric 840)
        record["partnerCode"] = {32: 251, 276: 0}[record["partnerCode"]]  # France; World

    parsed = parse_comtrade(_answer(tmp_path, comtrade_numbers))
    assert _values(parsed) == {
        ("USA", "FRA", "imports", "2010"): 6_804_128_143,
        ("USA", "FRA", "exports", "2010"): 6_115_764_185,
    }
    assert parsed.skipped == {"aggregate or non-country partner W00": 2}


def test_comtrade_monthly_span_and_ref_period_stand_in(tmp_path):
    def monthly(record):
        record.update(freqCode="M", period="201003", refPeriodId=20100301, refMonth=3)

    assert set(_values(parse_comtrade(_answer(tmp_path, monthly)))) == {
        (r, p, f, "2010-03") for r, p, f, _ in CHINA_2010
    }

    def monthly_without_period(record):
        monthly(record)
        del record["period"]

    spans = parse_comtrade(_answer(tmp_path, monthly_without_period)).rows["span"]
    assert spans.tolist() == ["2010-03"] * 4
    annual = parse_comtrade(_answer(tmp_path, lambda record: record.pop("period"))).rows
    assert annual["span"].tolist() == ["2010"] * 4


def test_comtrade_json_rules_are_the_csv_rules(tmp_path):
    def breakdowns(record):
        if record["partnerISO"] == "DEU" and record["flowCode"] == "X":
            record["motCode"] = 1000  # by sea: a part, not the total
        if record["partnerISO"] == "ARG" and record["flowCode"] == "X":
            record["flowCode"] = "RX"

    parsed = parse_comtrade(_answer(tmp_path, breakdowns))
    assert set(_values(parsed)) == {
        ("CHN", "ARG", "imports", "2010"),
        ("CHN", "DEU", "imports", "2010"),
    }
    assert parsed.skipped == {
        "motCode breakdown (only motCode 0, the total, is taken)": 1,
        "flowCode RX (only X exports and M imports are imported)": 1,
    }
    detail = parse_comtrade(_answer(tmp_path, lambda r: r.update(cmdCode="27")))
    assert "only cmdCode TOTAL can be imported" in detail.failures[0].rule
    assert detail.failures[0].column == "data[0].cmdCode"


def test_comtrade_json_failures_name_the_record(tmp_path):
    def bad_value(record):
        if record["partnerISO"] == "DEU" and record["flowCode"] == "M":
            record["primaryValue"] = "74,251,272,075"

    (failure,) = parse_comtrade(_answer(tmp_path, bad_value)).failures
    assert str(failure) == (
        "answer.json: column 'data[1].primaryValue' value '74,251,272,075': is not a number"
    )
    scaled = parse_comtrade(_answer(tmp_path, lambda r: r.update(primaryValue=6.8e15)))
    assert len(scaled.failures) == 4
    assert "is a scale applied twice?" in scaled.failures[0].rule


REAL_TEXT = COMTRADE_JSON.read_text(encoding="utf-8")
# (id, file content, fragment of the one failure)
BAD_ANSWERS = [
    ("garbage", "{this is not json", "is not valid JSON (Expecting property name"),
    ("truncated", REAL_TEXT[: len(REAL_TEXT) // 2], "is not valid JSON ("),
    ("a-list", "[1, 2, 3]", "is a JSON list, not a UN Comtrade API answer"),
    ("records-without-answer", json.dumps(json.loads(REAL_TEXT)["data"]), "is a JSON list"),
    ("data-null", '{"elapsedTime": "0 secs", "count": 0, "data": null}', 'its "data" is null'),
    ("data-missing", '{"count": 0}', 'its "data" is missing'),
    ("data-a-number", '{"data": 7}', 'its "data" is 7, not a list of records'),
    ("record-not-object", '{"data": [{}, 5]}', "data[1] is not a record"),
    (
        "error-answer",
        '{"elapsedTime": "0 secs", "count": 0, "data": null, "error": "Invalid period"}',
        "is an error answer from UN Comtrade: Invalid period",
    ),
    (
        "gateway-401",
        '{"statusCode": 401, "message": "Access denied due to invalid subscription key."}',
        "(statusCode 401: Access denied due to invalid subscription key.)",
    ),
    ("nested-too-deep", "[" * 100_000, "is not valid JSON"),
    ("not-utf8", '{"data": "\udcff"}', "is not valid JSON"),
]


@pytest.mark.parametrize(
    ("content", "fragment"), [c[1:] for c in BAD_ANSWERS], ids=[c[0] for c in BAD_ANSWERS]
)
def test_bad_json_answers_fail_in_one_line(tmp_path, run_cli, content, fragment):
    path = tmp_path / "answer.json"
    path.write_bytes(content.encode("utf-8", "surrogateescape"))
    parsed = parse_comtrade(path)
    assert parsed.rows.empty
    (failure,) = parsed.failures
    assert failure.line is None and fragment in failure.rule
    datasets = write_dataset(tmp_path / "datasets")
    code, out = run_cli("import", "comtrade", str(path), "--datasets", str(datasets))
    assert code == 1
    assert "Traceback" not in out
    assert any(line.startswith("answer.json: ") and fragment in line for line in out.splitlines())


def test_long_error_messages_are_cut(tmp_path):
    path = tmp_path / "answer.json"
    path.write_text(json.dumps({"error": "x" * 5000}), encoding="utf-8")
    (failure,) = parse_comtrade(path).failures
    assert failure.rule.endswith("x" * 200 + "...")
    assert len(failure.rule) < 300


def test_json_over_the_size_limit_is_refused_unread(monkeypatch):
    monkeypatch.setattr(comtrade_json, "MAX_JSON_BYTES", 1000)
    (failure,) = parse_comtrade(COMTRADE_JSON).failures
    assert str(failure) == (
        "comtradr_HS-60a6ad_CHN_ARG_DEU_2010.json: is 6,582 bytes; a JSON answer is read "
        "whole, so at most 1,000: ask the API for CSV (format=csv) instead"
    )


def test_an_answer_without_records_imports_nothing(tmp_path):
    path = tmp_path / "answer.json"
    path.write_text('{"elapsedTime": "0 secs", "count": 0, "data": [], "error": ""}')
    parsed = parse_comtrade(path)
    assert parsed.rows.empty and parsed.failures == [] and parsed.skipped == {}


def test_portal_value_that_is_no_number_names_its_period_column(tmp_path):
    path = _portal(tmp_path, [_portal_row("KAZ.XG_FOB_USD.TJK.A", "1,50.5")])
    (failure,) = parse_imf(path).failures
    assert str(failure) == "p.csv:2: column '2023' value '1,50.5': is not a number"
