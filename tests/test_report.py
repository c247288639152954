"""The monthly report's guarantees, each proven by a test that fails when it is broken."""

from __future__ import annotations

import csv
import io

import pytest

from tests.conftest import SHIPPED, SOURCES, TARGETS, report_text, write_dataset
from tracker import load_datasets
from tracker.loading.commit import LOCK
from tracker.output.report import build_report

TEXT_FILES = ("index.html", "report.md", "status.csv", "findings.csv")
MONTH = "2025-03"  # the tiny dataset's sources are published by then


def _files(directory):
    """Every text file of a report, the goals' pages included, by its path in the report."""
    pages = sorted(p.relative_to(directory) for p in (directory / "targets").iterdir())
    return {str(name): (directory / name).read_bytes() for name in [*TEXT_FILES, *pages]}


def test_shipped_report_has_every_file_and_every_target(tmp_path, run_cli):
    code, out = run_cli(
        "report", "--month", "2026-11", "--datasets", str(SHIPPED), "--out", str(tmp_path)
    )
    assert code == 0, out
    folder = tmp_path / "2026-11"
    assert {p.name for p in folder.iterdir()} == {*TEXT_FILES, "figures", "targets"}
    html = (folder / "index.html").read_text(encoding="utf-8")
    with (folder / "status.csv").open(encoding="utf-8") as handle:
        ids = [row["target_id"] for row in csv.DictReader(handle)]
    assert "kaz-tjk-2bn-2025" in ids and "kaz-pak-1bn-2027" in ids
    markdown = (folder / "report.md").read_text(encoding="utf-8")
    for target_id in ids:
        assert (folder / "figures" / f"{target_id}.svg").is_file()
        # One click from the summary to the goal's own page, in HTML and in Markdown.
        assert f'<a href="targets/{target_id}.html">{target_id}</a>' in html
        assert f"[{target_id}](targets/{target_id}.md)" in markdown
        page = (folder / "targets" / f"{target_id}.html").read_text(encoding="utf-8")
        assert f'id="{target_id}"' in page and 'href="../index.html"' in page
        # Self-contained: the goal's chart embedded, none linked.
        assert page.count('src="data:image/svg+xml;base64,') == 1
        assert 'src="../figures' not in page
        assert f"](../figures/{target_id}.svg)" in (
            folder / "targets" / f"{target_id}.md"
        ).read_text(encoding="utf-8")
    # The summary embeds the overview only: small enough to e-mail at any number of goals.
    assert 'src="figures/' not in html
    assert html.count('src="data:image/png;base64,') == 1
    assert len(list((folder / "targets").iterdir())) == 2 * len(ids)


def test_same_data_and_month_give_identical_files(tmp_path):
    data = load_datasets(SHIPPED)
    first = build_report(data, "2026-11", tmp_path / "a")
    second = build_report(data, "2026-11", tmp_path / "b")
    assert _files(first) == _files(second)


def test_failed_run_leaves_the_previous_report_untouched(tmp_path, monkeypatch):
    data = load_datasets(write_dataset(tmp_path / "d"))
    previous = build_report(data, MONTH, tmp_path / "reports")
    before = _files(previous)
    figures_before = sorted(p.name for p in (previous / "figures").iterdir())

    def fail(*_args, **_kwargs):
        raise RuntimeError("disk full (injected)")

    # status.csv is written last: index.html and report.md are already in the new folder.
    monkeypatch.setattr("tracker.output.report.safe_csv", fail)
    with pytest.raises(RuntimeError, match="injected"):
        build_report(data, MONTH, tmp_path / "reports")
    assert _files(previous) == before
    assert sorted(p.name for p in (previous / "figures").iterdir()) == figures_before
    left = sorted(p.name for p in (tmp_path / "reports").iterdir() if p.name != LOCK)
    assert left == [MONTH]  # no leftovers


def test_dataset_text_is_escaped_in_html(tmp_path):
    attack = "<script>alert(1)</script>"
    data = load_datasets(write_dataset(tmp_path / "d", sources=SOURCES.replace("Trade up", attack)))
    folder = build_report(data, MONTH, tmp_path / "reports")
    html = report_text(folder, "html")
    assert attack not in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html
    assert attack not in report_text(folder, "md")


@pytest.mark.parametrize("start", ["=", "+", "-", "@"])
def test_formula_like_notes_are_neutralised_in_csv(tmp_path, start):
    note = f'{start}HYPERLINK("http://example.org","x")'
    targets = TARGETS.replace("t1,,\n", f't1,,"{note.replace(chr(34), chr(34) * 2)}"\n')
    data = load_datasets(write_dataset(tmp_path / "d", targets=targets))
    folder = build_report(data, MONTH, tmp_path / "reports")
    rows = list(csv.DictReader(io.StringIO((folder / "status.csv").read_text("utf-8"))))
    row = next(r for r in rows if r["target_id"] == "t2")
    assert row["note"] == "'" + note
    assert not row["gap_pp"].startswith("'")  # numbers stay numbers, signs and all


def test_month_with_no_data_yet_is_a_clear_message(tmp_path, run_cli):
    code, out = run_cli(
        "report", "--month", "2000-01", "--datasets", str(SHIPPED), "--out", str(tmp_path)
    )
    assert code == 1
    assert "no target had been published by 2000-01-31" in out
    assert "Traceback" not in out
    assert not any(tmp_path.iterdir())


def test_bad_month_is_a_usage_error(tmp_path, run_cli):
    code, out = run_cli(
        "report", "--month", "March", "--datasets", str(SHIPPED), "--out", str(tmp_path)
    )
    assert code == 2
    assert "not a month" in out


def test_report_folder_is_replaced_whole(tmp_path):
    data = load_datasets(write_dataset(tmp_path / "d"))
    folder = build_report(data, MONTH, tmp_path / "reports")
    (folder / "figures" / "stale.png").write_bytes(b"old")
    build_report(data, MONTH, tmp_path / "reports")
    assert not (folder / "figures" / "stale.png").exists()


def test_committed_example_report_regenerates_byte_for_byte(tmp_path):
    committed = SHIPPED.parent / "reports" / "2026-11"
    fresh = build_report(load_datasets(SHIPPED), "2026-11", tmp_path)
    files = sorted(p.relative_to(committed) for p in committed.rglob("*") if p.is_file())
    assert files == sorted(p.relative_to(fresh) for p in fresh.rglob("*") if p.is_file())
    for name in files:
        assert (fresh / name).read_bytes() == (committed / name).read_bytes(), name
