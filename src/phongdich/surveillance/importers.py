"""Case line lists and contact lists from CSV or Excel, after the user has matched the file's columns to the
fields below (core.imports.guess_mapping proposes a match). Each row goes through the same services as a
form would, in its own savepoint: a bad row is reported with its line and column and changes nothing, the
good rows land. Uploading the same file again adds nothing (case codes, and natural keys for contacts).
An uploaded list is imported in the background (`list_import_start` → `list_import_run`) with its progress and
refused rows on a `ListImport`; the functions taking rows directly serve the tests and the command line.
"""

import io
import re
import uuid
from dataclasses import dataclass
from datetime import date, datetime, time
from itertools import batched

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import TextField, Value
from django.db.models.functions import Concat
from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from phongdich.core import audit, clock, validators
from phongdich.core.background import in_background, run_later
from phongdich.core.choices import AuditAction
from phongdich.core.context import current, request_context
from phongdich.core.exports import csv_writer
from phongdich.core.import_flow import KeptUpload, import_gave_up, upload_by_token, upload_forget
from phongdich.core.imports import Column, FileFormatError, ImportReport, mapped_rows, parse_day
from phongdich.core.scoping import OutOfScope, require_permission, scope_of
from phongdich.core.text import fold
from phongdich.people.models import Person
from phongdich.people.services import person_create
from phongdich.places.models import AdminUnit

from .choices import CaseStatus, ConfirmationTest, ContactKind, DetectionSetting, ImportStatus, ListKind, Severity
from .models import IMPORT_PERMISSIONS, Case, ListImport, Trip, TripPassenger
from .services import case_confirm, contact_record, levels_update, trip_contacts

PERSON_COLUMNS = [
    Column("full_name", gettext_lazy("Full name"), True, ("ho ten", "ho va ten", "name", "ten")),
    Column("id_number", gettext_lazy("CCCD / CMND"), False, ("cccd", "cmnd", "so cccd", "so giay to", "id number")),
    Column("phone", gettext_lazy("Phone"), False, ("sdt", "so dien thoai", "dien thoai", "phone")),
    Column("birth_year", gettext_lazy("Year of birth"), False, ("nam sinh", "birth year")),
    Column("sex", gettext_lazy("Sex"), False, ("gioi tinh", "gioi", "sex")),
    Column("unit", gettext_lazy("Unit code"), False, ("ma don vi", "ma xa", "ma to", "ma khu pho", "unit code")),
    Column("address", gettext_lazy("Address"), False, ("dia chi", "address")),
]
CASE_COLUMNS = [
    Column("national_code", gettext_lazy("National case code"), False, ("ma bn", "ma benh nhan", "bn", "ma ca benh")),
    *PERSON_COLUMNS,
    Column("confirmed_at", gettext_lazy("Confirmed at"), True, ("ngay khang dinh", "ngay xac dinh", "ngay duong tinh")),
    Column("confirmation_test", gettext_lazy("Confirming test"), False, ("xet nghiem", "loai xet nghiem", "test")),
    Column("detection_setting", gettext_lazy("Where found"), True, ("noi phat hien", "phat hien", "setting")),
    Column("symptom_onset", gettext_lazy("Symptom onset"), False, ("ngay khoi phat", "khoi phat", "onset")),
    Column("severity", gettext_lazy("Severity"), False, ("muc do", "tinh trang")),
]
PASSENGER_COLUMNS = [
    *PERSON_COLUMNS,
    Column("seat", gettext_lazy("Seat"), False, ("ghe", "so ghe", "cho ngoi", "seat")),
]
CONTACT_COLUMNS = [
    Column("case", gettext_lazy("Case code or the case's CCCD"), True, ("ma bn", "f0", "ma ca benh", "ca benh")),
    *PERSON_COLUMNS,
    Column("kind", gettext_lazy("Kind of contact"), False, ("loai tiep xuc", "quan he", "moi quan he")),
    Column("first_at", gettext_lazy("First contact"), True, ("ngay tiep xuc", "tiep xuc tu", "thoi gian tiep xuc")),
    Column("last_at", gettext_lazy("Last contact"), False, ("tiep xuc den", "lan cuoi")),
]

