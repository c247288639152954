"""The BNS (Kazakhstan) importer: the five real releases, then small sheets built inline."""

from __future__ import annotations

import random
from datetime import date

import pandas as pd
import pytest

from tests.conftest import ROOT
from tracker.core.units import MN_PER_SCALE, USD_PER_MN
from tracker.core.vocabulary import COUNTRIES
from tracker.importers import bns
from tracker.importers.bns import parse_bns, parse_bns_book
from tracker.importers.names import ALIASES, GROUP_ROWS, country_code, span_of_title

RAW = ROOT / "datasets" / "raw" / "kaz_bns"
#: US dollars in one of the releases' units (thousand US dollars).
USD_PER_THOUSAND = MN_PER_SCALE["thousand"] * USD_PER_MN
#: file -> (spans of its two data sheets, release date printed on its cover).
RELEASES = {
    "bns_main_indicators_2019.xls": ({"2019", "2018"}, None),
    "bns_main_indicators_2020.xls": ({"2020", "2019"}, None),
    "bns_main_indicators_2021.xls": ({"2021", "2020"}, None),
    "bns_main_indicators_by_country_2022.xls": ({"2022", "2021"}, None),
    "bns_main_indicators_by_country_2023.xls": ({"2023", "2022"}, date(2024, 7, 25)),
}
GROUP_REASON = "group rows, not countries ("


@pytest.fixture(scope="module")
def releases() -> dict:
    return {name: parse_bns(RAW / name) for name in RELEASES}


def _value(parsed, partner, flow, span) -> float:
    """The one value of a key, in thousand US dollars (the unit the release prints)."""
    rows = parsed.rows
    chosen = rows[(rows.partner == partner) & (rows.flow == flow) & (rows.span == span)]
    assert len(chosen) == 1, chosen
    return chosen["value_usd"].iloc[0] / USD_PER_THOUSAND


# --- the real releases -----------------------------------------------------------------


@pytest.mark.parametrize("name", RELEASES)
def test_every_release_parses_whole(releases, name):
    parsed, released = releases[name]
    spans, printed_date = RELEASES[name]
    assert parsed.failures == []  # so no partner name is unknown
    assert set(parsed.rows["span"]) == spans
    assert released == printed_date
    assert set(parsed.rows["reporter"]) == {"KAZ"}
    assert "KAZ" not in set(parsed.rows["partner"])
    assert set(parsed.rows["partner"]) <= COUNTRIES
    assert (parsed.rows["value_usd"] > 0).all()
    # 12 group rows on each of the two sheets: Всего, Страны СНГ, Страны ЕАЭС, Страны вне
    # ЕАЭС, Остальные страны мира, Европа, Страны ЕС, Страны вне ЕС, Азия, Америка, Африка,
    # Австралия и Океания.
    (reason,) = [r for r in parsed.skipped if r.startswith(GROUP_REASON)]
    assert parsed.skipped[reason] == 24
    assert "Всего, Страны СНГ, Страны ЕАЭС" in reason


def test_rows_kept_and_skipped_per_release(releases):
    counts = {
        name: (len(parsed.rows), parsed.skipped[bns._SKIP_EMPTY], parsed.skipped[bns._SKIP_ZERO])
        for name, (parsed, _) in releases.items()
    }
    # Recorded from the first run and checked by the totals test below: the country rows
    # of each sheet add up to its printed "Всего".
    assert counts == {
        "bns_main_indicators_2019.xls": (992, 140, 8),  # 2018 is rounded: 8 cells print 0
        "bns_main_indicators_2020.xls": (975, 132, 0),
        "bns_main_indicators_2021.xls": (962, 142, 0),
        "bns_main_indicators_by_country_2022.xls": (1033, 152, 0),
        "bns_main_indicators_by_country_2023.xls": (1078, 149, 0),
    }


