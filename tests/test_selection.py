"""A computation reads only the series it needs: a panel recorded valid is never read whole,
and the rows DuckDB selects inside its file are the rows a filter in memory keeps (issue 14).
"""

from __future__ import annotations

import pandas as pd
import pytest

from tests.conftest import SHIPPED, SOURCES, calls_to, write_dataset
from tracker.analysis.gaps import compute_gaps
from tracker.analysis.series import observations, published_between, series_keys
from tracker.loading import datasets
from tracker.loading.cache import CACHE_ENV
from tracker.loading.datasets import load_datasets
from tracker.loading.observation_tables import PanelTable

_PANEL = pd.DataFrame(
    {
        "reporter": ["KAZ", "KAZ", "KAZ", "TJK", "KAZ"],
        "partner": ["TJK", "TJK", "TJK", "KAZ", "UZB"],
        "flow": "total",
        "span": ["2021", "2022", "2022", "2022", "2022"],
        # An empty and a missing scope are goods; the third row counts goods and services.
        "scope": ["", None, "goods_and_services", "goods", "goods"],
        "value": [900.0, 1000.0, 1500.0, 990.0, 300.0],
        "currency": "USD",
        "scale": "million",
        "source_id": ["s1", "s2", "s2", "s2", "s1"],
    }
)
_GOODS = pd.DataFrame(
    {"reporter": ["KAZ"], "partner": ["TJK"], "flow": ["total"], "scope": ["goods"]}
)


def _panel(tmp_path, frame=_PANEL) -> PanelTable:
    frame.to_parquet(tmp_path / "p.parquet", index=False)
    return PanelTable("p.parquet", tmp_path / "p.parquet", len(frame))


@pytest.mark.parametrize(
    ("keys", "lines"),
    [
        (_GOODS, [1, 2]),
        (_GOODS.assign(scope="goods_and_services"), [3]),
        (pd.concat([_GOODS, _GOODS.assign(reporter="TJK", partner="KAZ")]), [1, 2, 4]),
        (_GOODS.assign(partner="PAK"), []),
    ],
)
def test_a_selection_from_the_file_is_the_selection_in_memory(tmp_path, keys, lines):
    from_file = _panel(tmp_path).select(keys)
    read = _panel(tmp_path)
    in_memory = read.frame
    assert read.is_read()
    assert from_file.index.tolist() == lines
    assert read.select(keys).index.tolist() == lines
    columns = ["reporter", "partner", "span", "value", "source_id"]
    expected = in_memory.loc[lines, columns].astype({"reporter": str, "partner": str})
    pd.testing.assert_frame_equal(
        from_file[columns].astype({"reporter": str, "partner": str, "span": str}),
        expected.astype({"span": str}),
        check_dtype=False,
    )


def test_a_panel_without_a_scope_column_is_goods(tmp_path):
    panel = _panel(tmp_path, _PANEL.drop(columns="scope"))
    assert panel.select(_GOODS).index.tolist() == [1, 2, 3]
    assert panel.select(_GOODS.assign(scope="goods_and_services")).empty


def test_rows_by_source_from_the_file(tmp_path):
    assert _panel(tmp_path).from_sources(["s1"]).index.tolist() == [1, 5]
    assert _panel(tmp_path).from_sources([]).empty


def test_a_panel_recorded_valid_is_not_read_whole(tmp_path, monkeypatch):
    monkeypatch.setenv(CACHE_ENV, str(tmp_path / "records"))
    folder = write_dataset(tmp_path / "d", sources=SOURCES)
    _PANEL.to_parquet(folder / "imf.parquet", index=False)
    checked, trusted = load_datasets(folder), load_datasets(folder)
    assert checked.tables[1].is_read() and not trusted.tables[1].is_read()
    as_of = "2025-06-30"
    pd.testing.assert_frame_equal(compute_gaps(trusted, as_of), compute_gaps(checked, as_of))
    assert not trusted.tables[1].is_read()


def _typed(obs: pd.DataFrame) -> pd.DataFrame:
    return obs.sort_values(["file", "line"], ignore_index=True)


@pytest.fixture(scope="module")
def shipped(tmp_path_factory):
    """The shipped datasets loaded twice: checked (panels in memory), then trusted."""
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv(CACHE_ENV, str(tmp_path_factory.mktemp("records")))
        return load_datasets(SHIPPED), load_datasets(SHIPPED)


def test_every_shipped_panel_is_trusted_on_the_second_load(shipped):
    checked, trusted = shipped
    panels = [table for table in trusted.tables if isinstance(table, PanelTable)]
    assert len(panels) >= 3
    assert not any(table.is_read() for table in panels)
    assert all(table.is_read() for table in checked.tables[1:])


def test_the_shipped_goals_series_are_the_same_read_either_way(shipped):
    checked, trusted = shipped
    keys = series_keys(checked.targets)
    mirror = keys.filter(like="mirror_").rename(columns=lambda c: c.removeprefix("mirror_"))
    wanted = pd.concat([keys, mirror])
    from_memory, from_files = observations(checked, wanted), observations(trusted, wanted)
    assert set(from_files["file"]) >= {"kaz_bns.parquet", "observations.csv"}
    pd.testing.assert_frame_equal(_typed(from_files), _typed(from_memory))


def test_the_shipped_months_news_is_the_same_read_either_way(shipped):
    checked, trusted = shipped
    window = ("2024-12-31", "2026-11-30")
    from_memory = published_between(checked, *window)
    pd.testing.assert_frame_equal(_typed(published_between(trusted, *window)), _typed(from_memory))
    assert len(from_memory) > 0


def test_the_last_selection_is_typed_once_and_never_changed_by_a_caller(tmp_path, monkeypatch):
    folder = write_dataset(tmp_path / "d", sources=SOURCES)
    data = load_datasets(folder)
    typed = calls_to(monkeypatch, datasets, "type_observations")
    first = observations(data, _GOODS)
    first["value_usd_mn"] = 0.0  # a caller's change to its copy
    again = observations(data, _GOODS.copy())
    assert typed == ["observations.csv"]  # read and typed once
    assert again["value_usd_mn"].tolist() == [1200.0, 1130.0]
    observations(data, _GOODS.assign(flow="exports"))  # another selection replaces it
    assert typed == ["observations.csv"] * 2
