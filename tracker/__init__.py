"""Trade-target tracker: stated bilateral trade targets against the trade reported."""

from tracker.audit import audit
from tracker.datasets import Datasets, build_datasets, check_datasets, load_datasets
from tracker.failures import DataInvalid, Failure
from tracker.gaps import GapParams, compute_gaps
from tracker.periods import parse_span
from tracker.schemas import SCHEMAS, STATUSES

__all__ = [
    "SCHEMAS",
    "STATUSES",
    "DataInvalid",
    "Datasets",
    "Failure",
    "GapParams",
    "audit",
    "build_datasets",
    "check_datasets",
    "compute_gaps",
    "load_datasets",
    "parse_span",
]
