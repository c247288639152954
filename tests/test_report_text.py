"""Text a reader sees: the report (Markdown and HTML), `tracker status` and `tracker whatif`
as text. No missing-value token (NaN, <NA>, None, inf), no negative shortfall, years
reached as whole years, and no HTML entity in the Markdown, on every dataset we ship or
test with."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from tests.builders import build, observation, target
from tests.conftest import SHIPPED, SOURCES, report_text, write_dataset
from tracker import compute_gaps, load_datasets
from tracker.core.growth import years_to_reach
from tracker.output.render import MISSING, md, versus_target, whole_year
from tracker.output.report import build_report, month_end

FIXTURES = Path(__file__).parent / "fixtures"
#: Every dataset folder under tests/fixtures (one holding targets.csv).
FIXTURE_DATASETS = sorted(p for p in FIXTURES.iterdir() if (p / "targets.csv").is_file())
#: What pandas or Python print for a missing or infinite value, as whole words.
MISSING_TOKENS = re.compile(r"<NA>|\b(?:NaN|nan|NaT|None|inf)\b")
NEGATIVE_AMOUNT = re.compile(r"\$-|-\$|by -\d")
FRACTIONAL_YEAR_REACHED = re.compile(r"reached in \d{4}\.\d")
HTML_ENTITY = re.compile(r"&(?:[A-Za-z][A-Za-z0-9]*|#[0-9]+|#[xX][0-9A-Fa-f]+);")
#: Embedded charts: base64 text could hold "nan" between two "+".
IMAGE = re.compile(r"data:image/(?:png|svg\+xml);base64,[A-Za-z0-9+/=]+")
#: Growth rates for whatif: flat, moderate, and far above any target's need.
WHATIF_GROWTH = ("0", "10", "500")


def _latest_month(folder: Path) -> str:
    """The month of the newest publication in a dataset: the report with the most in it."""
    data = load_datasets(folder)
    newest = max(data.targets["published_on"].max(), data.observations["published_on"].max())
    return f"{newest:%Y-%m}"


CASES = [
    pytest.param(SHIPPED, "2026-11", id="shipped-2026-11"),
    pytest.param(SHIPPED, "2025-03", id="shipped-2025-03"),
    pytest.param(None, "2025-03", id="conftest-tiny-2025-03"),
    *(pytest.param(f, _latest_month(f), id=f"fixtures-{f.name}") for f in FIXTURE_DATASETS),
]


def _texts(run_cli, folder: Path, month: str, out: Path) -> dict[str, str]:
    """Every text output for one dataset and month, by a name that says where it came from."""
    report = build_report(load_datasets(folder), month, out)
    texts = {
        "report.md and pages": report_text(report, "md"),
        "index.html and pages": IMAGE.sub("", report_text(report, "html")),
        "findings.csv": (report / "findings.csv").read_text(encoding="utf-8"),
    }
    as_of = month_end(month).isoformat()
    common = ("--as-of", as_of, "--datasets", str(folder))
    ids = compute_gaps(load_datasets(folder), as_of)["target_id"]
    # Own statistics with scenarios and a simulation; the partner's (where baselines go
    # missing) at the historical rate.
    whatif = {"own": ("--growth", *WHATIF_GROWTH, "--simulate", "200"), "partner": ()}
    for judged_by, extra in whatif.items():
        code, texts[f"status {judged_by}"] = run_cli("status", *common, "--judged-by", judged_by)
        assert code == 0
        for target_id in ids:
            args = ("whatif", target_id, *common, "--judged-by", judged_by, *extra)
            code, text = run_cli(*args)
            assert code == 0, text
            texts[" ".join(args)] = text
    return texts


@pytest.mark.parametrize(("folder", "month"), CASES)
def test_text_outputs_hold_no_missing_token_negative_amount_or_fractional_year(
    run_cli, tmp_path, folder, month
):
    folder = folder or write_dataset(tmp_path / "d")
    texts = _texts(run_cli, folder, month, tmp_path / "reports")
    assert len(texts) > 4
    for name, text in texts.items():
        for pattern in (MISSING_TOKENS, NEGATIVE_AMOUNT, FRACTIONAL_YEAR_REACHED):
            found = pattern.search(text)
            assert not found, f"{name}: {found[0]!r} in …{text[found.start() - 60 : found.end()]}"
    entity = HTML_ENTITY.search(texts["report.md and pages"])
    assert not entity, f"report.md holds the HTML entity {entity[0]}"


# --- The wording: one rule each ------------------------------------------------------------


def test_a_projection_above_the_target_says_so_never_a_negative_shortfall():
    assert versus_target(-1490.0) == "above the target by $1.49 bn"
    assert versus_target(707.0) == "short of the target by $707 m"
    assert versus_target(0.0) == "exactly at the target"
    assert versus_target(None) == MISSING


def test_the_year_reached_is_the_first_whole_year_at_or_above_the_target():
    """V_2023 = 1000 growing 10% a year: 1331 in 2026 and 1464.1 in 2027."""
    assert 1000 * 1.1**3 < 1400 <= 1000 * 1.1**4
    assert whole_year(2023 + years_to_reach(1000.0, 1400.0, 0.1)) == "2027"  # 2026.53
    assert whole_year(2023 + years_to_reach(1000.0, 1331.0, 0.1)) == "2026"  # exactly
    assert whole_year(2026.0 + 1e-9) == "2026"  # floating-point error is not a year
    assert whole_year(float("nan")) == MISSING


def test_golden_report_states_trends_against_targets_in_words(tmp_path):
    """The golden dataset, judged as of 2025-07-31 (hand arithmetic from status.csv):

    - kaz-pak-1bn: 55.17 in 2024 at +90.35% a year, $1 bn by 2030 (assumed): 55.17 x
      1.9035^6 = 2,620, above by 1,620; 1.9035^4 x 55.17 = 724 < 1000 <= 1,378 (^5): 2029.
    - kaz-tjk-2bn-again: 1,200 in 2024 at +6.27%, $2 bn by 2027: 1,200 x 1.0627^3 = 1,440,
      short by 560; 1,200 x 1.0627^8 = 1,952 < 2000 <= 2,074 (^9): 2033.
    """
    report = build_report(load_datasets(FIXTURES / "golden"), "2025-07", tmp_path)
    text = report_text(report, "md")
    assert "$2.62 bn in 2030 (above the target by $1.62 bn); target reached in 2029" in text
    assert "$1.44 bn in 2027 (short of the target by $560 m); target reached in 2033" in text


def test_a_goal_with_one_annual_value_has_no_projection_in_words(tmp_path):
    """One year of figures gives no historical growth, so no trend to project."""
    data = build([observation(2023, 1000, "2024-02-01")], [target(value_mn=2000)])
    report = build_report(data, "2024-09", tmp_path)
    for kind in ("md", "html"):
        text = report_text(report, kind)
        assert "no projection (no historical growth)" in text, kind


# --- Markdown: readable, and still inert -----------------------------------------------------


def _rendered(markdown: str) -> str:
    """Markdown as a CommonMark renderer with raw HTML allowed turns it into HTML: the
    strictest test of what data could smuggle in."""
    markdown_it = pytest.importorskip("markdown_it")
    return markdown_it.MarkdownIt("commonmark", {"html": True}).enable("table").render(markdown)


@pytest.mark.parametrize(
    ("data", "written", "shown"),
    [
        ("<1 million", "\\<1 million", "<p>&lt;1 million</p>"),
        ("Central Asia & ECO", "Central Asia & ECO", "<p>Central Asia &amp; ECO</p>"),
        ("&copy; 2025", "\\&copy; 2025", "<p>&amp;copy; 2025</p>"),  # not ©
        ("5 > 3", "5 \\> 3", "<p>5 &gt; 3</p>"),
    ],
)
def test_markdown_shows_data_as_written_without_entities(data, written, shown):
    assert md(data) == written
    assert _rendered(md(data)).strip() == shown


@pytest.mark.parametrize(
    "attack",
    [
        "<script>alert(1)</script>",
        "<img src=x onerror=alert(1)>",
        "<https://evil.example>",
        "<!-- hidden -->",
    ],
)
def test_markdown_never_makes_a_tag_or_autolink_from_data(attack):
    html = _rendered(f"| a | b |\n|---|---|\n| {md(attack)} | x |\n")
    assert "<script" not in html and "<img" not in html and "<a " not in html
    assert "<!--" not in html
    assert html.count("<td>") == 2  # no cell break either


def test_hostile_title_is_escaped_text_in_report_md(tmp_path):
    attack = "<script>alert(1)</script>"
    data = load_datasets(write_dataset(tmp_path / "d", sources=SOURCES.replace("Trade up", attack)))
    folder = build_report(data, "2025-03", tmp_path / "reports")
    text = report_text(folder, "md")
    assert "\\<script\\>alert(1)\\</script\\>" in text
    assert attack not in text and "&lt;" not in text
    assert "<script" not in _rendered(text)


# --- The command line ------------------------------------------------------------------------


def test_status_text_shows_a_dash_for_missing_values(run_cli):
    """The golden potential has no baseline: its baseline, growth and gap cells are empty."""
    code, out = run_cli("status", "--as-of", "2025-07-31", "--datasets", str(FIXTURES / "golden"))
    assert code == 0
    row = next(line for line in out.splitlines() if line.startswith("pak-kaz-potential"))
    assert row.split() == [
        "pak-kaz-potential", "1,700.00", "2030", MISSING, MISSING, "False", "False", "False",
        MISSING, MISSING, MISSING, "not_judged", "not_judged",
    ]  # fmt: skip


def test_whatif_text_says_met_and_by_how_much(run_cli):
    """KAZ-TJK, 1,200 in 2024, $2 bn by 2027: at 10% 1,200 x 1.1^3 = 1,597.2, short by
    402.8; at 20% 1,200 x 1.2^3 = 2,073.6, above by 73.6."""
    code, out = run_cli(
        "whatif", "kaz-tjk-2bn-2027", "--as-of", "2026-11-30", "--growth", "10", "20",
        "--datasets", str(SHIPPED),
    )  # fmt: skip
    assert code == 0
    assert "at +10.0% a year: 1,597.2 USD mn in 2027, short of the target by 402.8 USD mn" in out
    assert "at +20.0% a year: 2,073.6 USD mn in 2027, met, above the target by 73.6 USD mn" in out


@pytest.mark.parametrize(
    ("tjk_2024", "flagged"),
    [
        (1010.0, True),  # TJK: +1% a year, off track; KAZ: +20% against +18.6%, on track
        (None, False),  # TJK reports 2023 only: insufficient history is no verdict
    ],
)
def test_the_report_flags_a_verdict_that_flips_with_the_reporter_only(tmp_path, tjk_2024, flagged):
    rows = [
        observation(2023, 1000, "2024-02-01"),
        observation(2024, 1200, "2025-02-01"),
        observation(2023, 1000, "2024-02-01", reporter="TJK", partner="KAZ"),
    ]
    if tjk_2024:
        rows.append(observation(2024, tjk_2024, "2025-02-01", reporter="TJK", partner="KAZ"))
    data = build(rows, [target(value_mn=2000, deadline="2027", stated="2024-03-01")])
    text = report_text(build_report(data, "2025-03", tmp_path), "md")
    assert ("the verdict depends on whose statistics" in text) is flagged


#: What the report says of a possible slip: on the goal's page, then in the status table.
SLIP_WORDS = {
    "baseline": {
        "md": (
            "**possible unit slip** in 2023 (the baseline)",
            "(2023, *preliminary*, *possible unit slip*)",
        ),
        "html": (
            "<strong>2023 (the baseline)</strong>",
            "(2023, <em>preliminary</em>, <em>possible unit slip</em>)",
        ),
    },
    "start": {
        "md": (
            "**possible unit slip** in 2020 (the window's start)",
            "(from 2020, *possible unit slip*)",
        ),
        "html": (
            "<strong>2020 (the window&#39;s start)</strong>",
            "(from 2020, <em>possible unit slip</em>)",
        ),
    },
}


@pytest.mark.parametrize(
    ("start_mn", "baseline_mn", "slipped"),
    [(880.0, 1_065_000.0, "baseline"), (0.88, 1170.0, "start"), (880.0, 1170.0, None)],
)
def test_a_verdict_resting_on_a_possible_unit_slip_says_so(
    tmp_path, start_mn, baseline_mn, slipped
):
    """A baseline a thousand times the year before, or a window's first year a thousandth
    of the year after (typed in the wrong unit), is named on the goal's page and marked in
    the status table, in both formats."""
    values = {2019: 800.0, 2020: start_mn, 2021: 968.0, 2022: 1065.0, 2023: baseline_mn}
    rows = [observation(year, value, f"{year + 1}-02-01") for year, value in values.items()]
    report = build_report(build(rows, [target(value_mn=5000)]), "2024-03", tmp_path)
    for kind in ("md", "html"):
        page = (report / "targets" / f"t1.{kind}").read_text(encoding="utf-8")
        for figure, words in SLIP_WORDS.items():
            page_words, table_words = words[kind]
            assert (page_words in page) is (figure == slipped), (kind, figure)
            assert (table_words in report_text(report, kind)) is (figure == slipped), (kind, figure)
