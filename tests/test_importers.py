"""Importers: official layouts to validated observations, merged without loss."""

from __future__ import annotations

import hashlib
import shutil
from datetime import date
from pathlib import Path

import pandas as pd
import pyarrow.parquet as pq
import pytest

from tests.conftest import ROOT, TARGETS, write_dataset
from tracker import load_datasets
from tracker.analysis.audit import audit
from tracker.analysis.gaps import compute_gaps
from tracker.importers import parse_comtrade, parse_imf, parse_table_file, read_spec
from tracker.loading.commit import LOCK

FIXTURES = ROOT / "tests" / "fixtures" / "imports"


def _values(parsed) -> dict:
    """(reporter, partner, flow, span) -> value in USD millions."""
    return {
        (r.reporter, r.partner, r.flow, r.span): r.value_usd / 1e6 for r in parsed.rows.itertuples()
    }


def _digest(directory: Path) -> dict[str, str]:
    return {
        p.name: hashlib.sha256(p.read_bytes()).hexdigest()
        for p in sorted(directory.iterdir())
        if p.is_file() and p.name != LOCK  # the writer lock: an empty file, not data
    }


@pytest.fixture
def datasets(tmp_path):
    return write_dataset(tmp_path / "datasets")


def _import(run_cli, datasets, kind, name, *extra):
    args = ["import", kind, str(FIXTURES / name), "--datasets", str(datasets), *extra]
    if kind != "table":
        args += ["--released", "2025-04-30"]
    return run_cli(*args)


# --- parsing, against hand-converted numbers -------------------------------------------


def test_imf_sdmx_csv_1():
    parsed = parse_imf(FIXTURES / "imts_sdmx_v1.csv")
    assert parsed.failures == []
    assert _values(parsed) == pytest.approx(
        {
            ("KAZ", "TJK", "exports", "2022"): 877_600_000 / 1e6,  # 877.6
            ("KAZ", "TJK", "exports", "2023"): 851_234_567.8 / 1e6,  # 851.2345678
            ("KAZ", "TJK", "imports", "2023"): 263_400_000 / 1e6,  # 263.4
            ("KAZ", "TJK", "exports", "2024-Q1"): 210_500_000 / 1e6,
            ("KAZ", "TJK", "exports", "2024-01"): 70_123_456 / 1e6,
        }
    )
    # SCALE 6 in SDMX-CSV describes display: OBS_VALUE is already in dollars.
    assert parsed.skipped == {
        "missing value": 1,
        "indicator TBG_USD (not goods exports FOB or imports CIF)": 1,
        "aggregate or non-country partner G001": 1,
        "aggregate or non-country partner G163": 1,
    }
    estimated = parsed.rows[parsed.rows.flow == "imports"].note.iloc[0]
    assert estimated == "IMF OBS_STATUS E"


def test_imf_sdmx_csv_2_with_labels():
    parsed = parse_imf(FIXTURES / "imts_sdmx_v2_labels.csv")
    assert _values(parsed) == pytest.approx(
        {
            ("TJK", "KAZ", "imports", "2023"): 893.0,
            ("TJK", "KAZ", "exports", "2023"): 255.8,
        }
    )
    assert parsed.skipped == {"deletion rows (ACTION D), not applied": 1}


def test_imf_bulk_layout_applies_scale():
    parsed = parse_imf(FIXTURES / "imts_bulk.csv")
    # SCALE.ID 6: the cells are in millions, 63.25 x 10**6 dollars.
    assert _values(parsed) == pytest.approx(
        {
            ("PAK", "KAZ", "exports", "2021"): 63.25 * 10**6 / 1e6,
            ("PAK", "KAZ", "exports", "2022"): 150.5,
            ("PAK", "KAZ", "imports", "2021"): 11.75,
            ("PAK", "KAZ", "imports", "2022"): 46.5,
            ("PAK", "KAZ", "imports", "2023"): 38.125,
        }
    )
    assert parsed.skipped == {"missing value": 1, "aggregate or non-country partner G001": 3}


def test_old_dots_codes():
    parsed = parse_imf(FIXTURES / "dots_sdmx_v1.csv")
    assert _values(parsed) == pytest.approx(
        {("KAZ", "ARM", "exports", "2019"): 21.5, ("KAZ", "ARM", "imports", "2019"): 9.4}
    )
    assert parsed.skipped == {"aggregate or non-country partner W00": 1}


