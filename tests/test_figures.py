"""Figures as written: value, scale and the precision the printed digits imply."""

from __future__ import annotations

import pytest

from tracker.core.figures import FigureError, parse_figure, parse_growth


@pytest.mark.parametrize(
    ("text", "value", "scale", "half_width"),
    [
        ("$1.2 billion", 1.2, "billion", 0.05),
        ("$1.13 billion", 1.13, "billion", 0.005),
        ("US$621.4 million", 621.4, "million", 0.05),
        ("$1,1 млрд", 1.1, "billion", 0.05),
        ("$255.8 mln", 255.8, "million", 0.05),
        ("95 milioni di dollari", 95.0, "million", 0.5),
        ("$350m", 350.0, "million", 0.5),
        ("USD 1 billion", 1.0, "billion", 0.5),
        ("1,200 million", 1200.0, "million", 0.5),
        ("$2bn", 2.0, "billion", 0.5),
        ("12,500", 12500.0, "unit", 0.5),
    ],
)
def test_figure_parses(text, value, scale, half_width):
    figure = parse_figure(text)
    assert (figure.value, figure.scale) == (pytest.approx(value), scale)
    assert figure.half_width == pytest.approx(half_width)


@pytest.mark.parametrize("text", ["a lot of money", "$1.2 billion and $1.3 billion"])
def test_figure_without_exactly_one_number_raises(text):
    with pytest.raises(FigureError):
        parse_figure(text)


@pytest.mark.parametrize(
    ("text", "pct", "half_width_pp"),
    [
        ("7.4%", 7.4, 0.05),
        ("18.5 percent", 18.5, 0.05),
        ("2.4 times", (2.4 - 1) * 100, 0.05 * 100),
        ("3.8 times", (3.8 - 1) * 100, 0.05 * 100),
        (">6%", 6.0, 0.5),
    ],
)
def test_growth_parses(text, pct, half_width_pp):
    assert parse_growth(text) == (pytest.approx(pct), pytest.approx(half_width_pp))
