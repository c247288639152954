"""The official series shipped in datasets/: rebuilt byte for byte from their raw files,
judged on, and checked against the news (issue 11)."""

from __future__ import annotations

import shutil
from datetime import date
from pathlib import Path

import pandas as pd
import pytest

from tests.conftest import SHIPPED
from tracker import compute_gaps, load_datasets
from tracker.analysis.audit import audit
from tracker.importers import run_import
from tracker.importers.rebuild import MANIFEST, rebuild

#: The files `make data` writes.
BUILT = [
    "sources.csv",
    "fx_rates.csv",
    "kaz_bns.parquet",
    "uzb_stat.parquet",
    "arm_stat.parquet",
]
THOUSAND_USD_IN_MN = 1e-3


@pytest.fixture(scope="module")
def rebuilt(tmp_path_factory) -> Path:
    copy = shutil.copytree(SHIPPED, tmp_path_factory.mktemp("rebuild") / "datasets")
    rebuild(copy)
    return copy


@pytest.mark.parametrize("name", BUILT)
def test_make_data_rebuilds_each_file_byte_for_byte(rebuilt, name):
    assert (rebuilt / name).read_bytes() == (SHIPPED / name).read_bytes()


def test_every_raw_file_is_a_registered_source_with_its_checksum():
    manifest = pd.read_csv(SHIPPED / MANIFEST, dtype=str, keep_default_na=False)
    sources = pd.read_csv(SHIPPED / "sources.csv", dtype=str, keep_default_na=False)
    imported = sources[sources["sha256"] != ""].set_index("source_id")
    assert len(imported) == len(manifest) == 9
    assert set(imported["kind"]) == {"statistics_release", "database_extract"}
    bns = imported[imported.index.str.startswith("bns-")]
    assert sorted(bns["published_date"]) == [
        "2020-08-13", "2021-07-28", "2022-07-22", "2023-07-28", "2024-07-25",
    ]  # fmt: skip
    assert (imported["publisher"] != "").all() and (imported["note"] != "").all()


@pytest.fixture(scope="module")
def shipped():
    return load_datasets(SHIPPED)


def _value(data, file, reporter, partner, flow, span):
    panel = next(table.frame for table in data.tables if table.file == file)
    rows = panel[
        (panel["reporter"] == reporter)
        & (panel["partner"] == partner)
        & (panel["flow"] == flow)
        & (panel["span"] == span)
    ]
    return rows["value"].astype(float).tolist()


@pytest.mark.parametrize(
    ("file", "reporter", "partner", "flow", "span", "thousand_usd"),
    [
        ("kaz_bns.parquet", "KAZ", "TJK", "total", "2023", 1_129_966.5),
        ("kaz_bns.parquet", "KAZ", "CHN", "total", "2023", 30_055_389.6),
        ("kaz_bns.parquet", "KAZ", "PAK", "exports", "2022", 35_875.2),
        ("kaz_bns.parquet", "KAZ", "TJK", "total", "2018", 841_885.7),
        ("uzb_stat.parquet", "UZB", "KAZ", "exports", "2010", 886_465.5),
        ("uzb_stat.parquet", "UZB", "KAZ", "imports", "2023", 3_068_544.9),
        ("arm_stat.parquet", "ARM", "KAZ", "exports", "2022", 18_432.3),
    ],
)
def test_shipped_official_figures(shipped, file, reporter, partner, flow, span, thousand_usd):
    """Figures read by hand from the releases (thousand US dollars, to 0.1 thousand)."""
    values = _value(shipped, file, reporter, partner, flow, span)
    assert values == [pytest.approx(thousand_usd * THOUSAND_USD_IN_MN, abs=1e-4)]


def test_exchange_rates_for_the_currencies_economists_ask_for(shipped):
    rates = shipped.fx_rates.set_index(["currency", "year"])["units_per_usd"]
    for currency in ("RUB", "EUR", "CNY", "INR", "TRY", "KZT"):
        assert (currency, 2023) in rates.index, currency
    assert rates[("KZT", 2023)] == pytest.approx(456.165, abs=1e-3)  # WDI, not the news


def test_importing_a_raw_file_again_changes_nothing(tmp_path):
    copy = shutil.copytree(SHIPPED, tmp_path / "datasets")
    # The writers' lock file (empty, git-ignored) may appear; the data files may not change.
    before = _digests(copy)
    raw = copy / MANIFEST.parent
    result = run_import("bns", raw / "kaz_bns/bns_main_indicators_by_country_2023.xls", copy)
    assert result.added == 0 and result.identical == 1078
    result = run_import("wdi-fx", next((raw / "wdi_fx").glob("*.csv")), copy)
    assert result.added == 0
    assert _digests(copy) == before


def test_tajikistan_judged_on_bns_with_2024_preliminary(shipped):
    row = compute_gaps(shipped, date(2026, 11, 30)).set_index("target_id").loc["kaz-tjk-2bn-2025"]
    assert row["baseline_year"] == 2024 and row["is_baseline_preliminary"]
    assert row["history_start_year"] == 2021
    assert row["history_start_usd_mn"] == pytest.approx(1_163_781.9 * THOUSAND_USD_IN_MN, abs=1e-4)


