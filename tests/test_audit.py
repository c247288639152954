"""The audit on tiny datasets: each expected finding is worked out by hand in its test.

Ranges: a figure is known to half its last printed digit ("$26.1 billion" is 26,050 to
26,150 million); "nearly X" is X less 5% of X (or the precision, if wider) up to X.
"""

from __future__ import annotations

import csv
import io

import pandas as pd
import pytest

from tests.builders import observation, target
from tests.conftest import OBSERVATIONS, SOURCES, write_dataset
from tracker.analysis.audit import audit
from tracker.loading.datasets import build_datasets, check_datasets, load_datasets
from tracker.loading.files import parse_table
from tracker.validation.schemas import FILES, SCHEMAS


def _csv(table: str, rows: list[dict]) -> bytes:
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=list(SCHEMAS[table].columns), lineterminator="\n")
    writer.writeheader()
    writer.writerows({k: v for k, v in row.items() if not k.startswith("_")} for row in rows)
    return out.getvalue().encode()


def _audit(rows: list[dict], official: tuple[str, ...] = (), as_of=None) -> pd.DataFrame:
    """Audit the rows (as of today, or ``as_of``), each source a news item unless named
    ``official`` (a release)."""
    goal = target()
    published = {row["source_id"]: row["_published"] for row in [*rows, goal]}
    sources = [
        {
            "source_id": sid,
            "title": "t",
            "publisher": "p",
            "published_date": day,
            "kind": "statistics_release" if sid in official else "news",
        }
        for sid, day in published.items()
    ]
    frames = {}
    for table, table_rows in (
        ("sources", sources),
        ("observations", rows),
        ("targets", [goal]),
        ("fx_rates", []),
    ):
        frame, failures = parse_table(FILES[table], _csv(table, table_rows))
        assert not failures, failures
        frames[table] = frame
    return audit(build_datasets(frames), as_of)


def _billions(span, text: str, published: str, source_id: str, **extra) -> dict:
    """A row printed in billions: ``_billions(2024, "26.1", ...)`` is "$26.1 billion"."""
    row = observation(span, 0, published, source_id=source_id, **extra)
    return row | {"value": text, "scale": "billion", "figure_as_written": f"${text} billion"}


def _growth_only(span, pct: str, written: str, published: str, source_id: str, **extra) -> dict:
    """A stated growth with no level printed."""
    row = observation(span, 0, published, source_id=source_id, **extra)
    no_level = {"value": "", "currency": "", "scale": "", "figure_as_written": ""}
    return row | no_level | {"growth_pct": pct, "growth_as_written": written}


def _messages(findings: pd.DataFrame, check: str) -> list[str]:
    return findings.loc[findings["check"] == check, "message"].tolist()


# --- a: the same months however the span is spelled ----------------------------------------


def test_a_figure_published_after_the_audits_day_is_not_audited():
    """The same two figures as below, audited on 2025-02-15: src-a, out on 1 March, was not
    known yet, so there is nothing to disagree with."""
    rows = [
        _billions("2024", "26.1", "2025-03-01", "src-a"),
        _billions("2024-01/2024-12", "24.3", "2025-02-01", "src-b"),
    ]
    assert _audit(rows, as_of="2025-02-15").empty
    assert _audit(rows, as_of="2025-03-01")["check"].tolist() == ["sources_disagree"]
    # Nor a growth claim: +33% from src-b, out on 10 February, is unknown on the 5th.
    claims = [
        _growth_only(2024, "58", "58%", "2025-02-01", "src-a"),
        _growth_only(2024, "33", "33%", "2025-02-10", "src-b"),
    ]
    assert _audit(claims, as_of="2025-02-05").empty
    assert _audit(claims, as_of="2025-02-10")["check"].tolist() == ["growth_claims_disagree"]


