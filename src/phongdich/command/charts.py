"""The dashboard's charts drawn as SVG on the server: stacked daily bars with an optional line, and percentage lines.
Each chart scales to its container (a phone's width or a wall screen) and carries its title for screen readers; the
numbers behind it are shown as a table beside it and exported to Excel, so the picture is never the only copy."""

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from xml.sax.saxutils import escape, quoteattr

WIDTH, HEIGHT = 480, 240
LEFT, RIGHT, TOP, BOTTOM = 48, 44, 12, 30
TEXT = 'font-family="DejaVu Sans, sans-serif" font-size="14" fill="#444"'


@dataclass(frozen=True)
class Series:
    label: str
    colour: str
    values: Sequence[float | int | None]


def bars(
    title: str,
    days: Sequence[date],
    stacks: Sequence[Series],
    line: Series | None = None,
    line_max: float | None = None,
) -> str:
    """Stacked bars per day; `line` (a 7-day average, positivity %) is drawn over them on its own right-hand scale
    when `line_max` is given, else on the bars' scale."""
    totals = [sum(series.values[index] or 0 for series in stacks) for index in range(len(days))]
    top = _nice_max(max(totals, default=0))
    plot = _Plot(len(days), top)
    parts = [_axes(plot, days, top)]
    for index in range(len(days)):
        base = 0.0
        for series in stacks:
            value = series.values[index] or 0
            if value:
                x, y0, y1 = plot.x_bar(index), plot.y(base), plot.y(base + value)
                parts.append(
                    f'<rect x="{x:.1f}" y="{y1:.1f}" width="{plot.bar_width:.1f}" height="{y0 - y1:.1f}" '
                    f'fill="{series.colour}"><title>{escape(series.label)} {days[index]:%d/%m}: '
                    f"{_number(value)}</title></rect>"
                )
            base += value
    if line is not None:
        scale = _nice_max(line_max) if line_max else top
        parts.append(_polyline(plot, line, scale))
        if line_max:
            parts.append(_right_axis(plot, scale, suffix=" %"))
    return _figure(title, parts, [*stacks, *([line] if line else [])])


@dataclass(frozen=True)
class Band:
    """An interval drawn as a shaded area between its lower and upper values (a missing pair leaves a gap)."""

    label: str
    colour: str
    lower: Sequence[float | None]
    upper: Sequence[float | None]


def lines(
    title: str,
    days: Sequence[date],
    series: Sequence[Series],
    top: float = 100,
    suffix: str = " %",
    bands: Sequence[Band] = (),
) -> str:
    """Lines on one scale from 0 to `top` (percentages by default), over the shaded `bands`; a missing value breaks
    its line."""
    values = [value or 0 for s in series for value in s.values] + [value or 0 for b in bands for value in b.upper]
    top = _nice_max(max([top, *values]))
    plot = _Plot(len(days), top)
    parts = [_axes(plot, days, top, suffix=suffix)]
    parts += [_area(plot, band, top) for band in bands]
    parts += [_polyline(plot, one, top) for one in series]
    legend = [*(Series(band.label, band.colour, []) for band in bands), *series]
    return _figure(title, parts, legend)


@dataclass(frozen=True)
class _Plot:
    count: int
    top: float

    @property
    def step(self) -> float:
        return (WIDTH - LEFT - RIGHT) / max(self.count, 1)

    @property
    def bar_width(self) -> float:
        return max(self.step * 0.8, 0.6)

    def x_bar(self, index: int) -> float:
        return LEFT + index * self.step + (self.step - self.bar_width) / 2

    def x_mid(self, index: int) -> float:
        return LEFT + (index + 0.5) * self.step

    def y(self, value: float, top: float | None = None) -> float:
        scale = top or self.top or 1
        return HEIGHT - BOTTOM - (HEIGHT - TOP - BOTTOM) * value / scale