def test_the_armenia_export_goal_now_has_an_official_baseline(shipped):
    row = (
        compute_gaps(shipped, date(2026, 11, 30))
        .set_index("target_id")
        .loc["kaz-arm-exports-350m-2024"]
    )
    assert row["baseline_year"] == 2023 and not row["is_baseline_preliminary"]
    # BNS 2023, Kazakhstan's exports to Armenia: 34,991.44433 thousand US dollars.
    assert row["baseline_usd_mn"] == pytest.approx(34_991.44433 * THOUSAND_USD_IN_MN)


def test_audit_lists_the_news_figures_that_disagree_with_a_release(shipped):
    found = audit(shipped)
    disagree = found[found["check"] == "sources_disagree"]
    against_release = disagree[disagree["source_ids"].str.contains("bns-")]
    pairs = set(
        zip(
            against_release["partner"],
            against_release["flow"],
            against_release["span"],
            strict=True,
        )
    )
    # $52.5 million against 53,214.5 thousand; $53.1 million against 103,673.5 thousand.
    assert ("PAK", "total", "2023") in pairs and ("ARM", "total", "2023") in pairs
    assert ("TJK", "exports", "2022") in pairs and ("TJK", "imports", "2022") in pairs
    assert all("the official figure is current" in m for m in against_release["message"])
    # Two releases of one year differing slightly are revisions, not findings.
    assert not disagree["source_ids"].str.fullmatch(r"bns-\w+; bns-\w+").any()


def _digests(folder: Path) -> dict[str, bytes]:
    """The data files' bytes, by name (not the writers' hidden lock file)."""
    return {
        p.name: p.read_bytes()
        for p in folder.iterdir()
        if p.is_file() and not p.name.startswith(".")
    }


@pytest.fixture
def copy(tmp_path) -> Path:
    return shutil.copytree(SHIPPED, tmp_path / "datasets")


def test_an_unknown_uzbek_code_names_its_line_and_changes_nothing(copy, tmp_path, run_cli):
    raw = (copy / MANIFEST.parent / "uzb_stat/sdmx_data_1105.csv").read_text(encoding="utf-8-sig")
    lines = raw.splitlines()
    lines[3] = "999," + lines[3].split(",", 1)[1]  # no country has M49 code 999
    bad = tmp_path / "uzb.csv"
    bad.write_text("\n".join(lines) + "\n", encoding="utf-8")
    before = _digests(copy)
    code, out = run_cli(
        "import", "stat-uz", str(bad), "--flow", "exports", "--released", "2024",
        "--datasets", str(copy),
    )  # fmt: skip
    assert code == 1
    assert "uzb.csv:4: column 'Code' value '999'" in out and "Traceback" not in out
    assert _digests(copy) == before


def test_an_unknown_armenian_name_names_its_line_and_changes_nothing(copy, tmp_path, run_cli):
    header = "country,export,import_consigment,import_origin,timeperiod,year"
    bad = tmp_path / "arm.csv"
    bad.write_text(
        f"{header}\r\n\r\nKazakhstan,1.0,-,2.0,Year,2022\r\n\r\nAtlantis,5.0,-,-,Year,2022\r\n"
    )
    before = _digests(copy)
    code, out = run_cli(
        "import", "armstat", str(bad), "--released", "2023", "--datasets", str(copy)
    )
    assert code == 1
    assert "arm.csv:5: column 'country' value 'Atlantis'" in out and "Traceback" not in out
    assert _digests(copy) == before


def test_an_unknown_russian_name_names_its_sheet_and_row_and_changes_nothing(
    copy, monkeypatch, run_cli
):
    from tracker.importers import bns

    book, failures = bns.read_book(copy / MANIFEST.parent / "kaz_bns/bns_main_indicators_2019.xls")
    assert failures == []
    sheet = book["12_2019"]
    row = sheet.index[sheet[0].astype(str).str.strip() == "Таджикистан"][0]
    sheet.loc[row, 0] = "Атлантида"
    monkeypatch.setattr(bns, "read_book", lambda path: (book, []))
    before = _digests(copy)
    code, out = run_cli(
        "import", "bns", str(copy / MANIFEST.parent / "kaz_bns/bns_main_indicators_2019.xls"),
        "--released", "2020-08-13", "--datasets", str(copy),
    )  # fmt: skip
    assert code == 1
    assert f"[12_2019]:{row + 1}: column " in out and "'Атлантида'" in out
    assert _digests(copy) == before


def test_a_release_without_a_printed_date_needs_released(copy, run_cli):
    before = _digests(copy)
    path = copy / MANIFEST.parent / "kaz_bns/bns_main_indicators_2019.xls"
    code, out = run_cli("import", "bns", str(path), "--datasets", str(copy))
    assert code == 1
    assert "prints no release date: give it with --released" in out
    assert _digests(copy) == before


def test_the_coverage_table_in_the_data_dictionary_is_current(shipped):
    """datasets/README.md repeats the report's coverage table as of 2026-11-30."""
    from tracker import target_series
    from tracker.analysis.coverage import coverage

    gaps = compute_gaps(shipped, "2026-11-30")
    table = coverage(
        shipped.targets, gaps, target_series(shipped, gaps, "2026-11-30"), "2026-11-30"
    )
    readme = (SHIPPED / "README.md").read_text(encoding="utf-8")
    for row in table.itertuples(index=False):
        line = (
            f"| {row.country_a}–{row.country_b} | {row.goals} | {row.statements} | "
            f"{row.latest_stated_date} | {row.official_years or '–'} | "
            f"{row.news_only_years or '–'} |"
        )
        assert line in readme, line
    assert len(table) >= 15 and table["statements"].sum() >= 40