@pytest.mark.parametrize(
    ("name", "span", "printed"),
    [
        # The "Всего" row as printed (thousand USD): total, exports, imports.
        ("bns_main_indicators_2019.xls", "2018", (94_769_740.8, 61_111_221.4, 33_658_519.4)),
        ("bns_main_indicators_2019.xls", "2019", (97_774_894.6, 58_065_588.7, 39_709_305.9)),
        (
            "bns_main_indicators_by_country_2023.xls",
            "2022",
            (135_527_430.8051, 84_593_070.08131, 50_934_360.72379),
        ),
        (
            "bns_main_indicators_by_country_2023.xls",
            "2023",
            (139_551_038.0123, 79_138_754.67736, 60_412_283.33494),
        ),
    ],
)
def test_the_countries_add_up_to_the_printed_total(releases, name, span, printed):
    # No country lost, none counted twice, no group row taken for a country. 2018 is
    # printed to 0.1 thousand, so ~200 roundings of at most 0.05 allow 10 thousand.
    rows = releases[name][0].rows
    sums = rows[rows.span == span].groupby("flow")["value_usd"].sum() / USD_PER_THOUSAND
    got = (sums["total"], sums["exports"], sums["imports"])
    assert got == pytest.approx(printed, abs=10)


@pytest.mark.parametrize(
    ("name", "span", "thousand_usd"),
    [
        ("bns_main_indicators_2019.xls", "2018", 841_885.7),
        ("bns_main_indicators_2019.xls", "2019", 762_857.6),
        ("bns_main_indicators_2020.xls", "2019", 762_857.6),
        ("bns_main_indicators_2020.xls", "2020", 791_428.5),
        ("bns_main_indicators_2021.xls", "2020", 791_428.5),
        ("bns_main_indicators_2021.xls", "2021", 1_163_781.9),
        ("bns_main_indicators_by_country_2022.xls", "2021", 1_163_781.9),
        ("bns_main_indicators_by_country_2022.xls", "2022", 1_384_860.4),
        ("bns_main_indicators_by_country_2023.xls", "2022", 1_384_860.4),
        ("bns_main_indicators_by_country_2023.xls", "2023", 1_129_966.5),
    ],
)
def test_kazakhstan_tajikistan_turnover(releases, name, span, thousand_usd):
    # The releases print more decimals than the published roundings: within 0.05 thousand.
    assert _value(releases[name][0], "TJK", "total", span) == pytest.approx(thousand_usd, abs=0.05)


def test_figures_from_the_2022_and_2023_releases(releases):
    parsed = releases["bns_main_indicators_by_country_2023.xls"][0]
    assert _value(parsed, "CHN", "total", "2023") == pytest.approx(30_055_389.6, abs=0.05)
    assert _value(parsed, "PAK", "total", "2023") == pytest.approx(53_214.5, abs=0.05)
    assert _value(parsed, "ARM", "total", "2023") == pytest.approx(103_673.4891)
    tjk = parsed.rows.query("partner == 'TJK' and flow == 'total' and span == '2023'")
    assert tjk["value_usd"].iloc[0] == pytest.approx(1_129_966_500.0, abs=50.0)
    assert (tjk["line"].iloc[0], tjk["note"].iloc[0]) == (16, "BNS sheet 2023 row 16")
    # Exports plus imports make the turnover: 5,679.55762 + 47,534.98259 = 53,214.54021.
    assert _value(parsed, "PAK", "exports", "2023") + _value(
        parsed, "PAK", "imports", "2023"
    ) == pytest.approx(53_214.54021)
    kaz_2022 = releases["bns_main_indicators_by_country_2022.xls"][0]
    assert _value(kaz_2022, "PAK", "exports", "2022") == pytest.approx(35_875.2, abs=0.05)
    # Taiwan is printed "Тайвань (Китай)", a row of its own, not China's.
    assert _value(parsed, "TWN", "total", "2023") == pytest.approx(164_999.48299)


# --- names -----------------------------------------------------------------------------


def test_every_alias_is_needed_and_names_a_country():
    for name, code in ALIASES.items():
        assert code in COUNTRIES, name
        assert country_code(name) == code
    saved = dict(ALIASES)
    ALIASES.clear()
    try:  # without the table, none of its names is matched (or matched otherwise)
        assert {name: country_code(name) for name in saved} == dict.fromkeys(saved)
    finally:
        ALIASES.update(saved)


def test_group_rows_are_never_countries():
    assert {name: country_code(name) for name in GROUP_ROWS} == dict.fromkeys(GROUP_ROWS)


