"""What the level map reads: the published weeks, the depths a week assessed, and one week's units at one depth with
their levels, districts and boundaries; and the drawn map, cached by assessment, depth and language.

Published levels are public (the province publishes them weekly), so the map reads the whole province for anyone
who may see levels at all: there is nothing personal in a unit's level."""

import hashlib
from dataclasses import dataclass, field
from datetime import date, datetime

from django.core.cache import cache
from django.utils.translation import get_language, gettext_lazy
from django.utils.translation import gettext as _

from phongdich.places.choices import Structure, UnitLevel
from phongdich.places.models import AdminUnit

from ..choices import COLOURS, Level, Outcome
from ..models import LevelResult
from ..selectors import published_assessments
from . import render

CACHE_SECONDS = 24 * 3600  # a key changes whenever an assessment is published: the time only bounds memory
UNIT_LEVELS = {
    Structure.LEGACY: (UnitLevel.PROVINCE, UnitLevel.DISTRICT, UnitLevel.COMMUNE, UnitLevel.GROUP),
    Structure.REFORM_2025: (UnitLevel.PROVINCE, UnitLevel.COMMUNE, UnitLevel.GROUP),
}
DEPTH_LABELS = {
    UnitLevel.DISTRICT: gettext_lazy("Districts"),
    UnitLevel.COMMUNE: gettext_lazy("Communes"),
    UnitLevel.GROUP: gettext_lazy("Residential groups"),
}


@dataclass(frozen=True)
class PublishedWeek:
    """A published assessment as the slider knows it."""

    pk: int
    week: date
    published_at: datetime | None
    effective_at: datetime | None

    @property
    def stamp(self) -> str:
        """What changes when this assessment is published again: part of every cache key that shows it."""
        return f"{self.pk}.{int(self.published_at.timestamp()) if self.published_at else 0}"

    @property
    def label(self) -> str:
        return render.week_label(self.week)


def published_weeks() -> list[PublishedWeek]:
    """The published weeks, oldest first; a week published twice (a correction) shows its latest assessment."""
    by_week: dict[date, PublishedWeek] = {}
    rows = published_assessments().values_list("pk", "week", "published_at", "effective_at")
    for pk, week, published_at, effective_at in rows:
        by_week[week] = PublishedWeek(pk, week, published_at, effective_at)  # ordered by week, then id
    return list(by_week.values())


def weeks_stamp(weeks: list[PublishedWeek]) -> str:
    """One short digest of every published week: a page that lists them all (the slider) is cached under it."""
    return hashlib.sha1(",".join(week.stamp for week in weeks).encode()).hexdigest()[:12]


def map_depths(week: PublishedWeek) -> dict[int, str]:
    """{depth: unit level} of the depths below the province this week assessed (1 districts, 2 communes,
    3 residential groups in the legacy tree), cached with the week."""
    key = f"levels-map:depths:{week.stamp}"
    depths = cache.get(key)
    if depths is None:
        rows = LevelResult.objects.filter(assessment_id=week.pk, depth__gte=1).values_list("depth", "unit__level")
        depths = dict(sorted(set(rows.order_by().distinct())))
        cache.set(key, depths, CACHE_SECONDS)
    return depths


def default_depth(depths: dict[int, str]) -> int:
    """Communes where assessed, else the depth nearest to them."""
    communes = [depth for depth, level in depths.items() if level == UnitLevel.COMMUNE]
    return communes[0] if communes else min(depths, key=lambda depth: (abs(depth - 2), depth))


def depth_label(unit_level: str) -> str:
    return str(DEPTH_LABELS.get(unit_level) or _("Units"))


@dataclass
class Block:
    """A district's counts: its units by level (None: without a level)."""

    code: str
    name: str
    counts: dict[int | None, int] = field(default_factory=lambda: {level: 0 for level in (*Level.values, None)})

    @property
    def total(self) -> int:
        return sum(self.counts.values())

    @property
    def in_order(self) -> list[int]:
        return [self.counts[level] for level in (*Level.values, None)]


@dataclass
class MapData:
    place: str
    unit_level: str
    units: list[render.MapUnit]
    effective: dict[str, datetime | None]  # unit code → when its level takes effect

    def blocks(self) -> list[Block]:
        blocks: dict[str, Block] = {}
        for unit in sorted(self.units, key=lambda u: render.code_key(u.block_code)):
            block = blocks.setdefault(unit.block_code, Block(unit.block_code, unit.block_name))
            block.counts[unit.level if unit.level in COLOURS else None] += 1
        return list(blocks.values())


