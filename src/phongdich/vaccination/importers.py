"""Doses from the national vaccination platform (CSV or Excel). Each line is matched to a person by CCCD,
else by name, birth date and commune; a line that matches nobody, or several people, waits in a review queue.
The same file twice is the same import; a dose already known (same person, date and vaccine) is counted,
not added again, so a file that overlaps an earlier one is safe to import."""

from dataclasses import dataclass
from datetime import date
from itertools import batched

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from phongdich.core import audit
from phongdich.core.background import in_background, run_later
from phongdich.core.choices import AuditAction
from phongdich.core.import_flow import KeptUpload, import_gave_up, upload_by_token, upload_forget
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
SLICE = 20  # lines a transaction, with the job's counts: each new dose runs the full service, so a slice holds
# SQLite's write lock a fraction of a second and a run that dies resumes at the last slice committed


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
    answers with the earlier import unless that one failed (it then runs again from the start: the doses already
    added count as known) or its worker died (it then resumes where it stopped)."""
    missing = [str(c.label) for c in DOSE_COLUMNS if c.required and not mapping.get(c.name)]
    if missing:
        raise ValidationError({"mapping": _("Match a column to: %(fields)s.") % {"fields": ", ".join(missing)}})
    if not scope_of(actor, "vaccination.add_doseimport").covers_path(unit.path):
        raise OutOfScope(_("No such unit in your jurisdiction."))
    digest, filename = upload.sha256, upload.filename
    with transaction.atomic():
        earlier = DoseImport.objects.select_for_update().filter(sha256=digest).first()
        if earlier is not None and earlier.stalled:
            upload_forget(earlier.upload_token)  # the same file (same digest): it replaces an expired copy
            earlier.upload_token = upload.token
            _requeued(actor, earlier)
            return earlier
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
        job.lines = job.added = job.known = job.to_review = job.refused = 0
        job.errors = []
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


def dose_import_gave_up(job_id: int, *, error: str = "") -> None:
    import_gave_up(DoseImport, job_id, error)


@in_background(gave_up=dose_import_gave_up)
def dose_import_run(job_id: int) -> DoseImport:
    """Import a queued file, or resume one whose worker died, slice by slice: a slice's doses, review rows,
    counts and refused lines commit together, so a run started again continues at the first line not committed."""
    job = DoseImport.objects.select_related("unit", "created_by").get(pk=job_id)
    if job.status not in (ImportStatus.QUEUED, ImportStatus.RUNNING):
        return job
    job.status, job.message, job.progress_at = ImportStatus.RUNNING, "", timezone.now()
    job.save(update_fields=["status", "message", "progress_at"])
    added_before = job.added
    try:
        kept = upload_by_token(job.upload_token)
        if kept is None:
            raise FileFormatError(_("The uploaded file is no longer kept; upload it again."))
        _run(job, kept.table())
        job.status = ImportStatus.DONE
    except FileFormatError as error:  # the file cannot be imported as it is
        job.status, job.message = ImportStatus.FAILED, str(error)[:300]
    except Exception as error:  # stopped part-way: the file stays (until it expires) for the run to be run again
        job.status, job.message = ImportStatus.FAILED, _("Stopped by an error: %(e)s") % {"e": error}
        job.save(update_fields=["status", "message"])
        raise
    upload_forget(job.upload_token)  # names and CCCD numbers: the file is kept no longer than the import needs it
    job.upload_token = ""
    job.finished_at = timezone.now()
    job.save(update_fields=["status", "message", "upload_token", "finished_at"])
    if job.added > added_before:
        _refresh_coverage()
    return job


def dose_import_resume(*, actor, job: DoseImport) -> DoseImport:
    """Run a file again that stopped part-way, from the first line not committed; who may start an import for
    its area may. Running it again while it waits changes nothing."""
    with transaction.atomic():
        job = DoseImport.objects.restrict(actor, "add").select_for_update(of=("self",)).filter(pk=job.pk).first()
        if job is None:
            raise OutOfScope(_("No such import in your jurisdiction."))
        if not job.can_run_again:
            if job.status == ImportStatus.QUEUED:
                return job
            raise ValidationError(_("This import cannot be run again; upload the file again."))
        _requeued(actor, job)
    return job


def _requeued(actor, job: DoseImport) -> None:
    job.status, job.message, job.progress_at = ImportStatus.QUEUED, "", timezone.now()
    job.save(update_fields=["status", "message", "progress_at", "upload_token"])
    audit.record(
        actor=actor,
        action=AuditAction.UPDATE,
        instance=job,
        unit_path=job.unit.path,
        detail={"run_again": True, "file": job.original_name, "from_line": job.lines},
    )
    run_later(dose_import_run, job.pk)


def _run(job: DoseImport, table) -> None:
    """The file's lines in the order they are applied (see `_sequence`), from the first not committed, slice by
    slice."""
    header = _header(table, job)
    actor = job.created_by or f"dose-import:{job.pk}"
    products, communes, sites = product_lookup(), _communes(job.unit), _sites(job.unit)
    sequence = _sequence(table.lines, header, job.mapping, products)
    for chunk in batched(sequence[job.lines :], SLICE):  # the lines an earlier run committed are not run again
        errors = [item for item in chunk if isinstance(item, list)]
        lines = [item for item in chunk if isinstance(item, Line)]
        with transaction.atomic():
            _match(lines, job.unit, communes)
            _apply(actor, job, lines, errors, sites)
            job.lines += len(chunk)
            job.refused += len(errors)
            job.errors = (job.errors + errors)[:MAX_ERRORS_KEPT]
            job.progress_at = timezone.now()
            job.save(update_fields=["lines", "added", "known", "to_review", "refused", "errors", "progress_at"])


def _sequence(rows, header: dict[str, int], mapping: dict[str, str], products: dict) -> list[Line | list]:
    """Every line of the file, in an order that depends on the file alone, so that a resumed run finds the
    same lines behind its progress: the lines refused as read, then the others by the person they name (CCCD,
    else name and birth date) and date, so each person's doses are recorded oldest first."""
    refused: list[Line | list] = []
    lines = []
    for number, cells in rows:
        values = {
            field: (cells[header[column]].strip() if header[column] < len(cells) else "")
            for field, column in mapping.items()
            if column in header
        }
        try:
            lines.append(_parse(number, values, products))
        except LineError as error:
            refused.append([number, mapping.get(error.column, error.column), str(error)])
    return refused + sorted(lines, key=_person_and_date)


