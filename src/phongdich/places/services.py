"""Writes to the place tables: loading the unit tree, residential groups, populations and geometry."""

import json
from collections import defaultdict
from decimal import Decimal
from pathlib import Path
from typing import NamedTuple

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from phongdich.core import audit
from phongdich.core.choices import AuditAction
from phongdich.core.imports import FileFormatError, ImportReport, read_rows
from phongdich.core.scoping import OutOfScope, scope_of
from phongdich.core.text import fold

from .choices import PopulationSource, Structure, UnitLevel
from .models import AdminUnit, Facility, Population, Venue

POPULATION_COLUMNS = ["code", "total", "age_18_plus", "age_65_plus", "age_12_17", "age_5_11"]


def units_load(*, actor, province_code: int, structure: str) -> ImportReport:
    """Load (or refresh) one province's official units from the vietnam-provinces package. Idempotent."""
    rows = _official_units(province_code, structure)
    report = ImportReport()
    with transaction.atomic():
        by_code: dict[str, AdminUnit] = {}
        for code, name, division_type, level, parent_code in rows:
            parent = by_code.get(parent_code) if parent_code else None
            unit, created = _unit_upsert(structure, code, name, division_type, level, parent)
            by_code[code] = unit
            report.created += created
            report.unchanged += not created
        audit.record(
            actor=actor,
            action=AuditAction.IMPORT,
            object_type="places.adminunit",
            object_repr=f"{structure} {province_code}",
            unit_path=AdminUnit.path_for(structure, str(province_code), None),
            detail={"created": report.created, "unchanged": report.unchanged},
        )
    return report


class UnitRow(NamedTuple):
    code: str
    name: str
    division_type: str
    level: str
    parent_code: str | None


def _official_units(province_code: int, structure: str) -> list[UnitRow]:
    """One province's units from vietnam-provinces, parents before children."""
    if structure == Structure.LEGACY:
        return _legacy_units(province_code)
    if structure == Structure.REFORM_2025:
        return _reform_2025_units(province_code)
    raise ValueError(_("Unknown structure %(s)s: use 'legacy' or '2025'.") % {"s": structure})


def _legacy_units(province_code: int) -> list[UnitRow]:
    from vietnam_provinces.legacy import base as legacy
    from vietnam_provinces.legacy.codes import ProvinceCode

    province = legacy.Province.from_code(ProvinceCode(province_code))
    root = str(int(province.code))
    rows = [UnitRow(root, province.name, str(province.division_type), UnitLevel.PROVINCE, None)]
    for district in legacy.District.iter_by_province(province.code):
        district_code = str(int(district.code))
        rows.append(UnitRow(district_code, district.name, str(district.division_type), UnitLevel.DISTRICT, root))
        for ward in legacy.Ward.iter_by_district(district.code):
            rows.append(
                UnitRow(str(int(ward.code)), ward.name, str(ward.division_type), UnitLevel.COMMUNE, district_code)
            )
    return rows


def _reform_2025_units(province_code: int) -> list[UnitRow]:
    import vietnam_provinces as reform

    province = reform.Province.from_code(reform.ProvinceCode(province_code))
    root = str(int(province.code))
    rows = [UnitRow(root, province.name, str(province.division_type), UnitLevel.PROVINCE, None)]
    for ward in reform.Ward.iter_by_province(province.code):
        rows.append(UnitRow(str(int(ward.code)), ward.name, str(ward.division_type), UnitLevel.COMMUNE, root))
    return rows


def _unit_upsert(structure, code, name, division_type, level, parent) -> tuple[AdminUnit, bool]:
    """Create or update one official unit; (unit, created). An unchanged unit is not written."""
    wanted = {
        "name": name,
        "division_type": division_type,
        "level": level,
        "parent_id": parent.pk if parent else None,  # by id: comparing `parent` would fetch it per unit
        "path": AdminUnit.path_for(structure, code, parent),
        "depth": parent.depth + 1 if parent else 0,
    }
    existing = AdminUnit.objects.filter(structure=structure, code=code).first()
    created = existing is None
    unit = existing or AdminUnit(structure=structure, code=code)
    if not created and all(getattr(unit, field) == value for field, value in wanted.items()):
        return unit, False
    for field, value in wanted.items():
        setattr(unit, field, value)
    unit.save()
    return unit, created


