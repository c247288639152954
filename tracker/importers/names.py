"""Russian in statistics tables: country names to ISO 3166-1 alpha-3 codes, titles to spans.

The names come from pycountry's own Russian translations (gettext catalogue ``iso3166-1``,
language ``ru``) of each country's name, official name and common name. A printed name is
matched after :func:`normalise_name` (case-folded, ``ё`` read as ``е``, stress marks dropped,
whitespace collapsed), in this order:

1. the alias table :data:`ALIASES`, for the names the translations do not give
   (``Кыргызстан``, ``Россия``, ``Свазиленд``, abbreviations and misspellings);
2. the translations themselves;
3. the inverted form the ISO and UN lists use, ``Молдова, Республика`` read as
   ``Республика Молдова``;
4. without a bracketed note naming the state a territory belongs to, ``Гуам (США)`` read as
   ``Гуам``. Only the notes in :data:`SOVEREIGNTY_NOTES` are dropped: another bracket may
   change the country (``Конго (Киншаса)`` is not ``Конго``).

A name no step matches is unknown (``None``), never guessed. The totals and regions that
tables print among the countries (``Всего``, ``Страны СНГ``, ``Европа``, ...) are listed
in :data:`GROUP_ROWS`, so an importer can tell a group from an unknown name.

:func:`span_of_title` reads a table's period title (``за январь-июнь 2023 года``, ``за 2022
год``) as a span; month names may be nominative or genitive.
"""

from __future__ import annotations

import gettext
import re
import unicodedata
from functools import cache

import pycountry

from tracker.core.periods import MONTHS_IN_YEAR

__all__ = [
    "ALIASES",
    "GROUP_ROWS",
    "SOVEREIGNTY_NOTES",
    "country_code",
    "normalise_name",
    "span_of_title",
]

_CATALOGUE, _LANGUAGE = "iso3166-1", "ru"
#: pycountry's name fields that are translated.
_NAME_FIELDS = ("name", "official_name", "common_name")
#: A combining acute accent: Russian reference texts mark stress with it (``Респу́блика``).
_STRESS = "\u0301"
#: A bracketed note after a territory's name naming the state it belongs to.
SOVEREIGNTY_NOTES = ("(брит.)", "(сша)", "(н.зел.)", "(китай)")

#: Group rows (normalised): totals and regions printed among the partners, not countries.
#: Each was found in the Kazakh statistics releases (datasets/raw/kaz_bns/).
GROUP_ROWS = frozenset(
    (
        "всего",
        "всего в том числе",
        "страны снг",
        "страны еаэс",
        "страны вне еаэс",
        "остальные страны мира",
        "европа",
        "страны ес",
        "страны вне ес",
        "азия",
        "америка",
        "африка",
        "австралия и океания",
    )
)
_NOMINATIVE = "январь февраль март апрель май июнь июль август сентябрь октябрь ноябрь декабрь"
_GENITIVE = "января февраля марта апреля мая июня июля августа сентября октября ноября декабря"
_MONTHS = {
    name: number
    for forms in (_NOMINATIVE, _GENITIVE)
    for number, name in enumerate(forms.split(), start=1)
}
#: "за январь-июнь 2023 года", "за март 2024 года", "за 2022 год", "2023 год", "2023 г.".
_PERIOD = re.compile(
    r"^(?:за\s+)?(?:(?P<first>[а-я]+)(?:\s*[-–—]\s*(?P<last>[а-я]+))?\s+)?"
    r"(?P<year>[0-9]{4})\s*(?:года?|г\.?)$"
)