def _axes(plot: _Plot, days: Sequence[date], top: float, suffix: str = "") -> str:
    parts = []
    for fraction in (0, 0.25, 0.5, 0.75, 1):
        y = plot.y(top * fraction)
        parts.append(f'<line x1="{LEFT}" x2="{WIDTH - RIGHT}" y1="{y:.1f}" y2="{y:.1f}" stroke="#ddd"/>')
        parts.append(
            f'<text x="{LEFT - 4}" y="{y + 4:.1f}" text-anchor="end" {TEXT}>{_number(top * fraction)}{suffix}</text>'
        )
    every = max(1, round(len(days) / 5))
    for index in range(0, len(days), every):
        x = plot.x_mid(index)
        parts.append(f'<text x="{x:.1f}" y="{HEIGHT - 8}" text-anchor="middle" {TEXT}>{days[index]:%d/%m}</text>')
    return "".join(parts)


def _right_axis(plot: _Plot, top: float, suffix: str) -> str:
    labels = []
    for fraction in (0, 0.5, 1):
        y = plot.y(top * fraction, top) + 4
        labels.append(f'<text x="{WIDTH - RIGHT + 4}" y="{y:.1f}" {TEXT}>{_number(top * fraction)}{suffix}</text>')
    return "".join(labels)


def _polyline(plot: _Plot, series: Series, top: float) -> str:
    runs: list[list[str]] = [[]]
    for index, value in enumerate(series.values):
        if value is None:
            runs.append([])
            continue
        runs[-1].append(f"{plot.x_mid(index):.1f},{plot.y(float(value), top):.1f}")
    return "".join(
        f'<polyline points="{" ".join(points)}" fill="none" stroke="{series.colour}" stroke-width="2">'
        f"<title>{escape(series.label)}</title></polyline>"
        for points in runs
        if points
    )


def _area(plot: _Plot, band: Band, top: float) -> str:
    """The band as one polygon per run of days with both bounds (along the upper bound, back along the lower)."""
    runs: list[list[tuple[int, float, float]]] = [[]]
    for index, (low, high) in enumerate(zip(band.lower, band.upper, strict=True)):
        if low is None or high is None:
            runs.append([])
        else:
            runs[-1].append((index, float(low), min(float(high), top)))
    shapes = []
    for run in (run for run in runs if run):
        upper = [f"{plot.x_mid(i):.1f},{plot.y(high, top):.1f}" for i, _low, high in run]
        lower = [f"{plot.x_mid(i):.1f},{plot.y(low, top):.1f}" for i, low, _high in reversed(run)]
        shapes.append(
            f'<polygon points="{" ".join(upper + lower)}" fill="{band.colour}" stroke="none">'
            f"<title>{escape(band.label)}</title></polygon>"
        )
    return "".join(shapes)


def _figure(title: str, parts: list[str], legend: Sequence[Series]) -> str:
    keys = "".join(f'<span class="chart-key">{swatch(series.colour)}{escape(series.label)}</span>' for series in legend)
    return (
        f'<svg class="chart" viewBox="0 0 {WIDTH} {HEIGHT}" role="img" aria-label={quoteattr(title)} '
        f'preserveAspectRatio="xMidYMid meet" xmlns="http://www.w3.org/2000/svg">{"".join(parts)}</svg>'
        f'<div class="chart-legend">{keys}</div>'
    )


def swatch(colour: str) -> str:
    """A legend's square of colour, drawn (the pages allow no inline styles)."""
    square = f'<rect width="10" height="10" rx="2" fill="{colour}"/>'
    return f'<svg class="swatch" viewBox="0 0 10 10" aria-hidden="true">{square}</svg>'


def _nice_max(value: float) -> float:
    """The smallest of 1, 2, 2.5, 5 × 10ⁿ at or above `value` (at least 4, so a quiet week still has a scale)."""
    value = max(float(value or 0), 4)
    magnitude = 10 ** (len(str(int(value))) - 1)
    for step in (1, 2, 2.5, 5, 10):
        if value <= step * magnitude:
            return step * magnitude
    return 10 * magnitude


def _number(value: float) -> str:
    """A tick's label in the Vietnamese way: 24.266, 2,5."""
    if value == int(value):
        return f"{int(value):,}".replace(",", ".")
    return f"{value:.2f}".rstrip("0").rstrip(".").replace(".", ",")
