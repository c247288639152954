"""Typing: validated text and panel columns into the typed frames computations read.

Observations from every file, CSV or panel, are typed by one function,
:func:`type_observations`, which keeps each row's ``file`` and ``line`` and checks the
result with :data:`tracker.validation.tables.typed_observations`.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from tracker.core.coding import factorize, per_distinct
from tracker.core.figures import parse_figure
from tracker.core.periods import (
    CALENDAR_START_MONTH,
    is_full_year,
    latest_day,
    spans_frame,
    year_and_month,
)
from tracker.core.units import to_usd_mn
from tracker.core.vintages import current_rows
from tracker.core.vocabulary import (
    BOOLEANS,
    OBSERVATION_KEY,
    OFFICIAL_KINDS,
    SCOPE_DEFAULT,
    USD,
    scope_or_default,
)
from tracker.validation.panel import OPTIONAL_COLUMNS
from tracker.validation.tables import typed_observations

__all__ = ["type_fx_rates", "type_observations", "type_sources", "type_targets"]

_TEXT_COLUMNS = [*OBSERVATION_KEY, "source_id", "currency", "scale"]
#: An exchange rate is one currency's average over one calendar year.
_FX_KEY = ["currency", "year"]
_FX_FILE = "fx_rates.csv"


def type_sources(frame: pd.DataFrame) -> pd.DataFrame:
    """Sources with ``line``, ``published_on`` (the last day their date can stand for) and
    ``is_official`` (a statistics release or database extract).

    Examples
    --------
    >>> frame = pd.DataFrame({"source_id": ["a", "b"], "published_date": ["2024-08", "2024-08-23"],
    ...     "kind": ["news", "statistics_release"]})
    >>> type_sources(frame)[["source_id", "published_on", "is_official"]]
      source_id published_on  is_official
    0         a   2024-08-31        False
    1         b   2024-08-23         True
    """
    sources = frame.reset_index()
    sources["published_on"] = pd.to_datetime(sources["published_date"].map(latest_day))
    sources["is_official"] = sources["kind"].isin(OFFICIAL_KINDS)
    return sources


def type_fx_rates(frame: pd.DataFrame, sources: pd.DataFrame) -> pd.DataFrame:
    """The rate used for each currency and year: an integer ``year``, a float
    ``units_per_usd``.

    Several sources may give a rate for the same currency and year; the current one is
    chosen as for observations (:func:`tracker.core.vintages.current_rows`): an official
    release beats a reported figure, then the newest publication.

    Examples
    --------
    >>> sources = type_sources(pd.DataFrame({"source_id": ["news", "wdi"],
    ...     "published_date": ["2024-04", "2024-01"], "kind": ["news", "database_extract"]}))
    >>> frame = pd.DataFrame({"currency": "KZT", "year": ["2023", "2023"],
    ...     "units_per_usd": ["456.0", "456.31"], "source_id": ["news", "wdi"]},
    ...     index=pd.Index([2, 3], name="line"))
    >>> type_fx_rates(frame, sources)[["year", "units_per_usd", "source_id"]].to_dict("records")
    [{'year': 2023, 'units_per_usd': 456.31, 'source_id': 'wdi'}]
    """
    fx = frame.reset_index()
    fx["year"] = fx["year"].astype(int)
    fx["units_per_usd"] = fx["units_per_usd"].astype(float)
    by_source = sources.set_index("source_id")
    fx = fx.assign(
        file=_FX_FILE,
        published_on=fx["source_id"].map(by_source["published_on"]),
        is_official=fx["source_id"].map(by_source["is_official"]).astype(bool),
    )
    current, _ = current_rows(fx, _FX_KEY)
    return current.sort_values(_FX_KEY, ignore_index=True)


def _text(cells: pd.Series) -> pd.Series:
    """Text cells as text, a missing cell empty (a categorical column's distinct cells
    converted once)."""
    if cells.dtype == "str":
        return cells.fillna("")
    return per_distinct(cells, lambda distinct: distinct.fillna("").astype(str))


def _rates(frame: pd.DataFrame, year: pd.Series, fx: pd.DataFrame) -> pd.Series:
    """Units of each row's currency per US dollar, at the year's average (1 for dollars)."""
    rate = pd.Series(1.0, index=frame.index)
    foreign = per_distinct(frame["currency"], lambda c: c.notna() & c.ne(USD) & c.ne(""))
    if foreign.any():
        table = fx.set_index(["currency", "year"])["units_per_usd"]
        keys = pd.MultiIndex.from_arrays([frame["currency"][foreign].astype(str), year[foreign]])
        rate[foreign] = table.reindex(keys).to_numpy()
    return rate


def _usd_mn(amount: pd.Series, frame: pd.DataFrame, rate: pd.Series) -> pd.Series:
    """An amount in the row's currency and scale, in USD millions at ``rate``."""
    # As categories, the scale's name is looked up once per distinct scale.
    return to_usd_mn(amount, frame["scale"].astype(str).astype("category"), rate)


def _half_width(figures: pd.Series) -> pd.Series:
    """Half the last printed digit of each figure as written, in the row's scale; each
    distinct figure is read once (a panel's million rows have none)."""
    codes, uniques = factorize(figures)
    widths = [parse_figure(text).half_width if text else np.nan for text in uniques]
    return pd.Series(np.append(widths, np.nan)[codes], index=figures.index, dtype=float)


