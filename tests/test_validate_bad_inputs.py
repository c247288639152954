"""The catalogue of bad inputs: each a tiny dataset that must fail with a precise message."""

from __future__ import annotations

import json

import pytest

from tests.conftest import OBSERVATIONS, SOURCES, TARGETS, write_dataset

OBS_HEADER = OBSERVATIONS.splitlines()[0]
OBS_ROW = OBSERVATIONS.splitlines()[1]  # line 2 of observations.csv
TGT_HEADER = TARGETS.splitlines()[0]


def _obs(*rows: str) -> str:
    return "\n".join([OBS_HEADER, *rows]) + "\n"


def _obs_row(**cells: str) -> str:
    """Line 2 of the baseline observations with some cells replaced."""
    names = OBS_HEADER.split(",")
    values = dict(zip(names, OBS_ROW.split(","), strict=True))
    values.update(cells)
    return ",".join(values[name] for name in names)


def _with_row2(**cells: str) -> str:
    lines = OBSERVATIONS.splitlines()
    lines[1] = _obs_row(**cells)
    return "\n".join(lines) + "\n"


def _targets(*rows: str) -> str:
    return "\n".join([TGT_HEADER, *rows]) + "\n"


TARGET_ROW = (
    "t1,KAZ,TJK,total,2,USD,billion,$2 billion,,target,{deadline},x,{stated},P,s1,{sup},{judge},"
)


def _target(tid="t1", deadline="", stated="2024-08-22", sup="", judge="") -> str:
    row = TARGET_ROW.format(deadline=deadline, stated=stated, sup=sup, judge=judge)
    return row.replace("t1,", f"{tid},", 1)