def test_a_year_and_its_twelve_months_spelled_out_are_one_figure():
    """$26.1 billion for "2024" (26,050-26,150) and $24.3 billion for "2024-01/2024-12"
    (24,250-24,350): the same twelve months, ranges apart. Keyed by the span's text the two
    never met; keyed by months they do, under the shorter spelling, 2024."""
    rows = [
        _billions("2024", "26.1", "2025-03-01", "src-a"),
        _billions("2024-01/2024-12", "24.3", "2025-02-01", "src-b"),
    ]
    findings = _audit(rows)
    assert findings["check"].tolist() == ["sources_disagree"]
    found = findings.iloc[0]
    assert (found["span"], found["rows"]) == ("2024", "observations.csv:2; observations.csv:3")
    assert found["message"] == (
        "$26.1 bn ($26.1 billion, src-a: $26.05 bn to $26.15 bn) and $24.3 bn ($24.3 billion, "
        "src-b: $24.25 bn to $24.35 bn) differ beyond rounding (2024 and 2024-01/2024-12 are "
        "the same months); the newer publication (src-a, 2025-03-01) is the later vintage"
    )


def test_a_quarter_and_its_months_spelled_out_are_one_figure():
    """2024-Q3 and 2024-07/2024-09 are one key: $300 million against $200 million."""
    rows = [
        observation("2024-Q3", 300.0, "2024-10-20", source_id="src-a"),
        observation("2024-07/2024-09", 200.0, "2024-10-25", source_id="src-b"),
    ]
    found = _audit(rows).iloc[0]
    assert (found["check"], found["span"]) == ("sources_disagree", "2024-Q3")


# --- b: "nearly" is just below --------------------------------------------------------------


def test_nearly_is_just_below_the_figure():
    """ "Nearly $28.5 billion": 28,500 less max(50, 5% of 28,500 = 1,425) = 27,075, up to
    28,500. "$26 billion" is 25,500-26,500: below 27,075, so the two disagree. (Read as
    0-28,550 before, the two overlapped.)"""
    rows = [
        _billions(2024, "28.5", "2025-03-01", "src-a", qualifier="nearly"),
        _billions(2024, "26", "2025-02-01", "src-b"),
    ]
    assert _messages(_audit(rows), "sources_disagree") == [
        "$28.5 bn ($28.5 billion, 'nearly', src-a: $27.075 bn to $28.5 bn) and $26 bn "
        "($26 billion, src-b: $25.5 bn to $26.5 bn) differ beyond rounding; the newer "
        "publication (src-a, 2025-03-01) is the later vintage"
    ]


def test_nearly_allows_what_lies_within_its_share_below():
    """ "Almost $28.5 billion" (27,075-28,500) and "$27.1 billion" (27,050-27,150) overlap."""
    rows = [
        _billions(2024, "28.5", "2025-03-01", "src-a", qualifier="almost"),
        _billions(2024, "27.1", "2025-02-01", "src-b"),
    ]
    assert _audit(rows).empty


# --- c: part of a year above the whole year -------------------------------------------------


def test_half_a_year_above_the_partners_whole_year():
    """KAZ's exports to TJK in January-June 2024, 900, against TJK's imports from KAZ in
    all of 2024, 500: 900 / 500 = 1.80, beyond 1 + 25%."""
    rows = [
        observation("2024-01/2024-06", 900.0, "2024-08-01", flow="exports", source_id="kaz"),
        observation(2024, 500.0, "2025-03-01", "TJK", "KAZ", "imports", source_id="tjk"),
    ]
    findings = _audit(rows)
    assert findings[["check", "reporter", "flow", "span"]].values.tolist() == [
        ["part_exceeds_year", "KAZ", "exports", "2024-01/2024-06"]
    ]
    assert findings.iloc[0]["message"] == (
        "KAZ reports $900 m for 2024-01/2024-06, 1.80x TJK's whole year 2024, $500 m (imports "
        "as seen from TJK): beyond the 25% mirror tolerance"
    )
    assert findings.iloc[0]["source_ids"] == "kaz; tjk"
    assert findings.iloc[0]["rows"] == "observations.csv:2; observations.csv:3"  # part, year


