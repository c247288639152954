"""Golden files of every rendered output, on the small fixed dataset in fixtures/golden/.

A change to a number, a word or the layout of an output fails here. When the change is
meant, ``make test-update`` rewrites the files in ``__snapshots__/test_golden/``; read
their diff before committing it.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from syrupy.extensions.single_file import SingleFileSnapshotExtension, WriteMode

from tracker import load_datasets
from tracker.output.report import build_report

GOLDEN = Path(__file__).parent / "fixtures" / "golden"
MONTH = "2025-07"
#: Embedded charts are compared by the chart tests; here they would only be noise.
_IMAGE = re.compile(r"(data:image/(?:png|svg\+xml);base64,)[A-Za-z0-9+/=]+")


class _Text(SingleFileSnapshotExtension):
    """One readable text file per snapshot."""

    _write_mode = WriteMode.TEXT
    file_extension = "txt"


@pytest.fixture
def golden(snapshot):
    return snapshot.use_extension(_Text)


@pytest.fixture(scope="module")
def report(tmp_path_factory) -> Path:
    return build_report(load_datasets(GOLDEN), MONTH, tmp_path_factory.mktemp("reports"))


#: The golden dataset's goals, each with a page of its own.
GOALS = ("kaz-pak-1bn", "kaz-tjk-2bn-again", "pak-kaz-potential")


@pytest.mark.parametrize("name", ["report.md", "status.csv", "findings.csv"])
def test_report_text_files(report, golden, name):
    assert (report / name).read_text(encoding="utf-8") == golden


def test_report_html_without_images(report, golden):
    html = (report / "index.html").read_text(encoding="utf-8")
    assert _IMAGE.search(html), "the summary embeds its overview chart"
    assert _IMAGE.sub(r"\1…", html) == golden


def test_every_goal_has_its_pages(report):
    assert sorted(p.name for p in (report / "targets").iterdir()) == sorted(
        f"{goal}.{kind}" for goal in GOALS for kind in ("html", "md")
    )


@pytest.mark.parametrize("name", [f"{goal}.{kind}" for goal in GOALS for kind in ("md", "html")])
def test_goal_pages(report, golden, name):
    text = (report / "targets" / name).read_text(encoding="utf-8")
    assert _IMAGE.sub(r"\1…", text) == golden


@pytest.mark.parametrize(
    "command",
    [
        ("audit", "--format", "text"),
        ("audit", "--format", "json"),
        ("status", "--as-of", "2025-07-31", "--format", "csv"),
        ("status", "--as-of", "2025-07-31", "--format", "text"),
    ],
    ids=["audit-text", "audit-json", "status-csv", "status-text"],
)
def test_command_output(run_cli, golden, command):
    code, out = run_cli(*command, "--datasets", str(GOLDEN))
    assert code == 0
    assert out == golden
