"""The hostile-input catalogue: what an attacker or a careless user may feed the tracker.

Every case ends in the right exit code, a message that says where and what (one line, no
traceback), and no byte changed in the datasets folder. Outputs built from hostile data
hold no link but http(s), no image, no formula cell and no raw control character.
"""

from __future__ import annotations

import csv
import io
import os
import re
import subprocess
import sys
from datetime import date
from pathlib import Path

import pytest

from tests.conftest import OBSERVATIONS, SOURCES, TARGETS, report_text, write_dataset
from tracker import load_datasets
from tracker.loading.commit import LOCK
from tracker.output.report import build_report

TRACKER = Path(sys.executable).parent / "tracker"
OBS_HEADER, OBS_ROW = OBSERVATIONS.splitlines()[:2]
TGT_HEADER, TGT_ROW = TARGETS.splitlines()[:2]
SRC_HEADER, SRC_ROW = SOURCES.splitlines()[:2]


def _replace(row: str, header: str, **cells: str) -> str:
    """A CSV row with some cells replaced (values quoted as a CSV writer would)."""
    names = header.split(",")
    values = dict(zip(names, next(csv.reader([row])), strict=True))
    values.update(cells)
    buffer = io.StringIO()
    # With CRLF as the terminator the writer quotes any cell holding a CR or an LF.
    csv.writer(buffer, lineterminator="\r\n").writerow([values[name] for name in names])
    return buffer.getvalue().removesuffix("\r\n")


def _table(text: str, header: str, row: str, **cells: str) -> str:
    lines = text.splitlines()
    lines[1] = _replace(row, header, **cells)
    return "\n".join(lines) + "\n"


def obs(**cells: str) -> str:
    """observations.csv with line 2 changed."""
    return _table(OBSERVATIONS, OBS_HEADER, OBS_ROW, **cells)


def tgt(**cells: str) -> str:
    """targets.csv with line 2 changed."""
    return _table(TARGETS, TGT_HEADER, TGT_ROW, **cells)


def src(**cells: str) -> str:
    """sources.csv with line 2 changed."""
    return _table(SOURCES, SRC_HEADER, SRC_ROW, **cells)


def _files(directory: Path) -> dict[str, bytes]:
    """Every file's bytes; the writers' lock file is empty and holds no data."""
    return {
        p.name: p.read_bytes()
        for p in sorted(directory.iterdir())
        if p.is_file() and p.name != LOCK
    }


def _run(*argv: str, stdin=None, stdout=subprocess.PIPE, shell: str | None = None):
    """The real console script in a child process: what a user's shell sees."""
    if shell is not None:
        return subprocess.run(
            ["bash", "-o", "pipefail", "-c", shell],
            capture_output=True,
            text=True,
            env={**os.environ, "TRACKER": str(TRACKER)},
        )
    return subprocess.run(
        [str(TRACKER), *argv], stdout=stdout, stderr=subprocess.PIPE, text=True, stdin=stdin
    )