@pytest.mark.parametrize(("part", "found"), [(620.0, False), (625.0, False), (626.0, True)])
def test_part_of_a_year_within_the_mirror_tolerance_is_no_finding(part, found):
    """620 / 500 = 1.24 and 625 / 500 = 1.25 exactly: the two countries' statistics may
    differ that much; 626 / 500 = 1.252 is beyond."""
    rows = [
        observation("2024-01/2024-06", part, "2024-08-01", flow="exports", source_id="kaz"),
        observation(2024, 500.0, "2025-03-01", "TJK", "KAZ", "imports", source_id="tjk"),
    ]
    assert (not _audit(rows).empty) == found


@pytest.mark.parametrize(
    ("part", "found"),
    [
        ("1.31", True),  # 1,305-1,315 against 2024's 1,150-1,250: at least 55 more
        ("1.25", False),  # 1,245-1,255 may be 1,250 or less: within rounding
        ("1.3", False),  # 1,250-1,350: at least 1,250, the year's most; not beyond it
    ],
)
def test_nine_months_above_the_same_reporters_year(part, found):
    """The same reporter's part-year above its full year, beyond both figures' rounding."""
    rows = [
        _billions("2024-01/2024-09", part, "2024-10-20", "nine"),
        _billions(2024, "1.2", "2025-02-01", "year"),
    ]
    findings = _audit(rows)
    if found:
        assert findings.iloc[0]["rows"] == "observations.csv:2; observations.csv:3"
    messages = _messages(findings, "part_exceeds_year")
    expected = [
        "$1.31 bn for 2024-01/2024-09 is more than the whole year 2024, $1.2 bn, beyond "
        "rounding (at least $1.305 bn against at most $1.25 bn)"
    ]
    assert messages == (expected if found else [])


# --- d: growth claims against each other ----------------------------------------------------


def test_three_growth_claims_for_one_year():
    """+58% (57.5 to 58.5), +33% (32.5 to 33.5) and "2 times", the way "doubled" reads
    (+100% +/- 50 points: 50 to 150). +58% fits "doubled"; +33% fits neither: 57.5 - 33.5
    = 24 points from +58%, 50 - 33.5 = 16.5 points from "doubled"."""
    rows = [
        _growth_only(2024, "58", "58%", "2025-02-01", "src-a"),
        _growth_only(2024, "33", "33%", "2025-02-10", "src-b"),
        _growth_only(2024, "100", "2 times", "2025-02-20", "src-c"),
    ]
    assert _messages(_audit(rows), "growth_claims_disagree") == [
        "+58% (58%, src-a: +57.5% to +58.5%) and +33% (33%, src-b: +32.5% to +33.5%) cannot "
        "both be true: 24 pp apart at their written precision",
        "+33% (33%, src-b: +32.5% to +33.5%) and +100% (2 times, src-c: +50% to +150%) cannot "
        "both be true: 16.5 pp apart at their written precision",
    ]


def test_a_fall_of_almost_twenty_percent_against_a_fall_of_18_5():
    """ "Fell almost 20%" is -20% to -19% (20 less 5% of 20); "fell 18.5%" is -18.55% to
    -18.45%: 0.45 points apart."""
    rows = [
        _growth_only(2024, "-20", "20%", "2025-02-01", "src-a", growth_qualifier="almost"),
        _growth_only(2024, "-18.5", "18.5%", "2025-02-10", "src-b"),
    ]
    assert _messages(_audit(rows), "growth_claims_disagree") == [
        "almost -20% (20%, src-a: -20% to -19%) and -18.5% (18.5%, src-b: -18.55% to -18.45%) "
        "cannot both be true: 0.45 pp apart at their written precision"
    ]


