"""Running the schemas and the cross-file rules, and turning what they find into failures.

Validation is lazy: every schema runs to the end and every rule runs on every row it can
judge, so one run lists every failure. It never writes.
"""

from __future__ import annotations

import pandas as pd
import pandera.pandas as pa

from tracker.core.failures import Failure
from tracker.validation.observations import Rates, observation_failures
from tracker.validation.panel import observation_panel
from tracker.validation.rules import RULES
from tracker.validation.schemas import FILES, SCHEMAS

__all__ = ["schema_failures", "validate_frames", "validate_panel"]


def _failure(file: str, schema: pa.DataFrameSchema, case: pd.Series) -> Failure:
    check, column, value = str(case["check"]), case["column"], str(case["failure_case"])
    if check == "column_in_dataframe":
        return Failure(file, 1, value, "", "required column is missing from the header")
    if check == "column_in_schema":
        known = ", ".join(schema.columns)
        return Failure(file, 1, value, value, f"unknown column (the columns are: {known})")
    line = None if pd.isna(case["index"]) else int(case["index"])
    return Failure(file, line, column, value, check)


def _duplicates(file: str, key: list[str], cases: pd.DataFrame) -> list[Failure]:
    failures = []
    for line, rows in cases.groupby("index"):
        values = dict(zip(rows["column"], rows["failure_case"].astype(str), strict=True))
        shown = "|".join(values.get(column, "") for column in key)
        rule = f"duplicate key: an earlier row has the same {', '.join(key)}"
        failures.append(Failure(file, int(line), "+".join(key), shown, rule))
    return failures


def schema_failures(schema: pa.DataFrameSchema, file: str, frame: pd.DataFrame) -> list[Failure]:
    """Validate one file's frame against its schema; one failure per offending cell.

    Parameters
    ----------
    schema : pandera.DataFrameSchema
        One of :data:`tracker.validation.schemas.SCHEMAS`, or the panel schema.
    file : str
        The file name failures report.
    frame : pandas.DataFrame
        The file as read, indexed by line (or row) number.

    Examples
    --------
    >>> fx = pd.DataFrame([dict(currency="KZT", year="23", units_per_usd="469.44", source_id="s",
    ...                         note="")], index=[2])
    >>> print(*schema_failures(SCHEMAS["fx_rates"], "fx_rates.csv", fx))
    fx_rates.csv:2: column 'year' value '23': is not a year between 1950 and 2100
    """
    try:
        # inplace: the schemas never coerce, and a copy of a large panel costs seconds.
        schema.validate(frame, lazy=True, inplace=True)
    except pa.errors.SchemaErrors as err:
        cases = err.failure_cases
        is_duplicate = cases["check"].astype(str).eq("multiple_fields_uniqueness")
        failures = _duplicates(file, list(schema.unique or []), cases[is_duplicate])
        failures += [_failure(file, schema, case) for _, case in cases[~is_duplicate].iterrows()]
        return failures
    return []


def validate_frames(frames: dict[str, pd.DataFrame]) -> list[Failure]:
    """Every failure in a set of tables read as text: schemas first, then cross-file rules.

    A rule runs on the tables whose header is complete; cells that break a schema
    rule are skipped by the cross-file rules, so each problem is reported once.

    Examples
    --------
    >>> from tracker.loading.files import read_datasets
    >>> frames, _ = read_datasets("datasets")
    >>> frames["fx_rates"].loc[2, "source_id"] = "nowhere"
    >>> print(*validate_frames(frames))
    fx_rates.csv:2: column 'source_id' value 'nowhere': unknown source_id (not in sources.csv)
    """
    failures = []
    complete = {}
    for table, frame in frames.items():
        failures += schema_failures(SCHEMAS[table], FILES[table], frame)
        if set(SCHEMAS[table].columns) <= set(frame.columns):
            complete[table] = frame
    for rule in RULES:
        failures += rule(complete)
    return failures


def validate_panel(
    file: str,
    frame: pd.DataFrame,
    published: dict[str, object] | None,
    rates: Rates | None,
) -> list[Failure]:
    """Every failure in one panel: its schema, then the rules of every observation table.

    ``frame`` is indexed by row number from 1. ``published`` and ``rates`` are as for
    :func:`tracker.validation.observations.observation_failures`.

    Examples
    --------
    >>> row = dict(reporter="KAZ", partner="TJK", flow="exports", span="2023", value=851.2,
    ...            currency="USD", scale="million", source_id="imf-x")
    >>> print(*validate_panel("imf_imts.parquet", pd.DataFrame([row], index=[1]), {}, set()))
    imf_imts.parquet:1: column 'source_id' value 'imf-x': unknown source_id (not in sources.csv)
    """
    problems = schema_failures(observation_panel, file, frame)
    missing_column = any(f.line == 1 and f.value == "" for f in problems)
    if not missing_column:
        problems += observation_failures(file, frame, published, rates)
    return problems