UPLOAD_KINDS = {kind.value: f"surveillance.{kind.value}" for kind in ListKind}  # core.import_flow kinds

# Values people write, folded, for the coded fields.
SETTINGS = {
    "cong dong": DetectionSetting.COMMUNITY,
    "cach ly": DetectionSetting.QUARANTINE,
    "khu cach ly": DetectionSetting.QUARANTINE,
    "phong toa": DetectionSetting.LOCKDOWN,
    "khu phong toa": DetectionSetting.LOCKDOWN,
    "tinh khac": DetectionSetting.IMPORTED_PROVINCE,
    "nuoc ngoai": DetectionSetting.IMPORTED_ABROAD,
    "nhap canh": DetectionSetting.IMPORTED_ABROAD,
    "chot": DetectionSetting.CHECKPOINT,
    "benh vien": DetectionSetting.CHECKPOINT,
}
TESTS = {"pcr": ConfirmationTest.RT_PCR, "rt-pcr": ConfirmationTest.RT_PCR, "test nhanh": ConfirmationTest.ANTIGEN,
         "khang nguyen": ConfirmationTest.ANTIGEN}  # fmt: skip
SEXES = {"nam": "male", "nu": "female", "male": "male", "female": "female", "m": "male", "f": "female"}
KINDS = {"ho gia dinh": ContactKind.HOUSEHOLD, "gia dinh": ContactKind.HOUSEHOLD, "cung nha": ContactKind.HOUSEHOLD,
         "noi lam viec": ContactKind.WORKPLACE, "dong nghiep": ContactKind.WORKPLACE, "cong ty": ContactKind.WORKPLACE,
         "truong hoc": ContactKind.SCHOOL, "dia diem": ContactKind.VENUE, "phuong tien": ContactKind.TRANSPORT,
         "cham soc": ContactKind.CARE, "khac": ContactKind.OTHER}  # fmt: skip
SEVERITIES = {"khong trieu chung": Severity.ASYMPTOMATIC, "nhe": Severity.MILD, "trung binh": Severity.MODERATE,
              "nang": Severity.SEVERE, "nguy kich": Severity.CRITICAL}  # fmt: skip


class CellError(ValueError):
    def __init__(self, field: str, message: str):
        super().__init__(message)
        self.field = field


@dataclass
class Row:
    line: int
    values: dict[str, str]
    mapping: dict[str, str]

    def column(self, field: str) -> str:
        """The file's own column name for a field, for the error report."""
        return self.mapping.get(field, field)


def case_list_import(*, actor, rows, mapping: dict[str, str]) -> ImportReport:
    """Import a case line list (rows from core.imports.read_table, mapped by `mapping`)."""
    return _run(actor, rows, mapping, "surveillance.case", _case_row)


def contact_list_import(*, actor, rows, mapping: dict[str, str]) -> ImportReport:
    return _run(actor, rows, mapping, "surveillance.contact", _contact_row)


def _run(actor, rows, mapping, object_type: str, handle) -> ImportReport:
    report = ImportReport()
    _rows_import(actor, rows, mapping, handle, report)
    audit.record(
        actor=actor,
        action=AuditAction.IMPORT,
        object_type=object_type,
        object_repr=f"{len(rows)} rows",
        detail={"created": report.created, "unchanged": report.unchanged, "errors": len(report.errors)},
    )
    return report