#: Normalised printed name -> alpha-3, for names pycountry's Russian does not give. Each
#: entry was found in the Kazakh statistics releases (datasets/raw/kaz_bns/).
ALIASES = {
    # Common short names where the catalogue prints another form.
    "кыргызстан": "KGZ",  # catalogue: Киргизия
    "россия": "RUS",  # Российская Федерация
    "республика латвия": "LVA",  # Латвийская Республика
    "македония": "MKD",  # Северная Македония (renamed 2019)
    "свазиленд": "SWZ",  # Эсватини (renamed 2018)
    "тимор-лесте": "TLS",  # Восточный Тимор
    "бруней-даруссалам": "BRN",  # Бруней Даруссалам
    "папуа-новая гвинея": "PNG",  # Папуа — Новая Гвинея
    "коморские острова": "COM",  # Коморы
    "корея, народно-демократическая республика": "PRK",  # Корейская Народно-Демократ. Респ.
    "ирак, республика ирак": "IRQ",
    "микронезия, федеративные штаты": "FSM",  # Федеративные Штаты Микронезии
    "черногория (монтенегро)": "MNE",
    # Territories, spelt otherwise than in the catalogue.
    "американское самоа": "ASM",  # Американские Самоа
    "ангилья (брит.)": "AIA",  # Ангвилла
    "британская территория в индийском океане": "IOT",
    "виргинские острова (брит.)": "VGB",
    "виргинские острова, сша": "VIR",
    "кокосовые (килинг) острова": "CCK",
    "майотта": "MYT",  # Майот
    "остров святой елены": "SHN",
    "острова теркс и кайкос": "TCA",  # Туркс и Каикос
    "питкерн": "PCN",  # Питкэрн
    "северные марианские острова": "MNP",
    "сен-бартелеми": "BLM",  # Сен-Бартельми
    "уоллис и футуна": "WLF",  # Уоллес и Футана
    "фолклендские острова (мальвинские)": "FLK",
    "южн.джорджия и южн.сандвич.острова": "SGS",
    "французкие южные территории": "ATF",  # misspelt in the 2019 release
    # United States Minor Outlying Islands, abbreviated three ways (one misspelt).
    "малые тихоокеан. отдален. острова сша": "UMI",
    "малые тихоокеан. отдаленные остроа сша": "UMI",
    "малые тихоокеан.отдален.ост-ва с.ш.": "UMI",
}


def normalise_name(text) -> str:
    """A printed name as it is matched: case-folded, ``ё`` as ``е``, one space between words.

    Examples
    --------
    >>> normalise_name("  Всего\\nв том  числе ")
    'всего в том числе'
    >>> normalise_name("Объединённые Арабские Эмираты")
    'объединенные арабские эмираты'
    """
    text = unicodedata.normalize("NFC", str(text)).replace(_STRESS, "")
    return " ".join(text.casefold().replace("ё", "е").split())


@cache
def _russian_names() -> dict[str, str]:
    """Normalised Russian name -> alpha-3; a name two countries share is left out."""
    catalogue = gettext.translation(_CATALOGUE, pycountry.LOCALES_DIR, languages=[_LANGUAGE])
    codes: dict[str, set[str]] = {}
    for country in pycountry.countries:
        for name_field in _NAME_FIELDS:
            english = getattr(country, name_field, None)
            if english:
                russian = normalise_name(catalogue.gettext(english))
                codes.setdefault(russian, set()).add(country.alpha_3)
    return {name: next(iter(found)) for name, found in codes.items() if len(found) == 1}


def _inverted(name: str) -> str | None:
    """``молдова, республика`` as ``республика молдова``; None without exactly one comma."""
    head, comma, tail = name.partition(",")
    if not comma or "," in tail:
        return None
    return f"{tail.strip()} {head.strip()}"


def _match(name: str) -> str | None:
    names = _russian_names()
    if name in names:
        return names[name]
    inverted = _inverted(name)
    return names.get(inverted) if inverted else None


def country_code(name) -> str | None:
    """The ISO 3166-1 alpha-3 code of a country named in Russian, or None when unknown.

    Examples
    --------
    >>> country_code("Таджикистан"), country_code("Кыргызстан"), country_code("РОССИЯ")
    ('TJK', 'KGZ', 'RUS')
    >>> country_code("Молдова, Республика"), country_code("Гуам (США)")
    ('MDA', 'GUM')
    >>> country_code("Страны СНГ") is None  # a group of countries
    True
    """
    normal = normalise_name(name)
    if normal in ALIASES:
        return ALIASES[normal]
    code = _match(normal)
    if code is None:
        for note in SOVEREIGNTY_NOTES:
            if normal.endswith(note):
                return _match(normal.removesuffix(note).strip())
    return code


def span_of_title(title) -> str | None:
    """The span a table's period title names, or None when the text names no period.

    A run from January to December is the year; one month is that month; another run of
    months within a year is the pair ``YYYY-MM/YYYY-MM``.

    Examples
    --------
    >>> span_of_title("за январь-декабрь 2019 года"), span_of_title("за  2021 год")
    ('2019', '2021')
    >>> span_of_title("за январь-июнь 2023 года"), span_of_title("За март 2024 года")
    ('2023-01/2023-06', '2024-03')
    >>> span_of_title("тыс. долларов США") is None, span_of_title("за июнь-март 2023 года")
    (True, None)
    """
    match = _PERIOD.match(normalise_name(title))
    if not match:
        return None
    year = match["year"]
    if match["first"] is None:
        return year
    first = _MONTHS.get(match["first"])
    last = _MONTHS.get(match["last"] or match["first"])
    if first is None or last is None or first > last:
        return None
    if (first, last) == (1, MONTHS_IN_YEAR):
        return year
    if first == last:
        return f"{year}-{first:02d}"
    return f"{year}-{first:02d}/{year}-{last:02d}"
