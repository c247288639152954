"""Loading valid datasets into typed frames: spans, publication days, USD millions."""

from __future__ import annotations

import pandas as pd
import pytest

from tests.conftest import write_dataset
from tracker import DataInvalid, load_datasets


@pytest.fixture
def data(tmp_path):
    return load_datasets(write_dataset(tmp_path / "d"))


def test_values_convert_to_usd_millions(data):
    obs = data.observations.set_index("line")
    assert obs.loc[2, "value_usd_mn"] == pytest.approx(1.2 * 1000)
    # 300000 million tenge at the 2024 average of 469.44 tenge per dollar.
    assert obs.loc[4, "value_usd_mn"] == pytest.approx(300000 / 469.44)


def test_precision_follows_printed_decimals(data):
    obs = data.observations.set_index("line")
    assert obs.loc[2, "half_width_usd_mn"] == pytest.approx(0.05 * 1000)
    assert obs.loc[3, "half_width_usd_mn"] == pytest.approx(0.005 * 1000)
    assert obs.loc[4, "half_width_usd_mn"] == pytest.approx(0.5 / 469.44)


def test_spans_and_publication_days(data):
    obs = data.observations.set_index("line")
    assert obs.loc[2, "span_start"] == pd.Period("2024-01", freq="M")
    assert obs.loc[2, "span_end"] == pd.Period("2024-12", freq="M")
    assert bool(obs.loc[2, "is_full_year"])
    assert obs.loc[2, "published_on"] == pd.Timestamp("2025-02-12")
    # A month-precision date is known from the month's last day.
    sources = data.sources.set_index("source_id")
    assert sources.loc["s2", "published_on"] == pd.Timestamp("2025-03-31")


def test_targets_typed(data):
    tgt = data.targets.set_index("target_id")
    assert tgt.loc["t2", "deadline_year"] == 2027
    assert pd.isna(tgt.loc["t1", "deadline_year"])
    assert tgt.loc["t2", "value_usd_mn"] == pytest.approx(2000.0)


def test_invalid_data_raises_with_every_error(tmp_path):
    bad = write_dataset(tmp_path / "d", sources=None, fx_rates="")
    with pytest.raises(DataInvalid) as caught:
        load_datasets(bad)
    assert {f.file for f in caught.value.failures} == {"sources.csv", "fx_rates.csv"}
