"""Lab result files (CSV or Excel): hundreds of thousands of rows, imported in the background.

Each line names a sample's or a pool's barcode, the result, its time and optional Ct values. Lines are read
lazily and checked in batches of 100,000 against the samples and pools they name (two queries a batch); good
individual results are written with one statement a batch through the same `release` the forms use, pool
results through `pool_result_record`; every refused line is kept with its line, the file's column and why.
A file already imported for the lab is not read again, and a line whose result is already released changes
nothing, so a retried upload never duplicates anything. The file is audited as one row (its name, hash, lines,
lab and user); every sample and pool run it changes points to its import.
"""

import csv
import io
from datetime import datetime, timedelta
from decimal import Decimal, InvalidOperation
from functools import lru_cache
from itertools import batched, islice

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import TextField, Value
from django.db.models.functions import Concat
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from phongdich.core import audit, clock
from phongdich.core.background import in_background, run_later
from phongdich.core.bulk import cycle_collection_paused, json_values, plain_values
from phongdich.core.choices import AuditAction
from phongdich.core.exports import csv_writer
from phongdich.core.import_flow import KeptUpload, WriterPace, import_gave_up, upload_by_token, upload_forget
from phongdich.core.imports import Column, FileFormatError, guess_mapping
from phongdich.core.scoping import OutOfScope
from phongdich.core.text import fold

from .choices import ImportStatus, PoolStatus, Result, SampleStatus
from .models import Lab, Pool, ResultImport, Sample
from .services import (
    SAMPLE_ROW_FIELDS,
    Reading,
    SampleRow,
    individual_refusal,
    pool_refusal,
    pools_release,
    release,
)

RESULT_COLUMNS = [
    Column("barcode", gettext_lazy("Barcode (sample or pool)"), True,
           ("ma mau", "ma ong", "ma vach", "ma ong mau", "ma mau gop", "ma pool", "barcode", "sample")),
    Column("result", gettext_lazy("Result"), True, ("ket qua", "kq", "ket qua xet nghiem", "result")),
    Column("result_at", gettext_lazy("Result time"), True,
           ("thoi gian tra ket qua", "ngay tra ket qua", "thoi gian co ket qua", "ngay co ket qua", "result time")),
    Column("ct_e", gettext_lazy("Ct E gene"), False, ("ct e", "gen e", "ct_e", "e")),
    Column("ct_n", gettext_lazy("Ct N gene"), False, ("ct n", "gen n", "ct_n", "n")),
    Column("ct_rdrp", gettext_lazy("Ct RdRp gene"), False, ("ct rdrp", "gen rdrp", "ct orf1ab", "ct_rdrp", "rdrp")),
]  # fmt: skip
RESULT_WORDS = {
    "am tinh": Result.NEGATIVE, "am": Result.NEGATIVE, "neg": Result.NEGATIVE, "-": Result.NEGATIVE,
    "duong tinh": Result.POSITIVE, "duong": Result.POSITIVE, "pos": Result.POSITIVE, "+": Result.POSITIVE,
    "khong xac dinh": Result.INCONCLUSIVE, "nghi ngo": Result.INCONCLUSIVE, "chua xac dinh": Result.INCONCLUSIVE,
    "khong hop le": Result.INVALID, "mau hong": Result.INVALID, "loi": Result.INVALID,
}  # fmt: skip
BATCH = 100_000  # lines a transaction. Lab files list samples in random order: a larger batch writes each page of
# the samples table and its indexes fewer times (measured on SQLite: 6.7 s of writes per 100,000 lines in batches
# of 20,000, 3.4 s in batches of 100,000)
MAX_KEPT_ERRORS = 100_000
RELEASED = SampleStatus.RELEASED.value
UPLOAD_KIND = "labs.results"
MAX_UPLOAD_BYTES = 60 * 1024 * 1024


class Superseded(Exception):
    """Another run of the same job committed a slice first: this one stops and leaves the job to it."""


class LineError(ValueError):
    def __init__(self, field: str, message: str):
        super().__init__(message)
        self.field = field


@lru_cache(maxsize=256)
def parse_result(text: str) -> str:
    key = fold(text)
    for value, label in Result.choices:
        if key in (value, fold(str(label))):
            return value
    if key in RESULT_WORDS:
        return RESULT_WORDS[key]
    raise LineError("result", _("%(value)s is not a result (Âm tính, Dương tính, Không xác định).") % {"value": text})