def test_a_release_growth_is_cited_as_released_not_as_empty_words(tmp_path):
    """A release panel's +20% for KAZ-TJK 2024 has no words and no rounding; a news panel's
    "30%" is 29.5% to 30.5%, the conftest's s1 "7.4%" 7.35% to 7.45%. Apart: 29.5 - 7.45 =
    22.05, 29.5 - 20 = 9.5 and 20 - 7.45 = 12.55 points."""
    sources = SOURCES + "r1,Release,Stat,2025-02-10,,statistics_release,,,\n"
    directory = write_dataset(tmp_path, sources=sources + "s3,Trade,Weekly,2025-02-12,,news,,,\n")
    row = dict(reporter="KAZ", partner="TJK", flow="total", span="2024", value=1200.0)
    row |= dict(currency="USD", scale="million")
    pd.DataFrame([row | dict(source_id="r1", growth_pct=20.0)]).to_parquet(
        directory / "release.parquet", index=False
    )
    news = row | dict(source_id="s3", growth_pct=30.0, growth_as_written="30%")
    pd.DataFrame([news]).to_parquet(directory / "news.parquet", index=False)
    assert _messages(audit(load_datasets(directory)), "growth_claims_disagree") == [
        "+30% (30%, s3: +29.5% to +30.5%) and +7.4% (7.4%, s1: +7.35% to +7.45%) cannot both "
        "be true: 22.05 pp apart at their written precision",
        "+30% (30%, s3: +29.5% to +30.5%) and +20% (as released, r1) cannot both be true: "
        "9.5 pp apart at their written precision",
        "+7.4% (7.4%, s1: +7.35% to +7.45%) and +20% (as released, r1) cannot both be true: "
        "12.55 pp apart at their written precision",
    ]


def test_claims_over_different_bases_are_not_compared():
    """+48% over 2018 and +10% over 2023 are different claims."""
    rows = [
        _growth_only(2024, "48", "48%", "2025-02-01", "src-a", growth_base_span="2018"),
        _growth_only(2024, "10", "10%", "2025-02-10", "src-b"),
    ]
    assert _audit(rows).empty


# --- e: a tie-break says so -----------------------------------------------------------------


def test_three_values_and_a_tie_break_of_the_same_month():
    """1.317 bn (10 January), 1.5 bn (12 February) and 1.6 bn (dated "2025-02"). The last
    counts from 28 February, so it is current, but 12 February lies in February: the order
    of the two is unknown, and the tie-break is said. 1.317 (1,316.5-1,317.5) disagrees with
    both others (1,450-1,550 and 1,550-1,650, which touch)."""
    rows = [
        _billions(2024, "1.317", "2025-01-10", "src-a"),
        _billions(2024, "1.5", "2025-02-12", "src-b"),
        _billions(2024, "1.6", "2025-02", "src-c"),
    ]
    findings = _audit(rows)
    assert findings["check"].tolist() == ["sources_disagree", "sources_disagree", "tie_break"]
    tie = findings.iloc[2]
    assert tie["rows"] == "observations.csv:4; observations.csv:3"
    assert tie["message"] == (
        "$1.6 bn (src-c, published 2025-02) is current over $1.5 bn (src-b, published "
        "2025-02-12): published in the same month (2025-02 and 2025-02-12), so their order is "
        "unknown; a date known only to the month counts from its last day (2025-02-28), so "
        "src-c is taken as the later"
    )
    assert findings.iloc[1]["message"].endswith(
        "the newer publication (src-c, 2025-02) is the later vintage"
    )


def test_a_tie_of_the_same_day_goes_to_the_row_further_down():
    """Two values the same day: the second row is current, and the finding says why."""
    rows = [
        observation(2024, 1000.0, "2025-02-12", source_id="src-a"),
        observation(2024, 1010.0, "2025-02-12", source_id="src-b"),
    ]
    assert _messages(_audit(rows), "tie_break") == [
        "$1.01 bn (src-b, published 2025-02-12) is current over $1 bn (src-a, published "
        "2025-02-12): published the same day (2025-02-12), so their order is unknown; the row "
        "further down its file (observations.csv:3) is taken"
    ]