@pytest.mark.parametrize(
    ("printed", "code"),
    [
        ("Российская Федерация", "RUS"),  # pycountry's own name
        ("Чешская Республика", "CZE"),  # pycountry's official name
        ("Корея, Республика", "KOR"),  # inverted, as ISO lists write it
        ("Иран,  Исламская  Республика", "IRN"),  # the catalogue marks a stress: Респу́блика
        ("Каймановы Острова (Брит.)", "CYM"),  # a note naming the sovereign state dropped
        ("Тайвань (Китай)", "TWN"),
        ("Конго (Киншаса)", None),  # another bracket is not dropped: it changes the country
        ("Виргинские острова", None),  # British or American: not guessed
        ("Атлантида", None),
    ],
)
def test_country_names(printed, code):
    assert country_code(printed) == code


@pytest.mark.parametrize(
    ("title", "span"),
    [
        ("за январь-декабрь 2019 года", "2019"),
        ("за  2021 год", "2021"),
        ("2023 год", "2023"),
        ("за январь-июнь 2023 года", "2023-01/2023-06"),
        ("за январь - сентябрь 2024 г.", "2024-01/2024-09"),
        ("за июль-сентябрь 2024 года", "2024-07/2024-09"),
        ("Январь 2025 года", "2025-01"),
        ("за июнь-март 2023 года", None),  # start after end
        ("за квартал 2023 года", None),
        ("Основные показатели внешней торговли", None),
    ],
)
def test_period_titles(title, span):
    assert span_of_title(title) == span


# --- small sheets ----------------------------------------------------------------------


def _sheet(*rows, title="за 2023 год", unit="тыс. долларов США") -> pd.DataFrame:
    """A sheet as a release lays it out; rows are (name, total, exports, imports) from
    Excel row 6 on."""
    share = "удельный вес страны, %"
    return pd.DataFrame(
        [
            [" Основные показатели внешней торговли Республики Казахстан", *[None] * 6],
            [title, *[None] * 6],
            [None, None, None, None, unit, None, None],
            ["Наименование", "Товарооборот", None, "Экспорт", None, "Импорт", None],
            [None, "всего", share, "всего", share, "всего", share],
            *[
                [name, total, None, exports, None, imports, None]
                for name, total, exports, imports in rows
            ],
        ]
    )


def _parse(*rows, **title):
    return parse_bns_book({"2023": _sheet(*rows, **title)}, "kaz.xls")[0]


def test_a_small_sheet_in_dollars():
    parsed = _parse(("Всего", 1234.5, 1000.25, 234.25), ("Таджикистан", "1 234,5", 1000.25, 234.25))
    assert parsed.failures == []
    # 1 234,5 thousand = 1,234,500 dollars; 1000.25 thousand = 1,000,250.
    assert parsed.rows[["partner", "flow", "span", "value_usd", "line"]].values.tolist() == [
        ["TJK", "total", "2023", 1_234_500.0, 7],
        ["TJK", "exports", "2023", 1_000_250.0, 7],
        ["TJK", "imports", "2023", 234_250.0, 7],
    ]
    assert parsed.rows["note"].tolist() == ["BNS sheet 2023 row 7"] * 3


def test_an_unknown_name_fails_with_sheet_and_row():
    parsed = _parse(("Всего", 10, 5, 5), ("Таджикистан", 4, 2, 2), ("Атлантида", 3, 1, 2))
    assert [str(f) for f in parsed.failures] == [
        "kaz.xls[2023]:8: column 'Наименование' value 'Атлантида': " + bns._UNKNOWN
    ]


def test_group_rows_are_skipped_and_counted():
    parsed = _parse(("Всего\nв том числе", 6, 3, 3), ("Страны СНГ", 6, 3, 3), ("Армения", 6, 3, 3))
    assert parsed.failures == []
    assert set(parsed.rows["partner"]) == {"ARM"}
    assert parsed.skipped == {"group rows, not countries (Всего в том числе, Страны СНГ)": 2}


def test_no_figure_and_zero_are_skipped_and_counted():
    parsed = _parse(("Армения", 5, "0,0", 5), ("Грузия", "-", "х", None), ("Китай", 7, 0, 7))
    assert parsed.failures == []
    assert len(parsed.rows) == 4  # Armenia total and imports, China total and imports
    assert parsed.skipped == {bns._SKIP_ZERO: 2, bns._SKIP_EMPTY: 3}