def test_comtrade_total():
    parsed = parse_comtrade(FIXTURES / "comtrade_total.csv")
    assert parsed.failures == []
    assert _values(parsed) == pytest.approx(
        {
            ("KAZ", "TJK", "exports", "2023"): 862_500_000.5 / 1e6,
            ("KAZ", "TJK", "imports", "2023"): 270.25,
            ("KAZ", "PAK", "exports", "2024-01"): 0.48,
        }
    )
    assert parsed.skipped == {
        "motCode breakdown (only motCode 0, the total, is taken)": 1,
        "flowCode RX (only X exports and M imports are imported)": 1,
        "missing primaryValue": 1,
        "aggregate or non-country partner W00": 1,
    }


def test_comtrade_product_detail_is_refused():
    parsed = parse_comtrade(FIXTURES / "comtrade_hs.csv")
    assert len(parsed.failures) == 1
    assert "only cmdCode TOTAL can be imported" in parsed.failures[0].rule
    assert "10, 27" in parsed.failures[0].rule


def test_national_table():
    spec, failures = read_spec(FIXTURES / "kaz_trade_2025.yaml")
    assert failures == []
    parsed = parse_table_file(FIXTURES / "kaz_trade_2025.tsv", spec)
    assert parsed.failures == []
    values = _values(parsed)
    assert values[("KAZ", "TJK", "total", "2025-01/2025-03")] == pytest.approx(281.4)
    assert values[("KAZ", "TJK", "total", "2025-01/2025-06")] == pytest.approx(598.7)
    assert values[("KAZ", "TJK", "exports", "2025-01/2025-06")] == pytest.approx(402.3)
    assert values[("KAZ", "PAK", "imports", "2025-01/2025-03")] == pytest.approx(17.3)
    assert len(values) == 9  # 4 partner-periods x 3 flows, less the 3 empty Pakistan cells
    footnoted = parsed.rows[parsed.rows.span.eq("2025-01/2025-06") & parsed.rows.flow.eq("total")]
    assert footnoted.note.iloc[0] == "footnote * in the source table"
    assert parsed.skipped == {"missing figure": 3, "partner Всего (listed in skip_partners)": 1}


# --- merging: validated, atomic, without loss ------------------------------------------


def test_import_registers_source_and_writes_panel(datasets, run_cli):
    code, out = _import(run_cli, datasets, "imf", "imts_sdmx_v1.csv")
    assert code == 0, out
    assert "wrote 5 new observation(s) to imf_imts.parquet" in out
    sources = pd.read_csv(datasets / "sources.csv", dtype=str, keep_default_na=False)
    digest = hashlib.sha256((FIXTURES / "imts_sdmx_v1.csv").read_bytes()).hexdigest()
    row = sources[sources.sha256 == digest].iloc[0]
    assert row.source_id == f"imf-{digest[:12]}"
    assert row.published_date == "2025-04-30"
    assert row.publisher == "International Monetary Fund"
    panel = pq.read_table(datasets / "imf_imts.parquet").to_pandas()
    assert len(panel) == 5 and set(panel.source_id.astype(str)) == {row.source_id}
    code, out = run_cli("validate", "--datasets", str(datasets))
    assert code == 0, out


def test_importing_the_same_file_twice_changes_nothing(datasets, run_cli):
    assert _import(run_cli, datasets, "comtrade", "comtrade_total.csv")[0] == 0
    before = _digest(datasets)
    code, out = _import(run_cli, datasets, "comtrade", "comtrade_total.csv")
    assert code == 0
    assert "nothing new for un_comtrade.parquet" in out and "nothing written" in out
    assert "skipped 3 identical observation(s)" in out
    assert _digest(datasets) == before


