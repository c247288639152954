"""Figures as written: scales, the number a source printed, and the precision it implies.

The figure as written (``$1.2 billion``, ``US$621.4 million``, ``$1,1 млрд``,
``95 milioni di dollari``) is the evidence for a row. Parsing it back gives the value and
scale the row must record, and the number of decimals printed gives the precision:
``1.2`` billion is known to +/-0.05 billion, ``1.13`` billion to +/-0.005 billion.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

import numpy as np
import pandas as pd

from tracker.core.params import ABOUT_SHARE, ARITHMETIC_SLACK

__all__ = [
    "APPROXIMATE",
    "BOUNDS",
    "JUST_BELOW",
    "LOWER_BOUNDS",
    "QUALIFIERS",
    "UPPER_BOUNDS",
    "Figure",
    "FigureError",
    "is_point",
    "parse_figure",
    "parse_growth",
    "value_range",
]

#: Words a source uses for each scale, in the languages of the seed material
#: (English, Russian, Italian). Matched case-insensitively after the number.
_SCALE_WORDS = {
    "billion": ("billion", "billions", "bln", "bn", "b", "млрд", "miliardi", "miliardo"),
    "million": ("million", "millions", "mln", "mn", "m", "млн", "milioni", "milione"),
    "thousand": ("thousand", "thousands", "k", "тыс"),
}

#: Qualifiers a source puts before a figure, by what they say of the true value.
#: Recorded, never dropped. "Over $1 billion": the value is at least the figure.
LOWER_BOUNDS = ("over", "more than", "exceeding", "at least")
#: "Less than $1 million": the value is at most the figure.
UPPER_BOUNDS = ("less than", "up to")
#: "Nearly $893 million": close to the figure, from below.
JUST_BELOW = ("nearly", "almost")
#: "About $75 million": close to the figure, either side.
APPROXIMATE = ("about", "approximately", "around")
QUALIFIERS = APPROXIMATE + LOWER_BOUNDS + JUST_BELOW + UPPER_BOUNDS
#: Qualifiers that make a figure a bound rather than a level.
BOUNDS = LOWER_BOUNDS + UPPER_BOUNDS

# A number as printed: digits with an optional decimal part after '.' or ','.
# ASCII digits only: a full-width or Arabic-Indic digit is no number any tool downstream reads.
_NUMBER = re.compile(r"([0-9]+(?:[.,][0-9]+)*)")
_WORD_AFTER = re.compile(r"\s*([^\W\d_]+)")
_TIMES = re.compile(r"([0-9]+(?:[.,][0-9]+)?)\s*(?:times|-fold|fold)\b", re.IGNORECASE)


class FigureError(ValueError):
    """A figure as written that holds no number, or more than one.

    Examples
    --------
    >>> parse_figure("from $1 billion to $2 billion")
    Traceback (most recent call last):
        ...
    tracker.core.figures.FigureError: a figure as written holds exactly one number; found 2 numbers
    """


@dataclass(frozen=True)
class Figure:
    """A figure as written, parsed.

    Attributes
    ----------
    value : float
        The number printed, in ``scale`` units.
    scale : str
        One of :data:`tracker.core.units.SCALES`.
    decimals : int
        Digits printed after the decimal separator.

    Examples
    --------
    >>> figure = parse_figure("US$621.4 million")
    >>> figure
    Figure(value=621.4, scale='million', decimals=1)
    >>> figure.half_width
    0.05
    """

    value: float
    scale: str
    decimals: int

    @property
    def half_width(self) -> float:
        """Half the last printed digit, in ``scale`` units (``1.2`` -> ``0.05``).

        Examples
        --------
        >>> parse_figure("$1.13 billion").half_width
        0.005
        """
        return _half_digit(self.decimals)


def _half_digit(decimals: int) -> float:
    return 0.5 * 10.0 ** (-decimals)


def is_point(qualifier):
    """Whether a figure with this qualifier is a level, not a bound ("over", "less than").

    Works element-wise on a pandas Series.

    Examples
    --------
    >>> is_point("about"), is_point("over")
    (True, False)
    """
    if hasattr(qualifier, "isin"):
        return ~qualifier.isin(BOUNDS)
    return qualifier not in BOUNDS


def value_range(value, half_width, qualifier):
    """Lowest and highest true value a figure as written allows, in the value's units.

    The printed precision gives ``value +/- half_width``; "about" widens it to at least
    :data:`~tracker.core.params.ABOUT_SHARE` of the value; "nearly" and upper bounds
    ("less than") leave the low end open, lower bounds ("over") the high end. No range is
    narrower than :data:`~tracker.core.params.ARITHMETIC_SLACK` of the value on each side.
    Works element-wise on pandas Series.

    Examples
    --------
    >>> value_range(1200.0, 50.0, "")
    (1150.0, 1250.0)
    >>> value_range(1000.0, 0.0, "about")
    (950.0, 1050.0)
    >>> value_range(1000.0, 10.0, "over")
    (990.0, inf)
    >>> value_range(1000.0, 0.0, "")  # a release's figure with every digit
    (999.999999, 1000.000001)
    """
    scalar = isinstance(qualifier, str)
    if scalar:
        value, half_width, qualifier = [value], [half_width], pd.Series([qualifier])
    value = pd.Series(value, index=qualifier.index, dtype=float)
    half = pd.Series(half_width, index=qualifier.index, dtype=float).fillna(0.0)
    half = np.maximum(half, ARITHMETIC_SLACK * value.abs())
    about = qualifier.isin(APPROXIMATE)
    half = half.where(~about, np.maximum(half, ABOUT_SHARE * value))
    low = (value - half).where(~qualifier.isin(UPPER_BOUNDS + JUST_BELOW), 0.0)
    high = (value + half).where(~qualifier.isin(LOWER_BOUNDS), np.inf)
    if scalar:
        return float(low.iloc[0]), float(high.iloc[0])
    return low, high


def _number(token: str) -> tuple[float, int]:
    """Read a printed number; ``1,200`` is a thousands group, ``1,1`` a decimal comma."""
    groups = re.split(r"[.,]", token)
    separators = re.findall(r"[.,]", token)
    if not separators:
        return float(token), 0
    # Thousands grouping: every group after the first has exactly three digits and
    # the separators are all the same (1,200 or 1,200,000); a lone '.' is decimal.
    if len(set(separators)) == 1 and separators[0] == "," and all(len(g) == 3 for g in groups[1:]):
        return float("".join(groups)), 0
    if len(separators) == 1:
        return float(f"{groups[0]}.{groups[1]}"), len(groups[1])
    # Mixed separators: the last one is the decimal separator (1,234.5 or 1.234,5).
    decimals = groups[-1]
    return float("".join(groups[:-1]) + "." + decimals), len(decimals)


def parse_figure(text: str) -> Figure:
    """Parse a monetary figure as a source printed it.

    Parameters
    ----------
    text : str
        For example ``$1.2 billion``, ``US$621.4 million``, ``$1,1 млрд``,
        ``$255.8 mln``, ``95 milioni di dollari``.

    Returns
    -------
    Figure

    Raises
    ------
    FigureError
        When the text holds no number or more than one.

    Examples
    --------
    >>> parse_figure("$1,1 млрд")
    Figure(value=1.1, scale='billion', decimals=1)
    >>> parse_figure("95 milioni di dollari")
    Figure(value=95.0, scale='million', decimals=0)
    """
    numbers = list(_NUMBER.finditer(text))
    if len(numbers) != 1:
        found = "no number" if not numbers else f"{len(numbers)} numbers"
        raise FigureError(f"a figure as written holds exactly one number; found {found}")
    match = numbers[0]
    value, decimals = _number(match[1])
    scale = "unit"
    word = _WORD_AFTER.match(text, match.end())
    if word:
        token = word[1].lower()
        for name, words in _SCALE_WORDS.items():
            if token in words:
                scale = name
                break
    return Figure(value=value, scale=scale, decimals=decimals)


def parse_growth(text: str) -> tuple[float, float]:
    """Parse a stated growth as written into percent and its precision in points.

    ``7.4%`` and ``7.4 percent`` give ``(7.4, 0.05)``; ``2.4 times`` gives
    ``(140.0, 5.0)``: a level 2.4 times the base is 140% above it, known to +/-0.05 times.
    The sign is not read from the text: a source writes "fell 20%", so the row's
    ``growth_pct`` carries the sign and only its magnitude is compared with this.

    Raises
    ------
    FigureError
        When the text holds no number, or more than one.

    Examples
    --------
    >>> parse_growth("7.4 percent")
    (7.4, 0.05)
    >>> parse_growth("2.4 times")
    (140.0, 5.0)
    """
    if times := _TIMES.search(text):
        value, decimals = _number(times[1])
        return (value - 1.0) * 100.0, 100.0 * _half_digit(decimals)
    numbers = _NUMBER.findall(text)
    if len(numbers) != 1:
        raise FigureError("a growth as written holds exactly one number")
    value, decimals = _number(numbers[0])
    return value, _half_digit(decimals)
