"""Words a source prints around a figure: scales, currencies, numbers and growths in words.

:mod:`tracker.core.figures` reads a figure as written with these tables. Only words are
read here: a number's digits must be ASCII (``6,8 مليار`` is read, ``٦٫٨ مليار`` is not).
A number in words is as precise as its last named unit: ``four billion`` is known to
+/-0.5 billion, like ``4 billion``; ``two and a half billion`` to +/-0.25 billion, the half
being the unit it names.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from tracker.core.units import PERCENT
from tracker.core.vocabulary import CURRENCIES

__all__ = [
    "CURRENCY_WORDS",
    "GROWTH_WORDS",
    "HALF_WORDS_HALF_WIDTH",
    "SCALE_WORDS",
    "WHOLE_WORDS_HALF_WIDTH",
    "currencies_named",
    "growth_in_words",
    "scale_of",
    "spelled_number",
    "spelled_runs",
]

#: Words a source uses for each scale, matched case-insensitively after the number, in the
#: languages of the sources (English, Russian, Italian, German, French, Arabic). A trailing
#: dot ("млрд.", "Mrd.") is not part of a word. German "Billion" and French "billion" mean
#: 10**12, but the English reading is kept for the bare word; the plural "Billionen" is
#: German only.
SCALE_WORDS = {
    "thousand": ("thousand", "thousands", "k", "тыс", "тысяч", "тысячи", "tausend", "ألف"),
    "million": (
        *("million", "millions", "mln", "mn", "m", "mio", "millionen", "milioni", "milione"),
        *("млн", "миллион", "миллиона", "миллионов", "مليون", "ملايين"),
    ),
    "billion": (
        *("billion", "billions", "bln", "bn", "b", "milliard", "milliards", "mlrd", "mrd"),
        *("milliarde", "milliarden", "miliardi", "miliardo", "млрд", "миллиард", "миллиарда"),
        *("миллиардов", "مليار", "مليارات"),
    ),
    "trillion": (
        *("trillion", "trillions", "tn", "trn", "billionen", "trilioni", "trilione", "трлн"),
        *("триллион", "триллиона", "триллионов", "تريليون"),
    ),
}
#: Words and symbols naming a currency, by ISO 4217 code; a word under two codes ("manat":
#: Azerbaijan's or Turkmenistan's) names either. "$" is the US dollar, as in every source
#: so far; "C$" or "A$" name no currency here and are not checked. An upper-case ISO code
#: printed in the text ("KZT 300 billion") names itself.
CURRENCY_WORDS = {
    "USD": ("$", "us$", "dollar", "dollars", "dollari", "доллар", "долларов", "долл", "دولار"),
    "EUR": ("€", "euro", "euros", "евро", "يورو"),
    "RUB": ("₽", "ruble", "rubles", "rouble", "roubles", "руб", "рубль", "рубля", "рублей"),
    "CNY": ("yuan", "renminbi", "юань", "юаня", "юаней"),
    "KZT": ("₸", "tenge", "тенге"),
    "GBP": ("£", "sterling"),
    "TRY": ("₺", "lira", "liras"),
    "AZN": ("manat", "манат", "манатов"),
    "TMT": ("manat", "манат", "манатов"),
    "KGS": ("som", "сом", "сомов"),
    "UZS": ("som", "soʻm", "сум", "сумов"),
}
#: Words for a growth as a multiple of the base, and the precision of the multiple: half its
#: last named unit, a whole time or (for "halved") a half.
GROWTH_WORDS = {
    "doubled": (2.0, 0.5),
    "tripled": (3.0, 0.5),
    "trebled": (3.0, 0.5),
    "quadrupled": (4.0, 0.5),
    "halved": (0.5, 0.25),
}
# A goal says what trade should do: "double", "triple" ("double the 2017 level").
GROWTH_WORDS |= {word.removesuffix("d"): multiple for word, multiple in GROWTH_WORDS.items()}

#: English number words: units, teens and tens ("twenty-five" is two words).
_UNITS = {"one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7}
_UNITS |= {"eight": 8, "nine": 9}
_TEENS = {"ten": 10, "eleven": 11, "twelve": 12, "thirteen": 13, "fourteen": 14}
_TEENS |= {"fifteen": 15, "sixteen": 16, "seventeen": 17, "eighteen": 18, "nineteen": 19}
_TENS = {"twenty": 20, "thirty": 30, "forty": 40, "fifty": 50, "sixty": 60, "seventy": 70}
_TENS |= {"eighty": 80, "ninety": 90}
_ARTICLES = ("a", "an")
_HUNDRED, _AND, _HALF = "hundred", "and", "half"
_NUMBER_WORDS = frozenset([*_UNITS, *_TEENS, *_TENS, *_ARTICLES, _HUNDRED, _AND, _HALF])
#: Ways to say one half on its own ("half a billion") and after a whole ("two and a half").
_HALVES = (["half", "a"], ["half", "an"], ["a", "half"], ["one", "half"], ["half"])
_AND_A_HALF = (["and", "a", "half"], ["and", "one", "half"])
#: Precision of a number in words: half its last named unit, a whole one or a half.
WHOLE_WORDS_HALF_WIDTH = 0.5
HALF_WORDS_HALF_WIDTH = 0.25
_HALF = 0.5

# A word: letters only, so "млрд." is "млрд" and "d'euros" is "d" and "euros"; or a currency
# symbol, with the letters printed before a dollar sign ("US$").
_TOKEN = re.compile(r"[^\W\d_]*\$|[€£₸₽₺]|[^\W\d_]+")
# What may stand between two words of one number: spaces or a hyphen ("twenty-five").
_JOIN = re.compile(r"[\s-]*")
#: The codes each currency word or symbol can name.
_CODE_OF = {
    word: {code for code, words in CURRENCY_WORDS.items() if word in words}
    for words in CURRENCY_WORDS.values()
    for word in words
}
# "by half" (up or down: the sign is the row's), and a multiple before "fold" or "times".
_BY_HALF = re.compile(r"\bby\s+(?:a\s+|one\s+)?half\b", re.IGNORECASE)
_FOLD, _TIMES = "fold", ("fold", "times")


def scale_of(word: str) -> str | None:
    """The scale a word names, or None.

    Examples
    --------
    >>> scale_of("Mrd"), scale_of("مليار"), scale_of("трлн"), scale_of("dollars")
    ('billion', 'billion', 'trillion', None)
    """
    word = word.lower()
    return next((scale for scale, words in SCALE_WORDS.items() if word in words), None)


def currencies_named(text: str) -> list[tuple[str, tuple[str, ...]]]:
    """Each word or symbol in the text that names a currency, with the codes it can name.

    Examples
    --------
    >>> currencies_named("6,8 مليار يورو")
    [('يورو', ('EUR',))]
    >>> currencies_named("US$75 million dollars")
    [('US$', ('USD',)), ('dollars', ('USD',))]
    >>> currencies_named("KZT 300 billion"), currencies_named("5 billion manat")
    ([('KZT', ('KZT',))], [('manat', ('AZN', 'TMT'))])
    """
    named = []
    for match in _TOKEN.finditer(text):
        token = match[0]
        # An ISO code only when printed in capitals: "try" or "all" are words, not lira or lek.
        codes = {token} if token in CURRENCIES else _CODE_OF.get(token.lower(), set())
        if codes:
            named.append((token, tuple(sorted(codes))))
    return named


def spelled_runs(text: str) -> list[tuple[list[str], int]]:
    """Each run of English number words in the text, lower-cased, with where it ends.

    An article on its own counts only before a scale word ("a billion", not "a lot"); an
    "and" only inside a run ("two and a half").

    Examples
    --------
    >>> spelled_runs("Two and a half billion dollars")
    [(['two', 'and', 'a', 'half'], 14)]
    >>> spelled_runs("a lot of money"), spelled_runs("about a billion")
    ([], [(['a'], 7)])
    """
    words = [match for match in _TOKEN.finditer(text) if match[0].lower() in _NUMBER_WORDS]
    runs: list[list[re.Match]] = []
    for match in words:
        joined = runs and _JOIN.fullmatch(text, runs[-1][-1].end(), match.start())
        if joined:
            runs[-1].append(match)
        else:
            runs.append([match])
    found = []
    for run in runs:
        while run and run[0][0].lower() == _AND:
            run = run[1:]
        while run and run[-1][0].lower() == _AND:
            run = run[:-1]
        if not run:
            continue
        lowered = [match[0].lower() for match in run]
        if set(lowered) <= set(_ARTICLES):
            after = _TOKEN.match(text, _JOIN.match(text, run[-1].end()).end())
            if not (after and scale_of(after[0])):
                continue
        found.append((lowered, run[-1].end()))
    return found


def _whole(words: Sequence[str]) -> int | None:
    """The whole number the words spell ("a hundred and twenty"), or None."""
    hundreds, rest, last = 0, 0, None
    for word in words:
        if word in _ARTICLES and last is None:
            rest, last = 1, "unit"
        elif word in _UNITS and last in (None, "ten", "hundred", "and"):
            rest, last = rest + _UNITS[word], "unit"
        elif word in _TENS and last in (None, "hundred", "and"):
            rest, last = rest + _TENS[word], "ten"
        elif word in _TEENS and last in (None, "hundred", "and"):
            rest, last = rest + _TEENS[word], "teen"
        elif word == _HUNDRED and last in ("unit", "teen") and not hundreds:
            hundreds, rest, last = rest * 100, 0, "hundred"
        elif word == _AND and last == "hundred":
            last = "and"
        else:
            return None
    return None if last in (None, "and") else hundreds + rest


def spelled_number(words: Sequence[str]) -> tuple[float, float] | None:
    """The number English number words spell and its precision; None if they spell none.

    Whole numbers one to 999 ("a" and "an" are one), optionally "and a half", or a half on
    its own ("half a"). The precision is half the last named unit: 0.5, or 0.25 with a half.

    Examples
    --------
    >>> spelled_number(["four"]), spelled_number(["two", "and", "a", "half"])
    ((4.0, 0.5), (2.5, 0.25))
    >>> spelled_number(["a", "hundred", "and", "twenty"]), spelled_number(["half", "a"])
    ((120.0, 0.5), (0.5, 0.25))
    >>> spelled_number(["two", "three"]) is None
    True
    """
    words = [word.lower() for word in words]
    if words in _HALVES:
        return _HALF, HALF_WORDS_HALF_WIDTH
    half = 0.0
    if words[-3:] in _AND_A_HALF:
        words, half = words[:-3], _HALF
    whole = _whole(words)
    if whole is None:
        return None
    return float(whole + half), HALF_WORDS_HALF_WIDTH if half else WHOLE_WORDS_HALF_WIDTH


def growth_in_words(text: str) -> list[tuple[float, float]]:
    """Each growth the text states in words, as percent (magnitude) and precision in points.

    "doubled" is +100% known to half a time (+/-50 points), like "2 times"; "halved" and
    "by half" are 50% known to a quarter of the base (+/-25 points); "fivefold",
    "five-fold" and "five times" are +400%, +/-50 points. The sign is the row's.

    Examples
    --------
    >>> growth_in_words("trade doubled"), growth_in_words("increased by half")
    ([(100.0, 50.0)], [(50.0, 25.0)])
    >>> growth_in_words("fivefold"), growth_in_words("two and a half times")
    ([(400.0, 50.0)], [(150.0, 25.0)])
    """
    found = []
    for match in _TOKEN.finditer(text):
        word = match[0].lower()
        if word in GROWTH_WORDS:
            found.append(GROWTH_WORDS[word])
        elif word.endswith(_FOLD) and (multiple := spelled_number([word[: -len(_FOLD)]])):
            found.append(multiple)
    for words, end in spelled_runs(text):
        after = _TOKEN.match(text, _JOIN.match(text, end).end())
        if after and after[0].lower() in _TIMES and (multiple := spelled_number(words)):
            found.append(multiple)
    readings = [(abs(times - 1.0) * PERCENT, half * PERCENT) for times, half in found]
    return readings + [(_HALF * PERCENT, HALF_WORDS_HALF_WIDTH * PERCENT)] * len(
        _BY_HALF.findall(text)
    )