def residential_groups_create(*, actor, commune: AdminUnit, names: list[tuple[str, str]]) -> list[AdminUnit]:
    """Create residential groups (name, division type) under a commune, numbered after its existing ones."""
    if commune.level != UnitLevel.COMMUNE:
        raise ValueError(_("Residential groups belong under a commune; %(unit)s is not one.") % {"unit": commune})
    existing = commune.children.count()
    groups = []
    for offset, (name, division_type) in enumerate(names, start=existing + 1):
        code = f"{commune.code}-{offset:02d}"
        groups.append(
            AdminUnit(
                structure=commune.structure,
                code=code,
                name=name,
                name_search=fold(name),
                division_type=division_type,
                level=UnitLevel.GROUP,
                parent=commune,
                path=AdminUnit.path_for(commune.structure, code, commune),
                depth=commune.depth + 1,
            )
        )
    return AdminUnit.objects.bulk_create(groups)


def population_import(
    *, actor, source: str | Path | bytes, year: int, structure: str = Structure.LEGACY
) -> ImportReport:
    """Import populations by unit code. All-or-nothing: a half-loaded population would skew every rate."""
    report = ImportReport()
    try:
        rows = list(read_rows(source, POPULATION_COLUMNS))
    except FileFormatError as error:
        report.add_error(1, "", str(error))
        return report
    units = {
        u.code: u for u in AdminUnit.objects.filter(structure=structure, code__in=[r["code"] for _line, r in rows])
    }
    parsed: dict[int, dict] = {}
    for line, row in rows:
        values = _population_row(line, row, units, report)
        if values is None:
            continue
        unit = units[row["code"]]
        if unit.pk in parsed:
            report.add_error(line, "code", _("Unit %(code)s appears twice in this file.") % {"code": row["code"]})
            continue
        parsed[unit.pk] = values
    if not report.ok:
        return report
    with transaction.atomic():
        for unit_id, values in parsed.items():
            _population, created = Population.objects.update_or_create(
                unit_id=unit_id, year=year, defaults={**values, "source": PopulationSource.IMPORTED}
            )
            report.created += created
            report.updated += not created
        population_rollup(year=year, structure=structure)
        audit.record(
            actor=actor,
            action=AuditAction.IMPORT,
            object_type="places.population",
            object_repr=f"{year}",
            detail={"rows": len(parsed)},
        )
    return report


def _population_row(line: int, row: dict, units: dict, report: ImportReport) -> dict | None:
    errors_before = len(report.errors)
    if row["code"] not in units:
        report.add_error(line, "code", _("Unknown unit code %(code)r.") % {"code": row["code"]})
    values = {}
    for column in POPULATION_COLUMNS[1:]:
        text = row.get(column, "").replace(",", "").replace(".", "")
        if not text.isdigit():
            report.add_error(line, column, _("%(value)r is not a whole number ≥ 0.") % {"value": row.get(column, "")})
            continue
        values[column] = int(text)
    if len(values) == len(POPULATION_COLUMNS) - 1:
        for band, bigger in (("age_18_plus", "total"), ("age_65_plus", "age_18_plus")):
            if values[band] > values[bigger]:
                report.add_error(
                    line,
                    band,
                    _("%(band)s (%(v)d) is more than %(bigger)s (%(b)d).")
                    % {"band": band, "v": values[band], "bigger": bigger, "b": values[bigger]},
                )
        if values["age_18_plus"] + values["age_12_17"] + values["age_5_11"] > values["total"]:
            report.add_error(line, "total", _("The age bands add up to more than the total."))
    return values if len(report.errors) == errors_before else None


def population_rollup(*, year: int, structure: str = Structure.LEGACY) -> int:
    """Recompute summed populations: a unit without an imported figure gets the sum of its children's."""
    units = list(AdminUnit.objects.filter(structure=structure).values_list("pk", "parent_id", "depth"))
    imported = {
        p.unit_id: p
        for p in Population.objects.filter(year=year, unit__structure=structure, source=PopulationSource.IMPORTED)
    }
    sums: dict[int, dict[str, int]] = defaultdict(lambda: dict.fromkeys(Population.BANDS, 0))
    has_data: set[int] = set()
    for pk, parent_id, _depth in sorted(units, key=lambda u: -u[2]):
        if pk in imported:
            figures = {band: getattr(imported[pk], band) for band in Population.BANDS}
        elif pk in has_data:
            figures = sums[pk]
        else:
            continue
        if parent_id is not None:
            has_data.add(parent_id)
            for band in Population.BANDS:
                sums[parent_id][band] += figures[band]
    Population.objects.filter(year=year, unit__structure=structure, source=PopulationSource.SUMMED).delete()
    summed = [
        Population(unit_id=pk, year=year, source=PopulationSource.SUMMED, **sums[pk])
        for pk in has_data
        if pk not in imported
    ]
    Population.objects.bulk_create(summed, batch_size=1000)
    return len(summed)


