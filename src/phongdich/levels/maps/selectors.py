"""What the level map reads: the published weeks, the depths a week assessed, and one week's units at one depth with
their levels, districts and boundaries; and the drawn map, cached by assessment, depth and language.

Published levels are public (the province publishes them weekly), so the map reads the whole province for anyone
who may see levels at all: there is nothing personal in a unit's level."""

import hashlib
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from typing import Any

from django.core.cache import cache
from django.utils.translation import get_language, gettext_lazy
from django.utils.translation import gettext as _

from phongdich.places.choices import Structure, UnitLevel
from phongdich.places.models import AdminUnit

from ..choices import COLOUR_NAMES, COLOURS, NO_LEVEL_COLOUR, Level, Outcome
from ..models import LevelResult
from ..selectors import published_assessments
from . import render

CACHE_SECONDS = 24 * 3600  # a key changes whenever an assessment is published: the time only bounds memory
UNIT_LEVELS: dict[str, tuple[str, ...]] = {
    Structure.LEGACY: (UnitLevel.PROVINCE, UnitLevel.DISTRICT, UnitLevel.COMMUNE, UnitLevel.GROUP),
    Structure.REFORM_2025: (UnitLevel.PROVINCE, UnitLevel.COMMUNE, UnitLevel.GROUP),
}
DEPTH_LABELS: dict[str, Any] = {
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

    @property
    def sunday(self) -> date:
        return self.week + timedelta(days=6)


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


def effective_times(week: PublishedWeek, depth: int) -> list[datetime]:
    """The distinct times the week's levels at `depth` take effect, earliest first (raised levels may take effect
    later than the rest), cached with the week: what a cached page is keyed on, so it turns "not yet in effect"
    into "in effect" on time."""
    key = f"levels-map:times:{week.stamp}:{depth}"
    times = cache.get(key)
    if times is None:
        rows = LevelResult.objects.filter(assessment_id=week.pk, depth=depth, effective_at__isnull=False)
        times = sorted(set(rows.order_by().values_list("effective_at", flat=True).distinct()))
        cache.set(key, times, CACHE_SECONDS)
    return times


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
    + the unit's id is its link. A residential group is named with its commune ("Khu phố 1, Phường Lái Thiêu")
    and its square's letters are its commune's and its number ("LT1"). Four or five queries whatever the number
    of units."""
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
        geometry = {pk: shape for pk, shape in in_tree.values_list("pk", "geometry") if shape}
    block_depth = 1 if depth >= 2 else 0
    block_paths = {_ancestor(path, block_depth) for *_rest, path in rows}
    groups = unit_level == UnitLevel.GROUP
    parent_paths = {_ancestor(path, depth - 1) for *_rest, path in rows} if groups else set()
    above = AdminUnit.objects.filter(path__in=block_paths | parent_paths | {root})
    rows_above = above.values_list("path", "code", "name", "division_type")
    parents = {path: (code, name, kind) for path, code, name, kind in rows_above}
    names = {path: name for path, (_code, name, _kind) in parents.items()}
    letters = _parent_letters(parents, parent_paths) if groups else {}
    units, effective = [], {}
    for pk, code, name, division_type, path in rows:
        _path, level, effective_at = results.get(pk, (path, None, None))
        block_path = _ancestor(path, block_depth)
        short, label = render.short_name(name, division_type), name
        if groups and (parent := parents.get(_ancestor(path, depth - 1))):
            label = f"{name}, {parent[1]}"
            number = name.split()[-1] if name.split() else ""
            if number.isdigit() and (prefix := letters.get(_ancestor(path, depth - 1))):
                short = f"{prefix}{'·' if prefix[-1].isdigit() else ''}{number[:3]}"
        units.append(
            render.MapUnit(
                code=code,
                name=name,
                level=level,
                block_code=block_path.rstrip("/").rsplit("/", 1)[-1].split(":")[-1],
                block_name=names.get(block_path, ""),
                short=short,
                geometry=geometry.get(pk),
                href=f"{href_base}{pk}/" if href_base else "",
                label=label,
            )
        )
        effective[code] = effective_at
    return MapData(place=names.get(root, ""), unit_level=unit_level, units=units, effective=effective)


def _parent_letters(parents: dict[str, tuple[str, str, str]], paths: set[str]) -> dict[str, str]:
    """{path: letters} of the communes at `paths`, told apart within each district as their own squares are."""
    by_district: dict[str, list[render.MapUnit]] = {}
    for path in paths:
        if path in parents:
            code, name, kind = parents[path]
            unit = render.MapUnit(code=code, name=name, level=None, short=render.short_name(name, kind))
            by_district.setdefault(_ancestor(path, 1), []).append(unit)
    by_code: dict[str, str] = {}
    for communes in by_district.values():
        by_code.update(render.distinct_shorts(communes))
    return {path: by_code[parents[path][0]] for path in paths if path in parents}


def result_level(level: int | None, proposed: int | None, outcome: str) -> int | None:
    """A result's level on the map: the final one, the proposal before review, none for a unit without people."""
    if outcome == Outcome.NO_POPULATION:
        return None
    return level if level is not None else proposed


def _ancestor(path: str, depth: int) -> str:
    """The path of the ancestor at `depth` (0: the province) of the unit at `path`."""
    return "/".join(path.rstrip("/").split("/")[: depth + 1]) + "/"


def drawn_map(week: PublishedWeek, depth: int, *, href_base: str = "") -> dict:
    """The map of one week at one depth, drawn in the active language and cached: the inline SVGs (linking each
    unit to `href_base` + its id when given), the counts by level, each district's counts and units with their
    levels, the units at level 3 or 4, and when the levels take effect. Plain data, so any cache backend keeps
    it; whether a level is in effect yet is for the page to say, against the clock."""
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
            key=lambda unit: (-(unit.level or 0), render.code_key(unit.block_code), render.code_key(unit.code)),
        )
        by_block: dict[str, list[render.MapUnit]] = {}
        for unit in sorted(data.units, key=lambda u: render.code_key(u.code)):
            by_block.setdefault(unit.block_code, []).append(unit)
        drawn = {
            "svg": render.to_inline_svg(layout, title=title, links=bool(href_base)),
            "svg_narrow": render.to_inline_svg(
                render.tile_grid(data.units, unit_level=data.unit_level, width=render.NARROW_WIDTH),
                title=title,
                links=bool(href_base),
                ident="level-map-narrow",
                width=render.NARROW_VIEW,
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
                    "units": [_listed(unit, data.effective) for unit in by_block.get(block.code, [])],
                }
                for block in data.blocks()
            ],
            "total": len(data.units),
            "high": [{**_listed(unit, data.effective), "district": unit.block_name} for unit in high],
            "raises_from": raises_from(week, data.effective),
        }
        cache.set(key, drawn, CACHE_SECONDS)
    return drawn