@lru_cache(maxsize=65536)
def parse_moment(text: str) -> datetime:
    """ISO 8601 or dd/mm/yyyy hh:mm[:ss]; without a zone, Vietnam time. Lab files repeat times a lot: cached."""
    text = text.strip()
    try:
        moment = datetime.fromisoformat(text)
    except ValueError:
        for form in ("%d/%m/%Y %H:%M", "%d/%m/%Y %H:%M:%S", "%d/%m/%Y"):
            try:
                moment = datetime.strptime(text, form)
                break
            except ValueError:
                continue
        else:
            raise LineError("result_at", _("%(value)s is not a time (dd/mm/yyyy hh:mm).") % {"value": text}) from None
    return moment if moment.tzinfo else timezone.make_aware(moment)


def parse_ct(text: str, field: str) -> Decimal | None:
    if not text:
        return None
    try:
        value = Decimal(text.replace(",", "."))
    except InvalidOperation:
        raise LineError(field, _("%(value)s is not a number.") % {"value": text}) from None
    if not (0 <= value <= 50):
        raise LineError(field, _("A Ct value is between 0 and 50."))
    return value.quantize(Decimal("0.01"))


def mapping_for(lab: Lab, header: list[str]) -> dict[str, str]:
    """The columns to propose for a lab's file: the lab's choice from its last file where this file has the
    column, otherwise the column whose header matches the field."""
    saved = {name: column for name, column in lab.result_mapping.items() if column in header}
    return {**guess_mapping(header, RESULT_COLUMNS), **saved}


def result_import_start(*, actor, lab: Lab, upload: KeptUpload, mapping: dict[str, str]) -> ResultImport:
    """Queue a lab's kept file for import with the column mapping chosen (saved on the lab for its next file); the
    job takes the kept file over. The same file again answers with the earlier import, unless that one failed
    part-way (it then runs again from the start, and the lines already applied are recognised as known) or its
    worker died (it then resumes where it stopped)."""
    missing = [str(c.label) for c in RESULT_COLUMNS if c.required and not mapping.get(c.name)]
    if missing:
        raise ValidationError({"mapping": _("Match a column to: %(fields)s.") % {"fields": ", ".join(missing)}})
    digest, filename = upload.sha256, upload.filename
    with transaction.atomic():
        lab = Lab.objects.restrict(actor, "change").select_for_update(of=("self",)).filter(pk=lab.pk).first()
        if lab is None:
            raise OutOfScope(_("No such lab in your jurisdiction."))
        earlier = ResultImport.objects.filter(lab=lab, file_sha256=digest).first()
        if earlier is not None and earlier.stalled:
            return _resumed(actor, earlier, upload)
        if earlier is not None and earlier.status != ImportStatus.FAILED:
            upload_forget(upload.token)
            return earlier
        job = earlier or ResultImport(lab=lab, file_sha256=digest)
        job.file_name, job.mapping, job.status, job.message = filename[:200], mapping, ImportStatus.QUEUED, ""
        job.done_rows = job.applied = job.unchanged = job.error_count = 0
        job.errors = ""
        upload_forget(job.upload_token)  # a failed run's file, replaced by this one
        job.upload_token = upload.token
        job.created_by = audit.user_of(actor)
        job.save()
        lab.result_mapping = mapping
        lab.save(update_fields=["result_mapping"])
        audit.record(
            actor=actor,
            action=AuditAction.IMPORT,
            instance=job,
            unit_path=lab.facility.unit.path,
            detail={"file": filename, "sha256": digest, "lines": upload.rows, "lab": str(lab)},
        )
        run_later(result_import_run, job.pk)
    return job


def result_import_resume(*, actor, job: ResultImport) -> ResultImport:
    """Run a file again that stopped part-way (its worker died, or an unexpected error), from the first line
    not committed. Only a job whose file is still kept can; running it again while it waits changes nothing."""
    with transaction.atomic():
        job = (
            ResultImport.objects.restrict(actor, "add")  # who may start a lab's file may run it again
            .filter(lab__in=Lab.objects.restrict(actor, "change"))
            .select_for_update(of=("self",))
            .select_related("lab__facility__unit")
            .filter(pk=job.pk)
            .first()
        )
        if job is None:
            raise OutOfScope(_("No such import in your jurisdiction."))
        if not job.can_run_again:
            if job.status == ImportStatus.QUEUED:
                return job
            raise ValidationError(_("This import cannot be run again; upload the file again."))
        return _resumed(actor, job, None)