def _rows_import(actor, rows, mapping: dict[str, str], handle, report: ImportReport) -> None:
    """Each row in its own savepoint: a refused row changes nothing and is reported with its line and column."""
    for line, values in mapped_rows(rows, mapping):
        row = Row(line, values, mapping)
        try:
            with transaction.atomic():
                outcome = handle(actor, row)
        except CellError as error:
            report.add_error(line, row.column(error.field), str(error))
        except ValidationError as error:
            for field, messages in _by_field(error):
                for message in messages:
                    report.add_error(line, row.column(_FIELD_OF.get(field, field)), message)
        except Http404:
            report.add_error(line, row.column("unit"), _("Outside your jurisdiction."))
        else:
            setattr(report, outcome, getattr(report, outcome) + 1)


_FIELD_OF = {"person": "full_name", "other": "case"}  # service fields named differently in a row


def _by_field(error: ValidationError):
    return error.message_dict.items() if hasattr(error, "error_dict") else [("", error.messages)]


def _case_row(actor, row: Row) -> str:
    values = row.values
    code = values.get("national_code", "")
    if code and Case.objects.filter(national_code=code).exists():
        return "unchanged"
    confirmed_at = _moment(values.get("confirmed_at", ""), "confirmed_at")
    person = _person(actor, row)
    if Case.objects.filter(person=person, confirmed_at__date=timezone.localdate(confirmed_at)).exists():
        return "unchanged"
    case_confirm(
        actor=actor,
        person=person,
        confirmed_at=confirmed_at,
        confirmation_test=_coded(values.get("confirmation_test", ""), TESTS, ConfirmationTest, "confirmation_test")
        or ConfirmationTest.RT_PCR,
        detection_setting=_coded(values.get("detection_setting", ""), SETTINGS, DetectionSetting, "detection_setting"),
        symptom_onset=_day(values.get("symptom_onset", ""), "symptom_onset"),
        severity=_coded(values.get("severity", ""), SEVERITIES, Severity, "severity") or Severity.ASYMPTOMATIC,
        national_code=code,
    )
    return "created"


def _contact_row(actor, row: Row) -> str:
    values = row.values
    case = _case(actor, values.get("case", ""))
    person = _person(actor, row)
    first_at = _moment(values.get("first_at", ""), "first_at")
    last_at = _moment(values["last_at"], "last_at") if values.get("last_at") else None
    kind = _coded(values.get("kind", ""), KINDS, ContactKind, "kind") or ContactKind.OTHER
    key = f"import:{case.pk}:{person.pk}:{kind}:{first_at:%Y%m%d%H%M}"
    _contact, created = contact_record(
        actor=actor, person=person, other=case.person, kind=kind, first_at=first_at, last_at=last_at, key=key
    )
    return "created" if created else "unchanged"


def _case(actor, text: str) -> Case:
    text = text.strip()
    if not text:
        raise CellError("case", _("Name the case: its national code or its CCCD."))
    cases = Case.objects.visible_to(actor).select_related("person")
    found = cases.filter(national_code=text).first() or cases.filter(person__id_number=_digits(text)).first()
    if found is None:
        raise CellError("case", _("No case %(code)s in your jurisdiction.") % {"code": text})
    return found


def _person(actor, row: Row) -> Person:
    """The registered person the row names by CCCD/CMND or phone, or a new one registered from the row."""
    values = row.values
    people = Person.objects.visible_to(actor).active()
    number = _id_number(values.get("id_number", ""))
    if number and (found := people.filter(id_number=number).first()):
        return found
    if values.get("phone"):
        try:
            phone = validators.normalize_phone(values["phone"])
        except ValidationError as error:
            raise CellError("phone", error.messages[0]) from error
        matches = list(people.filter(phone=phone)[:2])
        if len(matches) == 1 and fold(matches[0].full_name) == fold(values.get("full_name", "")):
            return matches[0]
    if not values.get("full_name"):
        raise CellError("full_name", _("A person not yet registered needs a full name."))
    return person_create(
        actor=actor,
        full_name=values["full_name"],
        id_number=number,
        phone=values.get("phone", ""),
        birth_year=_year(values.get("birth_year", "")),
        sex=_coded(values.get("sex", ""), SEXES, None, "sex") or "unknown",
        unit=_unit(values.get("unit", "")),
        address=values.get("address", ""),
    )