def test_a_tie_across_files_goes_to_the_file_sorting_last(tmp_path):
    """The conftest's $1.2 billion for KAZ-TJK 2024 (s1, 12 February 2025) against a news
    panel's 1,250 the same day: "observations.csv" sorts after "news.parquet", so the CSV
    row is current. (1,250 touches 1.2 billion's 1,150-1,250: no disagreement.) The panel
    may carry the optional growth_qualifier column."""
    sources = SOURCES + "s3,Trade,Weekly,2025-02-12,,news,,,\n"
    directory = write_dataset(tmp_path, sources=sources)
    row = dict(reporter="KAZ", partner="TJK", flow="total", span="2024", value=1250.0)
    panel = pd.DataFrame([row | dict(currency="USD", scale="million", source_id="s3")])
    panel.assign(growth_qualifier=[None]).to_parquet(directory / "news.parquet", index=False)
    assert _messages(audit(load_datasets(directory)), "tie_break") == [
        "$1.2 bn (s1, published 2025-02-12) is current over $1.25 bn (s3, published "
        "2025-02-12): published the same day (2025-02-12), so their order is unknown; the row "
        "in the file whose name sorts last (observations.csv) is taken"
    ]


@pytest.mark.parametrize(
    ("values", "official"),
    [
        ((1000.0, 1000.0), ()),  # the same value: the choice changes nothing
        ((1000.0, 1010.0), ("src-a",)),  # the release is current by rule, not by a tie
    ],
)
def test_no_tie_break_to_report(values, official):
    rows = [
        observation(2024, value, "2025-02-12", source_id=source)
        for value, source in zip(values, ("src-a", "src-b"), strict=True)
    ]
    assert _messages(_audit(rows, official), "tie_break") == []


# --- f: a qualified growth ------------------------------------------------------------------


@pytest.mark.parametrize(
    ("qualifier", "found"),
    [
        # 30% +/- 0.5 is 29.5 to 30.5, above what the levels allow: a finding ...
        ("", True),
        # ... but "almost 30%" is 30 - 5% of 30 = 28.5 to 30: it fits.
        ("almost", False),
    ],
)
def test_almost_thirty_percent(qualifier, found):
    """$100.0 million (99.95-100.05) to $128.6 million (128.55-128.65) is 128.55 / 100.05 - 1
    = +28.49% to 128.65 / 99.95 - 1 = +28.71%."""
    rows = [
        observation(2023, 100.0, "2024-02-01", figure_as_written="$100.0 million"),
        observation(
            2024,
            128.6,
            "2025-02-01",
            growth_pct="30",
            growth_as_written="30%",
            growth_qualifier=qualifier,
        ),
    ]
    expected = [
        "stated +30% (+29.5% to +30.5%), but $128.6 m after $100 m in 2023 implies +28.49% to "
        "+28.71% given the rounding"
    ]
    assert _messages(_audit(rows), "growth_claim") == (expected if found else [])


def test_growth_qualifier_is_checked_like_qualifier(tmp_path):
    """A word outside the closed list fails, as does a word before no growth; a file
    without the column is still valid (the conftest's baseline has none)."""
    header, *lines = OBSERVATIONS.splitlines()
    lines = [f"{line},almost" for line in lines]
    lines[1] = lines[1].removesuffix("almost") + "roughly"  # line 3, which has no growth
    text = "\n".join([f"{header},growth_qualifier", *lines]) + "\n"
    _, failures = check_datasets(write_dataset(tmp_path, observations=text))
    assert [(f.line, f.column, f.value) for f in failures] == [
        (3, "growth_pct", ""),
        (3, "growth_qualifier", "roughly"),
        (4, "growth_pct", ""),
    ]
    assert failures[0].rule == "is required when growth_qualifier is given"
    assert failures[1].rule.startswith("must be one of: about,")


# --- g: a jump is against the adjacent year -------------------------------------------------