def _person_and_date(line: Line) -> tuple:
    values = line.values
    person = values.get("id_number") or f"{fold(values['full_name'])}|{values['birth_date']}"
    return (person, line.given_on, int(values.get("number") or 0), line.number)


def _refresh_coverage() -> None:
    """The coverage pages read pre-computed figures: rebuild them once a file has added doses."""
    run_later(coverage_refresh_later)


def _header(table, job: DoseImport) -> dict[str, int]:
    header = {name: index for index, name in enumerate(table.header)}
    for column in job.mapping.values():
        if column and column not in header:
            raise FileFormatError(_("The file has no column %(column)s.") % {"column": column})
    return header


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


def _match(lines: list[Line], unit: AdminUnit, communes: dict[str, AdminUnit]) -> None:
    """CCCD first; else name + birth date within the commune named (or the import's area)."""
    people = Person.objects.active()
    by_number: dict[str, list[int]] = {}
    numbers = sorted({line.values["id_number"] for line in lines if line.values.get("id_number")})
    for start in range(0, len(numbers), CHUNK):
        for pk, number in people.filter(id_number__in=numbers[start : start + CHUNK]).values_list("pk", "id_number"):
            by_number.setdefault(number, []).append(pk)
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


def _sites(unit: AdminUnit) -> dict[str, Facility]:
    """The province's facilities by name, for the site a line names."""
    return {
        fold(f.name): f for f in Facility.objects.filter(unit__path__startswith=unit.path[: unit.path.index("/") + 1])
    }


def _apply(actor, job: DoseImport, lines: list[Line], errors: list, sites: dict[str, Facility]) -> None:
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
    job.to_review += len(review)