def _resumed(actor, job: ResultImport, upload: KeptUpload | None) -> ResultImport:
    """Queue a job again to continue from its progress (inside the caller's transaction), audited."""
    if upload is not None:  # the same file (same digest) uploaded again: it replaces an expired copy
        upload_forget(job.upload_token)
        job.upload_token = upload.token
    job.status, job.message, job.progress_at = ImportStatus.QUEUED, "", timezone.now()
    job.save(update_fields=["status", "message", "progress_at", "upload_token"])
    audit.record(
        actor=actor,
        action=AuditAction.UPDATE,
        instance=job,
        unit_path=job.lab.facility.unit.path,
        detail={"run_again": True, "file": job.file_name, "from_line": job.done_rows},
    )
    run_later(result_import_run, job.pk)
    return job


def result_import_gave_up(job_id: int, *, error: str = "") -> None:
    import_gave_up(ResultImport, job_id, error)


@in_background(gave_up=result_import_gave_up)
def result_import_run(job_id: int) -> ResultImport:
    """Import a queued file, or resume one whose worker died, slice by slice: a slice's results, the job's
    progress and its refused lines commit together, so a run started again continues at the first line that was
    not committed and counts no line twice."""
    job = ResultImport.objects.select_related("lab", "created_by").get(pk=job_id)
    if job.status not in (ImportStatus.QUEUED, ImportStatus.RUNNING):
        return job
    kept = upload_by_token(job.upload_token)
    job.status, job.message, job.progress_at = ImportStatus.RUNNING, "", timezone.now()
    job.save(update_fields=["status", "message", "progress_at"])
    try:
        if kept is None:
            raise FileFormatError(_("The uploaded file is no longer kept; upload it again."))
        table = kept.table()
        columns = {name: table.header.index(source) for name, source in job.mapping.items() if source in table.header}
        if missing := [c.name for c in RESULT_COLUMNS if c.required and c.name not in columns]:
            raise FileFormatError(_("The file has no column for: %(fields)s.") % {"fields": ", ".join(missing)})
        job.total_rows = table.size
        job.save(update_fields=["total_rows"])
        batch_import = BatchImport(job, columns)
        with cycle_collection_paused():  # a million lines read, checked and written: tuples without cycles
            batch_import.remember(islice(table.lines, job.done_rows - job.done_rows % BATCH))  # whole batches done
            for lines in batched(table.lines, BATCH):
                batch_import.run(lines, done=job.done_rows % BATCH)
    except Superseded:
        job.refresh_from_db()
        return job
    except (FileFormatError, ValidationError, UnicodeError) as error:  # the file cannot be imported as it is
        job.status, job.message = ImportStatus.FAILED, str(getattr(error, "message", error))[:300]
    except Exception as error:  # stopped part-way: the file stays (until it expires) for the run to be run again
        job.status, job.message = ImportStatus.FAILED, _("Stopped by an error: %(e)s") % {"e": error}
        job.save(update_fields=["status", "message"])
        raise
    else:
        job.status = ImportStatus.DONE
        job.total_rows = job.done_rows
    upload_forget(job.upload_token)  # results are personal data: the file is kept no longer than needed
    job.upload_token = ""
    job.finished_at = timezone.now()
    job.refresh_from_db(fields=["errors"])  # appended slice by slice, in the slices' order: listed by line
    job.errors = _errors_csv(sorted(csv.reader(io.StringIO(job.errors)), key=lambda row: int(row[0])))
    job.save(update_fields=["status", "message", "total_rows", "upload_token", "finished_at", "errors"])
    return job


def _errors_csv(errors) -> str:
    out = io.StringIO()
    writer = csv_writer(out)
    writer.writerows(errors)
    return out.getvalue()


REFUSED, KNOWN, SAMPLE, POOL = "refused", "known", "sample", "pool"


