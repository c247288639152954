"""UN Comtrade API v1 answers in JSON, as its ``get`` data calls return them by default.

An answer is ``{"elapsedTime": ..., "count": ..., "data": [{...}, ...], "error": ""}``; each
record holds the fields the API's CSV has as columns (``refPeriodId`` is a number,
``20100101``; ``primaryValue`` a number of US dollars; ``reporterCode`` and ``partnerCode``
numeric UN M49 codes beside ``reporterISO`` and ``partnerISO``). Records become text cells
as a CSV would hold them, so both forms go through the same rules.

The answer is parsed whole, so its size is bounded (:data:`MAX_JSON_BYTES`). Error answers,
``{"error": "..."}`` from the API or ``{"statusCode": 401, "message": "..."}`` from its
gateway, and anything that is not an answer, are reported in one line.
"""

from __future__ import annotations

import codecs
import json
from pathlib import Path

import numpy as np
import pandas as pd

__all__ = ["MAX_JSON_BYTES", "is_json", "read_answer"]

#: The largest JSON answer read (256 MiB): the API gives at most 100,000 records a call
#: (about 1.5 KB each) to most users; a larger extract should be asked for as CSV, which
#: is read column by column instead of whole.
MAX_JSON_BYTES = 256 << 20
#: Characters of an error message from the API kept in the failure.
_MESSAGE_CHARS = 200
_JSON_STARTS = (b"{", b"[")
_JSON_TYPES = {dict: "object", list: "list", str: "string", bool: "true/false", int: "number"}
#: Whole numbers up to this are written without a decimal point, as the API's CSV does.
_EXACT_INTEGER = 2**53


def is_json(start: bytes) -> bool:
    """Whether a file's first bytes begin a JSON object or list (after a BOM and blanks).

    Examples
    --------
    >>> is_json(b'  {"elapsedTime": "0.21 secs"'), is_json(b"typeCode,freqCode")
    (True, False)
    """
    return start.removeprefix(codecs.BOM_UTF8).lstrip().startswith(_JSON_STARTS)


def _cell(value) -> str:
    """A JSON value as the API's CSV writes it: null empty, 6804128143.0 as 6804128143."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return str(value)
    if isinstance(value, float) and value.is_integer() and abs(value) < _EXACT_INTEGER:
        return str(int(value))
    if isinstance(value, dict | list):
        return json.dumps(value)
    return str(value)


def _message(value) -> str:
    text = value if isinstance(value, str) else json.dumps(value)
    return text if len(text) <= _MESSAGE_CHARS else text[:_MESSAGE_CHARS] + "..."


def _answer_problem(answer) -> str | None:
    """Why a parsed JSON document is not a data answer, or None."""
    if not isinstance(answer, dict):
        kind = _JSON_TYPES.get(type(answer), "number" if isinstance(answer, float) else "null")
        return f'is a JSON {kind}, not a UN Comtrade API answer (an object with a "data" list)'
    if answer.get("error"):
        return f"is an error answer from UN Comtrade: {_message(answer['error'])}"
    if "statusCode" in answer and not isinstance(answer.get("data"), list):
        message = _message(answer.get("message", ""))
        return f"is an error answer from UN Comtrade (statusCode {answer['statusCode']}: {message})"
    if not isinstance(answer.get("data"), list):
        shown = _message(answer["data"]) if "data" in answer else "missing"
        return f'is not a UN Comtrade API answer: its "data" is {shown}, not a list of records'
    bad = next((n for n, record in enumerate(answer["data"]) if not isinstance(record, dict)), None)
    if bad is not None:
        return f"is not a UN Comtrade API answer: data[{bad}] is not a record (an object)"
    return None


def read_answer(path: Path, fields: tuple[str, ...]) -> tuple[pd.DataFrame | None, str | None]:
    """The answer's records as text cells, one column per field any record holds.

    Returns
    -------
    tuple
        The frame (a ``line`` column holds each record's index in ``data``) and None, or
        None and why the file is not a readable answer.

    Examples
    --------
    >>> real = Path("tests/fixtures/imports/real/comtradr_HS-60a6ad_CHN_ARG_DEU_2010.json")
    >>> frame, problem = read_answer(real, ("partnerISO", "refPeriodId", "primaryValue"))
    >>> frame
      partnerISO refPeriodId primaryValue  line
    0        ARG    20100101   6804128143     0
    1        DEU    20100101  74251272075     1
    2        ARG    20100101   6115764185     2
    3        DEU    20100101  68047133397     3
    """
    size = path.stat().st_size
    if size > MAX_JSON_BYTES:
        return None, (
            f"is {size:,} bytes; a JSON answer is read whole, so at most {MAX_JSON_BYTES:,}: "
            "ask the API for CSV (format=csv) instead"
        )
    try:
        answer = json.loads(path.read_bytes())
    except (ValueError, UnicodeDecodeError) as err:  # JSONDecodeError is a ValueError
        return None, f"is not valid JSON ({err})"
    except RecursionError:  # "[[[[..." nested deeper than the parser goes
        return None, "is not valid JSON (nested too deeply)"
    problem = _answer_problem(answer)
    if problem:
        return None, problem
    records = answer["data"]
    # No records (nothing matched the query): every field, no rows, nothing to import.
    present = [f for f in fields if not records or any(f in record for record in records)]
    frame = pd.DataFrame(
        {f: [_cell(record.get(f)) for record in records] for f in present},
        index=pd.RangeIndex(len(records)),
        dtype=object,
    )
    return frame.assign(line=np.arange(len(records))), None
