"""Files found valid are not checked again by commands that only read, until they, the files
their rules read, the rules or the rules' libraries change (issue 14); `tracker validate`
always checks in full."""

from __future__ import annotations

import pandas as pd
import pytest

from tests.conftest import SOURCES, TARGETS, calls_to, write_dataset
from tracker.core.failures import DataInvalid
from tracker.loading import cache, datasets
from tracker.loading.cache import CACHE_ENV, files_key
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


@pytest.fixture
def table_checks(monkeypatch, tmp_path) -> list[int]:
    """How many times the CSV files were checked in full, with records of the test's own."""
    monkeypatch.setenv(CACHE_ENV, str(tmp_path / "records"))
    calls = []
    real = datasets.validate_frames

    def recording(frames):
        calls.append(len(frames))
        return real(frames)

    monkeypatch.setattr(datasets, "validate_frames", recording)
    return calls


def test_unchanged_csv_files_are_checked_once(tmp_path, table_checks):
    folder = write_dataset(tmp_path / "d")
    first, second = load_datasets(folder), load_datasets(folder)
    assert table_checks == [4]  # the four files, once
    assert second.targets["target_id"].tolist() == first.targets["target_id"].tolist()


@pytest.mark.parametrize("file", ["sources.csv", "observations.csv", "targets.csv", "fx_rates.csv"])
def test_a_change_to_any_csv_file_checks_them_again(tmp_path, table_checks, file):
    folder = write_dataset(tmp_path / "d")
    load_datasets(folder)
    with (folder / file).open("a", encoding="utf-8") as handle:
        handle.write("\n")  # a blank line: the same rows, other bytes
    load_datasets(folder)
    assert table_checks == [4, 4]


def test_invalid_csv_files_are_never_trusted(tmp_path, table_checks):
    folder = write_dataset(tmp_path / "d", targets=TARGETS.replace("KAZ,TJK", "KAZ,XXX", 1))
    for _ in range(2):
        with pytest.raises(DataInvalid, match="validation error"):
            load_datasets(folder)
    assert table_checks == [4, 4]


def test_validate_always_checks_the_csv_files_in_full(tmp_path, table_checks, run_cli):
    folder = write_dataset(tmp_path / "d")
    load_datasets(folder)
    for _ in range(2):
        code, out = run_cli("validate", "--datasets", str(folder))
        assert code == 0, out
    assert table_checks == [4] * 3


def test_a_file_replaced_while_it_is_checked_is_not_trusted_later(tmp_path, monkeypatch):
    monkeypatch.setenv(CACHE_ENV, str(tmp_path / "records"))
    bad = TARGETS.replace("KAZ,TJK", "KAZ,XXX", 1)
    folder = write_dataset(tmp_path / "d", targets=bad)
    real = datasets.read_datasets

    def replaced_first(directory):
        (folder / "targets.csv").write_text(TARGETS)  # a good file arrives meanwhile
        return real(directory)

    monkeypatch.setattr(datasets, "read_datasets", replaced_first)
    load_datasets(folder)  # keyed on the bad bytes, checks the good ones
    monkeypatch.setattr(datasets, "read_datasets", real)
    (folder / "targets.csv").write_text(bad)  # the bad file back
    with pytest.raises(DataInvalid, match="validation error"):
        load_datasets(folder)


def test_where_one_file_ends_is_part_of_the_key(tmp_path):
    one, other = tmp_path / "one", tmp_path / "other"
    # Without the sizes, both folders hash the same stream of names and bytes.
    for folder, (a, b) in ((one, ("p", "\0y\0q")), (other, ("p\0y\0", "q"))):
        folder.mkdir()
        (folder / "x").write_text(a)
        (folder / "y").write_text(b)
    assert files_key([one / "x", one / "y"]) != files_key([other / "x", other / "y"])


def test_a_missing_file_and_an_empty_one_have_different_keys(tmp_path):
    missing = files_key([tmp_path / "x"])
    (tmp_path / "x").write_text("")
    assert files_key([tmp_path / "x"]) != missing


def test_another_version_of_a_rules_library_changes_the_key(tmp_path, monkeypatch):
    (tmp_path / "x").write_text("same bytes")
    before = files_key([tmp_path / "x"])
    monkeypatch.setattr(cache, "version", lambda library: f"{library}-other")
    cache._rules_digest.cache_clear()
    try:
        assert files_key([tmp_path / "x"]) != before
    finally:
        monkeypatch.undo()
        cache._rules_digest.cache_clear()
    assert files_key([tmp_path / "x"]) == before
