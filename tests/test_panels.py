"""Parquet panels beside the CSVs: validated column by column, used like any observation."""

from __future__ import annotations

from datetime import date

import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from tests.conftest import SOURCES, write_dataset
from tracker import load_datasets
from tracker.analysis.audit import audit
from tracker.analysis.gaps import compute_gaps
from tracker.output.report import build_report

PANEL_SOURCE = "s3,IMF extract,IMF,2025-04-30,,database_extract,,,\n"


def _panel(rows: list[tuple], path, currency: str = "USD") -> None:
    frame = pd.DataFrame(rows, columns=["reporter", "partner", "flow", "span", "value"])
    frame = frame.assign(currency=currency, scale="million", source_id="s3")
    table = pa.Table.from_pandas(frame, preserve_index=False)
    # Dictionary-encode the repeated text columns, as the importers and benchmark do.
    table = table.cast(
        pa.schema(
            [
                pa.field(
                    f.name,
                    pa.dictionary(pa.int32(), pa.string()) if f.type == pa.string() else f.type,
                )
                for f in table.schema
            ]
        )
    )
    pq.write_table(table, path)


def _dataset(tmp_path, rows, currency: str = "USD"):
    directory = write_dataset(tmp_path / "d", sources=SOURCES + PANEL_SOURCE)
    _panel(rows, directory / "imf.parquet", currency)
    return directory


def test_monthly_panel_feeds_the_gap_engine(tmp_path, run_cli):
    months = [("KAZ", "TJK", "total", f"2024-{m:02d}", 100.0 + m) for m in range(1, 13)]
    directory = _dataset(tmp_path, months)
    code, out = run_cli("validate", "--datasets", str(directory))
    assert code == 0, out
    assert "imf.parquet 12 rows" in out

    gaps = compute_gaps(load_datasets(directory), date(2025, 5, 1)).set_index("target_id")
    # The CSV has 2024 = $1.2 billion (published February 2025); the panel's twelve months
    # are not used for 2024 because a reported annual figure exists.
    assert gaps.loc["t2", "baseline_usd_mn"] == pytest.approx(1200)


def test_panel_months_make_a_year_where_no_annual_figure_exists(tmp_path):
    months = [("KAZ", "TJK", "total", f"2022-{m:02d}", 90.0) for m in range(1, 13)]
    directory = _dataset(tmp_path, months)
    gaps = compute_gaps(load_datasets(directory), date(2025, 5, 1)).set_index("target_id")
    assert gaps.loc["t2", "history_start_year"] == 2022
    assert gaps.loc["t2", "history_start_usd_mn"] == pytest.approx(12 * 90.0)


@pytest.mark.parametrize(
    ("rows", "line", "column", "value", "rule"),
    [
        ([("KAZ", "KZX", "total", "2024-01", 1.0)], 1, "partner", "KZX", "ISO 3166-1"),
        (
            [("KAZ", "TJK", "total", "2024-01", 1.0), ("KAZ", "KAZ", "total", "2024-02", 1.0)],
            2,
            "partner",
            "KAZ",
            "same country as reporter",
        ),
        (
            [("KAZ", "TJK", "total", "2024-02", 1.0), ("KAZ", "TJK", "total", "2024-02", 2.0)],
            2,
            "reporter+partner+flow+span+source_id",
            "KAZ|TJK|total|2024-02|s3",
            "duplicate key",
        ),
        ([("KAZ", "TJK", "total", "2024-01", -1.0)], 1, "value", "-1.0", "greater than 0"),
        (
            [("KAZ", "TJK", "total", "2025-05", 1.0)],
            1,
            "span",
            "2025-05",
            "after its source was published",
        ),
        ([("KAZ", "TJK", "total", "2024-13", 1.0)], 1, "span", "2024-13", "is not a span"),
    ],
)
def test_bad_panel_rows_are_reported_with_their_row(
    tmp_path, run_cli, rows, line, column, value, rule
):
    directory = _dataset(tmp_path, rows)
    code, out = run_cli("validate", "--datasets", str(directory))
    assert code == 1
    assert "Traceback" not in out
    prefix = f"imf.parquet:{line}: column '{column}' value '{value}': "
    assert any(x.startswith(prefix) and rule in x for x in out.splitlines()), out


def test_unreadable_panel_is_reported(tmp_path, run_cli):
    directory = write_dataset(tmp_path / "d")
    (directory / "broken.parquet").write_bytes(b"not parquet at all")
    code, out = run_cli("validate", "--datasets", str(directory))
    assert code == 1
    assert "broken.parquet: cannot be read as Parquet" in out


# The three bugs of the one-series-layer change, each with the test that caught it.


def test_panel_row_in_a_currency_without_a_rate_fails_naming_the_panel(tmp_path, run_cli):
    # fx_rates.csv has KZT for 2024 only: a 2023 tenge value has no rate.
    directory = _dataset(tmp_path, [("KAZ", "TJK", "total", "2023", 500000.0)], "KZT")
    code, out = run_cli("validate", "--datasets", str(directory))
    assert code == 1
    assert (
        "imf.parquet:1: column 'currency' value 'KZT': no KZT rate for 2023 in fx_rates.csv" in out
    )


def test_panel_row_in_a_currency_with_a_rate_converts_at_that_rate(tmp_path):
    directory = _dataset(tmp_path, [("KAZ", "TJK", "imports", "2024", 469440.0)], "KZT")
    obs = load_datasets(directory).observations.set_index("file")
    # 469,440 million tenge at 469.44 tenge a dollar is 1,000 million dollars.
    assert obs.loc["imf.parquet", "value_usd_mn"] == pytest.approx(469440.0 / 469.44)


def test_audit_cites_panel_rows_by_their_own_file(tmp_path):
    # Tajikistan's panel figure for 2024 is far from Kazakhstan's $1.2bn in the CSV.
    directory = _dataset(tmp_path, [("TJK", "KAZ", "total", "2024", 400.0)])
    findings = audit(load_datasets(directory))
    mirror = findings[findings["check"] == "mirror"]
    assert mirror["rows"].tolist() == ["observations.csv:2; imf.parquet:1"]


def test_what_changed_lists_panel_rows(tmp_path):
    directory = _dataset(tmp_path, [("TJK", "KAZ", "total", "2024", 400.0)])
    report = build_report(load_datasets(directory), "2025-04", tmp_path / "out")
    text = (report / "report.md").read_text(encoding="utf-8")
    changed = text[text.index("## What changed") : text.index("## Audit findings")]
    # The panel's source is published on 2025-04-30, inside April.
    assert "TJK → KAZ total 2024: $400 m" in changed
