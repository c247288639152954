"""Importers for official statistics: statistics offices' releases, IMF IMTS, UN Comtrade,
national tables and the World Bank's exchange rates.

Each parses its format into observations in US dollars (or, for ``wdi-fx``, exchange
rates); :func:`run_import` registers the file as a source, merges without loss, validates
before writing and writes atomically.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from pathlib import Path

from tracker.core.failures import DataInvalid, Failure
from tracker.importers.armstat import parse_armstat
from tracker.importers.bns import parse_bns
from tracker.importers.common import MAX_BILATERAL_USD, ImportResult, Parsed, merge_import
from tracker.importers.comtrade import parse_comtrade
from tracker.importers.fx_merge import merge_fx
from tracker.importers.imf import parse_imf
from tracker.importers.sources import DATABASE_EXTRACT, file_digest, source_record
from tracker.importers.stat_uz import parse_stat_uz
from tracker.importers.table import parse_table_file, read_spec
from tracker.importers.wdi_fx import parse_wdi_fx

__all__ = [
    "KINDS",
    "MAX_BILATERAL_USD",
    "PANELS",
    "ImportKind",
    "ImportResult",
    "Parsed",
    "parse_armstat",
    "parse_bns",
    "parse_comtrade",
    "parse_imf",
    "parse_stat_uz",
    "parse_table_file",
    "parse_wdi_fx",
    "read_spec",
    "run_import",
]

#: A statistics office's own publication of its figures.
STATISTICS_RELEASE = "statistics_release"


@dataclass(frozen=True)
class ImportKind:
    """What ``tracker import KIND`` reads and where it writes.

    Attributes
    ----------
    panel : str
        The file the rows are merged into, beside the CSVs in the datasets folder.
    publisher, title, address : str
        The source row's publisher, title (the file's name is added) and address.
    source_kind : str
        ``statistics_release`` or ``database_extract``: both official.
    summary : str
        One line for ``tracker import --help``.

    Examples
    --------
    >>> KINDS["bns"].panel, KINDS["bns"].source_kind
    ('kaz_bns.parquet', 'statistics_release')
    """

    panel: str
    publisher: str
    title: str
    address: str
    source_kind: str
    summary: str


#: Every kind of import; the table kind takes its publisher and title from its spec.
KINDS = {
    "bns": ImportKind(
        "kaz_bns.parquet",
        "Bureau of National Statistics of the Agency for Strategic Planning and Reforms "
        "of the Republic of Kazakhstan",
        "Main indicators of foreign trade of the Republic of Kazakhstan, by partner country "
        "(Основные показатели внешней торговли Республики Казахстан)",
        "https://stat.gov.kz/",
        STATISTICS_RELEASE,
        "Kazakhstan's BNS 'main indicators of foreign trade' spreadsheet (.xls)",
    ),
    "stat-uz": ImportKind(
        "uzb_stat.parquet",
        "Statistics Agency under the President of the Republic of Uzbekistan",
        "Foreign trade of the Republic of Uzbekistan by partner country",
        "https://stat.uz/",
        STATISTICS_RELEASE,
        "Uzbekistan's statistics agency, wide CSV by partner (give --flow)",
    ),
    "armstat": ImportKind(
        "arm_stat.parquet",
        "Statistical Committee of the Republic of Armenia (via data.opendata.am)",
        "Armenia external trade database 2017-2023, by country",
        "https://data.opendata.am/",
        DATABASE_EXTRACT,
        "Armenia's Statistical Committee, monthly and annual CSV by country",
    ),
    "imf": ImportKind(
        "imf_imts.parquet",
        "International Monetary Fund",
        "International Trade in Goods by partner country (IMTS)",
        "",
        DATABASE_EXTRACT,
        "IMF IMTS/DOTS: SDMX-CSV 1.0 or 2.0, the bulk layout or the portal's download",
    ),
    "comtrade": ImportKind(
        "un_comtrade.parquet",
        "United Nations Statistics Division (UN Comtrade)",
        "UN Comtrade, goods trade, commodity TOTAL",
        "",
        DATABASE_EXTRACT,
        "UN Comtrade API v1 answer (JSON or CSV), commodity code TOTAL",
    ),
    "table": ImportKind(
        "national_tables.parquet",
        "",
        "",
        "",
        DATABASE_EXTRACT,
        "a national statistics table described by --spec",
    ),
    "wdi-fx": ImportKind(
        "fx_rates.csv",
        "World Bank",
        "World Development Indicators, PA.NUS.FCRF: official exchange rate "
        "(LCU per US$, period average)",
        "https://data.worldbank.org/indicator/PA.NUS.FCRF",
        DATABASE_EXTRACT,
        "World Bank WDI bulk CSV of PA.NUS.FCRF, into fx_rates.csv",
    ),
}
#: The panel each kind of import is merged into.
PANELS = {kind: spec.panel for kind, spec in KINDS.items() if spec.panel.endswith(".parquet")}
#: Releases whose date must be known (printed in the file, or given): a database download
#: (IMF, UN Comtrade) otherwise counts from today, its download date.
_RELEASE_DATE_REQUIRED = ("bns", "stat-uz", "armstat", "wdi-fx")


def run_import(
    kind: str,
    path: Path,
    datasets: Path,
    released: date | str | None = None,
    spec_path: Path | None = None,
    dry_run: bool = False,
    flow: str | None = None,
    note: str = "",
) -> ImportResult:
    """Import one file of the given kind into the datasets folder.

    Parameters
    ----------
    kind : str
        A key of :data:`KINDS`.
    path : pathlib.Path
        The downloaded file.
    datasets : pathlib.Path
        The datasets folder; ``sources.csv`` and the kind's panel are updated.
    released : datetime.date or str, optional
        Release (or retrieval) date of the file, to the day, month or year. A BNS release
        that prints its date, and a World Bank file, give it themselves; ``--released``
        wins over them. Otherwise today (the download date) for ``imf`` and ``comtrade``;
        required for the other kinds when the file prints none. The
        spec gives it for ``table``.
    spec_path : pathlib.Path, optional
        The YAML spec, for ``table``.
    dry_run : bool
        Count what would be added, skipped and revised, and write nothing.
    flow : str, optional
        ``exports`` or ``imports``, for ``stat-uz`` (its files do not say).
    note : str
        How the release date was established, or anything a reader should know; kept in
        the source's note.

    Raises
    ------
    DataInvalid
        With every failure; nothing is written.

    Examples
    --------
    >>> import shutil, tempfile
    >>> with tempfile.TemporaryDirectory() as folder:
    ...     copy = shutil.copytree("datasets", Path(folder) / "datasets")
    ...     imts = Path("tests/fixtures/imports/imts_sdmx_v1.csv")
    ...     print(run_import("imf", imts, copy, date(2025, 5, 1), dry_run=True).summary()[0])
    would write 5 new observation(s) to imf_imts.parquet (0 of them revise an earlier value),
    source imf-...
    """
    digest = file_digest(path)
    about = KINDS[kind]
    if kind == "table":
        spec, failures = read_spec(spec_path)
        if failures:
            raise DataInvalid(failures)
        source = source_record(
            kind,
            path,
            digest,
            spec["publisher"],
            spec["title"],
            spec["released"],
            spec.get("address", ""),
            note=note,
        )
        return merge_import(datasets, about.panel, source, parse_table_file(path, spec), dry_run)
    parsed, printed = _parse(kind, path, flow)
    day = released or printed or (None if kind in _RELEASE_DATE_REQUIRED else date.today())
    if day is None:
        rule = "the file prints no release date: give it with --released (YYYY, YYYY-MM or a day)"
        raise DataInvalid([*parsed.failures, Failure(path.name, None, None, "", rule)])
    title = f"{about.title}: {flow}" if flow else about.title
    source = source_record(
        kind, path, digest, about.publisher, title, day, about.address, about.source_kind, note
    )
    if kind == "wdi-fx":
        return merge_fx(datasets, source, parsed, dry_run)
    return merge_import(datasets, about.panel, source, parsed, dry_run)


def _parse(kind: str, path: Path, flow: str | None):
    """The parsed file and the release date it prints (None when it prints none)."""
    if kind == "bns":
        return parse_bns(path)
    if kind == "wdi-fx":
        parsed = parse_wdi_fx(path)
        return parsed, parsed.released
    if kind == "stat-uz":
        return parse_stat_uz(path, flow), None
    parser = {"armstat": parse_armstat, "imf": parse_imf, "comtrade": parse_comtrade}[kind]
    return parser(path), None