# --- Data that must fail validation with one located line ---------------------------------
# (id, files replaced, expected "FILE:LINE: column 'C'" start, rule fragment)
INVALID = [
    (
        "ansi-escape-in-reporter",
        {"observations": obs(reporter="K\x1b[31mZ")},
        "observations.csv:2: column 'reporter' value 'K\\x1b[31mZ'",
        "control character",
    ),
    (
        "newline-forges-a-second-message",
        {"targets": tgt(target_id="t1\nobservations.csv:1: ok")},
        "targets.csv:2: column 'target_id' value 't1\\x0aobservations.csv:1: ok'",
        "line break",
    ),
    (
        "bidi-override-in-a-code",
        {"observations": obs(partner="TJ\u202eK")},
        "observations.csv:2: column 'partner' value 'TJ\\u202eK'",
        "control character",
    ),
    (
        "value-zero",
        {"observations": obs(value="0", figure_as_written="$0 billion")},
        "observations.csv:2: column 'value' value '0'",
        "greater than 0",
    ),
    (
        "value-negative",
        {"observations": obs(value="-1.2", figure_as_written="$-1.2 billion")},
        "observations.csv:2: column 'value' value '-1.2'",
        "greater than 0",
    ),
    (
        "value-infinite",
        {"observations": obs(value="inf")},
        "observations.csv:2: column 'value' value 'inf'",
        "finite",
    ),
    (
        "value-nan",
        {"observations": obs(value="nan")},
        "observations.csv:2: column 'value' value 'nan'",
        "finite",
    ),
    (
        "value-with-comma",
        {"observations": obs(value="1,2")},
        "observations.csv:2: column 'value' value '1,2'",
        "not a number",
    ),
    (
        "span-february-30th-month",
        {"observations": obs(span="2024-13")},
        "observations.csv:2: column 'span' value '2024-13'",
        "span",
    ),
    (
        "span-reversed",
        {"observations": obs(span="2024-09/2024-01")},
        "observations.csv:2: column 'span' value '2024-09/2024-01'",
        "span",
    ),
    (
        "date-does-not-exist",
        {"sources": src(published_date="2025-02-30")},
        "sources.csv:2: column 'published_date' value '2025-02-30'",
        "real date",
    ),
    (
        "unknown-scale",
        {"observations": obs(scale="quadrillion")},
        "observations.csv:2: column 'scale' value 'quadrillion'",
        "must be one of",
    ),
    (
        "unknown-currency",
        {"observations": obs(currency="XXY")},
        "observations.csv:2: column 'currency' value 'XXY'",
        "ISO 4217",
    ),
    (
        "figure-typed-in-billions",
        {"observations": obs(figure_as_written="$1.2 million")},
        "observations.csv:2: column 'figure_as_written' value '$1.2 million'",
        "reads as",
    ),
    (
        "deadline-before-statement",
        {"targets": tgt(deadline_year="2020")},
        "targets.csv:2: column 'deadline_year' value '2020'",
        "before the year",
    ),
    (
        "deadline-out-of-range",
        {"targets": tgt(deadline_year="99999")},
        "targets.csv:2: column 'deadline_year' value '99999'",
        "year between",
    ),
    (
        "supersedes-itself",
        {"targets": tgt(supersedes="t1")},
        "targets.csv:2: column 'supersedes' value 't1'",
        "cycle",
    ),
    (
        "javascript-in-source-id",
        {"observations": obs(source_id="javascript:alert(1)")},
        "observations.csv:2: column 'source_id' value 'javascript:alert(1)'",
        "identifier",
    ),
    (
        "formula-as-country",
        {"observations": obs(reporter="=1+1")},
        "observations.csv:2: column 'reporter' value '=1+1'",
        "ISO 3166-1",
    ),
    (
        "value-of-1e308-billion",
        {"observations": obs(value="1e308", figure_as_written="$1e308 billion")},
        "observations.csv:2: column 'value' value '1e308'",
        "above $10 trillion",
    ),
    (
        "value-of-1e-300",
        {"observations": obs(value="1e-300", scale="unit", figure_as_written="$1e-300")},
        "observations.csv:2: column 'value' value '1e-300'",
        "below one US dollar",
    ),
    (
        "target-of-20-trillion",
        {"targets": tgt(value="20000", figure_as_written="$20000 billion")},
        "targets.csv:2: column 'value' value '20000'",
        "above $10 trillion",
    ),
    (
        "published-in-9999",
        {"sources": src(published_date="9999")},
        "sources.csv:2: column 'published_date' value '9999'",
        "1900-2100",
    ),
    (
        "published-next-year",
        {"sources": src(published_date=str(date.today().year + 1))},
        f"sources.csv:2: column 'published_date' value '{date.today().year + 1}'",
        "after today",
    ),
    (
        "stated-in-year-1",
        {"targets": tgt(stated_date="0001-01-01")},
        "targets.csv:2: column 'stated_date' value '0001-01-01'",
        "1900-2100",
    ),
    (
        "carriage-return-in-a-note",
        {"targets": tgt(note="fine\r# Forged heading")},
        "targets.csv:2: column 'note' value 'fine\\x0d# Forged heading'",
        "line break",
    ),
    (
        "full-width-digits-in-a-value",
        {"observations": obs(value="１.２")},
        "observations.csv:2: column 'value' value '１.２'",
        "not a number",
    ),
    (
        "arabic-indic-digits-in-a-value",
        {"observations": obs(value="١.٢")},
        "observations.csv:2: column 'value' value '١.٢'",
        "not a number",
    ),
    (
        "full-width-deadline",
        {"targets": tgt(deadline_year="２０３０")},
        "targets.csv:2: column 'deadline_year' value '２０３０'",
        "year between",
    ),
    (
        "superscript-deadline",
        {"targets": tgt(deadline_year="2⁰30")},
        "targets.csv:2: column 'deadline_year' value '2⁰30'",
        "year between",
    ),
    (
        "full-width-figure-as-written",
        {"observations": obs(figure_as_written="$１.２ billion")},
        "observations.csv:2: column 'figure_as_written' value '$１.２ billion'",
        "no number",
    ),
    (
        "full-width-span",
        {"observations": obs(span="２０２４")},
        "observations.csv:2: column 'span' value '２０２４'",
        "span",
    ),
    (
        "cell-of-200-kb",
        {"targets": tgt(note="x" * 200_000)},
        "targets.csv:2:",
        "cannot be read as CSV",
    ),
    (
        "cell-of-20-thousand-characters",
        {"targets": tgt(note="y" * 20_000)},
        "targets.csv:2: column 'note' value 'yyyy",
        "at most 10,000",
    ),
    (
        "quote-left-open",
        {"targets": TARGETS.replace(",President,", ',"President,', 1)},
        "targets.csv:2:",
        "quote left open here swallows lines 3 to 3",
    ),
]


