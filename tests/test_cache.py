"""A panel found valid is not checked again by commands that only read, until it, the files
its rules read, or the rules change (issue 14); `tracker validate` always checks in full."""

from __future__ import annotations

import pandas as pd
import pytest

from tests.conftest import SOURCES, calls_to, write_dataset
from tracker.loading import datasets
from tracker.loading.cache import CACHE_ENV
from tracker.loading.datasets import load_datasets

_PANEL = pd.DataFrame(
    {"reporter": "KAZ", "partner": "TJK", "flow": "total", "span": ["2021", "2022"]}
).assign(value=[900.0, 1000.0], currency="USD", scale="million", source_id="s1")


@pytest.fixture
def checks(monkeypatch, tmp_path) -> list[str]:
    """The panels checked in full, in order, with records kept in a folder of the test's."""
    monkeypatch.setenv(CACHE_ENV, str(tmp_path / "records"))
    return calls_to(monkeypatch, datasets, "validate_panel")


def _folder(tmp_path, panel=_PANEL, sources=SOURCES):
    folder = write_dataset(tmp_path / "d", sources=sources)
    panel.to_parquet(folder / "imf.parquet", index=False)
    return folder


def test_an_unchanged_panel_is_checked_once(tmp_path, checks):
    folder = _folder(tmp_path)
    first, second = load_datasets(folder), load_datasets(folder)
    assert checks == ["imf.parquet"]
    assert len(first.tables[1].frame) == len(second.tables[1].frame) == 2


@pytest.mark.parametrize("change", ["panel", "sources"])
def test_a_change_to_the_panel_or_what_its_rules_read_checks_it_again(tmp_path, checks, change):
    folder = _folder(tmp_path)
    load_datasets(folder)
    if change == "panel":
        _PANEL.assign(value=[900.0, 1100.0]).to_parquet(folder / "imf.parquet", index=False)
    else:
        (folder / "sources.csv").write_text(SOURCES.replace("Trade up", "Trade rose"))
    load_datasets(folder)
    assert checks == ["imf.parquet", "imf.parquet"]


def test_validate_always_checks_in_full(tmp_path, checks, run_cli):
    folder = _folder(tmp_path)
    load_datasets(folder)
    for _ in range(2):
        code, out = run_cli("validate", "--datasets", str(folder))
        assert code == 0, out
    assert checks == ["imf.parquet"] * 3


def test_an_invalid_panel_is_never_trusted(tmp_path, checks, run_cli):
    folder = _folder(tmp_path, _PANEL.assign(source_id="nowhere"))
    for _ in range(2):
        code, out = run_cli("status", "--datasets", str(folder), "--as-of", "2025-03-31")
        assert code == 1 and "imf.parquet:1: column 'source_id' value 'nowhere'" in out
    assert checks == ["imf.parquet"] * 2


def test_an_unwritable_record_folder_only_turns_the_record_off(tmp_path, checks, monkeypatch):
    blocker = tmp_path / "a-file"
    blocker.write_text("")
    monkeypatch.setenv(CACHE_ENV, str(blocker / "records"))  # cannot be made: a file's child
    folder = _folder(tmp_path)
    load_datasets(folder)
    load_datasets(folder)
    assert checks == ["imf.parquet"] * 2
