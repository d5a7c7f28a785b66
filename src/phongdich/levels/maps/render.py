"""Drawing the level map, with no request in sight: a layout of the units (a tile grid, or a choropleth when every
unit has its boundary), then one figure (title, week, the map, legend, note) drawn as SVG or as PNG.

The tile grid puts each unit in an equal square, in blocks per district ordered by code: a province's 91 communes
read at a glance whatever their area, and the map says it is not to geographic scale. The choropleth projects the
boundaries equirectangularly (longitude scaled by the cosine of the mean latitude, fine at a province's size) into
the figure and simplifies them to a fraction of a pixel, so a province's communes stay a few hundred kilobytes.
`compose` lays out every shape and text once; `to_svg` and `to_png` only paint what it laid out, so the press
gets the same picture in both formats."""

import io
import math
import re
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from functools import cache
from pathlib import Path
from xml.sax.saxutils import escape, quoteattr

from django.utils import timezone
from django.utils.translation import gettext as _

from phongdich.places.choices import UnitLevel

from ..choices import COLOURS, NO_LEVEL_COLOUR, Level

MAP_WIDTH = 760  # the map's width in the figure, in SVG units (pixels at 1:1)
NARROW_WIDTH = 360  # a grid for a phone's screen: two districts a row
NARROW_VIEW = 280  # the least width a phone's map is scaled from: a narrow grid fills the screen, a tiny one does not
MARGIN = 16
BIG_SQUARE = 40  # a tile's side when the grid has FEW tiles (the districts), SQUARE up to CROWDED, else SMALL_SQUARE
SQUARE = 26
SMALL_SQUARE = 14
FEW = 30
LETTER_SIZES = {1: 10, 2: 10, 3: 8.5, 4: 8}  # a square's letters by their number, on a SQUARE tile (7 past four)
CROWDED = 400
GAP = 3
BLOCK_GAP = 14
BLOCK_LABEL = 18
BLOCK_COLUMNS = 6
MAX_MAP_HEIGHT = 900  # a choropleth taller than wide is scaled to this height
TOLERANCE = 0.6  # pixels a simplified boundary may stray from the true one
PNG_SCALE = 2  # pixels per SVG unit in the PNG, for print
PNG_MAX_SIDE = 2400
FONT_DIR = Path("/usr/share/fonts/truetype/dejavu")
FONTS = "DejaVu Sans, Verdana, sans-serif"
INK = "#1b1f23"
MUTED = "#5b6770"
BORDER = "#ffffff"
LIGHT_FILLS = {COLOURS[2], NO_LEVEL_COLOUR}  # fills dark text reads on


@dataclass(frozen=True)
class MapUnit:
    """One unit on the map: its level (None: not assessed, or no population), the block it sits in on the grid
    (its district), a few letters for its square, its boundary (GeoJSON, lon/lat) and where it links to."""

    code: str
    name: str
    level: int | None
    block_code: str = ""
    block_name: str = ""
    short: str = ""
    geometry: dict | None = None
    href: str = ""
    label: str = ""  # the name as lists show it: a residential group's with its commune ("Khu phố 1, Phường Lái Thiêu")

    @property
    def full_name(self) -> str:
        return self.label or self.name


@dataclass(frozen=True)
class Shape:
    unit: MapUnit
    rect: tuple[float, float, float, float] | None = None  # x, y, width, height: a tile
    rings: tuple[tuple[tuple[float, float], ...], ...] = ()  # projected boundary rings: a choropleth area

    @property
    def fill(self) -> str:
        return colour(self.unit.level)

    @property
    def area(self) -> float:
        if self.rect:
            return self.rect[2] * self.rect[3]
        return sum(abs(_ring_area(ring)) for ring in self.rings)


@dataclass(frozen=True)
class Label:
    x: float
    y: float
    text: str
    size: float = 11
    bold: bool = False
    anchor: str = "start"  # start, middle or end, as SVG's text-anchor; y is the baseline
    fill: str = INK


