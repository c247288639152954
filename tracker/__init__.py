"""Trade-target tracker: stated bilateral trade targets against the trade reported."""

from tracker.datasets import Datasets, check_datasets, load_datasets
from tracker.failures import DataInvalid, Failure
from tracker.periods import parse_span
from tracker.schemas import SCHEMAS

__all__ = [
    "SCHEMAS",
    "DataInvalid",
    "Datasets",
    "Failure",
    "check_datasets",
    "load_datasets",
    "parse_span",
]
