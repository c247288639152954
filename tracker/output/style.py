"""One style for every chart, and a Figure that shows itself in Jupyter.

Charts are built without pyplot (no window; matplotlib's process-wide settings changed only
for the span of one save, so draw in processes, not threads; PNGs render through Agg) in
the Okabe-Ito colour-blind-safe palette, axes labelled with units, sized for an e-mail
(7 x 4 inches at 100 dpi = 700 pixels wide).
"""

from __future__ import annotations

import io

from matplotlib import rc_context
from matplotlib.axes import Axes
from matplotlib.figure import Figure
from matplotlib.ticker import FuncFormatter

from tracker.core.units import format_usd_mn

__all__ = [
    "COLOURS",
    "DPI",
    "LABELS",
    "SIZE",
    "TrackerFigure",
    "clear_chart",
    "finish",
    "new_figure",
    "png",
    "svg",
    "tidy",
    "usd_tick",
]

#: Okabe & Ito (2008) colours, distinguishable with every common colour-vision deficiency.
COLOURS = {
    "judged": "#0072B2",  # blue
    "mirror": "#E69F00",  # orange
    "target": "#D55E00",  # vermillion
    "required": "#000000",  # black
    "projection": "#009E73",  # bluish green
    "nowcast": "#CC79A7",  # reddish purple
    "assumed": "#999999",  # grey
    "forecast": "#56B4E9",  # sky blue
}
#: Legend text of each element; tests find lines by these labels.
LABELS = {
    "judged": "reported by {reporter}",
    "mirror": "mirror: reported by {reporter}",
    "target": "target",
    "required": "required path ({rate:+.1f}% a year)",
    "projection": "current trend ({rate:+.1f}% a year)",
    "nowcast": "nowcast {year} (year to date)",
    "assumed": "assumed deadline {year}",
    "potential": "potential (an estimate, not judged)",
    "preliminary": "preliminary: a reported figure, no release yet",
    "forecast": "forecast as stated (not in the series)",
}
#: Top of the value axis as a multiple of the highest value drawn.
_HEADROOM = 1.25
SIZE = (7.0, 4.0)
DPI = 100
_PNG_METADATA = {"Software": None}  # no version string: same data, same bytes
#: SVG text stays text (small, sharp, found by search), and ids come from a fixed salt
#: rather than a random one: same data, same bytes.
_SVG_SETTINGS = {"svg.fonttype": "none", "svg.hashsalt": "tracker"}
_SVG_METADATA = {"Creator": None, "Date": None}
#: Room around the plot, in inches (left, right, bottom, top): the dollar ticks and their
#: label, the year ticks and their label, the title. Fixed rather than fitted to each
#: chart, since a layout engine draws every chart twice to save them.
_MARGINS_IN = (1.1, 0.2, 0.55, 0.45)


class TrackerFigure(Figure):
    """A matplotlib Figure that a notebook displays as a PNG, no ``%matplotlib`` needed.

    Examples
    --------
    >>> new_figure()[0]._repr_png_()[:4]
    b'\x89PNG'
    """

    def _repr_png_(self) -> bytes:
        return png(self)


def png(figure: Figure) -> bytes:
    """The figure as PNG bytes; the same figure gives the same bytes.

    Examples
    --------
    >>> figure, _ = new_figure()
    >>> png(figure) == png(figure)
    True
    """
    buffer = io.BytesIO()
    figure.savefig(buffer, format="png", metadata=_PNG_METADATA)
    return buffer.getvalue()


def svg(figure: Figure) -> bytes:
    """The figure as SVG bytes, its text as text; the same figure gives the same bytes.

    Examples
    --------
    >>> figure, _ = new_figure()
    >>> svg(figure) == svg(figure), svg(figure)[:5]
    (True, b'<?xml')
    """
    buffer = io.BytesIO()
    with rc_context(_SVG_SETTINGS):
        figure.savefig(buffer, format="svg", metadata=_SVG_METADATA)
    return buffer.getvalue()


