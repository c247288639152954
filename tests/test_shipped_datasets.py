"""The shipped datasets: valid, untouched by validation, and holding the seed facts."""

from __future__ import annotations

import csv
import hashlib
import shutil
import subprocess
import sys
from pathlib import Path

import pandas as pd
import pytest

from tests.conftest import ROOT, SHIPPED
from tracker import load_datasets
from tracker.validation.schemas import FILES, SCHEMAS

FACTS = ROOT.parent / "shared" / "facts" / "seed_pairs.csv"
SEEDS = ROOT.parent / "shared" / "seeds"


@pytest.fixture(scope="module")
def data():
    return load_datasets(SHIPPED)


def _digest(directory: Path) -> dict[str, str]:
    files = sorted(path for path in directory.rglob("*") if path.is_file())
    return {str(p.relative_to(directory)): hashlib.sha256(p.read_bytes()).digest() for p in files}


def _tracker(*args: str) -> subprocess.CompletedProcess:
    """The installed console script, as a user runs it."""
    exe = Path(sys.executable).with_name("tracker")
    return subprocess.run([str(exe), *args], capture_output=True, text=True, check=False)


def test_validate_passes_and_leaves_files_byte_identical():
    before = _digest(SHIPPED)
    result = _tracker("validate", "--datasets", str(SHIPPED))
    assert result.returncode == 0, result.stdout + result.stderr
    assert result.stdout.startswith("valid: sources ")
    assert _digest(SHIPPED) == before


def test_one_bad_reporter_code_gives_one_precise_line(tmp_path):
    copy = shutil.copytree(SHIPPED, tmp_path / "datasets")
    path = copy / "observations.csv"
    lines = path.read_text(encoding="utf-8").splitlines(keepends=True)
    assert lines[4].startswith("KAZ,")
    lines[4] = "KZX," + lines[4][4:]
    path.write_text("".join(lines), encoding="utf-8")

    result = _tracker("validate", "--datasets", str(copy))
    assert result.returncode == 1
    assert result.stdout.splitlines() == [
        "observations.csv:5: column 'reporter' value 'KZX': "
        "is not an ISO 3166-1 alpha-3 country code"
    ]
    assert "Traceback" not in result.stderr


@pytest.mark.parametrize("table", list(SCHEMAS))
def test_data_dictionary_documents_every_column(table):
    readme = (SHIPPED / "README.md").read_text(encoding="utf-8")
    assert f"`{FILES[table]}`" in readme
    for column in SCHEMAS[table].columns:
        assert f"`{column}`" in readme, f"{table}.{column} missing from datasets/README.md"


def _observation(data, reporter, partner, flow, span, source_id):
    obs = data.observations
    match = obs[
        (obs.reporter == reporter)
        & (obs.partner == partner)
        & (obs.flow == flow)
        & (obs.span == span)
        & (obs.source_id == source_id)
    ]
    assert len(match) == 1, f"expected one {reporter}-{partner} {flow} {span} from {source_id}"
    return match.iloc[0]


def test_kazakhstan_tajikistan_levels(data):
    row_2023 = _observation(data, "KAZ", "TJK", "total", "2023", "treaty-2024-08")
    assert row_2023.value_usd_mn == pytest.approx(1.13 * 1000)
    assert row_2023.half_width_usd_mn == pytest.approx(0.005 * 1000)
    row_2024 = _observation(data, "KAZ", "TJK", "total", "2024", "astana-2025-02-12")
    assert row_2024.value_usd_mn == pytest.approx(1.2 * 1000)
    assert row_2024.growth_pct == pytest.approx(7.4)


def _chain(targets: pd.DataFrame, newest: str) -> list[str]:
    earlier = dict(zip(targets.target_id, targets.supersedes, strict=True))
    chain = [newest]
    while earlier[chain[-1]]:
        chain.append(earlier[chain[-1]])
    return chain


def test_two_billion_chain_includes_the_2027_deadline(data):
    tgt = data.targets.set_index("target_id", drop=False)
    chain = _chain(data.targets, "kaz-tjk-2bn-2025")
    assert len(chain) >= 4
    assert set(tgt.loc[chain, "value_usd_mn"]) == {2000.0}
    assert 2027 in set(tgt.loc[chain, "deadline_year"].dropna())
    assert tgt.loc[chain[-1], "stated_date"] == "2018-03-14"


def test_one_billion_pakistan_chain(data):
    tgt = data.targets.set_index("target_id", drop=False)
    chain = _chain(data.targets, "kaz-pak-1bn-2027")
    worded = list(tgt.loc[chain, "deadline_as_worded"])
    assert worded[0] == "within the next year"
    assert "in the coming years" in worded
    assert tgt.loc[chain[0], "deadline_year"] == 2027


@pytest.mark.parametrize(
    ("country_a", "country_b", "value_usd_mn"),
    [("PAK", "KAZ", 1700.0), ("KAZ", "ARM", 350.0)],
)
def test_export_potentials(data, country_a, country_b, value_usd_mn):
    tgt = data.targets
    match = tgt[
        (tgt.country_a == country_a)
        & (tgt.country_b == country_b)
        & (tgt.flow == "exports")
        & (tgt.kind == "potential")
    ]
    assert list(match.value_usd_mn) == [value_usd_mn]


@pytest.mark.parametrize("pair", [{"KAZ", "TJK"}, {"KAZ", "PAK"}, {"KAZ", "ARM"}])
def test_each_pair_has_a_history(data, pair):
    obs = data.observations
    in_pair = obs[obs.reporter.isin(pair) & obs.partner.isin(pair) & obs.value.notna()]
    assert in_pair["year"].nunique() >= 3


def test_every_seed_document_is_a_source(data):
    if not SEEDS.is_dir():
        pytest.skip("shared/seeds is not beside this checkout")
    registered = set(data.sources.seed_file)
    for seed in SEEDS.glob("*.txt"):
        assert f"seeds/{seed.name}" in registered


def test_every_facts_address_is_a_source(data):
    if not FACTS.is_file():
        pytest.skip("shared/facts is not beside this checkout")
    with FACTS.open(encoding="utf-8") as handle:
        addresses = {row["url"].replace(":443/", "/") for row in csv.DictReader(handle)}
    assert addresses <= set(data.sources.address)