def _listed(unit: render.MapUnit, effective: dict[str, datetime | None]) -> dict:
    """A unit as the pages list it: its full name, its level in words and its colour named, when it applies."""
    level = unit.level if unit.level in COLOURS else None
    return {
        "name": unit.full_name,
        "href": unit.href,
        "level": level,
        "label": str(Level(level).label) if level else _("Not assessed / no population"),
        "colour": COLOURS[level] if level else NO_LEVEL_COLOUR,
        "colour_name": str(COLOUR_NAMES[level]) if level else _("grey"),
        "effective_at": effective.get(unit.code),
    }


def raises_from(week: PublishedWeek, effective: dict[str, datetime | None]) -> datetime | None:
    """When the units whose level rose take effect, when that is later than the rest of the week; else None."""
    latest = max((at for at in effective.values() if at), default=None)
    return latest if latest and week.effective_at and latest > week.effective_at else None


def pending(week: PublishedWeek, drawn: dict, now: datetime) -> dict:
    """What of a published week is not in effect yet at `now`: all of it (`all`: its levels take effect at
    `week.effective_at`, later), or only its raised levels (`raises`: from `drawn["raises_from"]`)."""
    later = bool(week.effective_at and week.effective_at > now)
    raises = bool(drawn.get("raises_from") and drawn["raises_from"] > now)
    return {"all": later, "raises": raises, "any": later or raises}


def short_labels() -> list[str]:
    """The column heads of counts by level: "Cấp 1" … "Cấp 4", then the units without a level."""
    return [*(_("Level %(level)d") % {"level": level} for level in Level.values), _("No level")]


def map_title(place: str) -> str:
    return _("Epidemic levels — %(place)s") % {"place": place} if place else _("Epidemic levels")


def map_image(week: PublishedWeek, depth: int, fmt: str) -> bytes:
    """The standalone SVG or PNG of one week at one depth, in the active language, cached: its title, the week,
    when the levels apply and who published them when."""
    key = f"levels-map:image:{week.stamp}:{depth}:{get_language()}:{fmt}"
    body = cache.get(key)
    if body is None:
        data = map_data(week, depth)
        layout = render.map_layout(data.units, unit_level=data.unit_level)
        figure = render.compose(
            layout, title=map_title(data.place), subtitle=week.label, details=image_details(week, data)
        )
        body = render.to_png(figure) if fmt == "png" else render.to_svg(figure).encode()
        cache.set(key, body, CACHE_SECONDS)
    return body


def image_details(week: PublishedWeek, data: MapData) -> list[str]:
    """The lines under a file's title: "Áp dụng từ 26/10/2021 00:00.", the raised levels' time when later, and
    "Tỉnh Bình Dương công bố ngày 25/10/2021 18:00."."""
    lines = []
    if week.effective_at:
        line = _("In effect from %(at)s.") % {"at": render.moment(week.effective_at)}
        if later := raises_from(week, data.effective):
            line += " " + _("Raised levels take effect from %(at)s.") % {"at": render.moment(later)}
        lines.append(line)
    if week.published_at:
        place = data.place or _("The province")
        lines.append(_("Published by %(place)s on %(at)s.") % {"place": place, "at": render.moment(week.published_at)})
    return lines
