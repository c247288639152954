"""The audit reads and checks a group of country pairs at a time, to bound its memory at
world scale (issue 14); the findings are the same as checking everything at once."""

from __future__ import annotations

import pandas as pd
import pytest

from tests.conftest import SHIPPED, SOURCES, CountingPool, write_dataset
from tracker.analysis.audit import FINDINGS_PER_SERIES, audit
from tracker.analysis.series import pair_groups
from tracker.loading.cache import CACHE_ENV
from tracker.loading.datasets import load_datasets

#: More rows than the shipped datasets hold: one group.
_EVERYTHING = 10**9
#: A few thousand rows a group: the shipped datasets in several groups.
_FEW = 3000
#: Rows a group for the shipped datasets in exactly two groups.
_HALF = 20_000


@pytest.fixture(scope="module")
def shipped(tmp_path_factory):
    """The shipped datasets checked (panels in memory), then trusted (read from the files)."""
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv(CACHE_ENV, str(tmp_path_factory.mktemp("records")))
        return {"checked": load_datasets(SHIPPED), "trusted": load_datasets(SHIPPED)}


def _pairs(group: pd.DataFrame) -> set[frozenset]:
    return {frozenset(pair) for pair in group.itertuples(index=False)}


@pytest.mark.parametrize("state", ["checked", "trusted"])
def test_every_pair_is_in_exactly_one_group_with_both_ways_round(shipped, state):
    groups = pair_groups(shipped[state], _FEW)
    assert len(groups) > 2
    pairs = [_pairs(group) for group in groups]
    everything = set().union(*pairs)
    assert sum(len(p) for p in pairs) == len(everything)  # no pair in two groups
    assert frozenset(["KAZ", "TJK"]) in everything
    for group in groups:
        ways = set(group.itertuples(index=False))
        assert all((partner, reporter) in ways for reporter, partner in ways)


def test_a_group_closes_once_it_holds_enough_rows(shipped):
    data = shipped["checked"]
    counts = pd.concat([table.pair_rows() for table in data.tables])
    assert len(pair_groups(data, _EVERYTHING)) == 1
    # One row a group: every pair is a group of its own.
    unordered = {
        frozenset(pair) for pair in counts[["reporter", "partner"]].itertuples(index=False)
    }
    assert len(pair_groups(data, 1)) == len(unordered)


@pytest.mark.parametrize("workers", [1, 2])
@pytest.mark.parametrize("state", ["checked", "trusted"])
def test_the_audit_a_group_at_a_time_finds_what_it_finds_at_once(shipped, state, workers):
    """In this process, or in two others (each reading the panels from their files)."""
    whole = audit(shipped["checked"], rows_per_group=_EVERYTHING)
    assert len(whole) > 20 and {"mirror", "sources_disagree"} <= set(whole["check"])
    grouped = audit(shipped[state], rows_per_group=_FEW, workers=workers)
    pd.testing.assert_frame_equal(grouped, whole)


def test_groups_go_to_other_processes_only_when_there_are_several(shipped, monkeypatch):
    """One group is checked here: starting processes would only cost time."""
    monkeypatch.setattr(
        "tracker.analysis.audit.worker_pool",
        lambda *args, **kwargs: pytest.fail("a pool was started for one group"),
    )
    assert len(audit(shipped["checked"], rows_per_group=_EVERYTHING, workers=2)) > 20
    with CountingPool(2) as pool:
        assert len(audit(shipped["checked"], rows_per_group=_EVERYTHING, pool=pool)) > 20
    assert pool.batches == 0


def test_two_groups_go_to_a_pool_of_the_workers_asked_for(shipped, monkeypatch):
    """Two groups are enough to start workers, as many as asked for; the findings are
    numbered from 0 in their order, whichever process found them."""
    pools = []

    def counting_pool(workers):
        pools.append((workers, CountingPool(workers)))
        return pools[-1][1]

    monkeypatch.setattr("tracker.analysis.audit.worker_pool", counting_pool)
    data = shipped["trusted"]
    assert len(pair_groups(data, _HALF)) == 2
    findings = audit(data, rows_per_group=_HALF, workers=2, per_series=None)
    assert [(workers, pool.batches) for workers, pool in pools] == [(2, 1)]
    pd.testing.assert_index_equal(findings.index, pd.RangeIndex(len(findings)))


