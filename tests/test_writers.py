"""Writers are safe together and atomic as a whole: two imports at once both land, and a
writer killed at any rename leaves the whole old state or the whole new one."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from tests.conftest import write_dataset
from tracker import load_datasets
from tracker.loading import commit as commit_module
from tracker.loading.commit import JOURNAL, LOCK
from tracker.output.report import build_report

FIXTURES = Path(__file__).parent / "fixtures" / "imports"
TRACKER = Path(sys.executable).parent / "tracker"
IMPORTS = [
    ("imf", FIXTURES / "imts_sdmx_v1.csv"),
    ("comtrade", FIXTURES / "comtrade_total.csv"),
]


def _data_files(directory: Path) -> dict[str, bytes]:
    return {
        p.name: p.read_bytes()
        for p in sorted(directory.iterdir())
        if p.is_file() and p.name != LOCK
    }


def test_two_imports_started_together_both_land(tmp_path):
    directory = write_dataset(tmp_path / "d")
    children = [
        subprocess.Popen(
            [
                str(TRACKER),
                "import",
                kind,
                str(file),
                "--datasets",
                str(directory),
                "--released",
                "2025-06-30",
            ],
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        for kind, file in IMPORTS
    ]
    results = [(*child.communicate(timeout=300), child.returncode) for child in children]
    assert [code for *_, code in results] == [0, 0], results
    sources = (directory / "sources.csv").read_text(encoding="utf-8")
    assert "imf-" in sources and "comtrade-" in sources  # neither registration was lost
    data = load_datasets(directory)  # validates
    files = {table.file for table in data.tables}
    assert {"imf_imts.parquet", "un_comtrade.parquet"} <= files


def _import(directory: Path, run_cli) -> tuple[int, str]:
    kind, file = IMPORTS[0]
    return run_cli(
        "import", kind, str(file), "--datasets", str(directory), "--released", "2025-06-30"
    )


@pytest.mark.parametrize("killed_at", [0, 1, 2])
def test_an_import_killed_at_any_rename_leaves_a_whole_state(
    tmp_path, run_cli, monkeypatch, killed_at
):
    directory = write_dataset(tmp_path / "d")
    old = _data_files(directory)
    real = os.replace
    calls = []

    def dies(source, target):
        calls.append(target)
        if len(calls) > killed_at:
            raise KeyboardInterrupt("killed (injected)")
        return real(source, target)

    monkeypatch.setattr(commit_module.os, "replace", dies)
    with pytest.raises(KeyboardInterrupt):
        _import(directory, run_cli)
    monkeypatch.setattr(commit_module.os, "replace", real)
    state = _data_files(directory)
    # Before the journal (rename 0) the old state stands; after it, the next writer (or a
    # validate, which says so) sees a commit to finish.
    if killed_at == 0:
        assert {k: v for k, v in state.items() if not k.startswith(".")} == old
    else:
        code, out = run_cli("validate", "--datasets", str(directory))
        assert code == 1 and "interrupted" in out
    code, out = _import(directory, run_cli)  # the next writer recovers, then imports
    assert code == 0, out
    assert not [name for name in os.listdir(directory) if ".tmp-" in name or name == JOURNAL]
    code, out = run_cli("validate", "--datasets", str(directory))
    assert code == 0, out
    assert "imf_imts.parquet" in {t.file for t in load_datasets(directory).tables}


def test_a_report_killed_between_its_renames_is_restored_by_the_next_run(tmp_path, monkeypatch):
    data = load_datasets(write_dataset(tmp_path / "d"))
    out = tmp_path / "reports"
    first = build_report(data, "2025-03", out)
    before = (first / "report.md").read_bytes()
    real = os.replace
    calls = []

    def dies(source, target):
        calls.append(target)
        if len(calls) == 2:  # the old report moved aside, the new one not yet in place
            raise KeyboardInterrupt("killed (injected)")
        return real(source, target)

    monkeypatch.setattr("tracker.output.report.os.replace", dies)
    with pytest.raises(KeyboardInterrupt):
        build_report(data, "2025-03", out)
    monkeypatch.setattr("tracker.output.report.os.replace", real)
    again = build_report(data, "2025-03", out)
    assert (again / "report.md").read_bytes() == before
    assert sorted(p.name for p in out.iterdir() if p.name != LOCK) == ["2025-03"]
