"""Doses from the national vaccination platform (CSV or Excel). Each line is matched to a person by CCCD,
else by name, birth date and commune; a line that matches nobody, or several people, waits in a review queue.
The same file twice is the same import; a dose already known (same person, date and vaccine) is counted,
not added again, so a file that overlaps an earlier one is safe to import."""

from dataclasses import dataclass
from datetime import date

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from phongdich.core import audit
from phongdich.core.background import in_background, run_later
from phongdich.core.choices import AuditAction
from phongdich.core.import_flow import KeptUpload, upload_by_token, upload_forget
from phongdich.core.imports import Column, FileFormatError, parse_day
from phongdich.core.scoping import OutOfScope, scope_of
from phongdich.core.text import clean_name, fold
from phongdich.core.uniqueness import created_once
from phongdich.core.validators import normalize_id_number
from phongdich.people.models import Person
from phongdich.places.models import AdminUnit, Facility

from .choices import DoseSource, ImportStatus
from .models import Dose, DoseImport, ReviewRow, VaccineProduct
from .services.coverage import coverage_refresh_later
from .services.doses import dose_record, product_lookup

DOSE_COLUMNS = [
    Column("id_number", gettext_lazy("CCCD / CMND"), aliases=("cccd", "cmnd", "so cccd", "so dinh danh", "id")),
    Column("full_name", gettext_lazy("Full name"), required=True, aliases=("ho ten", "ho va ten", "name")),
    Column("birth_date", gettext_lazy("Date of birth"), required=True, aliases=("ngay sinh", "birth date", "dob")),
    Column("commune", gettext_lazy("Commune (code or name)"), aliases=("xa", "phuong", "xa/phuong", "ma xa")),
    Column("product", gettext_lazy("Vaccine"), required=True, aliases=("vac xin", "loai vac xin", "vaccine")),
    Column("number", gettext_lazy("Dose number"), aliases=("mui", "mui so", "mui tiem", "dose")),
    Column("given_on", gettext_lazy("Date given"), required=True, aliases=("ngay tiem", "date")),
    Column("site", gettext_lazy("Vaccination site"), aliases=("co so tiem", "diem tiem", "site")),
    Column("lot", gettext_lazy("Lot"), aliases=("lo", "so lo", "lot")),
]
FIELDS = [column.name for column in DOSE_COLUMNS]
MAX_ERRORS_KEPT = 5000
UPLOAD_KIND = "vaccination.doses"
MAX_UPLOAD_BYTES = 30 * 1024 * 1024
CHUNK = 5000  # ids per IN (…): SQLite takes at most 32,766 parameters in one statement


class LineError(ValueError):
    def __init__(self, column: str, message: str):
        super().__init__(message)
        self.column = column


@dataclass
class Line:
    number: int
    values: dict[str, str]
    product: VaccineProduct
    given_on: date
    person_id: int | None = None
    person: Person | None = None
    area: AdminUnit | None = None  # the commune the line names, when it names one
    reason: str = ""  # why it waits for review


def dose_import_start(*, actor, unit: AdminUnit, upload: KeptUpload, mapping: dict[str, str]) -> DoseImport:
    """Queue a kept file of doses for import into `unit` (the job takes the file over); the same file again
    answers with the earlier import unless that one failed."""
    missing = [str(c.label) for c in DOSE_COLUMNS if c.required and not mapping.get(c.name)]
    if missing:
        raise ValidationError({"mapping": _("Match a column to: %(fields)s.") % {"fields": ", ".join(missing)}})
    if not scope_of(actor, "vaccination.add_doseimport").covers_path(unit.path):
        raise OutOfScope(_("No such unit in your jurisdiction."))
    digest, filename = upload.sha256, upload.filename
    with transaction.atomic():
        earlier = DoseImport.objects.select_for_update().filter(sha256=digest).first()
        if earlier is not None and earlier.status != ImportStatus.FAILED:
            upload_forget(upload.token)
            return earlier
        job = earlier or DoseImport(sha256=digest)
        job.unit, job.original_name, job.mapping, job.status, job.message = (
            unit,
            filename[:200],
            mapping,
            ImportStatus.QUEUED,
            "",
        )
        upload_forget(job.upload_token)  # a failed run's file, replaced by this one
        job.upload_token = upload.token
        job.created_by = audit.user_of(actor)
        job, stored = created_once(
            lambda: _saved(job), existing=lambda: DoseImport.objects.filter(sha256=digest).first()
        )
        if not stored:  # the same file sent twice at once: the other request queued it
            upload_forget(upload.token)
            return job
        audit.record(
            actor=actor,
            action=AuditAction.IMPORT,
            instance=job,
            unit_path=unit.path,
            detail={"file": filename, "sha256": digest},
        )
        run_later(dose_import_run, job.pk)
    return job


