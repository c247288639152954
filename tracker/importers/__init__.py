"""Importers for official statistics: statistics offices' releases, IMF IMTS, UN Comtrade,
national tables and the World Bank's exchange rates.

Each parses its format into observations in US dollars (or, for ``wdi-fx``, exchange
rates); :func:`run_import` registers the file as a source, merges without loss, validates
before writing and writes atomically.
"""

import lazy_loader

# Each name is imported when first used: the command line lists the kinds of import
# (:mod:`tracker.importers.kinds`) without loading every parser.
__getattr__, __dir__, __all__ = lazy_loader.attach(
    __name__,
    submod_attrs={
        "armstat": ["parse_armstat"],
        "bns": ["parse_bns"],
        "common": ["MAX_BILATERAL_USD", "ImportResult", "Parsed"],
        "comtrade": ["parse_comtrade"],
        "imf": ["parse_imf"],
        "kinds": ["KINDS", "PANELS", "ImportKind"],
        "run": ["run_import"],
        "stat_uz": ["parse_stat_uz"],
        "table": ["parse_table_file", "read_spec"],
        "wdi_fx": ["parse_wdi_fx"],
    },
)
