"""Variants that must validate: byte-order mark, CRLF, surrounding whitespace."""

from __future__ import annotations

import pytest

from tests.conftest import OBSERVATIONS, TABLES, write_dataset


def _crlf(text: str) -> str:
    return text.replace("\n", "\r\n")


def _padded(text: str) -> str:
    return "\n".join(" , ".join(cell for cell in line.split(",")) for line in text.splitlines())


VARIANTS = {
    "utf8-bom": {"observations": "\ufeff" + OBSERVATIONS},
    "crlf": {name.removesuffix(".csv"): _crlf(text) for name, text in TABLES.items()},
    "surrounding-whitespace": {"observations": _padded(OBSERVATIONS)},
}


def test_baseline_is_valid(tmp_path, run_cli):
    code, out = run_cli("validate", "--datasets", str(write_dataset(tmp_path / "d")))
    assert code == 0, out
    assert (
        out.strip() == "valid: sources 2 rows, observations 3 rows, targets 2 rows, fx_rates 1 rows"
    )


@pytest.mark.parametrize("files", list(VARIANTS.values()), ids=list(VARIANTS))
def test_accepted_variant_validates(tmp_path, run_cli, files):
    code, out = run_cli("validate", "--datasets", str(write_dataset(tmp_path / "d", **files)))
    assert code == 0, out
    assert "observations 3 rows" in out