def _saved(job: DoseImport) -> DoseImport:
    job.save()
    return job


@in_background
def dose_import_run(job_id: int) -> DoseImport:
    job = DoseImport.objects.select_related("unit", "created_by").get(pk=job_id)
    if job.status not in (ImportStatus.QUEUED,):
        return job
    job.status = ImportStatus.RUNNING
    job.lines = job.added = job.known = job.to_review = job.refused = 0  # a failed import may run again
    job.save(update_fields=["status", "lines", "added", "known", "to_review", "refused"])
    actor = job.created_by or f"dose-import:{job.pk}"
    errors: list[list] = []
    try:
        kept = upload_by_token(job.upload_token)
        if kept is None:
            raise FileFormatError(_("The uploaded file is no longer kept; upload it again."))
        lines = _read(kept.table(), job, errors)
        _match(lines, job.unit)
        _apply(actor, job, lines, errors)
        job.status = ImportStatus.DONE
    except FileFormatError as error:  # the file cannot be imported as it is
        job.status, job.message = ImportStatus.FAILED, str(error)[:300]
    upload_forget(job.upload_token)  # names and CCCD numbers: the file is kept no longer than the import needs it
    job.upload_token = ""
    job.refused = len(errors)
    job.errors = errors[:MAX_ERRORS_KEPT]
    job.finished_at = timezone.now()
    job.save()
    if job.added:
        _refresh_coverage()
    return job


def _refresh_coverage() -> None:
    """The coverage pages read pre-computed figures: rebuild them once a file has added doses."""
    run_later(coverage_refresh_later)


def _read(table, job: DoseImport, errors: list) -> list[Line]:
    header = {name: index for index, name in enumerate(table.header)}
    for column in job.mapping.values():
        if column and column not in header:
            raise FileFormatError(_("The file has no column %(column)s.") % {"column": column})
    products = product_lookup()
    lines = []
    for number, cells in table.lines:
        job.lines += 1
        values = {
            field: (cells[header[column]].strip() if header[column] < len(cells) else "")
            for field, column in job.mapping.items()
            if column in header
        }
        try:
            lines.append(_parse(number, values, products))
        except LineError as error:
            errors.append([number, job.mapping.get(error.column, error.column), str(error)])
    return lines


def _parse(number: int, values: dict[str, str], products: dict) -> Line:
    for field in ("full_name", "birth_date", "product", "given_on"):
        if not values.get(field):
            raise LineError(field, _("This column is required."))
    product = products.get(fold(values["product"]))
    if product is None:
        raise LineError("product", _("Unknown vaccine: %(value)s.") % {"value": values["product"]})
    try:
        given_on = parse_day(values["given_on"])
    except ValueError as error:
        raise LineError("given_on", str(error)) from error
    try:
        values["birth_date"] = parse_day(values["birth_date"]).isoformat()
    except ValueError as error:
        raise LineError("birth_date", str(error)) from error
    if values.get("id_number"):
        try:
            values["id_number"] = normalize_id_number(values["id_number"])
        except ValidationError as error:
            raise LineError("id_number", " ".join(error.messages)) from error
    if values.get("number") and not values["number"].isdigit():
        raise LineError("number", _("%(value)s is not a dose number.") % {"value": values["number"]})
    return Line(number, values, product, given_on)