@dataclass
class Layout:
    kind: str  # "grid" or "choropleth"
    width: float
    height: float
    shapes: list[Shape] = field(default_factory=list)
    labels: list[Label] = field(default_factory=list)
    unit_level: str = UnitLevel.COMMUNE

    @property
    def counts(self) -> dict[int | None, int]:
        """Units by level, None for those without one, every key present."""
        counts: dict[int | None, int] = {level: 0 for level in (*Level.values, None)}
        for shape in self.shapes:
            counts[shape.unit.level if shape.unit.level in COLOURS else None] += 1
        return counts


@dataclass(frozen=True)
class Swatch:
    x: float
    y: float
    size: float
    fill: str


@dataclass
class Figure:
    """Everything drawn, in SVG units: the layout placed at (map_x, map_y), the texts and the legend's swatches."""

    width: float
    height: float
    layout: Layout
    map_x: float
    map_y: float
    title: str
    subtitle: str
    texts: list[Label] = field(default_factory=list)
    swatches: list[Swatch] = field(default_factory=list)


def colour(level: int | None) -> str:
    return COLOURS.get(level, NO_LEVEL_COLOUR) if level is not None else NO_LEVEL_COLOUR


def short_name(name: str, division_type: str = "") -> str:
    """A square's letters: the initials of the name without its kind ("Phường Lái Thiêu" → "LT"); a numbered unit's
    number after its kind's initials ("Khu phố 12" → "KP12", "Ấp 3" → "Ấp3", "Phường 1" → "P1"), so that no square
    reads as a bare number, which a reader would take for a level."""
    words, kind = name.split(), []
    if division_type and name.lower().startswith(division_type.lower() + " "):
        kind, words = name[: len(division_type)].split(), name[len(division_type) + 1 :].split()
    if words and words[-1].isdigit():
        kind = kind or words[:-1]
        if len(kind) == 1 and len(kind[0]) <= 2:
            prefix = kind[0]
        else:
            prefix = "".join(word[0] for word in kind if word[:1].isalpha()).upper()[:3]
        return (prefix or "#") + words[-1][:3]
    return "".join(word[0] for word in words if word[:1].isalpha())[:3].upper()


def distinct_shorts(units: list[MapUnit]) -> dict[str, str]:
    """{code: letters} for units drawn side by side (a district's block), none twice: units that share letters
    each get the next letter of their name's last word ("Phú Thọ", "Phú Tân": "PTh", "PTâ"); any still alike then
    a suffix in order of code, a digit after letters and a letter after a number ("TH", "TH2"; "LT1", "LT1b"), so
    the same units always read the same."""
    ordered = sorted(units, key=lambda unit: code_key(unit.code))
    alike: dict[str, list[MapUnit]] = {}
    for unit in ordered:
        alike.setdefault(unit.short, []).append(unit)
    letters = {unit.code: unit.short for unit in ordered}
    for short, same in alike.items():
        if not short or len(same) < 2 or not short[-1].isalpha():
            continue
        for unit in same:
            last = unit.name.split()[-1] if unit.name.split() else ""
            if len(last) > 1 and last[0].upper() == short[-1] and last[1].isalpha():
                letters[unit.code] = short + last[1].lower()
    taken: set[str] = set()
    for unit in ordered:
        text = letters[unit.code]
        if text and text in taken:
            suffixes = "bcdefghijklmnopqrstuvwxyz" if text[-1].isdigit() else [str(n) for n in range(2, 1000)]
            text = next(text + suffix for suffix in suffixes if text + suffix not in taken)
        letters[unit.code] = text
        taken.add(text)
    return letters


def code_key(code: str) -> tuple:
    """Codes in their natural order: "25966-2" before "25966-10"."""
    return tuple((0, int(part), "") if part.isdigit() else (1, 0, part) for part in re.split(r"[-/]", code))


# -- the tile grid ----------------------------------------------------------------------------------------------