@pytest.mark.parametrize(
    ("cell", "rule"),
    [
        (-5.0, "a trade value is not negative"),
        ("-1,5", "a trade value is not negative"),
        ("около 5", "is not a number"),
        ("5 млн", "is not a number"),
        ("inf", "is not a number"),
        (float("inf"), "is not a finite number"),
        (True, "is not a number"),
    ],
)
def test_a_bad_figure_fails_with_sheet_row_and_column(cell, rule):
    parsed = _parse(("Всего", 10, 5, 5), ("Армения", 10, cell, 5))
    (failure,) = parsed.failures
    assert (failure.file, failure.line, failure.column, failure.rule) == (
        "kaz.xls[2023]",
        7,
        "Экспорт",
        rule,
    )
    assert failure.value == str(cell).strip()


def test_the_same_partner_twice_fails():
    parsed = _parse(("Россия", 10, 5, 5), ("Российская Федерация", 10, 5, 5))
    (failure,) = parsed.failures
    assert str(failure) == (
        "kaz.xls[2023]:7: column 'Наименование' value 'Российская Федерация': "
        "is RUS again: row 6 names the same partner"
    )


def test_the_reporter_is_never_a_partner_and_notes_are_not_partners():
    parsed = _parse(
        ("Казахстан", 10, 5, 5), ("Армения", 1, 1, None), ("* уточнено", None, None, None)
    )
    assert parsed.failures == []
    assert parsed.rows["partner"].tolist() == ["ARM", "ARM"]
    assert parsed.skipped == {bns._SKIP_REPORTER: 1, bns._SKIP_NOTE: 1, bns._SKIP_EMPTY: 1}


def test_a_part_year_title_gives_its_span():
    parsed = _parse(("Армения", 3, 1, 2), title="за январь-июнь 2023 года")
    assert set(parsed.rows["span"]) == {"2023-01/2023-06"}


def test_columns_are_found_by_their_labels():
    sheet = pd.DataFrame(
        [
            [None, "2023 год", None, None, None],
            [None, None, None, None, "тыс. долларов США"],
            ["№", "Наименование страны", "импорт", "ЭКСПОРТ", "Товарооборот"],
            [None, None, "всего", "всего", "всего"],
            [1, "Армения", 2, 1, 3],
        ]
    )
    parsed, _ = parse_bns_book({"2023": sheet}, "kaz.xls")
    assert dict(
        zip(parsed.rows["flow"], parsed.rows["value_usd"] / USD_PER_THOUSAND, strict=True)
    ) == {
        "imports": 2,
        "exports": 1,
        "total": 3,
    }


@pytest.mark.parametrize(
    ("title", "unit", "rule"),
    [
        ("за период", "тыс. долларов США", "without a period title"),
        ("за 2023 год", "млн. долларов США", "without the unit 'тыс. долларов США'"),
    ],
)
def test_a_sheet_without_its_period_or_unit_fails(title, unit, rule):
    (failure,) = _parse(("Армения", 3, 1, 2), title=title, unit=unit).failures
    assert failure.file == "kaz.xls[2023]" and rule in failure.rule


def test_two_sheets_of_one_period_fail():
    book = {"a": _sheet(("Армения", 3, 1, 2)), "b": _sheet(("Армения", 3, 1, 2))}
    (failure,) = parse_bns_book(book, "kaz.xls")[0].failures
    assert failure.file == "kaz.xls[b]" and "as sheet a does" in failure.rule


def test_a_release_date_on_the_cover():
    cover = pd.DataFrame(
        [[None], ["Дата опубликования: 25.07.2024"], ["Дата следующего опубликования: 25.07.2025"]]
    )
    assert parse_bns_book({"Обложка": cover, "2023": _sheet()}, "k.xls")[1] == date(2024, 7, 25)
    cover.iloc[1, 0] = "Дата опубликования: 31.02.2024"
    parsed, released = parse_bns_book({"Обложка": cover, "2023": _sheet()}, "k.xls")
    assert released is None
    assert (parsed.failures[0].file, parsed.failures[0].line) == ("k.xls[Обложка]", 2)


def test_a_workbook_without_a_data_sheet_fails():
    cover = pd.DataFrame([["Дата опубликования: 25.07.2024"]])
    parsed, _ = parse_bns_book({"Обложка": cover}, "k.xls")
    (failure,) = parsed.failures
    assert failure.line is None and failure.rule.startswith("has no data sheet")


