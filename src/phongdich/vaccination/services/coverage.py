"""Rebuilding the coverage table: residents and vaccinated people per residential group and age band.

One grouped query over persons, joined to one grouped query over doses, so the cost is two scans whatever the
province's size. Pages read the result (CoverageCell), never the raw doses."""

import time
from datetime import date

from django.db import connection, transaction

from phongdich.core import clock
from phongdich.core.background import in_background
from phongdich.places.models import AdminUnit

from ..choices import AgeBand, DoseKind
from ..models import CoverageCell, CoverageRefresh, Dose

BAND_FLOORS = [(65, AgeBand.ELDER), (18, AgeBand.ADULT), (12, AgeBand.TEEN), (5, AgeBand.CHILD)]


def _years_before(day: date, years: int) -> date:
    try:
        return day.replace(year=day.year - years)
    except ValueError:  # 29 February
        return day.replace(year=day.year - years, day=28)


def band_sql(as_of: date) -> tuple[str, list]:
    """A CASE expression giving a person's age band on `as_of`, from the birth date or else the birth year."""
    by_date = " ".join("WHEN p.birth_date <= %s THEN %s" for _ in BAND_FLOORS)
    by_year = " ".join("WHEN p.birth_year <= %s THEN %s" for _ in BAND_FLOORS)
    params: list = []
    for floor, band in BAND_FLOORS:
        params += [_years_before(as_of, floor), str(band)]
    for floor, band in BAND_FLOORS:
        params += [as_of.year - floor - 1, str(band)]  # born that year: certainly that old by the end of it
    sql = (
        f"CASE WHEN p.birth_date IS NOT NULL THEN (CASE {by_date} ELSE %s END) "
        f"WHEN p.birth_year IS NOT NULL THEN (CASE {by_year} ELSE %s END) ELSE NULL END"
    )
    params.insert(len(BAND_FLOORS) * 2, str(AgeBand.UNDER_5))
    params.append(str(AgeBand.UNDER_5))
    return sql, params


def coverage_rows(as_of: date, *, doses_until: date | None = None) -> list[tuple]:
    """(unit id, age band, residents, with a dose, fully vaccinated, boosted) per unit and band of residence,
    counting doses given up to `doses_until` (all of them by default)."""
    band, params = band_sql(as_of)
    person = connection.ops.quote_name("people_person")
    dose = connection.ops.quote_name(Dose._meta.db_table)
    sql = f"""
        SELECT p.unit_id, {band} AS band, COUNT(*), COUNT(d.person_id), SUM(COALESCE(d.done, 0)),
               SUM(COALESCE(d.boosted, 0))
        FROM {person} p
        LEFT JOIN (
            SELECT person_id,
                   MAX(CASE WHEN completes_series THEN 1 ELSE 0 END) AS done,
                   MAX(CASE WHEN kind = %s THEN 1 ELSE 0 END) AS boosted
            FROM {dose} {"WHERE given_on <= %s" if doses_until else ""} GROUP BY person_id
        ) d ON d.person_id = p.id
        WHERE p.merged_into_id IS NULL
        GROUP BY p.unit_id, band
    """
    until = [doses_until] if doses_until else []
    with connection.cursor() as cursor:
        cursor.execute(sql, [*params, str(DoseKind.BOOSTER), *until])
        return cursor.fetchall()


@in_background
def coverage_refresh_later() -> None:
    """The coverage figures rebuilt in the worker (after an import added doses)."""
    coverage_refresh()


def coverage_refresh(*, as_of: date | None = None) -> CoverageRefresh:
    """Rebuild every cell. People with no known age count in no band (the unit's total still has them)."""
    started = time.perf_counter()
    as_of = as_of or clock.today()
    rows = [row for row in coverage_rows(as_of) if row[1] is not None]
    paths = dict(AdminUnit.objects.filter(pk__in={row[0] for row in rows}).values_list("pk", "path"))
    cells = [
        CoverageCell(
            unit_id=unit_id,
            unit_path=paths[unit_id],
            band=band,
            residents=residents,
            one_dose=one,
            full=int(full),
            boosted=int(boosted),
        )
        for unit_id, band, residents, one, full, boosted in rows
    ]
    with transaction.atomic():
        CoverageCell.objects.all().delete()
        CoverageCell.objects.bulk_create(cells, batch_size=2000)
        return CoverageRefresh.objects.create(
            finished_at=clock.now(),
            seconds=time.perf_counter() - started,
            as_of=as_of,
            residents=sum(cell.residents for cell in cells),
        )