def _unit(code: str) -> AdminUnit:
    code = code.strip()
    if not code:
        raise CellError("unit", _("A person not yet registered needs the code of their commune or group."))
    unit = AdminUnit.objects.filter(code=code).order_by("-structure").first()
    if unit is None:
        raise CellError("unit", _("No unit has the code %(code)s.") % {"code": code})
    return unit


def _id_number(text: str) -> str:
    digits = _digits(text)
    if digits and len(digits) in (8, 11):
        digits = "0" + digits  # a spreadsheet stored the number as a number and dropped its leading zero
    return digits


def _digits(text: str) -> str:
    return re.sub(r"\D", "", text or "")


def _year(text: str) -> int | None:
    text = text.strip()
    if not text:
        return None
    if not (text.isdigit() and 1900 <= int(text) <= clock.today().year):
        raise CellError("birth_year", _("%(value)s is not a year of birth.") % {"value": text})
    return int(text)


def _coded(text: str, words: dict, choices, field: str) -> str:
    """A coded value from its code, its label or the words people write ('Cộng đồng', 'test nhanh')."""
    key = fold(text)
    if not key:
        return ""
    if choices is not None:
        for value, label in choices.choices:
            if key in (fold(value), fold(str(label))):
                return value
    if key in words:
        return words[key]
    for word, value in words.items():
        if " " in word and word in key:  # a phrase inside a longer text ("phát hiện tại khu cách ly")
            return value
    raise CellError(field, _("%(value)s is not a value this column accepts.") % {"value": text})


def _day(text: str, field: str) -> date | None:
    text = text.strip()
    if not text:
        return None
    try:
        return parse_day(text)
    except ValueError as error:
        raise CellError(field, str(error)) from error


def _moment(text: str, field: str) -> datetime:
    """A date with an optional time ("14/08/2021 09:30"), in Vietnam time; a date alone means noon."""
    day = _day(text, field)
    if day is None:
        raise CellError(field, _("This column is required."))
    parts = text.strip().split(" ")
    at = time(12, 0)
    if len(parts) > 1:
        try:
            at = datetime.strptime(parts[1][:5], "%H:%M").time()
        except ValueError as error:
            raise CellError(field, _("%(value)s is not a time (hh:mm).") % {"value": parts[1]}) from error
    return timezone.make_aware(datetime.combine(day, at))


def manifest_import(*, actor, trip: dict, rows, mapping: dict[str, str]) -> tuple[Trip, ImportReport]:
    """A vehicle's passenger list. Passengers not yet registered are registered in the unit the trip arrived in
    (unless the file gives theirs); an active case on board makes everyone else a transport contact, and a
    passenger confirmed later is linked to the others the same way (services.trip_contacts)."""
    found = trip_record(actor=actor, trip=trip)
    report = _run(actor, rows, mapping, "surveillance.trip", _passenger(found))
    _passengers_link(actor, found)
    return found, report


def trip_record(*, actor, trip: dict) -> Trip:
    """The trip a passenger list is for (the one already recorded for that vehicle and departure, if any)."""
    unit = trip["unit"]
    if not scope_of(actor, "surveillance.add_contact").covers_path(unit.path):
        raise ValidationError({"unit": _("%(unit)s is outside your jurisdiction.") % {"unit": unit}})
    if trip["arrived_at"] < trip["departed_at"]:
        raise ValidationError({"arrived_at": _("The arrival is before the departure.")})
    found, _created = Trip.objects.get_or_create(
        kind=trip["kind"],
        code=trip["code"].strip().upper(),
        departed_at=trip["departed_at"],
        defaults={
            "arrived_at": trip["arrived_at"],
            "origin": trip.get("origin", ""),
            "unit": unit,
            "recorded_by": audit.user_of(actor),
        },
    )
    return found


