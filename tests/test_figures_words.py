"""Figures and growths as real sources print them: numbers in words, scale and currency
words in several languages, trillions, and what a figure that cannot be read is told."""

from __future__ import annotations

import pytest

from tests.conftest import FX_RATES, OBSERVATIONS, TARGETS, write_dataset
from tracker.core.figures import FigureError, parse_figure, parse_growth
from tracker.core.units import MN_PER_SCALE, SCALES, to_usd_mn
from tracker.core.vocabulary import CURRENCIES
from tracker.core.words import CURRENCY_WORDS, SCALE_WORDS

# --- figures: text -> value, scale, currencies, precision ---------------------------------


@pytest.mark.parametrize(
    ("text", "value", "scale", "currencies", "half_width"),
    [
        # Numbers in words: as precise as the last named unit (a whole one, or a half).
        ("four billion dollars", 4.0, "billion", ("USD",), 0.5),
        ("one billion", 1.0, "billion", (), 0.5),
        ("two and a half billion", 2.5, "billion", (), 0.25),
        ("a billion", 1.0, "billion", (), 0.5),
        ("about a billion", 1.0, "billion", (), 0.5),  # "about" is the qualifier's
        ("twelve million", 12.0, "million", (), 0.5),
        ("half a billion", 0.5, "billion", (), 0.25),
        ("a hundred and twenty million tenge", 120.0, "million", ("KZT",), 0.5),
        ("Twenty-five billion roubles", 25.0, "billion", ("RUB",), 0.5),
        # Trillions, and scale words of other languages; a trailing dot is no part of them.
        ("2 trillion rubles", 2.0, "trillion", ("RUB",), 0.5),
        ("2 трлн руб.", 2.0, "trillion", ("RUB",), 0.5),
        ("1,1 млрд долларов", 1.1, "billion", ("USD",), 0.05),
        ("5 миллиардов рублей", 5.0, "billion", ("RUB",), 0.5),
        ("3 млрд. руб.", 3.0, "billion", ("RUB",), 0.5),
        ("12,5 млн евро", 12.5, "million", ("EUR",), 0.05),
        ("4 Mrd. Euro", 4.0, "billion", ("EUR",), 0.5),
        ("3,5 Mio. €", 3.5, "million", ("EUR",), 0.05),
        ("12 milliards d'euros", 12.0, "billion", ("EUR",), 0.5),
        ("12 millions de dollars", 12.0, "million", ("USD",), 0.5),
        ("7 mlrd", 7.0, "billion", (), 0.5),
        # Arabic words with ASCII digits and a decimal comma: 6.8 +/- half of 0.1.
        ("6,8 مليار يورو", 6.8, "billion", ("EUR",), 0.05),
        ("6,8 مليار", 6.8, "billion", (), 0.05),
        ("1,5 مليون دولار", 1.5, "million", ("USD",), 0.05),
        # Currency symbols and codes, before or after the number.
        ("€6.8bn", 6.8, "billion", ("EUR",), 0.05),
        ("US$2 trillion", 2.0, "trillion", ("USD",), 0.5),
        ("USD 5 million", 5.0, "million", ("USD",), 0.5),
        ("KZT 300 billion", 300.0, "billion", ("KZT",), 0.5),
        ("300 млрд тенге", 300.0, "billion", ("KZT",), 0.5),
        ("₸300 billion", 300.0, "billion", ("KZT",), 0.5),
        ("£1.2bn", 1.2, "billion", ("GBP",), 0.05),
        ("10 billion lira", 10.0, "billion", ("TRY",), 0.5),
        ("2 billion yuan", 2.0, "billion", ("CNY",), 0.5),
        ("5 млрд юаней", 5.0, "billion", ("CNY",), 0.5),
        ("1 trillion сум", 1.0, "trillion", ("UZS",), 0.5),
        ("5 billion manat", 5.0, "billion", ("AZN", "TMT"), 0.5),  # either manat
        ("20 billion som", 20.0, "billion", ("KGS", "UZS"), 0.5),  # either som
        ("$1.2-billion", 1.2, "billion", ("USD",), 0.05),
        ("$75 million dollars", 75.0, "million", ("USD",), 0.5),  # "$" and "dollars" agree
        ("<1 million", 1.0, "million", (), 0.5),  # no currency named: none to compare
        ("C$5 billion", 5.0, "billion", (), 0.5),  # not the US dollar: not checked
    ],
)
def test_figure_reads_back(text, value, scale, currencies, half_width):
    figure = parse_figure(text)
    assert (figure.value, figure.scale, figure.currencies) == (value, scale, currencies)
    assert figure.half_width == pytest.approx(half_width)


ACCEPTED = "write it as printed, e.g. '$1.2 billion', '1,1 млрд долларов', 'four billion dollars'"


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("a lot of money", f"no number recognised; {ACCEPTED}"),
        ("billion", f"no number recognised; {ACCEPTED}"),  # a scale alone is no number
        # Digits must be ASCII: only the words are read in other scripts.
        ("٦٫٨ مليار", f"no number recognised: '٦' is not an ASCII digit 0-9; {ACCEPTED}"),
        ("$１.２ billion", f"no number recognised: '１' is not an ASCII digit 0-9; {ACCEPTED}"),
        ("two three billion", f"'two three' is no number in words; {ACCEPTED}"),
        (
            "four billion and five million",
            "2 numbers recognised ('four', 'five'); a figure as written holds exactly one",
        ),
        (
            "$5 billion (€4.6 billion)",
            "2 numbers recognised ('5', '4.6'); a figure as written holds exactly one",
        ),
        (
            "$5 million euros",
            "names more than one currency: '$' (USD), 'euros' (EUR); a figure names one",
        ),
    ],
)
def test_figure_not_read_says_what_and_how(text, message):
    with pytest.raises(FigureError) as error:
        parse_figure(text)
    assert str(error.value) == message