@pytest.mark.parametrize(
    ("files", "where", "rule"), [c[1:] for c in INVALID], ids=[c[0] for c in INVALID]
)
def test_invalid_data_is_one_located_line(tmp_path, run_cli, files, where, rule):
    directory = write_dataset(tmp_path / "d", **files)
    before = _files(directory)
    for command in (("validate",), ("status",), ("audit",), ("report", "--month", "2025-03")):
        code, out = (
            run_cli(*command, "--datasets", str(directory), "--out", str(tmp_path))
            if command[0] == "report"
            else run_cli(*command, "--datasets", str(directory))
        )
        assert code == 1, (command, out)
        assert "Traceback" not in out
        lines = [line for line in out.splitlines() if line.startswith(where)]
        assert len(lines) == 1 and rule in lines[0], out
        assert all(ch.isprintable() for ch in out.replace("\n", "")), repr(out)
    assert _files(directory) == before


# --- Arguments out of range: usage errors (exit 2), nothing written -----------------------
BAD_ARGUMENTS = [
    ("seed-negative", ("whatif", "t1", "--seed=-1"), "--seed"),
    ("seed-not-a-number", ("whatif", "t1", "--seed", "one"), "--seed"),
    ("simulate-zero", ("whatif", "t1", "--simulate", "0"), "--simulate"),
    (
        "simulate-billion",
        ("whatif", "t1", "--simulate", "1000000000", "--as-of", "2025-06-01"),
        "--simulate",
    ),
    ("deadline-far-future", ("whatif", "t1", "--deadline", "99999"), "--deadline"),
    ("deadline-zero", ("whatif", "t1", "--deadline", "0"), "--deadline"),
    ("deadline-negative", ("whatif", "t1", "--deadline", "-5"), "--deadline"),
    ("deadline-1800", ("whatif", "t1", "--deadline", "1800"), "--deadline"),
    ("growth-below-minus-100", ("whatif", "t1", "--growth", "-200"), "--growth"),
    ("growth-nan", ("whatif", "t1", "--growth", "nan"), "--growth"),
    ("growth-inf", ("whatif", "t1", "--growth", "inf"), "--growth"),
    ("as-of-not-a-date", ("status", "--as-of", "2025-02-30"), "--as-of"),
    ("as-of-year-1", ("status", "--as-of", "0001-01-01"), "--as-of"),
    ("as-of-far-future", ("status", "--as-of", "9999-12-31"), "--as-of"),
    ("month-13", ("report", "--month", "2025-13"), "month"),
    ("month-words", ("report", "--month", "last"), "month"),
    ("unknown-format", ("status", "--format", "xml"), "--format"),
    ("unknown-command", ("explode",), "invalid choice"),
    ("unknown-target", ("whatif", "no-such-goal", "--as-of", "2025-06-01"), "unknown target"),
    ("target-not-yet-published", ("whatif", "t2", "--as-of", "2024-01-01"), "not yet published"),
]


