"""The kinds of ``tracker import``: what each reads, where it writes, and its source row.

Kept apart from the parsers so the command line lists the kinds without importing them.
"""

from __future__ import annotations

from dataclasses import dataclass

from tracker.importers.sources import DATABASE_EXTRACT

__all__ = ["KINDS", "PANELS", "ImportKind"]

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