def map_data(week: PublishedWeek, depth: int, *, href_base: str = "") -> MapData:
    """Every unit at `depth` in the province the week assessed, with its level that week (None when it was not
    assessed or has no population), its district and, when every one of them has it, its boundary; `href_base`
    + the unit's id is its link. Four or five queries whatever the number of units."""
    results = {
        unit_id: (path, result_level(level, proposed, outcome), effective_at)
        for unit_id, path, level, proposed, outcome, effective_at in LevelResult.objects.filter(
            assessment_id=week.pk, depth=depth
        ).values_list("unit_id", "unit_path", "level", "proposed_level", "outcome", "effective_at")
    }
    if not results:
        return MapData(place="", unit_level=UnitLevel.COMMUNE, units=[], effective={})
    root = next(iter(results.values()))[0].split("/", 1)[0] + "/"
    structure = root.split(":", 1)[0]
    levels = UNIT_LEVELS.get(structure, UNIT_LEVELS[Structure.LEGACY])
    unit_level = levels[min(depth, len(levels) - 1)]
    in_tree = AdminUnit.objects.filter(depth=depth, path__startswith=root)
    rows = list(in_tree.values_list("pk", "code", "name", "division_type", "path"))
    geometry: dict[int, dict] = {}
    if rows and not in_tree.filter(geometry__isnull=True).exists():
        geometry = dict(in_tree.values_list("pk", "geometry"))
    block_depth = 1 if depth >= 2 else 0
    block_paths = {_ancestor(path, block_depth) for *_rest, path in rows}
    names = dict(AdminUnit.objects.filter(path__in=block_paths | {root}).values_list("path", "name"))
    units, effective = [], {}
    for pk, code, name, division_type, path in rows:
        _path, level, effective_at = results.get(pk, (path, None, None))
        block_path = _ancestor(path, block_depth)
        units.append(
            render.MapUnit(
                code=code,
                name=name,
                level=level,
                block_code=block_path.rstrip("/").rsplit("/", 1)[-1].split(":")[-1],
                block_name=names.get(block_path, ""),
                short=render.short_name(name, division_type),
                geometry=geometry.get(pk),
                href=f"{href_base}{pk}/" if href_base else "",
            )
        )
        effective[code] = effective_at
    return MapData(place=names.get(root, ""), unit_level=unit_level, units=units, effective=effective)


def result_level(level: int | None, proposed: int | None, outcome: str) -> int | None:
    """A result's level on the map: the final one, the proposal before review, none for a unit without people."""
    if outcome == Outcome.NO_POPULATION:
        return None
    return level if level is not None else proposed


def _ancestor(path: str, depth: int) -> str:
    """The path of the ancestor at `depth` (0: the province) of the unit at `path`."""
    return "/".join(path.rstrip("/").split("/")[: depth + 1]) + "/"


def drawn_map(week: PublishedWeek, depth: int, *, href_base: str = "") -> dict:
    """The map of one week at one depth, drawn in the active language and cached: the inline SVG (linking each
    unit to `href_base` + its id when given), the counts by level and by district, and the units at level 3 or 4.
    Plain data, so any cache backend keeps it."""
    link_key = hashlib.sha1(href_base.encode()).hexdigest()[:8] if href_base else "-"
    key = f"levels-map:drawn:{week.stamp}:{depth}:{get_language()}:{link_key}"
    drawn = cache.get(key)
    if drawn is None:
        data = map_data(week, depth, href_base=href_base)
        layout = render.map_layout(data.units, unit_level=data.unit_level)
        title = f"{map_title(data.place)} · {week.label}"
        legend = render.legend_entries(layout.counts)
        labels = short_labels()
        high = sorted(
            (unit for unit in data.units if unit.level in (3, 4)),
            key=lambda unit: (-unit.level, render.code_key(unit.block_code), render.code_key(unit.code)),
        )
        drawn = {
            "svg": render.to_inline_svg(layout, title=title, links=bool(href_base)),
            "svg_narrow": render.to_inline_svg(
                render.tile_grid(data.units, unit_level=data.unit_level, width=render.NARROW_WIDTH),
                title=title,
                links=bool(href_base),
                ident="level-map-narrow",
            )
            if layout.kind == "grid"
            else "",
            "kind": layout.kind,
            "note": render.grid_note(data.unit_level) if layout.kind == "grid" else "",
            "place": data.place,
            "unit_level": data.unit_level,
            "counts": [
                {"colour": fill, "label": label, "short": short, "count": count}
                for (fill, label, count), short in zip(legend, short_labels(), strict=True)
            ],
            "blocks": [
                {
                    "name": block.name,
                    "cells": [
                        {"label": label, "count": count} for label, count in zip(labels, block.in_order, strict=True)
                    ],
                    "total": block.total,
                }
                for block in data.blocks()
            ],
            "total": len(data.units),
            "high": [
                {
                    "name": unit.name,
                    "district": unit.block_name,
                    "level": unit.level,
                    "label": str(Level(unit.level).label),
                    "colour": COLOURS[unit.level],
                    "href": unit.href,
                    "effective_at": data.effective.get(unit.code),
                }
                for unit in high
            ],
            "raises_from": max((at for at in data.effective.values() if at), default=None),
        }
        cache.set(key, drawn, CACHE_SECONDS)
    return drawn


def short_labels() -> list[str]:
    """The column heads of counts by level: "Cấp 1" … "Cấp 4", then the units without a level."""
    return [*(_("Level %(level)d") % {"level": level} for level in Level.values), _("No level")]


def map_title(place: str) -> str:
    return _("Epidemic levels — %(place)s") % {"place": place} if place else _("Epidemic levels")


def map_image(week: PublishedWeek, depth: int, fmt: str) -> bytes:
    """The standalone SVG or PNG of one week at one depth, in the active language, cached."""
    key = f"levels-map:image:{week.stamp}:{depth}:{get_language()}:{fmt}"
    body = cache.get(key)
    if body is None:
        data = map_data(week, depth)
        layout = render.map_layout(data.units, unit_level=data.unit_level)
        figure = render.compose(layout, title=map_title(data.place), subtitle=week.label)
        body = render.to_png(figure) if fmt == "png" else render.to_svg(figure).encode()
        cache.set(key, body, CACHE_SECONDS)
    return body