def test_a_revision_is_kept_as_a_new_vintage(datasets, run_cli):
    assert _import(run_cli, datasets, "imf", "imts_release_1.csv")[0] == 0
    code, out = run_cli(
        "import",
        "imf",
        str(FIXTURES / "imts_release_2.csv"),
        "--datasets",
        str(datasets),
        "--released",
        "2025-10-31",
    )
    assert code == 0, out
    assert "wrote 2 new observation(s) to imf_imts.parquet (1 of them revise" in out
    assert "skipped 1 identical observation(s)" in out
    panel = pq.read_table(datasets / "imf_imts.parquet").to_pandas()
    kept_2023 = sorted(panel[panel.span.astype(str) == "2023"].value)
    assert kept_2023 == pytest.approx([5.7, 5.912])  # the old value is not overwritten
    targets = TARGETS.replace(
        "KAZ,TJK,total,2,USD,billion,$2 billion", "KAZ,PAK,exports,20,USD,million,$20 million"
    )
    (datasets / "targets.csv").write_text(targets, encoding="utf-8")
    data = load_datasets(datasets)
    before = compute_gaps(data, date(2025, 6, 1)).set_index("target_id")
    after = compute_gaps(data, date(2025, 11, 30)).set_index("target_id")
    assert before.loc["t2", "baseline_usd_mn"] == pytest.approx(5.7)  # first release
    assert after.loc["t2", "baseline_usd_mn"] == pytest.approx(6.45)  # 2024, second release
    assert after.loc["t2", "history_start_usd_mn"] == pytest.approx(6.1)


def test_dry_run_writes_nothing(datasets, run_cli):
    before = _digest(datasets)
    code, out = _import(
        run_cli,
        datasets,
        "table",
        "kaz_trade_2025.tsv",
        "--spec",
        str(FIXTURES / "kaz_trade_2025.yaml"),
        "--dry-run",
    )
    assert code == 0
    assert "would write 9 new observation(s) to national_tables.parquet" in out
    assert "skipped 3 row(s): missing figure" in out
    assert _digest(datasets) == before


@pytest.mark.parametrize(
    ("kind", "name", "message"),
    [
        (
            "imf",
            "imts_scaled_twice.csv",
            "imts_scaled_twice.csv:2: column 'OBS_VALUE' value '8.776e+14': 8.78e+14 USD is above",
        ),
        ("comtrade", "comtrade_hs.csv", "comtrade_hs.csv:2: column 'cmdCode' value '10'"),
        ("imf", "comtrade_total.csv", "comtrade_total.csv:1: not an IMF layout"),
    ],
)
def test_broken_file_exits_1_and_leaves_datasets_untouched(datasets, run_cli, kind, name, message):
    before = _digest(datasets)
    code, out = _import(run_cli, datasets, kind, name)
    assert code == 1
    assert message in out
    assert "Traceback" not in out
    assert _digest(datasets) == before


def test_import_that_would_not_validate_writes_nothing(tmp_path, run_cli):
    # A release date before the data's period: the merged panel would not validate.
    datasets = write_dataset(tmp_path / "datasets")
    before = _digest(datasets)
    code, out = run_cli(
        "import",
        "imf",
        str(FIXTURES / "imts_sdmx_v1.csv"),
        "--datasets",
        str(datasets),
        "--released",
        "2023-06-30",
    )
    assert code == 1
    assert "after its source was published" in out
    assert _digest(datasets) == before


def test_audit_mirror_check_uses_imported_series(tmp_path, run_cli):
    datasets = write_dataset(tmp_path / "datasets")
    assert _import(run_cli, datasets, "imf", "imts_sdmx_v1.csv")[0] == 0  # KAZ exports 851.2
    mirror = tmp_path / "tjk.csv"
    shutil.copy(FIXTURES / "imts_sdmx_v2_labels.csv", mirror)
    text = mirror.read_text(encoding="utf-8").replace(",2023,893000000", ",2023,400000000")
    mirror.write_text(text.replace("MG_CIF_USD", "MG_CIF_USD"), encoding="utf-8")
    assert (
        run_cli(
            "import", "imf", str(mirror), "--datasets", str(datasets), "--released", "2025-05-31"
        )[0]
        == 0
    )
    findings = audit(load_datasets(datasets))
    mirrors = findings[findings.check == "mirror"]
    assert len(mirrors) == 1
    row = mirrors.iloc[0]
    assert (row.reporter, row.partner, row.flow, row.span) == ("KAZ", "TJK", "exports", "2023")
    assert f"ratio {400 / 851.2345678:.2f}" in row.message  # TJK imports / KAZ exports