class BatchImport:
    """Checks a batch of lines at once (a few queries), then writes it slice by slice, each slice in its own
    short transaction with the job's progress; remembers barcodes across batches for duplicates."""

    def __init__(self, job: ResultImport, columns: dict[str, int]):
        self.job = job
        self.actor = job.created_by or "lab-import"
        self.columns = columns
        self.seen: dict[str, int] = {}
        self.outcomes: dict[int, tuple[str, object]] = {}  # line -> what becomes of it
        self.pace = WriterPace()  # slices shrink while other writers wait for SQLite's lock, grow while none does

    def refuse(self, line: int, field: str, message: str) -> None:
        self.outcomes[line] = (REFUSED, (line, self.job.mapping.get(field, field), str(message)))

    def remember(self, lines) -> None:
        """Read the lines an earlier run committed, applying nothing: a later line repeating one of their
        barcodes is still refused as a duplicate."""
        at = self.columns["barcode"]
        for line, cells in lines:
            if len(cells) > at and (barcode := cells[at].strip()) and barcode not in self.seen:
                self.seen[barcode] = line

    def run(self, lines, done: int = 0) -> None:
        """Check a batch, then write it in slices in the order of its barcodes, after the first `done` lines of
        that order (committed by an earlier run). Lab files list samples in random order: barcodes follow the
        order tubes were registered in, so a slice in barcode order writes a few neighbouring pages of the
        samples table instead of one page a line. The order depends on the file alone, so a resumed run
        finds the same lines behind its progress."""
        self.outcomes = {}
        self._check(lines)
        at = self.columns["barcode"]
        ordered = sorted(lines, key=lambda item: (item[1][at].strip() if len(item[1]) > at else "", item[0]))
        numbers = [line for line, _cells in ordered[done:]]
        start = 0
        while start < len(numbers):
            end = self._slice_end(numbers, start, self.pace.size)
            self._commit(numbers[start:end])
            self.pace.after_commit()
            start = end

    def _slice_end(self, numbers: list[int], start: int, size: int) -> int:
        """Where a slice of about `size` rows written ends: a pool's line writes each of its members."""
        weight = 0
        for index in range(start, len(numbers)):
            kind, value = self.outcomes[numbers[index]]
            weight += len(value[1]) if kind == POOL else 1  # type: ignore[index]
            if weight >= size:
                return index + 1
        return len(numbers)

    def _commit(self, numbers: list[int]) -> None:
        """One slice: its results written, the job's progress and refused lines saved, in one transaction."""
        refused: list = []
        individual: list = []
        pooled: list = []
        known = 0
        for line in numbers:
            kind, value = self.outcomes.pop(line)
            if kind == REFUSED:
                refused.append(value)
            elif kind == KNOWN:
                known += 1
            else:
                (individual if kind == SAMPLE else pooled).append(value)
        with transaction.atomic():
            individual, pooled, known = self._still_pending(individual, pooled, known)
            pools_release(self.actor, pooled, result_import=self.job)
            release(self.actor, individual, result_import=self.job)
            self._progress(len(numbers), len(individual) + len(pooled), known, refused)

    @staticmethod
    def _still_pending(individual: list, pooled: list, known: int) -> tuple[list, list, int]:
        """Inside the slice's transaction: a result released since the batch was checked counts as known."""
        released = set(
            Sample.objects.filter(
                pk__in=json_values([sample.id for sample, _r in individual]), status=RELEASED
            ).values_list("pk", flat=True)
        )
        done = set(
            Pool.objects.select_for_update()
            .filter(pk__in=json_values([item[0].pk for item in pooled]), status=PoolStatus.DONE)
            .values_list("pk", flat=True)
        )
        if not released and not done:
            return individual, pooled, known
        individual = [pair for pair in individual if pair[0].id not in released]
        pooled = [item for item in pooled if item[0].pk not in done]
        return individual, pooled, known + len(released) + len(done)

    def _progress(self, lines: int, applied: int, known: int, refused: list[tuple[int, str, str]]) -> None:
        """Save the slice's progress, provided no other run of the job committed since this one read it (two
        workers given the same job: the second to commit rolls its slice back and stops)."""
        job = self.job
        room = max(MAX_KEPT_ERRORS - job.error_count, 0)
        changes: dict[str, object] = {
            "done_rows": job.done_rows + lines,
            "applied": job.applied + applied,
            "unchanged": job.unchanged + known,
            "error_count": job.error_count + len(refused),
            "progress_at": timezone.now(),
        }
        if refused[:room]:  # appended, so the refused lines of earlier slices survive a resume
            changes["errors"] = Concat("errors", Value(_errors_csv(refused[:room])), output_field=TextField())
        if not ResultImport.objects.filter(pk=job.pk, done_rows=job.done_rows).update(**changes):
            raise Superseded
        for name in ("done_rows", "applied", "unchanged", "error_count", "progress_at"):
            setattr(job, name, changes[name])

    def _check(self, lines) -> None:
        readings = self._read(lines)
        latest = clock.now() + timedelta(minutes=5)
        named = Sample.objects.filter(barcode__in=json_values(readings))
        samples = {
            row[1]: (SampleRow._make(row[:-1]), row[-1]) for row in plain_values(named, *SAMPLE_ROW_FIELDS, "lab_id")
        }
        pools = {
            pool.barcode: pool for pool in Pool.objects.filter(barcode__in=json_values(set(readings) - set(samples)))
        }
        member_pools = {
            pk: (barcode, result)
            for pk, barcode, result in Pool.objects.filter(
                pk__in={sample.pool_id for sample, _lab in samples.values() if sample.pool_id}
            ).values_list("pk", "barcode", "result")
        }
        pooled: list[tuple[int, Pool, Reading]] = []
        for barcode, (line, reading) in readings.items():
            if barcode in samples:
                sample, lab_id = samples[barcode]
                if lab_id != self.job.lab_id:
                    self.refuse(line, "barcode", _("The sample was not sent to this lab."))
                    continue
                pool_barcode, pool_result = member_pools.get(sample.pool_id or 0, ("", ""))
                refusal = individual_refusal(
                    sample, reading, pool_barcode=pool_barcode, pool_result=pool_result, latest=latest
                )
                self._take(line, refusal, sample.status == "released", (SAMPLE, (sample, reading)))
            elif barcode in pools:
                pooled.append((line, pools[barcode], reading))
            else:
                self.refuse(line, "barcode", _("No sample or pool has the barcode %(code)s.") % {"code": barcode})
        members = self._members([pool for _line, pool, _reading in pooled])
        for line, pool, reading in pooled:
            if pool.lab_id != self.job.lab_id:
                self.refuse(line, "barcode", _("The pool was sent to another lab."))
                continue
            refusal = pool_refusal(pool, members.get(pool.pk, []), reading, latest)
            item = (pool, members.get(pool.pk, []), reading, line)
            self._take(line, refusal, pool.status == "done", (POOL, item))

    def _take(self, line: int, refusal: dict, known: bool, outcome: tuple[str, object]) -> None:
        """A line is refused (with its first reason), known already (unchanged), or taken."""
        if refusal:
            field, message = next(iter(refusal.items()))
            self.refuse(line, field, message)
        else:
            self.outcomes[line] = (KNOWN, None) if known else outcome

    @staticmethod
    def _members(pools: list[Pool]) -> dict[int, list[SampleRow]]:
        members: dict[int, list[SampleRow]] = {}
        rows = Sample.objects.filter(pool_id__in=json_values([pool.pk for pool in pools])).order_by("id")
        for row in plain_values(rows, *SAMPLE_ROW_FIELDS):
            sample = SampleRow._make(row)
            if sample.pool_id is not None:
                members.setdefault(sample.pool_id, []).append(sample)
        return members

    def _read(self, lines) -> dict[str, tuple[int, Reading]]:
        """barcode -> (line, reading) for the lines that parse; the others are refused here. The loop runs a
        million times a file: it calls no method for a good line but the cached parsers."""
        barcode_at, result_at, time_at = (self.columns[name] for name in ("barcode", "result", "result_at"))
        ct_at = [(name, self.columns.get(name)) for name in ("ct_e", "ct_n", "ct_rdrp")]
        has_ct = any(index is not None for _name, index in ct_at)
        width = max(self.columns.values()) + 1
        blanks = [""] * width
        seen = self.seen
        readings: dict[str, tuple[int, Reading]] = {}
        for line, cells in lines:
            if len(cells) < width:  # a short line: its last cells are empty
                cells = cells + blanks[len(cells) :]
            try:
                barcode = cells[barcode_at].strip()
                if not barcode:
                    raise LineError("barcode", _("This column is required."))
                if barcode in seen:
                    raise LineError("barcode", _("Line %(line)d has the same barcode.") % {"line": seen[barcode]})
                seen[barcode] = line
                result = parse_result(_required(cells[result_at], "result"))
                moment = parse_moment(_required(cells[time_at], "result_at"))
                if has_ct:
                    cts = [None if index is None else parse_ct(cells[index].strip(), name) for name, index in ct_at]
                    readings[barcode] = (line, Reading(result, moment, *cts))
                else:
                    readings[barcode] = (line, Reading(result, moment))
            except LineError as error:
                self.refuse(line, error.field, str(error))
        return readings


def _required(text: str, field: str) -> str:
    text = text.strip()
    if not text:
        raise LineError(field, _("This column is required."))
    return text