def test_the_audit_checks_its_groups_in_the_pool_it_is_given(shipped):
    """The report hands its own workers to the audit: the groups go there, once."""
    whole = audit(shipped["checked"], rows_per_group=_EVERYTHING)
    with CountingPool(2) as pool:
        grouped = audit(shipped["trusted"], rows_per_group=_FEW, pool=pool)
    assert pool.batches == 1
    pd.testing.assert_frame_equal(grouped, whole)


def test_a_detached_copy_reads_its_panels_from_their_files(shipped):
    checked = shipped["checked"]
    detached = checked.detached()
    assert checked.tables[1].is_read() and not detached.tables[1].is_read()
    assert [t.file for t in detached.tables] == [t.file for t in checked.tables]
    assert detached.tables[0] is checked.tables[0]  # observations.csv: small, kept as is


def _mismatched_months(directory, count: int = 25) -> list[str]:
    """The tiny dataset with a release panel whose KAZ exports to TJK and TJK imports from
    KAZ differ 1,000-fold in each of ``count`` months; the months."""
    release = "r1,Release,Stat,2025-02-10,,statistics_release,,,\n"
    write_dataset(directory, sources=SOURCES + release)
    months = [f"{year}-{month:02d}" for year in (2021, 2022, 2023) for month in range(1, 13)]
    months = months[:count]
    sides = [("KAZ", "TJK", "exports", 10.0), ("TJK", "KAZ", "imports", 10_000.0)]
    rows = [
        dict(reporter=reporter, partner=partner, flow=flow, span=span, value=value)
        for span in months
        for reporter, partner, flow, value in sides
    ]
    panel = pd.DataFrame(rows).assign(currency="USD", scale="million", source_id="r1")
    panel.to_parquet(directory / "release.parquet", index=False)
    return months


def test_a_check_lists_twenty_findings_a_series_and_counts_the_rest(tmp_path):
    """KAZ's exports to TJK against TJK's imports from KAZ, 25 months apart by a factor of
    1,000 (a unit slip month after month): 25 mirror findings for one series. The first
    20 by span are listed, and one line without a span counts the 5 more."""
    months = _mismatched_months(tmp_path)
    data = load_datasets(tmp_path)
    every = audit(data, per_series=None)
    mirrors = every[(every["check"] == "mirror") & (every["flow"] == "exports")]
    assert len(mirrors) == 25
    capped = audit(data)
    listed = capped[(capped["check"] == "mirror") & (capped["flow"] == "exports")]
    assert FINDINGS_PER_SERIES == 20
    assert listed["span"].tolist() == ["", *months[:20]]
    assert listed["message"].iloc[0] == (
        "25 mirror findings for this series; the first 20 by span are listed, 5 more are "
        "not (tracker audit --all lists every one)"
    )
    assert len(capped) == len(every) - 5 + 1
    assert listed[["rows", "source_ids"]].iloc[0].tolist() == ["", ""]  # it cites no row


def test_twenty_findings_of_a_series_are_all_listed_with_no_count(tmp_path):
    months = _mismatched_months(tmp_path, count=20)
    capped = audit(load_datasets(tmp_path))
    listed = capped[(capped["check"] == "mirror") & (capped["flow"] == "exports")]
    assert listed["span"].tolist() == months


def test_tracker_audit_all_lists_every_finding(tmp_path, run_cli):
    """The 25 mirror findings of the test above: 21 lines (20 and a count) without
    ``--all``, 25 with it."""
    _mismatched_months(tmp_path)
    for flags, lines in (((), 21), (("--all",), 25)):
        code, out = run_cli("audit", "--datasets", str(tmp_path), "--format", "csv", *flags)
        assert code == 0
        series = [line for line in out.splitlines() if line.startswith("mirror,warning,KAZ,TJK,")]
        assert len(series) == lines
