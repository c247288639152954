"""The words of the domain: countries, currencies, flows, kinds and the keys of a series.

Every other module takes these names from here, so a flow or a key column is spelled once.
"""

from __future__ import annotations

import pandas as pd
import pycountry

__all__ = [
    "BOOLEANS",
    "COUNTRIES",
    "CURRENCIES",
    "FLOWS",
    "FORECAST",
    "LINK_RELATIONS",
    "MIRROR_FLOW",
    "OBSERVATION_KEY",
    "OFFICIAL",
    "OFFICIAL_KINDS",
    "POTENTIAL",
    "PRELIMINARY",
    "SCOPES",
    "SCOPE_DEFAULT",
    "SCOPE_LABELS",
    "SERIES_KEY",
    "SOURCE_KINDS",
    "TARGET_KINDS",
    "USD",
    "scope_or_default",
]

#: ISO 3166-1 alpha-3 codes, from pycountry's maintained list.
COUNTRIES = frozenset(country.alpha_3 for country in pycountry.countries)
#: ISO 4217 currency codes, from pycountry's maintained list.
CURRENCIES = frozenset(currency.alpha_3 for currency in pycountry.currencies)
#: The currency every value is converted into.
USD = "USD"
#: ``total`` is turnover (exports + imports); the others are seen from the reporter's side.
FLOWS = ("total", "exports", "imports")
#: A flow seen from the partner's side: Kazakhstan's exports to Tajikistan are Tajikistan's
#: imports from Kazakhstan.
MIRROR_FLOW = {"total": "total", "exports": "imports", "imports": "exports"}
SOURCE_KINDS = ("news", "official_statement", "statistics_release", "database_extract")
#: Sources whose figures are official statistics: a statistics office's, customs service's
#: or international organisation's release or database. Everything else (news, speeches,
#: official statements quoting a figure) is *reported*.
OFFICIAL_KINDS = ("statistics_release", "database_extract")
#: How a figure is labelled wherever it is shown: an official one, or a reported one for a
#: year no official release covers yet.
OFFICIAL, PRELIMINARY = "official", "preliminary"
#: The label of a figure expected for a period not yet ended: shown, never in a series.
FORECAST = "forecast"
#: How a statement relates to the one it supersedes: the same value (restated, or re-dated
#: with a new year), or a new value (raised, lowered), which starts a new goal's deadline.
LINK_RELATIONS = ("restated", "re-dated", "raised", "lowered")
#: How a yes/no column is written in a dataset file (an empty cell is no).
BOOLEANS = ("true", "false")
#: ``target`` is a commitment and is judged; ``potential`` is an estimate, tracked only.
TARGET_KINDS = ("target", "potential")
#: The kind of an estimate ("export potential of $1.7 billion"): tracked, never judged.
POTENTIAL = "potential"
#: What a figure or goal counts: goods (customs statistics, the default: an empty cell),
#: goods other than oil and oil products, or goods and services (balance of payments).
SCOPE_LABELS = {
    "goods": "goods",
    "non_oil_goods": "non-oil goods",
    "goods_and_services": "goods and services",
}
SCOPES = tuple(SCOPE_LABELS)
SCOPE_DEFAULT = SCOPES[0]


def scope_or_default(cells: pd.Series) -> pd.Series:
    """Each scope as written, with an empty or missing cell read as goods.

    Examples
    --------
    >>> scope_or_default(pd.Series(["", "non_oil_goods", None])).tolist()
    ['goods', 'non_oil_goods', 'goods']
    """
    written = cells.astype(object).fillna("")
    return written.where(written != "", SCOPE_DEFAULT)


#: Columns naming one series: whose statistics, with whom, which flow, what trade.
SERIES_KEY = ["reporter", "partner", "flow", "scope"]
#: Columns naming one figure of a series; a source gives each at most once.
OBSERVATION_KEY = [*SERIES_KEY, "span"]