def type_targets(frame: pd.DataFrame, sources: pd.DataFrame, fx: pd.DataFrame) -> pd.DataFrame:
    """Targets with numbers typed, ``published_on`` and ``value_usd_mn``.

    A target in another currency is converted at the average rate of the year it was
    stated. A goal stated as a ``multiple`` of a ``base_year`` has no value of its own
    (``value_usd_mn`` is missing until the series resolves it).

    Examples
    --------
    >>> sources = type_sources(pd.DataFrame([dict(source_id="s", published_date="2024-05",
    ...     kind="news")]))
    >>> fx = type_fx_rates(pd.DataFrame([dict(currency="KZT", year=2024, units_per_usd=469.44,
    ...     source_id="s")], index=pd.Index([2], name="line")), sources)
    >>> target = dict(value="300000", currency="KZT", scale="million", deadline_year="",
    ...               stated_date="2024-05", source_id="s")  # 300,000 million tenge
    >>> round(float(type_targets(pd.DataFrame([target]), sources, fx)["value_usd_mn"][0]), 1)
    639.1
    """
    tgt = frame.reset_index()
    tgt["value"] = pd.to_numeric(tgt["value"].replace("", None)).astype(float)
    for column in ("multiple", "base_year", "family", "stage"):
        if column not in tgt:  # a frame built in memory may leave optional columns out
            tgt[column] = ""
    tgt["multiple"] = pd.to_numeric(tgt["multiple"].replace("", None)).astype(float)
    for column in ("base_year", "stage"):
        tgt[column] = pd.to_numeric(tgt[column].replace("", None)).astype("Int64")
    tgt["scope"] = scope_or_default(tgt["scope"]).astype(str) if "scope" in tgt else SCOPE_DEFAULT
    fiscal = tgt.get("fiscal_year_start_month", pd.Series("", index=tgt.index))
    tgt["year_start_month"] = pd.to_numeric(fiscal.replace("", CALENDAR_START_MONTH)).astype(int)
    tgt["deadline_year"] = pd.to_numeric(tgt["deadline_year"].replace("", None)).astype("Int64")
    tgt["stated_year"] = tgt["stated_date"].str[:4].astype(int)
    tgt["published_on"] = tgt["source_id"].map(sources.set_index("source_id")["published_on"])
    tgt["value_usd_mn"] = _usd_mn(tgt["value"], tgt, _rates(tgt, tgt["stated_year"], fx))
    return tgt


def type_observations(
    file: str, frame: pd.DataFrame, sources: pd.DataFrame, fx: pd.DataFrame
) -> pd.DataFrame:
    """Observations of one file as typed columns, with ``file`` and ``line``.

    A value in another currency is converted at the average rate of its span's last year.

    Raises
    ------
    pandera.errors.SchemaError
        When a typed row breaks :data:`~tracker.validation.tables.typed_observations`
        (a value given that converts to no dollars): validation should have refused it.

    Examples
    --------
    >>> from tracker.loading.files import read_datasets
    >>> frames, _ = read_datasets("datasets")
    >>> sources = type_sources(frames["sources"])
    >>> fx = type_fx_rates(frames["fx_rates"], sources)
    >>> obs = type_observations("observations.csv", frames["observations"], sources, fx).iloc[0]
    >>> obs["figure_as_written"], float(obs["value_usd_mn"]), float(obs["half_width_usd_mn"])
    ('$80 million', 80.0, 0.5)
    """
    obs = frame.reset_index()
    obs.insert(0, "file", file)
    for column in _TEXT_COLUMNS:
        if column in obs:  # scope is optional: filled below
            obs[column] = obs[column].astype(str)
    # A panel may leave optional columns out, or hold missing values where a CSV has "".
    repeated = {}  # one column per default, shared (copy-on-write keeps the columns apart)
    for column, default in OPTIONAL_COLUMNS.items():
        if column in obs:
            obs[column] = _text(obs[column])
            continue
        if default not in repeated:
            cells = pd.array([default], dtype="str").take(np.zeros(len(obs), np.intp))
            repeated[default] = pd.Series(cells, index=obs.index)
        obs[column] = repeated[default]
    obs["scope"] = per_distinct(obs["scope"], lambda cells: scope_or_default(cells).astype(str))
    # Only observations.csv has the column: a panel holds statistics, never forecasts.
    forecast = obs["is_forecast"] if "is_forecast" in obs else pd.Series("", index=obs.index)
    obs["is_forecast"] = forecast.eq(BOOLEANS[0]).to_numpy()
    obs["value"] = pd.to_numeric(obs["value"].replace("", None)).astype(float)
    obs["growth_pct"] = per_distinct(
        obs["growth_pct"], lambda cells: pd.to_numeric(cells.replace("", None)).astype(float)
    )
    obs = obs.join(spans_frame(obs["span"]))
    obs["is_full_year"] = is_full_year(obs["span_start"], obs["span_end"]).to_numpy()
    obs["year"] = year_and_month(obs["span_end"])[0]
    by_source = sources.set_index("source_id")
    obs["published_on"] = per_distinct(
        obs["source_id"], lambda ids: ids.map(by_source["published_on"])
    )
    obs["is_official"] = per_distinct(
        obs["source_id"], lambda ids: ids.map(by_source["is_official"]).astype(bool)
    )
    rate = _rates(obs, obs["year"], fx)
    obs["value_usd_mn"] = _usd_mn(obs["value"], obs, rate)
    obs["half_width_usd_mn"] = _usd_mn(_half_width(obs["figure_as_written"]), obs, rate)
    return typed_observations.validate(obs, inplace=True)  # no copy: nothing is coerced