def _passenger(trip: Trip, list_import: ListImport | None = None):
    def passenger(actor, row: Row) -> str:
        if not row.values.get("unit"):
            row.values["unit"] = trip.unit.code
        person = _person(actor, row)
        _seat, created = TripPassenger.objects.get_or_create(
            trip=trip, person=person, defaults={"seat": row.values.get("seat", "")[:10], "list_import": list_import}
        )
        return "created" if created else "unchanged"

    return passenger


def _passengers_link(actor, trip: Trip) -> None:
    aboard = TripPassenger.objects.filter(trip=trip).values("person_id")
    for case in Case.objects.filter(person__in=aboard, status=CaseStatus.ACTIVE).select_related("person"):
        if trip_contacts(actor, case):
            params = {"trip": trip.pk, "case": case.pk}
            levels_update(actor=actor, around={case.person_id}, reason="manifest", params=params)


# ---- In the background: a list kept by core.import_flow, started by a service, run batch by batch ----------

COLUMNS = {ListKind.CASES: CASE_COLUMNS, ListKind.CONTACTS: CONTACT_COLUMNS, ListKind.MANIFEST: PASSENGER_COLUMNS}
BATCH = 5  # rows a transaction, with the job's progress: each row runs the full services (about 50 ms a new case on
# SQLite, measured on a 2,000-row case list: 105 s), so a batch holds SQLite's write lock about a quarter second
MAX_KEPT_ERRORS = 100_000


def list_import_start(
    *, actor, kind: str, upload: KeptUpload, mapping: dict[str, str], trip: dict | None = None
) -> ListImport:
    """Queue a kept list for import with the columns chosen (the job takes the kept file over). The file is
    audited here as one row naming it; the records the run creates are audited by their services under the
    same request id, and a passenger list's seats point to the import."""
    missing = [str(c.label) for c in COLUMNS[ListKind(kind)] if c.required and not mapping.get(c.name)]
    if missing:
        raise ValidationError({"mapping": _("Match a column to: %(fields)s.") % {"fields": ", ".join(missing)}})
    require_permission(actor, IMPORT_PERMISSIONS[kind])
    with transaction.atomic():
        found = trip_record(actor=actor, trip=trip) if kind == ListKind.MANIFEST and trip else None
        unit = found.unit if found else AdminUnit.objects.get(path=audit.top_unit_path(actor))
        context = current()
        request_id = context.request_id if context else str(uuid.uuid4())
        job = ListImport.objects.create(
            kind=kind,
            unit=unit,
            trip=found,
            file_name=upload.filename[:200],
            file_sha256=upload.sha256,
            upload_token=upload.token,
            mapping=mapping,
            request_id=request_id,
            created_by=audit.user_of(actor),
        )
        with request_context(ip=context.ip if context else None, request_id=request_id):
            audit.record(
                actor=actor,
                action=AuditAction.IMPORT,
                instance=job,
                detail={"file": job.file_name, "sha256": upload.sha256, "lines": upload.rows, "list": kind}
                | ({"trip": str(found)} if found else {}),
            )
        run_later(list_import_run, job.pk)
    return job


def list_import_gave_up(job_id: int, *, error: str = "") -> None:
    import_gave_up(ListImport, job_id, error)


@in_background(gave_up=list_import_gave_up)
def list_import_run(job_id: int) -> ListImport:
    """Import a queued list, or resume one whose worker died, batch by batch: a batch's rows, the job's progress
    and its refused rows commit together, so a run started again continues at the first row not committed."""
    job = ListImport.objects.select_related("trip__unit", "created_by").get(pk=job_id)
    if job.status not in (ImportStatus.QUEUED, ImportStatus.RUNNING):
        return job
    job.status, job.message, job.progress_at = ImportStatus.RUNNING, "", timezone.now()
    job.save(update_fields=["status", "message", "progress_at"])
    try:
        with request_context(request_id=job.request_id):
            _list_run(job)
    except (FileFormatError, ValidationError) as error:  # the file cannot be imported as it is
        job.status, job.message = ImportStatus.FAILED, str(getattr(error, "message", error))[:300]
    except Exception as error:  # stopped part-way: the file stays (until it expires) for the run to be run again
        job.status, job.message = ImportStatus.FAILED, _("Stopped by an error: %(e)s") % {"e": error}
        job.save(update_fields=["status", "message"])
        raise
    else:
        job.status = ImportStatus.DONE
    upload_forget(job.upload_token)  # names and CCCD numbers: the file is kept no longer than the import needs it
    job.upload_token = ""
    job.finished_at = timezone.now()
    job.save(update_fields=["status", "message", "upload_token", "finished_at"])
    job.refresh_from_db(fields=["errors"])  # appended batch by batch in the database
    return job