def usd_tick(value: float, _position=None) -> str:
    """Axis ticks in US dollars: $950m, $1.2bn.

    Examples
    --------
    >>> usd_tick(950.0), usd_tick(1200.0)
    ('$950m', '$1.2bn')
    """
    return format_usd_mn(value, compact=True)


def new_figure(height: float = SIZE[1]) -> tuple[TrackerFigure, Axes]:
    """A figure with one Axes in the house style.

    Examples
    --------
    >>> figure, axes = new_figure()
    >>> figure.get_size_inches().tolist(), axes.spines["top"].get_visible()
    ([7.0, 4.0], False)
    """
    figure = TrackerFigure(figsize=(SIZE[0], height), dpi=DPI)
    left, right, bottom, top = _MARGINS_IN
    figure.subplots_adjust(
        left=left / SIZE[0], right=1 - right / SIZE[0], bottom=bottom / height, top=1 - top / height
    )
    axes = figure.add_subplot()
    # Titles on the plot's top edge (a title given a height is not placed again): with
    # nothing drawn above the plot, matplotlib need not measure the ticks at every draw.
    axes.set_title("", y=1.0)
    tidy(axes, "y")
    return figure, axes


def clear_chart(axes: Axes) -> Axes:
    """The axes emptied of a chart (its lines, legend, left title and limits), their house
    style, labels and ticks kept: drawing the next chart on them costs a third less than
    on a new figure, and gives the same picture.

    Examples
    --------
    >>> figure, axes = new_figure()
    >>> _ = axes.plot([2023, 2024], [900, 12000], label="reported")
    >>> _ = finish(figure, axes)
    >>> cleared = clear_chart(axes)
    >>> len(cleared.lines), cleared.get_legend(), cleared.get_autoscaley_on()
    (0, None, True)
    """
    for line in list(axes.lines):
        line.remove()
    if (legend := axes.get_legend()) is not None:
        legend.remove()
    axes.set_title("", loc="left")
    axes.relim()  # data limits from what is left: nothing
    axes.set_autoscale_on(True)
    return axes


def tidy(axes: Axes, grid: str) -> None:
    """Light grid lines along ``grid`` behind the data; no top or right frame.

    Examples
    --------
    >>> figure, axes = new_figure()
    >>> tidy(axes, "x")
    >>> axes.spines["right"].get_visible(), axes.get_axisbelow()
    (False, True)
    """
    axes.grid(axis=grid, color="#dddddd", linewidth=0.8)
    axes.set_axisbelow(True)
    for side in ("top", "right"):
        axes.spines[side].set_visible(False)


def finish(figure: Figure, axes: Axes, ceiling: float | None = None) -> Figure:
    """Label the axes with units, leave room for the legend, and return the figure.

    The value axis runs from 0 to the highest line plus headroom, but never above
    ``ceiling`` when one is given: lines beyond it are clipped at the edge.

    Examples
    --------
    >>> figure, axes = new_figure()
    >>> _ = axes.plot([2023, 2024], [900, 12000], label="reported")
    >>> finish(figure, axes).axes[0].get_ylabel()
    'trade, US$ (current)'
    >>> [float(limit) for limit in finish(figure, axes, ceiling=3000).axes[0].get_ylim()]
    [0.0, 3000.0]
    """
    axes.set_xlabel("year")
    axes.set_ylabel("trade, US$ (current)")
    axes.yaxis.set_major_formatter(FuncFormatter(usd_tick))
    axes.xaxis.get_major_locator().set_params(integer=True)
    # Room above the highest line for the legend, which sits top left.
    top = axes.get_ylim()[1] * _HEADROOM
    axes.set_ylim(0, top if ceiling is None else min(top, ceiling))
    axes.legend(fontsize=8, frameon=False, loc="upper left")
    return figure
