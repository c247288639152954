"""Targets as they are stated (issue 12): how a statement relates to the one before, in
the data files and through the command line."""

from __future__ import annotations

from tests.conftest import TARGETS, write_dataset


def _targets_with_relation(relation: str) -> str:
    header, row = TARGETS.splitlines()[:2]
    later = row.replace("t1,", "t2,", 1).replace(",,,", ",t1,,", 1)
    return f"{header},relation\n{row},\n{later},{relation}\n"


def test_a_file_without_the_relation_column_stays_valid(tmp_path, run_cli):
    code, out = run_cli("validate", "--datasets", str(write_dataset(tmp_path)))
    assert code == 0, out


def test_a_relation_from_the_closed_set_validates(tmp_path, run_cli):
    folder = write_dataset(tmp_path, targets=_targets_with_relation("raised"))
    code, out = run_cli("validate", "--datasets", str(folder))
    assert code == 0, out


def test_an_unknown_relation_is_located(tmp_path, run_cli):
    folder = write_dataset(tmp_path, targets=_targets_with_relation("doubled"))
    code, out = run_cli("validate", "--datasets", str(folder))
    assert code == 1
    assert "targets.csv:3: column 'relation' value 'doubled'" in out
