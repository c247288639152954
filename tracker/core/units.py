"""Units: scales as written, conversion to US dollar millions, and how dollars are shown.

Values are carried in US dollar millions (``*_usd_mn``) everywhere after loading; this is
the one place that knows how many millions a scale or a dollar is.
"""

from __future__ import annotations

import math

__all__ = [
    "MAX_TRADE_USD_MN",
    "MIN_TRADE_USD_MN",
    "MN_PER_BN",
    "MN_PER_SCALE",
    "PERCENT",
    "SCALES",
    "SCALES_IN_WORDS",
    "USD_PER_MN",
    "format_usd_mn",
    "to_usd_mn",
]

#: Millions per unit of each recorded scale, from the smallest: the one home of the scales
#: (validation's closed list, the words read in a figure as written and the conversion).
MN_PER_SCALE = {"unit": 1e-6, "thousand": 1e-3, "million": 1.0, "billion": 1e3, "trillion": 1e6}
SCALES = tuple(MN_PER_SCALE)
#: The scales in words, for column descriptions and messages: "unit, ... or trillion".
SCALES_IN_WORDS = f"{', '.join(SCALES[:-1])} or {SCALES[-1]}"
#: Percent in a whole: a growth of 0.5 is 50%.
PERCENT = 100.0
#: US dollars in one US dollar million.
USD_PER_MN = 1e6
#: Millions in a billion: from here on a value is shown in billions.
MN_PER_BN = MN_PER_SCALE["billion"]
#: The largest trade value believed, in US dollar millions ($10 trillion): the largest pairs
#: trade about $0.6 trillion a year, so a value above it has a scale applied twice.
MAX_TRADE_USD_MN = 1e7
#: The smallest, one dollar: below it a scale was applied backwards (or a unit slipped).
MIN_TRADE_USD_MN = 1e-6
#: Below this many millions a value is shown with one decimal.
_ONE_DECIMAL_BELOW_MN = 100


def to_usd_mn(amount, scale, units_per_usd=1.0):
    """An amount written in ``scale`` units of a currency, in US dollar millions.

    Works element-wise on pandas Series (``scale`` then holds scale names per row).

    Examples
    --------
    >>> to_usd_mn(1.2, "billion"), to_usd_mn(2, "trillion")
    (1200.0, 2000000.0)
    >>> to_usd_mn(300000, "million", units_per_usd=469.44)  # tenge at 469.44 per dollar
    639.059...
    """
    factor = scale.map(MN_PER_SCALE).astype(float) if hasattr(scale, "map") else MN_PER_SCALE[scale]
    return amount * factor / units_per_usd


def format_usd_mn(value_mn, compact: bool = False) -> str:
    """A value in US dollar millions as a reader sees it; "–" when missing.

    ``compact`` is the chart-axis style: no space, no trailing zeros, whole millions.

    Examples
    --------
    >>> format_usd_mn(1234.5)
    '$1.23 bn'
    >>> format_usd_mn(53.7), format_usd_mn(621.4)
    ('$53.7 m', '$621 m')
    >>> format_usd_mn(1500, compact=True), format_usd_mn(950, compact=True)
    ('$1.5bn', '$950m')
    """
    if value_mn is None or (isinstance(value_mn, float) and math.isnan(value_mn)):
        return "–"
    if abs(value_mn) >= MN_PER_BN:
        text = f"{value_mn / MN_PER_BN:,.2f}"
        return f"${text.rstrip('0').rstrip('.')}bn" if compact else f"${text} bn"
    if compact:
        return f"${value_mn:,.0f}m"
    return f"${value_mn:,.1f} m" if abs(value_mn) < _ONE_DECIMAL_BELOW_MN else f"${value_mn:,.0f} m"