# (id, files to replace, file, line, column, value, rule fragment)
CASES = [
    (
        "unknown-iso-code",
        {"observations": _with_row2(reporter="KZX")},
        "observations.csv",
        2,
        "reporter",
        "KZX",
        "ISO 3166-1 alpha-3",
    ),
    (
        "reporter-equals-partner",
        {"observations": _with_row2(partner="KAZ")},
        "observations.csv",
        2,
        "partner",
        "KAZ",
        "same country as reporter",
    ),
    (
        "zero-value",
        {"observations": _with_row2(value="0", figure_as_written="$0 billion")},
        "observations.csv",
        2,
        "value",
        "0",
        "finite number greater than 0",
    ),
    (
        "negative-value",
        {"observations": _with_row2(value="-1.2")},
        "observations.csv",
        2,
        "value",
        "-1.2",
        "finite number greater than 0",
    ),
    (
        "nan-value",
        {"observations": _with_row2(value="NaN")},
        "observations.csv",
        2,
        "value",
        "NaN",
        "finite number greater than 0",
    ),
    (
        "infinite-value",
        {"observations": _with_row2(value="inf")},
        "observations.csv",
        2,
        "value",
        "inf",
        "finite number greater than 0",
    ),
    (
        "decimal-comma",
        {"observations": _with_row2(value='"1,2"')},
        "observations.csv",
        2,
        "value",
        "1,2",
        "is not a number",
    ),
    (
        "unknown-currency",
        {"observations": _with_row2(currency="XYZ")},
        "observations.csv",
        2,
        "currency",
        "XYZ",
        "ISO 4217",
    ),
    (
        "unknown-scale",
        {"observations": _with_row2(scale="gazillion")},
        "observations.csv",
        2,
        "scale",
        "gazillion",
        "must be one of",
    ),
    (
        "figure-contradicts-scale",
        {"observations": _with_row2(value="901", scale="million", figure_as_written="901 billion")},
        "observations.csv",
        2,
        "figure_as_written",
        "901 billion",
        "reads as 901 billion",
    ),
    (
        "figure-contradicts-value",
        {"observations": _with_row2(figure_as_written="$1.3 billion")},
        "observations.csv",
        2,
        "figure_as_written",
        "$1.3 billion",
        "reads as 1.3 billion",
    ),
    (
        "span-does-not-parse",
        {"observations": _with_row2(span="2024-13")},
        "observations.csv",
        2,
        "span",
        "2024-13",
        "is not a span",
    ),
    (
        "span-start-after-end",
        {"observations": _with_row2(span="2024-09/2024-01")},
        "observations.csv",
        2,
        "span",
        "2024-09/2024-01",
        "start <= end",
    ),
    (
        "span-after-publication",
        {"observations": _with_row2(span="2025")},
        "observations.csv",
        2,
        "span",
        "2025",
        "after its source was published",
    ),
    (
        "deadline-before-stated",
        {"targets": _targets(_target(deadline="2020"))},
        "targets.csv",
        2,
        "deadline_year",
        "2020",
        "before the year the target was stated",
    ),
    (
        "unknown-source-id",
        {"observations": _with_row2(source_id="s9")},
        "observations.csv",
        2,
        "source_id",
        "s9",
        "unknown source_id",
    ),
    (
        "supersedes-cycle",
        {"targets": _targets(_target("t1", sup="t2"), _target("t2", sup="t1"))},
        "targets.csv",
        2,
        "supersedes",
        "t2",
        "cycle",
    ),
    (
        "supersedes-unknown",
        {"targets": _targets(_target("t1", sup="t7"))},
        "targets.csv",
        2,
        "supersedes",
        "t7",
        "unknown target_id",
    ),
    (
        "duplicate-key",
        {"observations": _obs(OBS_ROW, OBS_ROW)},
        "observations.csv",
        3,
        "reporter+partner+flow+scope+span+source_id",
        "KAZ|TJK|total|goods|2024|s1",
        "duplicate key",
    ),
    (
        "currency-without-rate",
        {"observations": _with_row2(span="2023", currency="KZT", value="1.2")},
        "observations.csv",
        2,
        "currency",
        "KZT",
        "no KZT rate for 2023",
    ),
    (
        "date-not-real",
        {"sources": SOURCES.replace("2025-02-12", "2025-02-30")},
        "sources.csv",
        2,
        "published_date",
        "2025-02-30",
        "not a real date",
    ),
    (
        "required-cell-empty",
        {"sources": SOURCES.replace("Trade up", "")},
        "sources.csv",
        2,
        "title",
        "",
        "is required",
    ),
    (
        "unknown-flow",
        {"observations": _with_row2(flow="re-exports")},
        "observations.csv",
        2,
        "flow",
        "re-exports",
        "must be one of: total, exports, imports",
    ),
    (
        "growth-contradicts-written",
        {"observations": _with_row2(growth_as_written="4.7%")},
        "observations.csv",
        2,
        "growth_as_written",
        "4.7%",
        "reads as 4.7%",
    ),
    (
        "growth-without-written",
        {"observations": _with_row2(growth_as_written="")},
        "observations.csv",
        2,
        "growth_as_written",
        "",
        "is required when growth_pct is given",
    ),
    (
        "judged-by-outside-pair",
        {"targets": _targets(_target(judge="PAK"))},
        "targets.csv",
        2,
        "judged_by",
        "PAK",
        "must be country_a or country_b",
    ),
    (
        "stated-after-publication",
        {"targets": _targets(_target(stated="2025-06-01"))},
        "targets.csv",
        2,
        "stated_date",
        "2025-06-01",
        "after its source was published",
    ),
    (
        "deadline-not-a-year",
        {"targets": _targets(_target(deadline="soon"))},
        "targets.csv",
        2,
        "deadline_year",
        "soon",
        "is not a year",
    ),
    (
        "missing-column",
        {
            "observations": OBSERVATIONS.replace(",flow,", ",", 1)
            .replace(",total,", ",")
            .replace(",exports,", ",")
        },
        "observations.csv",
        1,
        "flow",
        "",
        "required column is missing",
    ),
    (
        "unknown-column",
        {"sources": SOURCES.replace(",note\n", ",note,colour\n", 1).replace(",,\n", ",,,red\n")},
        "sources.csv",
        1,
        "colour",
        "colour",
        "unknown column",
    ),
    (
        "wrong-field-count",
        {"observations": _obs(OBS_ROW + ",extra")},
        "observations.csv",
        2,
        None,
        "",
        "row has 15 fields; the header has 14",
    ),
    (
        "semicolon-delimited",
        {"fx_rates": "currency;year;units_per_usd;source_id;note\nKZT;2024;469.44;s2;\n"},
        "fx_rates.csv",
        1,
        None,
        "",
        "separated by ';'; expected ','",
    ),
    (
        "latin-1-encoded",
        {"observations": _with_row2(note="Statistique données").encode("latin-1")},
        "observations.csv",
        2,
        "note",
        "0xE9",
        "is not UTF-8",
    ),
]

