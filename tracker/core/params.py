"""The judgement calls of the tracker, each a named parameter with the reason for its value.

The gap engine's window and thresholds are :class:`GapParams` (a caller may change them);
the audit's tolerances and the what-if minimum are module constants used by the report's
methods text as well, so the words and the arithmetic cannot drift apart.
"""

from __future__ import annotations

from dataclasses import dataclass

__all__ = [
    "ABOUT_SHARE",
    "ARITHMETIC_SLACK",
    "HORIZONS_YEARS",
    "JUMP_FACTOR",
    "MAX_SIMULATED_VALUES",
    "MIN_HISTORICAL_RATES",
    "MIRROR_TOLERANCE",
    "NEARLY_SHARE",
    "SAME_VALUE_RTOL",
    "GapParams",
]

#: Horizons, in years after the baseline, for which the required growth is shown beside an
#: assumed deadline.
HORIZONS_YEARS = (3, 5, 10)
#: Partner statistics differ for known reasons (CIF against FOB, timing, re-exports), so
#: mirror figures are judged apart only beyond this relative difference.
MIRROR_TOLERANCE = 0.25
#: A year five times above or below its neighbours is a unit slip candidate: a typed
#: "80" for "800" lands just under tenfold when the true value moved too.
JUMP_FACTOR = 5.0
#: "About" a figure widens its precision to at least this share of the value.
ABOUT_SHARE = 0.05
#: "Nearly" or "almost" a figure is just below it: within this share of the value under it
#: (or the printed precision, if wider). The same share as "about", on one side: "nearly
#: $28.5 billion" is $27.075-28.5 billion, not anything from zero up.
NEARLY_SHARE = 0.05
#: Relative difference under which two values of the same thing count as the same value
#: (a re-imported figure, a restated goal): only float noise, never a revision.
SAME_VALUE_RTOL = 1e-9
#: Every range is at least this share of its value wide on each side: figures released
#: with all their digits (no rounding to widen them) still carry the floating-point error
#: of unit conversion and sums, about 1e-15 of the value.
ARITHMETIC_SLACK = 1e-9
#: Simulated values (paths x years) one probability may hold: 20 million floats are
#: 160 MB, and the draws, paths and their sums stay under a gigabyte.
MAX_SIMULATED_VALUES = 20_000_000
#: Fewer year-on-year rates than this, and resampling them says nothing: the probability
#: is reported as unavailable rather than invented.
MIN_HISTORICAL_RATES = 3


@dataclass(frozen=True)
class GapParams:
    """The judgement calls of the gap computation.

    Attributes
    ----------
    window_years : int
        Years over which historical growth is measured (shorter when history is shorter).
    on_track_ratio : float
        Progress ratio (historical / required growth) from which a target is on track.
    acceleration_ratio : float
        Progress ratio from which it needs acceleration; below it, off track.
    assumed_horizon_years : int
        Years after the statement when no deadline was ever stated.

    Examples
    --------
    >>> GapParams().on_track_ratio
    0.95
    >>> GapParams(window_years=5).window_years
    5
    """

    window_years: int = 3
    on_track_ratio: float = 0.95
    acceleration_ratio: float = 0.6
    assumed_horizon_years: int = 5