def square_side(count: int) -> float:
    """A tile's side for a grid of `count` units: big for a few (a province's districts), small past CROWDED."""
    return BIG_SQUARE if count <= FEW else SQUARE if count <= CROWDED else SMALL_SQUARE


def tile_grid(units: list[MapUnit], *, unit_level: str = UnitLevel.COMMUNE, width: float = MAP_WIDTH) -> Layout:
    """One equal square per unit, in a block per district (`block_code`) headed by its name, blocks and squares
    ordered by code, blocks flowing left to right in rows as wide as `width`, from the left edge. Each square
    carries its unit's letters, told apart within the block (`distinct_shorts`)."""
    square = square_side(len(units))
    pitch = square + GAP
    blocks: dict[str, list[MapUnit]] = {}
    for unit in sorted(units, key=lambda u: (code_key(u.block_code), code_key(u.code))):
        blocks.setdefault(unit.block_code, []).append(unit)
    layout = Layout(kind="grid", width=0, height=0, unit_level=unit_level)
    x = y = row_height = 0.0
    for members in blocks.values():
        columns = min(max(BLOCK_COLUMNS, math.ceil(math.sqrt(len(members) * 1.5))), max(1, int(width // pitch)))
        columns = min(columns, len(members)) if len(blocks) == 1 else columns
        block_width = max(columns * pitch - GAP, 0)
        rows = math.ceil(len(members) / columns)
        block_height = BLOCK_LABEL + rows * pitch - GAP
        if x > 0 and x + block_width > width:
            x, y, row_height = 0.0, y + row_height + BLOCK_GAP, 0.0
        label = members[0].block_name
        if label:
            room = block_width if len(blocks) > 1 else width
            layout.labels.append(Label(x, y + 12, fit(label, 11, room), size=11, bold=True))
        letters = distinct_shorts(members) if square >= SQUARE else {}
        for index, unit in enumerate(members):
            left = x + (index % columns) * pitch
            top = y + BLOCK_LABEL + (index // columns) * pitch
            layout.shapes.append(Shape(unit=unit, rect=(left, top, square, square)))
            if text := letters.get(unit.code):
                ink = INK if colour(unit.level) in LIGHT_FILLS else "#ffffff"
                size = LETTER_SIZES.get(len(text), 7) * square / SQUARE
                middle = (left + square / 2, top + square / 2 + size * 0.36)
                layout.labels.append(Label(*middle, text, round(size, 1), anchor="middle", fill=ink))
        layout.width = max(layout.width, x + block_width)
        row_height = max(row_height, block_height)
        x += block_width + BLOCK_GAP
    layout.height = y + row_height if units else 0
    return layout


def text_width(text: str, size: float) -> float:
    """An estimate of a text's width in DejaVu Sans (both formats lay out from it, so they agree)."""
    return len(text) * size * 0.58


def fit(text: str, size: float, width: float) -> str:
    """The text, cut with an ellipsis to fit `width`."""
    if text_width(text, size) <= width:
        return text
    keep = max(1, int(width / (size * 0.58)) - 1)
    return text[:keep].rstrip() + "…"


def wrap(text: str, size: float, width: float) -> list[str]:
    lines: list[str] = []
    current = ""
    for word in text.split():
        trial = f"{current} {word}".strip()
        if text_width(trial, size) <= width or not current:
            current = trial
        else:
            lines.append(current)
            current = word
    return [*lines, current] if current else lines


# -- the choropleth ---------------------------------------------------------------------------------------------


def has_geometry(units: list[MapUnit]) -> bool:
    """Whether every unit has a boundary to draw (and there is a unit): then the map is a choropleth."""
    return bool(units) and all(_is_area(unit.geometry) for unit in units)


def _is_area(geometry: dict | None) -> bool:
    return (
        isinstance(geometry, dict)
        and geometry.get("type") in ("Polygon", "MultiPolygon")
        and bool(geometry.get("coordinates"))
    )


def choropleth(
    units: list[MapUnit],
    *,
    unit_level: str = UnitLevel.COMMUNE,
    width: float = MAP_WIDTH,
    max_height: float = MAX_MAP_HEIGHT,
    tolerance: float = TOLERANCE,
) -> Layout:
    """Each unit's boundary projected into a `width`-wide box (at most `max_height` high) and simplified to
    `tolerance` pixels; a ring that simplifies to nothing is dropped, except a unit's largest, kept as it is.
    A province's communes at full detail are hundreds of thousands of points: one pass over them projects and
    thins them (a point in the same `tolerance` cell as the last one kept adds nothing), the rest works on what
    is left."""
    rings = {unit.code: _polygons(unit.geometry) for unit in units}
    bounds = [ring_bounds for unit_rings in rings.values() for _ring, ring_bounds in unit_rings]
    layout = Layout(kind="choropleth", width=0, height=0, unit_level=unit_level)
    if not bounds:
        return layout
    west, east = min(b[0] for b in bounds), max(b[1] for b in bounds)
    south, north = min(b[2] for b in bounds), max(b[3] for b in bounds)
    squeeze = math.cos(math.radians((south + north) / 2))
    span_x = max((east - west) * squeeze, 1e-9)
    span_y = max(north - south, 1e-9)
    scale = min(width / span_x, max_height / span_y)
    layout.width, layout.height = span_x * scale, span_y * scale
    for unit in sorted(units, key=lambda u: code_key(u.code)):
        projected = [_project(ring, west, north, squeeze * scale, scale, tolerance) for ring, _b in rings[unit.code]]
        kept = [tuple(ring) for ring in (simplify(ring, tolerance) for ring in projected) if len(ring) >= 4]
        if not kept and projected:
            kept = [tuple(max(projected, key=lambda ring: abs(_ring_area(ring))))]
        layout.shapes.append(Shape(unit=unit, rings=tuple(kept)))
    return layout


def _polygons(geometry: dict | None) -> list[tuple[list, tuple[float, float, float, float]]]:
    """The rings of a GeoJSON Polygon or MultiPolygon (outer rings and holes alike) of three points or more whose
    points are numbers, as they are (lists of [lon, lat] or [lon, lat, altitude]), each with its bounds."""
    if not isinstance(geometry, dict):
        return []
    kind, coordinates = geometry.get("type"), geometry.get("coordinates") or []
    polygons = [coordinates] if kind == "Polygon" else coordinates if kind == "MultiPolygon" else []
    rings = []
    for polygon in polygons if isinstance(polygons, list) else []:
        for ring in polygon if isinstance(polygon, list) else []:
            if isinstance(ring, list) and len(ring) >= 3 and (bounds := _bounds(ring)):
                rings.append((ring, bounds))
    return rings


def _bounds(ring: list) -> tuple[float, float, float, float] | None:
    """West, east, south, north of a ring; None when its points are not pairs of numbers."""
    try:
        lons, lats = list(zip(*ring, strict=False))[:2]
        return min(lons), max(lons), min(lats), max(lats)
    except (TypeError, ValueError):
        return None


def _project(ring: list, west: float, north: float, kx: float, ky: float, tolerance: float) -> list:
    """The ring in the figure's pixels, without the points in the same `tolerance` cell as the last one kept."""
    step = 1 / tolerance
    kept: list[tuple[float, float]] = []
    last = None
    for point in ring:
        x, y = (point[0] - west) * kx, (north - point[1]) * ky
        cell = (int(x * step), int(y * step))
        if cell != last:
            kept.append((x, y))
            last = cell
    end = ((ring[-1][0] - west) * kx, (north - ring[-1][1]) * ky)
    if kept[-1] != end:
        kept.append(end)  # the ring stays closed
    return kept


def simplify(points: list[tuple[float, float]], tolerance: float) -> list[tuple[float, float]]:
    """Douglas–Peucker: the fewest points that keep the line within `tolerance` of every point dropped. A closed
    ring is first split at its point farthest from where it starts and ends."""
    if len(points) < 3:
        return list(points)
    keep = [False] * len(points)
    keep[0] = keep[-1] = True
    stack = [(0, len(points) - 1)]
    while stack:
        first, last = stack.pop()
        (x0, y0), (x1, y1) = points[first], points[last]
        dx, dy = x1 - x0, y1 - y0
        length = math.hypot(dx, dy)
        farthest, index = tolerance, -1
        if length == 0:  # a closed ring: the distance to its start
            for i in range(first + 1, last):
                distance = math.hypot(points[i][0] - x0, points[i][1] - y0)
                if distance > farthest:
                    farthest, index = distance, i
        else:
            limit, offset = tolerance * length, x1 * y0 - y1 * x0
            for i in range(first + 1, last):
                x, y = points[i]
                distance = abs(dy * x - dx * y + offset)
                if distance > limit:
                    limit, index = distance, i
        if index >= 0:
            keep[index] = True
            stack += [(first, index), (index, last)]
    return [point for point, kept in zip(points, keep, strict=True) if kept]


def _ring_area(ring) -> float:
    return sum(a[0] * b[1] - b[0] * a[1] for a, b in zip(ring, [*ring[1:], ring[0]], strict=True)) / 2


def map_layout(units: list[MapUnit], *, unit_level: str = UnitLevel.COMMUNE) -> Layout:
    """The choropleth when every unit has a boundary, the tile grid otherwise."""
    if has_geometry(units):
        return choropleth(units, unit_level=unit_level)
    return tile_grid(units, unit_level=unit_level)


# -- the figure -------------------------------------------------------------------------------------------------


def grid_note(unit_level: str) -> str:
    if unit_level == UnitLevel.DISTRICT:
        return _("Tile map: each square is a district, town or city — not to geographic scale")
    if unit_level == UnitLevel.GROUP:
        return _("Tile map: each square is a residential group, grouped by district — not to geographic scale")
    return _("Tile map: each square is a commune, ward or township, grouped by district — not to geographic scale")


def week_label(monday: date) -> str:
    """The week an assessment covers, Monday to Sunday: "Tuần 11/10/2021 – 17/10/2021"."""
    sunday = monday + timedelta(days=6)
    return _("Week %(start)s – %(end)s") % {"start": f"{monday:%d/%m/%Y}", "end": f"{sunday:%d/%m/%Y}"}


def legend_entries(counts: dict[int | None, int]) -> list[tuple[str, str, int]]:
    """(colour, label, units) for the four levels and for the units without a level."""
    entries = [(COLOURS[level], str(label), counts.get(level, 0)) for level, label in Level.choices]
    return [*entries, (NO_LEVEL_COLOUR, _("Not assessed / no population"), counts.get(None, 0))]


def compose(
    layout: Layout, *, title: str, subtitle: str, details: list[str] | tuple[str, ...] = (), note: str | None = None
) -> Figure:
    """Title and week above the map, then the `details` (when the levels apply, who published them), the legend
    (with each level's number of units) and the note below it. The grid starts at the left margin, under the
    title; a choropleth is centred. The grid's note says what a square is unless `note` says otherwise."""
    width = max(layout.width, 560) + 2 * MARGIN
    inner = width - 2 * MARGIN
    texts: list[Label] = []
    y: float = MARGIN
    for line in wrap(title, 20, inner):
        y += 24
        texts.append(Label(MARGIN, y, line, size=20, bold=True))
    for line in wrap(subtitle, 14, inner):
        y += 20
        texts.append(Label(MARGIN, y, line, size=14, fill=MUTED))
    for detail in details:
        for line in wrap(detail, 12, inner):
            y += 17
            texts.append(Label(MARGIN, y, line, size=12))
    map_y = y + 14
    y = map_y + layout.height + 20
    swatches = []
    for fill, label, count in legend_entries(layout.counts):
        swatches.append(Swatch(MARGIN, y, 14, fill))
        texts.append(Label(MARGIN + 22, y + 11.5, fit(f"{label}: {count}", 12, inner - 22), size=12))
        y += 21
    if note is None and layout.kind == "grid":
        note = grid_note(layout.unit_level)
    for line in wrap(note or "", 11, inner):
        y += 15
        texts.append(Label(MARGIN, y, line, size=11, fill=MUTED))
    return Figure(
        width=round(width),
        height=round(y + MARGIN),
        layout=layout,
        map_x=MARGIN if layout.kind == "grid" else MARGIN + (inner - layout.width) / 2,
        map_y=map_y,
        title=title,
        subtitle=subtitle,
        texts=texts,
        swatches=swatches,
    )


def moment(at: datetime) -> str:
    """A time as the platform writes it: "26/10/2021 00:00", in the platform's time zone."""
    return f"{timezone.localtime(at):%d/%m/%Y %H:%M}"


def shape_title(unit: MapUnit) -> str:
    level = Level(unit.level).label if unit.level in COLOURS else _("Not assessed / no population")
    return f"{unit.full_name}: {level}"


def to_svg(figure: Figure) -> str:
    """The figure as a standalone SVG document: title, week, the map, the legend and the note."""
    layout = figure.layout
    parts = [
        '<?xml version="1.0" encoding="UTF-8"?>',
        f'<svg xmlns="http://www.w3.org/2000/svg" width="{figure.width}" height="{figure.height}" '
        f'viewBox="0 0 {figure.width} {figure.height}" role="img" aria-labelledby="level-map-title" '
        f'font-family="{FONTS}" data-kind="{layout.kind}">',
        f'<title id="level-map-title">{escape(figure.title)}</title><desc>{escape(figure.subtitle)}</desc>',
        f'<rect width="{figure.width}" height="{figure.height}" fill="#ffffff"/>',
    ]
    parts += [_svg_text(text) for text in figure.texts]
    parts += [
        f'<rect x="{s.x}" y="{s.y}" width="{s.size}" height="{s.size}" fill="{s.fill}" stroke="{MUTED}" '
        'stroke-width="0.5"/>'
        for s in figure.swatches
    ]
    parts.append(f'<g transform="translate({_n(figure.map_x)} {_n(figure.map_y)})">')
    parts += _svg_map(layout, links=False)
    parts.append("</g></svg>")
    return "\n".join(parts) + "\n"


def to_inline_svg(
    layout: Layout, *, title: str, links: bool = False, ident: str = "level-map", width: float = MAP_WIDTH
) -> str:
    """The map alone, as an <svg> element as wide as its container, for a page that shows the title and legend
    itself; with `links`, each unit's shape links to its page. `ident` keeps two maps on a page apart. Its view box
    is always `width` wide (the grid from its left edge, a choropleth centred), so a page shows squares and names
    at the same size whatever the number of units, and a phone scales it to its width."""
    pad = 2
    box_width = max(layout.width, width)
    left = -pad if layout.kind == "grid" else -pad - (box_width - layout.width) / 2
    box = f"{_n(left)} {-pad} {_n(box_width + 2 * pad)} {_n(layout.height + 2 * pad)}"
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" width="100%" viewBox="{box}" preserveAspectRatio="xMinYMin meet" '
        f'role="img" aria-labelledby="{ident}-title" font-family="{FONTS}" data-kind="{layout.kind}">',
        f'<title id="{ident}-title">{escape(title)}</title>',
        *_svg_map(layout, links=links),
        "</svg>",
    ]
    return "\n".join(parts)


def _svg_map(layout: Layout, *, links: bool) -> list[str]:
    parts = []
    for shape in layout.shapes:
        body = _svg_shape(shape)
        if links and shape.unit.href:
            body = f"<a href={quoteattr(shape.unit.href)}>{body}</a>"
        parts.append(body)
    return parts + [_svg_text(label) for label in layout.labels]


def _svg_shape(shape: Shape) -> str:
    attributes = f'fill="{shape.fill}" stroke="{BORDER}" data-code={quoteattr(shape.unit.code)}'
    attributes += f' data-level="{shape.unit.level or ""}"'
    title = f"<title>{escape(shape_title(shape.unit))}</title>"
    if shape.rect:
        x, y, w, h = shape.rect
        return f'<rect x="{_n(x)}" y="{_n(y)}" width="{_n(w)}" height="{_n(h)}" {attributes}>{title}</rect>'
    path = "".join("M" + "L".join(f"{_n(x)} {_n(y)}" for x, y in ring) + "Z" for ring in shape.rings)
    return f'<path d="{path}" fill-rule="evenodd" stroke-width="0.6" {attributes}>{title}</path>'


def _svg_text(label: Label) -> str:
    weight = ' font-weight="bold"' if label.bold else ""
    anchor = f' text-anchor="{label.anchor}"' if label.anchor != "start" else ""
    return (
        f'<text x="{_n(label.x)}" y="{_n(label.y)}" font-size="{_n(label.size)}" fill="{label.fill}"{weight}{anchor}'
        f' pointer-events="none">{escape(label.text)}</text>'
    )


def _n(value: float) -> str:
    """A coordinate with at most one decimal and no trailing zero."""
    text = f"{value:.1f}"
    return text[:-2] if text.endswith(".0") else text


def png_size(figure: Figure) -> tuple[int, int]:
    scale = png_scale(figure)
    return round(figure.width * scale), round(figure.height * scale)


def png_scale(figure: Figure) -> float:
    return min(PNG_SCALE, PNG_MAX_SIDE / max(figure.width, figure.height, 1))


def to_png(figure: Figure) -> bytes:
    """The same figure painted with Pillow, at PNG_SCALE pixels per unit and at most PNG_MAX_SIDE pixels a side."""
    from PIL import Image, ImageDraw

    scale = png_scale(figure)
    image = Image.new("RGB", png_size(figure), "white")
    draw = ImageDraw.Draw(image)
    ox, oy = figure.map_x, figure.map_y
    for shape in sorted(figure.layout.shapes, key=lambda s: -s.area):  # enclaves over what surrounds them
        if shape.rect:
            x, y, w, h = shape.rect
            box = [(ox + x) * scale, (oy + y) * scale, (ox + x + w) * scale - 1, (oy + y + h) * scale - 1]
            draw.rectangle(box, fill=shape.fill)
            continue
        for ring in shape.rings:
            draw.polygon(
                [((ox + x) * scale, (oy + y) * scale) for x, y in ring],
                fill=shape.fill,
                outline=BORDER,
                width=max(1, round(0.6 * scale)),
            )
    for swatch in figure.swatches:
        box = [swatch.x * scale, swatch.y * scale, (swatch.x + swatch.size) * scale, (swatch.y + swatch.size) * scale]
        draw.rectangle(box, fill=swatch.fill, outline=MUTED)
    for label in [*figure.texts, *(_moved(label, ox, oy) for label in figure.layout.labels)]:
        anchor = {"start": "ls", "middle": "ms", "end": "rs"}[label.anchor]
        font = _font(round(label.size * scale), label.bold)
        draw.text((label.x * scale, label.y * scale), label.text, fill=label.fill, font=font, anchor=anchor)
    buffer = io.BytesIO()
    image.save(buffer, format="PNG")
    return buffer.getvalue()


def _moved(label: Label, dx: float, dy: float) -> Label:
    return Label(label.x + dx, label.y + dy, label.text, label.size, label.bold, label.anchor, label.fill)


@cache
def _font(size: int, bold: bool):
    from PIL import ImageFont

    path = FONT_DIR / ("DejaVuSans-Bold.ttf" if bold else "DejaVuSans.ttf")
    if path.exists():
        return ImageFont.truetype(str(path), size)
    return ImageFont.load_default(size=size)