@pytest.mark.parametrize(("later_year", "flagged"), [(2018, ["2017", "2018"]), (2020, [])])
def test_jumps_are_against_adjacent_years_only(later_year, flagged):
    """80 then 800: tenfold from 2017 to 2018 is a slip candidate; from 2017 to 2020 it is
    three years of growth, not compared."""
    rows = [
        observation(2017, 80.0, "2018-03-01"),
        observation(later_year, 800.0, f"{later_year + 1}-03-01"),
    ]
    findings = _audit(rows)
    assert findings.loc[findings["check"] == "jump", "span"].tolist() == flagged
    if flagged:
        assert findings.iloc[0]["message"] == (
            "$80 m in 2017 is 0.10x the year after (2018: $800 m): a factor of 5 or more, a "
            "unit slip?"
        )


def test_a_year_summed_from_months_is_a_neighbour():
    """2018 is twelve months of $70 m, summed: $840 m. The $80 m typed for 2017 is 80/840 =
    0.10x it, a slip candidate; the summed year itself was not typed, so never one."""
    months = [observation(f"2018-{month:02d}", 70.0, "2019-03-01") for month in range(1, 13)]
    rows = [observation(2017, 80.0, "2018-03-01"), *months, observation(2019, 760.0, "2020-03-01")]
    findings = _audit(rows)
    assert findings.loc[findings["check"] == "jump", "span"].tolist() == ["2017"]
    assert findings.loc[findings["check"] == "jump", "message"].iloc[0] == (
        "$80 m in 2017 is 0.10x the year after (2018: $840 m): a factor of 5 or more, a unit slip?"
    )


# --- h: sources dated to a year ---------------------------------------------------------------


def test_sources_of_the_same_year_are_not_of_the_same_day():
    """Two news items dated "2022": "about $75 million" (75 +/- 5% = 71.25-78.75) against
    "less than $1 million" (0-1.5). Their order is unknown, not the same day."""
    rows = [
        observation(2021, 75.0, "2022", "PAK", "KAZ", source_id="a", qualifier="about"),
        observation(2021, 1.0, "2022", "PAK", "KAZ", source_id="b", qualifier="less than"),
    ]
    assert _messages(_audit(rows), "sources_disagree") == [
        "$75 m ($75 million, 'about', a: $71.25 m to $78.75 m) and $1 m ($1 million, "
        "'less than', b: $0 m to $1.5 m) differ beyond rounding; published in the same year "
        "(2022), so their order is unknown"
    ]


# --- i: every number with its unit ----------------------------------------------------------


def test_flows_and_mirror_messages_carry_units():
    """1,000 against 300 + 500 (799-801); TJK's 1,300 against KAZ's 1,000 is 1.30."""
    rows = [
        observation(2024, 1000.0, "2025-02-01"),
        observation(2024, 300.0, "2025-02-01", flow="exports"),
        observation(2024, 500.0, "2025-02-01", flow="imports"),
        observation(2024, 1300.0, "2025-02-01", "TJK", "KAZ"),
    ]
    findings = _audit(rows)
    assert _messages(findings, "flows_add_up") == [
        "exports $300 m + imports $500 m give $799 m to $801 m at their rounding, but the "
        "total is $1 bn ($999.5 m to $1.0005 bn)"
    ]
    assert _messages(findings, "mirror") == [
        "KAZ reports $1 bn, TJK reports $1.3 bn (total as seen from TJK): ratio 1.30, beyond "
        "the 25% tolerance"
    ]


def test_every_shipped_finding_states_its_units():
    """No bare "53.7 / 52.5": every message names dollars or percent."""
    findings = audit(load_datasets("datasets"))
    assert set(findings["check"]) >= {"growth_claim", "sources_disagree", "tie_break"}
    with_figures = findings[findings["check"] != "verdict_flips"]  # statuses, no numbers
    assert with_figures["message"].str.contains(r"\$|%").all()
    assert not findings["message"].str.contains(r"\d / \d").any()
