"""Small line charts drawn by the app as inline SVG (no chart library, no CDN).

``line_chart`` turns a series of values into the coordinates a template draws
(templates/_charts.html); missing values leave a gap in the line.
"""
from __future__ import annotations

from dataclasses import dataclass, field

WIDTH, HEIGHT = 320, 132
AXIS = 14  # room under the chart for the first and last dates
MARGIN = 12


@dataclass
class Point:
    x: float
    y: float
    label: str  # when (the run's date)
    value: str  # the value as the page says it


@dataclass
class LineChart:
    width: int
    height: int
    points: list[Point]
    lines: list[str] = field(default_factory=list)  # SVG polyline "x,y x,y" runs, split at gaps
    top: str = ""  # the value at the top of the scale
    bottom: str = ""
    first: str = ""  # the first and last labels, under the axis
    last: str = ""

    @property
    def baseline(self) -> float:
        return self.height - AXIS - MARGIN


def line_chart(series: list[tuple[str, float | None]], *, fmt, lowest: float = 0.0,
               highest: float | None = None) -> LineChart | None:
    """A chart of ``series`` [(label, value or None)]; None when no value is known."""
    known = [value for _label, value in series if value is not None]
    if not known:
        return None
    top = max(known) if highest is None else highest
    top = top if top > lowest else lowest + 1
    step = (WIDTH - 2 * MARGIN) / max(len(series) - 1, 1)
    chart = LineChart(WIDTH, HEIGHT, [], top=fmt(top), bottom=fmt(lowest), first=series[0][0],
                      last=series[-1][0] if len(series) > 1 else "")
    run: list[str] = []
    for i, (label, value) in enumerate(series):
        if value is None:
            if run:
                chart.lines.append(" ".join(run))
            run = []
            continue
        x = MARGIN + i * step if len(series) > 1 else WIDTH / 2
        y = HEIGHT - AXIS - MARGIN - (value - lowest) / (top - lowest) * (HEIGHT - AXIS - 2 * MARGIN)
        chart.points.append(Point(round(x, 1), round(y, 1), label, fmt(value)))
        run.append(f"{x:.1f},{y:.1f}")
    if run:
        chart.lines.append(" ".join(run))
    return chart