WHOLE_FILE_CASES = [
    ("empty-file", {"observations": ""}, "observations.csv", "file is empty"),
    ("missing-file", {"targets": None}, "targets.csv", "file is missing"),
    (
        "header-only",
        {"observations": OBS_HEADER + "\n"},
        "observations.csv",
        "has a header but no rows",
    ),
]


def _assert_clean_failure(out: str) -> None:
    assert "Traceback" not in out
    assert "invalid:" in out


@pytest.mark.parametrize(
    ("files", "file", "line", "column", "value", "rule"),
    [pytest.param(*case[1:], id=case[0]) for case in CASES],
)
def test_bad_input_is_reported_precisely(tmp_path, run_cli, files, file, line, column, value, rule):
    directory = write_dataset(tmp_path / "datasets", **files)
    code, out = run_cli("validate", "--datasets", str(directory))
    assert code == 1
    _assert_clean_failure(out)
    prefix = f"{file}:{line}: "
    where = f"column '{column}' value '{value}': " if column else ""
    matching = [x for x in out.splitlines() if x.startswith(prefix + where) and rule in x]
    assert matching, f"no line starting {prefix + where!r} with {rule!r} in:\n{out}"


@pytest.mark.parametrize(
    ("files", "file", "rule"),
    [pytest.param(*case[1:], id=case[0]) for case in WHOLE_FILE_CASES],
)
def test_bad_file_is_reported(tmp_path, run_cli, files, file, rule):
    directory = write_dataset(tmp_path / "datasets", **files)
    code, out = run_cli("validate", "--datasets", str(directory))
    assert code == 1
    _assert_clean_failure(out)
    assert any(x.startswith(f"{file}: ") and rule in x for x in out.splitlines()), out


def test_every_failure_is_listed_not_just_the_first(tmp_path, run_cli):
    directory = write_dataset(
        tmp_path / "datasets",
        observations=_obs(
            _obs_row(reporter="KZX"),
            _obs_row(span="2023", value="0", figure_as_written="$0 billion"),
        ),
        sources=SOURCES.replace("2025-03", "2025-13"),
    )
    code, out = run_cli("validate", "--datasets", str(directory))
    assert code == 1
    lines = out.splitlines()
    assert any(x.startswith("observations.csv:2: column 'reporter'") for x in lines)
    assert any(x.startswith("observations.csv:3: column 'value'") for x in lines)
    assert any(x.startswith("sources.csv:3: column 'published_date'") for x in lines)


def test_json_format_lists_errors(tmp_path, run_cli):
    directory = write_dataset(tmp_path / "datasets", observations=_with_row2(reporter="KZX"))
    code, out = run_cli("validate", "--datasets", str(directory), "--format", "json")
    report = json.loads(out.split("\ninvalid:")[0])
    assert code == 1
    assert report["valid"] is False
    assert report["errors"][0] == {
        "file": "observations.csv",
        "line": 2,
        "column": "reporter",
        "value": "KZX",
        "rule": "is not an ISO 3166-1 alpha-3 country code",
        "severity": "error",
    }


def test_usage_error_exits_2(run_cli):
    code, _ = run_cli("validate", "--format", "yaml")
    assert code == 2


def test_missing_datasets_directory_is_a_usage_error(tmp_path, run_cli):
    code, out = run_cli("validate", "--datasets", str(tmp_path / "nowhere"))
    assert code == 2
    assert "not found" in out