@pytest.mark.parametrize(
    ("content", "rule"),
    [
        (b"", "is empty, not an Excel workbook"),
        (b"\xd0\xcf\x11\xe0garbage" + bytes(range(256)) * 8, "is not a readable Excel workbook"),
        ("Наименование,Товарооборот\nАрмения,1\n".encode(), "is not a readable Excel workbook"),
        (b"PK\x03\x04 not a zip", "is not a readable Excel workbook"),
    ],
)
def test_a_file_that_is_not_a_workbook_fails(tmp_path, content, rule):
    path = tmp_path / "release.xls"
    path.write_bytes(content)
    parsed, released = parse_bns(path)
    (failure,) = parsed.failures
    assert (failure.file, failure.line, released) == ("release.xls", None, None)
    assert failure.rule.startswith(rule)
    assert parsed.rows.empty


def test_a_missing_or_oversized_file_fails(tmp_path, monkeypatch):
    (failure,) = parse_bns(tmp_path / "absent.xls")[0].failures
    assert failure.rule.startswith("cannot be read")
    monkeypatch.setattr(bns, "MAX_FILE_BYTES", 1000)
    (failure,) = parse_bns(RAW / "bns_main_indicators_2019.xls")[0].failures
    assert failure.rule.startswith("is larger than any statistics release")


@pytest.mark.parametrize("seed", [2, 47, 166, 305])
def test_a_damaged_release_fails_or_parses_whole(tmp_path, seed):
    # Bytes overwritten at random. Seen with calamine 0.37: seed 47 makes the reader ask
    # for terabytes and abort, 305 makes it panic, 166 cuts sheet 2022 at row 95 silently
    # (the check against "Всего" catches it), 2 hits nothing that is read.
    generator = random.Random(seed)
    damaged = bytearray((RAW / "bns_main_indicators_by_country_2023.xls").read_bytes())
    for _ in range(generator.choice([1, 20, 500])):
        damaged[generator.randrange(len(damaged))] = generator.randrange(256)
    path = tmp_path / "damaged.xls"
    path.write_bytes(bytes(damaged))
    parsed, _ = parse_bns(path)  # returns, whatever the bytes
    # Either the file fails, or nothing was lost: 539 observations a year, as undamaged.
    assert parsed.failures or parsed.rows["span"].value_counts().to_dict() == {
        "2022": 539,
        "2023": 539,
    }


@pytest.mark.parametrize(
    ("script", "rule"),
    [
        ("import os; os.abort()", "(the reader crashed with signal 6)"),
        ("import time; time.sleep(30)", "(reading took over 1 s)"),
        ("bytearray(3 * 2**30)", "(MemoryError"),  # over the address-space limit
        ("raise SystemExit('CalamineError: Cannot detect file format')", "(CalamineError: "),
    ],
)
def test_the_reader_process_cannot_take_the_import_down(monkeypatch, script, rule):
    monkeypatch.setattr(
        bns,
        "_READER",
        "import sys, resource\n"
        "resource.setrlimit(resource.RLIMIT_AS, (int(sys.argv[2]),) * 2)\n" + script,
    )
    monkeypatch.setattr(bns, "_READER_SECONDS", 1)
    (failure,) = parse_bns(RAW / "bns_main_indicators_2019.xls")[0].failures
    assert failure.rule.startswith("is not a readable Excel workbook " + rule)


def test_the_countries_must_add_up_to_the_total_row():
    # Armenia alone under "Всего": 6 is not 10, 3 is not 5, 3 is not 5.
    parsed = _parse(("Всего", 10, 5, 5), ("Армения", 6, 3, 3))
    assert str(parsed.failures[0]) == (
        "kaz.xls[2023]:6: column 'Товарооборот' value '10': the countries add up to 6.0, "
        "not this total: a partner row is missing or a figure misread"
    )
    assert len(parsed.failures) == 3
    # One figure may be off by half its printed step, 0.05 thousand: 9.96 passes, 9.9 fails.
    assert _parse(("Всего", 10, 5, 5), ("Армения", 9.96, 4.96, 5.04)).failures == []
    assert len(_parse(("Всего", 10, 5, 5), ("Армения", 9.9, 4.96, 5.04)).failures) == 1


def test_a_reader_that_cannot_start_fails(monkeypatch):
    monkeypatch.setattr(bns.sys, "executable", "/nonexistent/python")
    (failure,) = parse_bns(RAW / "bns_main_indicators_2019.xls")[0].failures
    assert failure.rule.startswith("is not a readable Excel workbook (the reader did not start: ")