def list_import_resume(*, actor, job: ListImport) -> ListImport:
    """Run a list again that stopped part-way, from the first row not committed; who may start such a list may.
    Running it again while it waits changes nothing."""
    require_permission(actor, IMPORT_PERMISSIONS[job.kind])
    with transaction.atomic():
        job = ListImport.objects.visible_to(actor).select_for_update(of=("self",)).filter(pk=job.pk).first()
        if job is None:
            raise OutOfScope(_("No such import in your jurisdiction."))
        if not job.can_run_again:
            if job.status == ImportStatus.QUEUED:
                return job
            raise ValidationError(_("This import cannot be run again; upload the file again."))
        job.status, job.message, job.progress_at = ImportStatus.QUEUED, "", timezone.now()
        job.save(update_fields=["status", "message", "progress_at"])
        audit.record(
            actor=actor,
            action=AuditAction.UPDATE,
            instance=job,
            detail={"run_again": True, "file": job.file_name, "from_row": job.done_rows},
        )
        run_later(list_import_run, job.pk)
    return job


def _list_run(job: ListImport) -> None:
    kept = upload_by_token(job.upload_token)
    if kept is None:
        raise FileFormatError(_("The uploaded file is no longer kept; upload it again."))
    header, rows = kept.rows_read()
    if missing := [c.name for c in COLUMNS[ListKind(job.kind)] if c.required and job.mapping.get(c.name) not in header]:
        raise FileFormatError(_("The file has no column for: %(fields)s.") % {"fields": ", ".join(missing)})
    job.total_rows = len(rows)
    job.save(update_fields=["total_rows"])
    actor = job.created_by or f"list-import:{job.pk}"
    handle = {ListKind.CASES: _case_row, ListKind.CONTACTS: _contact_row}.get(job.kind)
    if handle is None:
        assert job.trip is not None
        handle = _passenger(job.trip, job)
    for batch in batched(rows[job.done_rows :], BATCH):  # the rows an earlier run committed are not run again
        report = ImportReport()
        with transaction.atomic():
            _rows_import(actor, batch, job.mapping, handle, report)
            _progress(job, len(batch), report)
    if job.trip is not None:
        with transaction.atomic():
            _passengers_link(actor, job.trip)


def _progress(job: ListImport, rows: int, report: ImportReport) -> None:
    """A batch's counts and refused rows, saved in the batch's transaction (the refused rows appended)."""
    room = max(MAX_KEPT_ERRORS - job.error_count, 0)
    job.done_rows += rows
    job.created += report.created
    job.unchanged += report.unchanged
    job.error_count += len(report.errors)
    job.progress_at = timezone.now()
    job.save(update_fields=["done_rows", "created", "unchanged", "error_count", "progress_at"])
    if report.errors[:room]:
        report.errors = report.errors[:room]
        text = Value(_errors_csv(report))
        ListImport.objects.filter(pk=job.pk).update(errors=Concat("errors", text, output_field=TextField()))


def _errors_csv(report: ImportReport) -> str:
    out = io.StringIO()
    csv_writer(out).writerows((e.line, e.column, e.message) for e in report.errors[:MAX_KEPT_ERRORS])
    return out.getvalue()