def geometry_import(
    *, actor, source: str | Path | bytes, structure: str = Structure.LEGACY, code_property: str = "code"
) -> ImportReport:
    """Attach GeoJSON polygons to units by code and store their centroids. All-or-nothing."""
    report = ImportReport()
    raw = Path(source).read_bytes() if isinstance(source, str | Path) else source
    try:
        features = json.loads(raw)["features"]
    except (ValueError, KeyError, TypeError):
        report.add_error(1, "", _("The file is not a GeoJSON FeatureCollection."))
        return report
    updates = []
    for index, feature in enumerate(features, start=1):
        code = str((feature.get("properties") or {}).get(code_property, ""))
        unit = AdminUnit.objects.filter(structure=structure, code=code).first()
        geometry = feature.get("geometry") or {}
        if unit is None:
            report.add_error(
                index, code_property, _("Feature %(n)d: unknown unit code %(code)r.") % {"n": index, "code": code}
            )
            continue
        centroid = _centroid(geometry)
        if centroid is None:
            report.add_error(index, "geometry", _("Feature %(n)d: not a Polygon or MultiPolygon.") % {"n": index})
            continue
        unit.geometry, (unit.longitude, unit.latitude) = geometry, centroid
        updates.append(unit)
    if report.ok:
        with transaction.atomic():
            AdminUnit.objects.bulk_update(updates, ["geometry", "latitude", "longitude"])
            audit.record(
                actor=actor,
                action=AuditAction.IMPORT,
                object_type="places.adminunit",
                object_repr="geometry",
                detail={"features": len(updates)},
            )
        report.updated = len(updates)
    return report


def _centroid(geometry: dict) -> tuple[Decimal, Decimal] | None:
    """Area-weighted centroid of the outer rings (planar; adequate for placing a marker)."""
    if geometry.get("type") == "Polygon":
        polygons = [geometry.get("coordinates") or []]
    elif geometry.get("type") == "MultiPolygon":
        polygons = geometry.get("coordinates") or []
    else:
        return None
    area_sum = cx = cy = 0.0
    for polygon in polygons:
        ring = polygon[0] if polygon else []
        for (x0, y0), (x1, y1) in zip(ring, ring[1:], strict=False):
            cross = x0 * y1 - x1 * y0
            area_sum += cross
            cx += (x0 + x1) * cross
            cy += (y0 + y1) * cross
    if area_sum == 0:
        return None
    return Decimal(f"{cx / (3 * area_sum):.6f}"), Decimal(f"{cy / (3 * area_sum):.6f}")


VENUE_FIELDS = ("name", "kind", "unit", "organisation", "address", "active")
FACILITY_FIELDS = ("name", "kind", "unit", "address", "phone")


def venue_save(*, actor, venue: Venue | None = None, **fields) -> Venue:
    """Register a venue (it gets its QR key) or change one, inside the actor's jurisdiction."""
    return _place_save(actor, Venue, venue, fields, VENUE_FIELDS)


def facility_save(*, actor, facility: Facility | None = None, **fields) -> Facility:
    return _place_save(actor, Facility, facility, fields, FACILITY_FIELDS)


def _place_save(actor, model, instance, fields: dict, editable: tuple[str, ...]):
    unknown = set(fields) - set(editable)
    if unknown:
        raise ValidationError({name: _("This field cannot be set here.") for name in unknown})
    action = "add" if instance is None else "change"
    permission = f"places.{action}_{model._meta.model_name}"
    with transaction.atomic():
        if instance is None:
            obj = model()
        else:
            obj = model.objects.restrict(actor, "change").select_for_update().filter(pk=instance.pk).first()
            if obj is None:
                raise OutOfScope(instance.pk)
        before = audit.snapshot(obj) if instance is not None else None
        for name, value in fields.items():
            setattr(obj, name, value)
        if obj.unit_id is None or not scope_of(actor, permission).covers_path(obj.unit.path):
            raise ValidationError({"unit": _("Choose a unit inside your jurisdiction.")})
        obj.full_clean()
        obj.save()
        old, new = audit.diff(before or {}, audit.snapshot(obj))
        audit.record(
            actor=actor,
            action=AuditAction.CREATE if instance is None else AuditAction.UPDATE,
            instance=obj,
            unit_path=obj.unit.path,
            before=old or None,
            after=new,
        )
    return obj