@pytest.mark.parametrize(
    ("argv", "said"), [c[1:] for c in BAD_ARGUMENTS], ids=[c[0] for c in BAD_ARGUMENTS]
)
def test_bad_arguments_are_usage_errors(tmp_path, run_cli, argv, said):
    directory = write_dataset(tmp_path / "d")
    before = _files(directory)
    code, out = run_cli(*argv, "--datasets", str(directory))
    assert code == 2, out
    assert said in out and "Traceback" not in out
    assert _files(directory) == before


# --- Outputs built from hostile data ------------------------------------------------------
HOSTILE_NOTE = (
    "![x](http://evil.example/p.png) [click](javascript:alert(1)) <img src=x onerror=1>"
    " # Forged heading =cmd|' /C calc'!A0"
)


@pytest.fixture(scope="module")
def hostile_report(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("hostile")
    targets = TARGETS.splitlines()
    targets[2] = _replace(targets[2], TGT_HEADER, note=HOSTILE_NOTE)  # the newest statement
    directory = write_dataset(
        tmp / "d",
        sources=src(address="javascript:alert(document.cookie)", title="<script>x</script>"),
        targets="\n".join(targets) + "\n",
    )
    return directory, build_report(load_datasets(directory), "2025-03", tmp / "reports")


def test_only_web_addresses_become_links(hostile_report):
    _, folder = hostile_report
    html = report_text(folder, "html")
    markdown = report_text(folder, "md")
    assert "javascript:" not in html.split('href="')[1:] and 'href="javascript' not in html
    # A Markdown link needs an unescaped "](": the escaped "\\](" is plain text.
    assert "<javascript:" not in markdown and not re.search(r"(?<!\\)\]\(javascript", markdown)
    assert "<script>" not in html
    # Only our charts, embedded; inside them, links only to their own parts (markers).
    assert not re.search(r'<img src="(?!data:image/(png|svg\+xml);base64,)', html)
    charts = sorted((folder / "figures").glob("*.svg"))
    assert charts
    for chart in charts:
        text = chart.read_text(encoding="utf-8")
        assert "<script" not in text and not re.search(r'href="(?!#)', text), chart.name


def test_notes_make_no_image_link_or_heading_in_markdown(hostile_report):
    _, folder = hostile_report
    markdown = report_text(folder, "md")
    assert not re.search(r"(?<!\\)!(?<!\\)\[x(?<!\\)\]\(", markdown)
    assert not re.search(r"(?<!\\)\[click(?<!\\)\]\(", markdown)
    assert "\\# Forged" in markdown  # the hash is escaped: no heading even at a line start
    assert not re.search(r"(?<!\\)<img", markdown)  # "\\<img" is text, not a tag


def test_status_csv_rows_stay_whole_and_cells_inert(hostile_report):
    _, folder = hostile_report
    rows = list(csv.reader(io.StringIO((folder / "status.csv").read_text(encoding="utf-8"))))
    assert len({len(row) for row in rows}) == 1  # no row split by a line break
    cells = [cell for row in rows for cell in row]
    assert not [
        c
        for c in cells
        if c[:1] in ("=", "+", "@")
        or (c.startswith("-") and not c.lstrip("-").replace(".", "").isdigit())
    ]
    assert any(c.startswith("'") or "=cmd" in c for c in cells)


@pytest.mark.parametrize("command", [("status", "--as-of", "2025-06-01"), ("audit",)])
def test_csv_output_on_the_terminal_is_neutralised(tmp_path, run_cli, command):
    note = "@SUM(1+1)*cmd"
    directory = write_dataset(
        tmp_path / "d",
        observations=obs(figure_as_written="=1+$1.2 billion"),
        targets=tgt(note=note),
    )
    _, out = run_cli(*command, "--format", "csv", "--datasets", str(directory))
    cells = [cell for row in csv.reader(io.StringIO(out)) for cell in row]
    assert not [c for c in cells if c[:1] in ("=", "@")], out


# --- Exit codes hold through pipes and closed outputs ------------------------------------
def test_invalid_data_piped_to_head_still_exits_1(tmp_path):
    rows = [
        _replace(OBS_ROW, OBS_HEADER, reporter="KZX", span=str(1950 + n % 70), source_id="s1")
        for n in range(3000)
    ]
    directory = write_dataset(tmp_path / "d", observations="\n".join([OBS_HEADER, *rows]) + "\n")
    result = _run(shell=f'"$TRACKER" validate --datasets {directory} | head -1')
    assert result.returncode == 1, result.stderr
    assert "Traceback" not in result.stderr


def test_closed_standard_output_is_an_error(tmp_path):
    directory = write_dataset(tmp_path / "d")
    result = _run(shell=f'"$TRACKER" validate --datasets {directory} >&-')
    assert result.returncode == 2
    assert "standard output is closed" in result.stderr and "Traceback" not in result.stderr


@pytest.mark.skipif(not Path("/dev/full").exists(), reason="no /dev/full on this system")
def test_a_full_output_device_is_an_error(tmp_path):
    directory = write_dataset(tmp_path / "d")
    result = _run(shell=f'"$TRACKER" validate --datasets {directory} > /dev/full')
    assert result.returncode == 2
    assert "No space left" in result.stderr and "Traceback" not in result.stderr


# --- Files that are not what they claim to be ---------------------------------------------
SECRET = "AWS_SECRET=do-not-print-me"


def _utf16(directory: Path) -> None:
    text = (directory / "targets.csv").read_text(encoding="utf-8")
    (directory / "targets.csv").write_bytes(text.encode("utf-16"))


def _binary(directory: Path) -> None:
    (directory / "sources.csv").write_bytes(b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR")


def _link_out(directory: Path) -> None:
    secret = directory.parent / "secret.csv"
    secret.write_text(f"{SECRET}\n{SECRET}\n", encoding="utf-8")
    (directory / "fx_rates.csv").unlink()
    (directory / "fx_rates.csv").symlink_to(secret)


def _panel_link_out(directory: Path) -> None:
    secret = directory.parent / "secret.parquet"
    secret.write_text(SECRET, encoding="utf-8")
    (directory / "imf.parquet").symlink_to(secret)


def _folder_in_place(directory: Path) -> None:
    (directory / "observations.csv").unlink()
    (directory / "observations.csv").mkdir()


def _corrupt_panel(directory: Path) -> None:
    (directory / "imf.parquet").write_bytes(b"PAR1" + b"\x00" * 64 + b"PAR1")


def _integer_spans_panel(directory: Path) -> None:
    import pandas as pd

    frame = pd.DataFrame(
        {
            "reporter": ["KAZ"],
            "partner": ["TJK"],
            "flow": ["total"],
            "span": [2024],
            "value": [1.0],
            "currency": ["USD"],
            "scale": ["million"],
            "source_id": ["s1"],
        }
    )
    frame.to_parquet(directory / "imf.parquet")


def _empty_file(directory: Path) -> None:
    (directory / "targets.csv").write_bytes(b"")


BROKEN_FILES = [
    ("utf-16-file", _utf16, "targets.csv: ", "UTF-16 or binary"),
    ("binary-file", _binary, "sources.csv: ", "UTF-16 or binary"),
    ("link-out-of-the-folder", _link_out, "fx_rates.csv: ", "outside the datasets folder"),
    ("panel-link-out", _panel_link_out, "imf.parquet: ", "outside the datasets folder"),
    ("folder-in-place-of-a-file", _folder_in_place, "observations.csv: ", "is not a file"),
    ("corrupt-panel", _corrupt_panel, "imf.parquet: ", "cannot be read as Parquet"),
    ("panel-spans-are-numbers", _integer_spans_panel, "imf.parquet:1: column 'span'", "span"),
    ("empty-file", _empty_file, "targets.csv: ", "file is empty"),
]


@pytest.mark.parametrize(
    ("breaks", "where", "rule"), [c[1:] for c in BROKEN_FILES], ids=[c[0] for c in BROKEN_FILES]
)
def test_broken_files_are_located_and_nothing_leaks(tmp_path, run_cli, breaks, where, rule):
    directory = write_dataset(tmp_path / "d")
    breaks(directory)
    before = _files(directory) if not (directory / "observations.csv").is_dir() else None
    for command in ("validate", "status", "audit"):
        code, out = run_cli(command, "--datasets", str(directory))
        assert code == 1, (command, out)
        assert "Traceback" not in out and SECRET not in out
        assert any(line.startswith(where) and rule in line for line in out.splitlines()), out
    if before is not None:
        assert _files(directory) == before


def test_an_unreadable_file_is_located(tmp_path, run_cli, monkeypatch):
    directory = write_dataset(tmp_path / "d")
    real = Path.read_bytes

    def refuse(path):
        if path.name == "targets.csv":
            raise PermissionError(13, "Permission denied")
        return real(path)

    monkeypatch.setattr(Path, "read_bytes", refuse)
    code, out = run_cli("validate", "--datasets", str(directory))
    assert code == 1
    assert "targets.csv: cannot be read (Permission denied)" in out


def test_a_folder_that_cannot_be_listed_is_not_called_valid(tmp_path, run_cli, monkeypatch):
    directory = write_dataset(tmp_path / "d")

    def refuse(path):
        raise PermissionError(13, "Permission denied")

    monkeypatch.setattr(os, "scandir", refuse)
    code, out = run_cli("validate", "--datasets", str(directory))
    assert code == 1
    assert "cannot be listed (Permission denied)" in out
    assert not any(line.startswith("valid:") for line in out.splitlines())


# --- Files given to the importers ---------------------------------------------------------
IMPORT_FIXTURES = Path(__file__).parent / "fixtures" / "imports"
SPEC = (IMPORT_FIXTURES / "kaz_trade_2025.yaml").read_text(encoding="utf-8")
BULK = (IMPORT_FIXTURES / "imts_bulk.csv").read_text(encoding="utf-8")


def _bulk_with_scale(scale: str) -> str:
    return BULK.replace(",A,6,Millions,", f",A,{scale},Millions,")


BILLION_LAUGHS = 'a: &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]\n' + "".join(
    f"{chr(98 + n)}: &{chr(98 + n)} [{','.join(['*' + chr(97 + n)] * 9)}]\n" for n in range(8)
)

# (id, kind, file name, file content, spec content or None, where, rule fragment)
BAD_IMPORTS = [
    ("comtrade-empty-file", "comtrade", "c.csv", "", None, "c.csv:1:", "not a UN Comtrade"),
    (
        "comtrade-garbage",
        "comtrade",
        "c.csv",
        "\x00garbage" * 1000,
        None,
        "c.csv:1:",
        "not a UN Comtrade",
    ),
    ("table-empty-file", "table", "t.tsv", "", SPEC, "t.tsv:", "cannot be read as a table"),
    (
        "imf-scale-nan",
        "imf",
        "b.csv",
        _bulk_with_scale("nan"),
        None,
        "b.csv:2: column 'SCALE.ID'",
        "power of ten",
    ),
    (
        "imf-scale-minus-inf",
        "imf",
        "b.csv",
        _bulk_with_scale("-inf"),
        None,
        "b.csv:2: column 'SCALE.ID'",
        "power of ten",
    ),
    (
        "imf-scale-six-and-a-half",
        "imf",
        "b.csv",
        _bulk_with_scale("6.5"),
        None,
        "b.csv:2: column 'SCALE.ID'",
        "power of ten",
    ),
    (
        "imf-scale-minus-300",
        "imf",
        "b.csv",
        _bulk_with_scale("-300"),
        None,
        "b.csv:2: column 'SCALE.ID'",
        "power of ten",
    ),
    ("spec-billion-laughs", "table", "t.tsv", "x", BILLION_LAUGHS, "spec.yaml:", "aliases"),
    (
        "spec-date-february-30",
        "table",
        "t.tsv",
        "x",
        SPEC.replace("released: 2025-08-15", "released: 2025-02-30"),
        "spec.yaml:",
        "YAML",
    ),
    (
        "spec-list-for-reporter",
        "table",
        "t.tsv",
        "x",
        SPEC.replace("reporter: KAZ", "reporter: [KAZ, TJK]"),
        "spec.yaml: column 'reporter'",
        "ISO 3166-1",
    ),
    (
        "spec-nested-skip-partners",
        "table",
        "t.tsv",
        "x",
        SPEC.replace("skip_partners: [Всего]", "skip_partners: [[Всего]]"),
        "spec.yaml: column 'skip_partners'",
        "list of partner names",
    ),
    (
        "spec-too-large",
        "table",
        "t.tsv",
        "x",
        SPEC + "# " + "x" * 300_000 + "\n",
        "spec.yaml:",
        "at most",
    ),
    (
        "table-arabic-indic-digits",
        "table",
        "t.tsv",
        (IMPORT_FIXTURES / "kaz_trade_2025.tsv")
        .read_text(encoding="utf-8")
        .replace("281,4", "٢٨١"),
        SPEC,
        "t.tsv:",
        "not a number",
    ),
    (
        "table-negative-value",
        "table",
        "t.tsv",
        (IMPORT_FIXTURES / "kaz_trade_2025.tsv")
        .read_text(encoding="utf-8")
        .replace("281,4", "-281,4"),
        SPEC,
        "t.tsv:",
        "not negative",
    ),
]


@pytest.mark.parametrize(
    ("kind", "name", "content", "spec", "where", "rule"),
    [c[1:] for c in BAD_IMPORTS],
    ids=[c[0] for c in BAD_IMPORTS],
)
def test_bad_import_files_are_refused_and_change_nothing(
    tmp_path, run_cli, kind, name, content, spec, where, rule
):
    directory = write_dataset(tmp_path / "d")
    before = _files(directory)
    path = tmp_path / name
    path.write_text(content, encoding="utf-8")
    argv = ["import", kind, str(path), "--datasets", str(directory)]
    if spec is not None:
        (tmp_path / "spec.yaml").write_text(spec, encoding="utf-8")
        argv += ["--spec", str(tmp_path / "spec.yaml")]
    code, out = run_cli(*argv)
    assert code == 1, out
    assert "Traceback" not in out
    assert any(line.startswith(where) and rule in line for line in out.splitlines()), out
    assert _files(directory) == before


def test_a_file_name_with_a_carriage_return_registers_as_one_line(tmp_path, run_cli):
    directory = write_dataset(tmp_path / "d")
    path = tmp_path / "imf\rrelease.csv"
    path.write_bytes((IMPORT_FIXTURES / "imts_sdmx_v1.csv").read_bytes())
    code, out = run_cli(
        "import", "imf", str(path), "--datasets", str(directory), "--released", "2025-06-30"
    )
    assert code == 0, out
    code, out = run_cli("validate", "--datasets", str(directory))
    assert code == 0, out
    assert "imf\\x0drelease.csv" in (directory / "sources.csv").read_text(encoding="utf-8")


def test_an_import_keeps_every_byte_and_the_mode_of_sources_csv(tmp_path, run_cli):
    padded = SOURCES.replace("\n", "\r\n").replace("s1,Trade up", "s1,  Trade up")
    directory = write_dataset(tmp_path / "d", sources=b"\xef\xbb\xbf" + padded.encode())
    (directory / "sources.csv").chmod(0o444)
    before = (directory / "sources.csv").read_bytes()
    code, out = run_cli(
        "import",
        "imf",
        str(IMPORT_FIXTURES / "imts_sdmx_v1.csv"),
        "--datasets",
        str(directory),
        "--released",
        "2025-06-30",
    )
    assert code == 0, out
    after = (directory / "sources.csv").read_bytes()
    assert after.startswith(before) and after.endswith(b"\r\n")
    assert after.count(b"\r\n") == before.count(b"\r\n") + 1  # one row, the file's endings
    assert (directory / "sources.csv").stat().st_mode & 0o777 == 0o444


def test_a_10000_link_chain_is_walked_once(tmp_path, run_cli):
    head = TARGETS.splitlines()[0]
    row = TARGETS.splitlines()[1]
    rows = [_replace(row, TGT_HEADER, target_id="c0") + ","]
    # Restated on one day: the relation records the order the dates cannot give.
    rows += [
        _replace(row, TGT_HEADER, target_id=f"c{n}", supersedes=f"c{n - 1}") + ",restated"
        for n in range(1, 10_000)
    ]
    targets = "\n".join([f"{head},relation", *rows]) + "\n"
    directory = write_dataset(tmp_path / "d", targets=targets)
    # Quadratic chain walks took minutes; its time is measured in benchmarks/chains.py.
    code, out = run_cli("validate", "--datasets", str(directory))
    assert code == 0, out
    assert out.startswith("valid: ") and "targets 10000 rows" in out


def test_import_into_a_corrupt_panel_is_refused(tmp_path, run_cli):
    directory = write_dataset(tmp_path / "d")
    (directory / "imf_imts.parquet").write_bytes(b"PAR1 not a panel PAR1")
    before = _files(directory)
    code, out = run_cli(
        "import",
        "imf",
        str(IMPORT_FIXTURES / "imts_sdmx_v1.csv"),
        "--datasets",
        str(directory),
        "--released",
        "2025-06-30",
    )
    assert code == 1 and "Traceback" not in out
    assert "imf_imts.parquet: the panel to merge into cannot be read as Parquet" in out
    assert _files(directory) == before


@pytest.mark.parametrize("out_is", ["a-file", "inside-a-file"])
def test_report_out_that_cannot_hold_a_report_is_a_usage_error(tmp_path, run_cli, out_is):
    directory = write_dataset(tmp_path / "d")
    blocker = tmp_path / "blocker"
    blocker.write_text("not a folder", encoding="utf-8")
    out = blocker if out_is == "a-file" else blocker / "reports"
    code, said = run_cli(
        "report", "--month", "2025-03", "--datasets", str(directory), "--out", str(out)
    )
    assert code == 2 and "Traceback" not in said
    assert "cannot write the report to" in said
    assert blocker.read_text(encoding="utf-8") == "not a folder"


def test_a_disk_full_during_an_import_changes_nothing(tmp_path, run_cli, monkeypatch):
    directory = write_dataset(tmp_path / "d")
    before = _files(directory)

    def full(*_args, **_kwargs):
        raise OSError(28, "No space left on device")

    monkeypatch.setattr("tracker.loading.commit._write_new", full)
    code, out = run_cli(
        "import",
        "imf",
        str(IMPORT_FIXTURES / "imts_sdmx_v1.csv"),
        "--datasets",
        str(directory),
        "--released",
        "2025-06-30",
    )
    assert code == 2 and "No space left on device" in out and "Traceback" not in out
    assert _files(directory) == before
    assert not [p.name for p in directory.iterdir() if ".tmp-" in p.name]