def _match(lines: list[Line], unit: AdminUnit) -> None:
    """CCCD first; else name + birth date within the commune named (or the import's area)."""
    people = Person.objects.active()
    by_number: dict[str, list[int]] = {}
    numbers = sorted({line.values["id_number"] for line in lines if line.values.get("id_number")})
    for start in range(0, len(numbers), CHUNK):
        for pk, number in people.filter(id_number__in=numbers[start : start + CHUNK]).values_list("pk", "id_number"):
            by_number.setdefault(number, []).append(pk)
    communes = _communes(unit)
    for line in lines:
        ids = by_number.get(line.values.get("id_number", ""), [])
        line.area = communes.get(fold(line.values.get("commune", "")))
        if not ids:
            ids = list(
                people.filter(
                    name_search=fold(clean_name(line.values["full_name"])),
                    birth_date=line.values["birth_date"],
                    unit__path__startswith=(line.area or unit).path,
                ).values_list("pk", flat=True)[:2]
            )
        if len(ids) == 1:
            line.person_id = ids[0]
        else:
            line.reason = str(
                _("Several people match this name and birth date; choose one.")
                if ids
                else _("Nobody matches this CCCD, or this name and birth date.")
            )
    persons = Person.objects.select_related("unit").in_bulk({line.person_id for line in lines if line.person_id})
    for line in lines:
        if line.person_id is not None:
            line.person = persons[line.person_id]


def _communes(unit: AdminUnit) -> dict[str, AdminUnit]:
    """Communes (and districts) under the import's area, by GSO code and by name."""
    communes = AdminUnit.objects.filter(path__startswith=unit.path).exclude(level="group")
    lookup = {}
    for commune in communes.only("code", "name", "path", "level"):
        lookup[fold(commune.code)] = commune
        lookup.setdefault(fold(commune.name), commune)
    return lookup


def _known_doses(person_ids: set) -> set[tuple[int | None, date, int]]:
    """(person, date, product) of the doses these people already have, asked in chunks the database accepts."""
    ids, known = sorted(person_ids), set[tuple[int | None, date, int]]()
    for start in range(0, len(ids), CHUNK):
        chunk = Dose.objects.filter(person_id__in=ids[start : start + CHUNK])
        known |= set(chunk.values_list("person_id", "given_on", "product_id"))
    return known


def _apply(actor, job: DoseImport, lines: list[Line], errors: list) -> None:
    sites = {
        fold(f.name): f
        for f in Facility.objects.filter(unit__path__startswith=job.unit.path[: job.unit.path.index("/") + 1])
    }
    matched = sorted(
        (line for line in lines if line.person), key=lambda line: (line.person_id, line.given_on, line.number)
    )
    known = _known_doses({line.person_id for line in matched})
    for line in matched:
        if (line.person_id, line.given_on, line.product.pk) in known:
            job.known += 1
            continue
        site = sites.get(fold(line.values.get("site", "")))
        try:
            dose_record(
                actor=actor,
                person=line.person,  # type: ignore[arg-type]
                product=line.product,
                given_on=line.given_on,
                site=site,
                site_name=line.values.get("site", ""),
                lot=line.values.get("lot", ""),
                source=DoseSource.IMPORT,
                dose_import=job,
            )
        except ValidationError as error:
            field = next(iter(error.message_dict), "") if hasattr(error, "error_dict") else ""
            errors.append([line.number, job.mapping.get(field, field), " ".join(error.messages)])
            continue
        except OutOfScope as error:
            errors.append([line.number, "", str(error)])
            continue
        known.add((line.person_id, line.given_on, line.product.pk))
        job.added += 1
    review = [
        ReviewRow(
            dose_import=job,
            unit=line.area or job.unit,
            line=line.number,
            data=line.values,
            reason=line.reason,
        )
        for line in lines
        if line.person is None
    ]
    ReviewRow.objects.bulk_create(review, ignore_conflicts=True)
    job.to_review = len(review)