GROWTHS = "write it as printed, e.g. '7.4%', '2.4 times', 'doubled'"

# --- growth words --------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "pct", "half_width_pp"),
    [
        # A multiple in words is known to half a time, like "2 times": +/-50 points.
        ("doubled", (2 - 1) * 100, 50.0),
        ("more than doubled", (2 - 1) * 100, 50.0),
        ("tripled", (3 - 1) * 100, 50.0),
        ("quadrupled", (4 - 1) * 100, 50.0),
        ("fivefold", (5 - 1) * 100, 50.0),
        ("five-fold", (5 - 1) * 100, 50.0),
        ("ten times", (10 - 1) * 100, 50.0),
        ("5-fold", (5 - 1) * 100, 0.5 * 100),  # digits: half the last digit, in times
        # A half is the unit named: known to a quarter of the base, +/-25 points.
        ("halved", 50.0, 25.0),  # magnitude only: the sign is growth_pct's
        ("increased by half", 50.0, 25.0),
        ("two and a half times", (2.5 - 1) * 100, 25.0),
        ("0.5 times", 50.0, 5.0),  # a fall to half: magnitude 50, as growth_pct's is
    ],
)
def test_growth_words_read_back(text, pct, half_width_pp):
    assert parse_growth(text) == (pytest.approx(pct), pytest.approx(half_width_pp))


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("a lot", "no growth recognised; write it as printed, e.g. '7.4%', '2.4 times', 'doubled'"),
        (
            "rose by a third",
            "no growth recognised; write it as printed, e.g. '7.4%', '2.4 times', 'doubled'",
        ),
        ("doubled and tripled", "a growth as written holds exactly one number"),
    ],
)
def test_growth_not_read_says_so(text, message):
    with pytest.raises(FigureError) as error:
        parse_growth(text)
    assert str(error.value) == message


# --- one home for the scales and the currency codes ---------------------------------------


def test_trillion_is_a_scale_of_a_million_millions():
    assert "trillion" in SCALES
    assert MN_PER_SCALE["trillion"] == 1_000_000.0
    assert to_usd_mn(2, "trillion", units_per_usd=100.0) == 2 * 1_000_000 / 100


def test_every_scale_but_the_unit_has_words_and_every_currency_word_a_code():
    assert set(SCALE_WORDS) == set(SCALES) - {"unit"}
    assert set(CURRENCY_WORDS) <= CURRENCIES


# --- validation reads them back against the row ------------------------------------------

FX = FX_RATES + "EUR,2024,0.924,s2,\nRUB,2024,92.8,s2,\n"


def _obs_line2(**cells: str) -> str:
    header, row, *rest = OBSERVATIONS.splitlines()
    values = dict(zip(header.split(","), row.split(","), strict=True)) | cells
    quoted = [f'"{cell}"' if "," in cell else cell for cell in values.values()]  # "6,8 ..."
    return "\n".join([header, ",".join(quoted), *rest]) + "\n"


def _validate(tmp_path, run_cli, **files):
    directory = write_dataset(tmp_path / "d", fx_rates=FX, **files)
    return run_cli("validate", "--datasets", str(directory))


@pytest.mark.parametrize(
    "cells",
    [
        dict(value="6.8", currency="EUR", scale="billion", figure_as_written="6,8 مليار يورو"),
        dict(value="2", currency="RUB", scale="trillion", figure_as_written="2 trillion rubles"),
        dict(value="4", currency="USD", scale="billion", figure_as_written="four billion dollars"),
        dict(growth_pct="-50", growth_as_written="halved"),
        dict(growth_pct="100", growth_as_written="doubled"),
    ],
)
def test_real_forms_validate(tmp_path, run_cli, cells):
    code, out = _validate(tmp_path, run_cli, observations=_obs_line2(**cells))
    assert code == 0, out


def test_a_target_in_trillions_validates(tmp_path, run_cli):
    targets = TARGETS.replace(",2,USD,billion,$2 billion,", ",2,RUB,trillion,2 трлн рублей,", 1)
    assert "трлн" in targets
    code, out = _validate(tmp_path, run_cli, targets=targets)
    assert code == 0, out


@pytest.mark.parametrize(
    ("cells", "line"),
    [
        (
            dict(value="6.8", currency="USD", scale="billion", figure_as_written="6,8 مليار يورو"),
            "observations.csv:2: column 'figure_as_written' value '6,8 مليار يورو': "
            "reads as 6.8 billion EUR, but the row records value 6.8 scale billion currency USD",
        ),
        (
            dict(value="2", currency="RUB", scale="billion", figure_as_written="2 trillion rubles"),
            "observations.csv:2: column 'figure_as_written' value '2 trillion rubles': "
            "reads as 2 trillion, but the row records value 2 scale billion",
        ),
        (
            dict(figure_as_written="a lot of money"),
            "observations.csv:2: column 'figure_as_written' value 'a lot of money': "
            f"no number recognised; {ACCEPTED}",
        ),
        (
            dict(growth_pct="200", growth_as_written="doubled"),
            "observations.csv:2: column 'growth_as_written' value 'doubled': "
            "reads as 100%, but growth_pct records 200",
        ),
    ],
)
def test_figure_that_does_not_read_back_fails_in_one_line(tmp_path, run_cli, cells, line):
    code, out = _validate(tmp_path, run_cli, observations=_obs_line2(**cells))
    assert code == 1
    assert line in out.splitlines(), out
