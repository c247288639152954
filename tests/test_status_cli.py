"""`tracker status` and `tracker audit` on the shipped datasets, as a user runs them."""

from __future__ import annotations

import csv
import io
import json

import pytest

from tests.conftest import SHIPPED, write_dataset

#: The columns issue 3 names, in its order.
STATUS_COLUMNS = [
    "target_id",
    "country_a",
    "country_b",
    "flow",
    "target_usd_mn",
    "deadline_year",
    "is_deadline_assumed",
    "baseline_year",
    "baseline_usd_mn",
    "is_baseline_preliminary",
    "share_achieved",
    "growth_hist_pct",
    "growth_req_pct",
    "gap_pp",
    "projected_usd_mn",
    "year_reached",
    "status",
]


def test_status_csv_as_of_march_2025(run_cli):
    code, out = run_cli(
        "status", "--as-of", "2025-03-01", "--format", "csv", "--datasets", str(SHIPPED)
    )
    assert code == 0
    rows = list(csv.DictReader(io.StringIO(out)))
    assert list(rows[0])[: len(STATUS_COLUMNS)] == STATUS_COLUMNS
    row = next(r for r in rows if r["target_id"] == "kaz-tjk-2bn-2025")
    expected = 100 * ((2000 / 1200) ** (1 / 3) - 1)
    assert abs(float(row["growth_req_pct"]) - expected) < 0.05
    assert abs(float(row["growth_req_pct"]) - 18.56) < 0.05
    # From the BNS figure for 2021 (1,163,781.9 thousand) to the news' $1.2 billion for
    # 2024, a preliminary year: 1% a year against 18.6% needed.
    assert row["is_baseline_preliminary"] == "True"
    expected = 100 * ((1200 / 1163.7819) ** (1 / 3) - 1)
    assert abs(float(row["growth_hist_pct"]) - expected) < 0.001
    assert row["status"] == "off_track"


def test_status_json_and_text(run_cli):
    code, out = run_cli(
        "status", "--as-of", "2026-11-30", "--format", "json", "--datasets", str(SHIPPED)
    )
    assert code == 0
    statuses = {r["target_id"]: r["status"] for r in json.loads(out)}
    assert statuses["kaz-pak-1bn-2027"] == "off_track"
    code, out = run_cli("status", "--as-of", "2026-11-30", "--datasets", str(SHIPPED))
    assert code == 0
    assert "kaz-tjk-2bn-2025" in out and "off_track" in out


def test_status_on_invalid_data_lists_failures_without_traceback(tmp_path, run_cli):
    bad = write_dataset(tmp_path / "d", sources=None)
    code, out = run_cli("status", "--datasets", str(bad))
    assert code == 1
    assert "sources.csv: file is missing" in out
    assert "Traceback" not in out


def test_bad_as_of_is_a_usage_error(run_cli):
    code, _ = run_cli("status", "--as-of", "March 2025")
    assert code == 2


@pytest.fixture(scope="module")
def findings():
    from tracker import load_datasets
    from tracker.analysis.audit import audit

    return audit(load_datasets(SHIPPED))


def _find(findings, check, reporter, partner, span):
    match = findings[
        (findings.check == check)
        & (findings.reporter == reporter)
        & (findings.partner == partner)
        & (findings.span == span)
    ]
    assert len(match) == 1, findings[["check", "reporter", "partner", "span"]]
    return match.iloc[0]


def test_audit_convicts_the_pakistan_2024_growth_claim(findings):
    row = _find(findings, "growth_claim", "KAZ", "PAK", "2024")
    low = 100 * ((53.7 - 0.05) / (52.5 + 0.05) - 1)
    high = 100 * ((53.7 + 0.05) / (52.5 - 0.05) - 1)
    assert row.message == (
        f"stated +0.9% (+0.85% to +0.95%), but $53.7 m after $52.5 m in 2023 implies "
        f"{low:+.2f}% to {high:+.2f}% given the rounding"
    )
    assert "observations.csv:" in row.rows and "trend-2025-08-11" in row.source_ids
    assert row.severity == "warning"


def test_audit_convicts_the_tajikistan_half_year_claim(findings):
    row = _find(findings, "growth_claim", "KAZ", "TJK", "2022-01/2022-06")
    assert row.message.startswith(
        "stated +16.5% (+16.45% to +16.55%), but $621.4 m after $519.02 m in 2021-01/2021-06 "
        "implies +19.7"
    )


def test_audit_flags_the_unit_slip_and_mirrors(findings):
    assert "$80 m in 2017" in _find(findings, "jump", "KAZ", "TJK", "2017").message
    mirror = _find(findings, "mirror", "KAZ", "PAK", "2022")
    assert f"ratio {197 / 73.5:.2f}" in mirror.message
    _find(findings, "sources_disagree", "PAK", "KAZ", "2021")


def test_audit_text_cli(run_cli):
    code, out = run_cli("audit", "--datasets", str(SHIPPED))
    assert code == 0  # warnings only
    assert "warning: growth_claim: KAZ-PAK total 2024: stated +0.9%" in out


def test_audit_exports_plus_imports_must_make_the_total():
    from tests.builders import build, observation, target
    from tracker.analysis.audit import audit

    data = build(
        [
            observation(2023, 100, "2024-02-01"),
            observation(2023, 30, "2024-02-01", flow="exports"),
            observation(2023, 50, "2024-02-01", flow="imports"),
        ],
        [target()],
    )
    found = audit(data)
    row = found[found.check == "flows_add_up"].iloc[0]
    # 29.5-30.5 + 49.5-50.5 = 79-81 against 99.5-100.5.
    assert row.message == (
        "exports $30 m + imports $50 m give $79 m to $81 m at their rounding, but the total "
        "is $100 m ($99.5 m to $100.5 m)"
    )
    consistent = build(
        [
            observation(2023, 80.4, "2024-02-01"),
            observation(2023, 30, "2024-02-01", flow="exports"),
            observation(2023, 50, "2024-02-01", flow="imports"),
        ],
        [target()],
    )
    assert "flows_add_up" not in set(audit(consistent).check)
