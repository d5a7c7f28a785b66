"""/api/v1/testing: samples, pools, lab receipt and result files, rounds and their figures, labs, re-sampling
tasks and organisations' testing. Scoped and audited like the pages; the same services do the writes."""

from datetime import date, datetime
from decimal import Decimal

from django.core.exceptions import ValidationError
from ninja import File, Form, Query, Router, Schema, Status
from ninja.files import UploadedFile
from pydantic import Field

from phongdich.core.api import filtered, json_object, lookup, lookup_field, lookup_fields
from phongdich.core.import_flow import upload_keep
from phongdich.core.imports import FileFormatError
from phongdich.core.pagination import keyset_page
from phongdich.core.scoping import require_permission
from phongdich.people.api import related_person
from phongdich.people.models import Person
from phongdich.people.selectors import name_people
from phongdich.places.models import AdminUnit

from .choices import Result, SampleKind
from .filtersets import PoolFilterSet, ResampleTaskFilterSet, SampleFilterSet
from .importers import MAX_UPLOAD_BYTES, UPLOAD_KIND, mapping_for, result_import_start
from .models import Lab, Pool, ResampleTask, ResultImport, Sample, TestingPlan, TestingRound
from .selectors import lab_loads, plans_compliance, round_figures, sample_for_reading
from .services import (
    Reading,
    pool_open,
    pool_result_record,
    pool_send,
    round_create,
    sample_register,
    sample_result_record,
    samples_receive,
)

router = Router(tags=["testing"])


class SampleOut(Schema):
    id: int
    barcode: str
    person_id: int
    person_name: str
    unit_id: int
    kind: str
    sampled_at: datetime
    lab_id: int | None
    round_id: int | None
    pool_id: int | None
    status: str
    result: str
    result_source: str
    result_at: datetime | None
    ct_e: Decimal | None
    ct_n: Decimal | None
    ct_rdrp: Decimal | None
    turnaround_minutes: int | None

    @staticmethod
    def resolve_person_name(sample, context) -> str | None:
        return related_person(sample, "person_id", context)  # a lab sees samples of people it may not see


class SamplePage(Schema):
    items: list[SampleOut]
    next_cursor: str | None


class SampleFilters(Schema):
    barcode: str | None = None
    status: str | None = None
    result: str | None = None
    kind: str | None = None
    round: int | None = None
    unit: int | None = None
    person: int | None = None
    pending: bool | None = Field(None, description="true: registered, received or tested, no result released yet.")


class SampleIn(Schema):
    person_id: int
    kind: SampleKind
    sampled_at: datetime
    barcode: str = ""
    lab_id: int | None = None
    pool_id: int | None = None
    round_id: int | None = None
    task_id: int | None = Field(None, description="The re-sampling task this sample answers.")
    symptoms: bool = False
    team: str = ""


class ResultIn(Schema):
    result: Result
    result_at: datetime
    ct_e: Decimal | None = None
    ct_n: Decimal | None = None
    ct_rdrp: Decimal | None = None

    def reading(self) -> Reading:
        return Reading(self.result, self.result_at, self.ct_e, self.ct_n, self.ct_rdrp)


@router.get("/samples", response=SamplePage, summary="Samples in the caller's jurisdiction or sent to their lab")
def list_samples(request, filters: Query[SampleFilters], cursor: str | None = None, limit: int = 50):
    require_permission(request.user, "labs.view_sample")
    found = filtered(SampleFilterSet, filters.dict(), Sample.objects.visible_to(request.user), request.user)
    rows, next_cursor = keyset_page(found, ("-id",), cursor, max(1, min(limit, 200)))
    return {"items": name_people(request.user, rows, person_ref="person_id"), "next_cursor": next_cursor}


@router.post("/samples", response={201: SampleOut}, summary="Register a sample (alone, or into an open pool)")
def create_sample(request, payload: SampleIn):
    require_permission(request.user, "labs.add_sample")
    user = request.user
    sample = sample_register(
        actor=user,
        person=lookup_field(user, Person.objects.active(), payload.person_id, "person_id"),
        kind=payload.kind,
        sampled_at=payload.sampled_at,
        barcode=payload.barcode,
        lab=lookup_field(user, Lab, payload.lab_id, "lab_id", action=None),  # any lab may test a sample
        pool=lookup_field(user, Pool, payload.pool_id, "pool_id"),
        testing_round=lookup_field(user, TestingRound, payload.round_id, "round_id"),
        for_task=lookup_field(user, ResampleTask, payload.task_id, "task_id", "change"),
        symptoms=payload.symptoms,
        team=payload.team,
    )
    return Status(201, sample)


@router.get("/samples/{int:sample_id}", response=SampleOut, summary="Read a sample and its result (audited)")
def read_sample(request, sample_id: int):
    return sample_for_reading(request.user, sample_id)


@router.post("/samples/{int:sample_id}/result", response=SampleOut, summary="Release an individual result")
def record_sample_result(request, sample_id: int, payload: ResultIn):
    sample = lookup(request.user, Sample, sample_id, "change")
    return sample_result_record(actor=request.user, sample=sample, reading=payload.reading())


class ReceiveIn(Schema):
    lab_id: int
    barcodes: list[str] = Field(max_length=5000)


class ReceiveOut(Schema):
    received: int
    refused: list[dict[str, str]]


@router.post("/receive", response=ReceiveOut, summary="The lab receives pools and tubes by barcode")
def receive(request, payload: ReceiveIn):
    require_permission(request.user, "labs.change_lab")
    lab = lookup_field(request.user, Lab, payload.lab_id, "lab_id", "change")
    receipt = samples_receive(actor=request.user, lab=lab, barcodes=payload.barcodes)
    return {"received": receipt.received, "refused": [{"barcode": b, "message": m} for b, m in receipt.errors]}


class PoolOut(Schema):
    id: int
    barcode: str
    lab_id: int
    round_id: int | None
    unit_id: int
    size_limit: int
    high_risk: bool
    status: str
    result: str
    result_at: datetime | None


class PoolRunOut(Schema):
    result: str
    result_at: datetime
    ct_e: Decimal | None
    ct_n: Decimal | None
    ct_rdrp: Decimal | None
    line: int | None


class PoolMemberOut(Schema):
    sample_id: int
    barcode: str
    person_id: int
    person_name: str
    status: str
    result: str
    resample_task_id: int | None
    individual_sample_id: int | None
    individual_result: str


class PoolDetailOut(PoolOut):
    runs: list[PoolRunOut]
    members: list[PoolMemberOut]


class PoolPage(Schema):
    items: list[PoolOut]
    next_cursor: str | None


class PoolIn(Schema):
    barcode: str
    lab_id: int
    unit_id: int
    round_id: int | None = None
    high_risk: bool = False
    team: str = ""


@router.get("/pools", response=PoolPage, summary="Pools in the caller's jurisdiction or sent to their lab")
def list_pools(
    request, barcode: str | None = None, status: str | None = None, cursor: str | None = None, limit: int = 50
):
    require_permission(request.user, "labs.view_pool")
    params = {"barcode": barcode, "status": status}
    found = filtered(PoolFilterSet, params, Pool.objects.visible_to(request.user), request.user)
    rows, next_cursor = keyset_page(found, ("-id",), cursor, max(1, min(limit, 200)))
    return {"items": rows, "next_cursor": next_cursor}


@router.post("/pools", response={201: PoolOut}, summary="Open a pool; its size limit comes from the round or rules")
def create_pool(request, payload: PoolIn):
    require_permission(request.user, "labs.add_pool")
    user = request.user
    pool = pool_open(
        actor=user,
        barcode=payload.barcode,
        lab=lookup_field(user, Lab, payload.lab_id, "lab_id", action=None),  # any lab may test a pool
        unit=lookup_field(user, AdminUnit, payload.unit_id, "unit_id"),
        testing_round=lookup_field(user, TestingRound, payload.round_id, "round_id"),
        high_risk=payload.high_risk,
        team=payload.team,
    )
    return Status(201, pool)


@router.get("/pools/{int:pool_id}", response=PoolDetailOut, summary="A pool, its runs and what each did to each member")
def read_pool(request, pool_id: int):
    pool = lookup(request.user, Pool, pool_id)
    tasks = {task.cause_id: task for task in pool.resample_tasks.select_related("sample")}
    members = []
    for sample in name_people(request.user, pool.samples.order_by("id"), person_ref="person_id"):
        task = tasks.get(sample.pk)
        individual = getattr(task, "sample", None) if task else None
        members.append(
            {
                "sample_id": sample.pk,
                "barcode": sample.barcode,
                "person_id": sample.person_id,
                "person_name": str(sample.person_ref),
                "status": sample.status,
                "result": sample.result,
                "resample_task_id": task.pk if task else None,
                "individual_sample_id": individual.pk if individual else None,
                "individual_result": individual.result if individual else "",
            }
        )
    return {**PoolOut.from_orm(pool).dict(), "runs": list(pool.results.all()), "members": members}


@router.post("/pools/{int:pool_id}/send", response=PoolOut, summary="Seal a pool and send it to its lab")
def send_pool(request, pool_id: int):
    pool = lookup(request.user, Pool, pool_id, "change")
    return pool_send(actor=request.user, pool=pool)


@router.post("/pools/{int:pool_id}/result", response=PoolOut, summary="A pool's result: applies to every member")
def record_pool_result(request, pool_id: int, payload: ResultIn):
    pool = lookup(request.user, Pool, pool_id, "change")
    return pool_result_record(actor=request.user, pool=pool, reading=payload.reading())


class ImportOut(Schema):
    id: int
    lab_id: int
    file_name: str
    status: str
    total_rows: int
    done_rows: int
    applied: int
    unchanged: int
    error_count: int
    message: str
    errors_csv: str = Field("", description="line,column,message of refused lines, once the import has finished")


@router.post(
    "/imports", response={202: ImportOut}, summary="Upload a lab's result file; it is imported in the background"
)
def upload_results(request, lab_id: Form[int], file: File[UploadedFile], mapping: Form[str] = ""):
    """`mapping` is a JSON object field → column (fields: barcode, result, result_at, ct_e, ct_n, ct_rdrp);
    without it, the lab's saved mapping or the one guessed from the headers is used."""
    require_permission(request.user, "labs.add_resultimport")
    lab = lookup_field(request.user, Lab, lab_id, "lab_id", "change")
    try:
        kept = upload_keep(actor=request.user, kind=UPLOAD_KIND, upload=file, max_bytes=MAX_UPLOAD_BYTES)
    except FileFormatError as error:
        raise ValidationError({"file": str(error)}) from error
    chosen = json_object(mapping, "mapping")
    if chosen is None:
        chosen = mapping_for(lab, kept.header)
    job = result_import_start(actor=request.user, lab=lab, upload=kept, mapping=chosen)
    return Status(202, _import_out(job))


@router.get("/imports/{int:import_id}", response=ImportOut, summary="A result file's progress and refused lines")
def read_import(request, import_id: int):
    require_permission(request.user, "labs.view_resultimport")
    return _import_out(lookup(request.user, ResultImport, import_id))


def _import_out(job: ResultImport) -> dict:
    fields = ["id", "lab_id", "file_name", "status", "total_rows", "done_rows", "applied", "unchanged", "error_count"]
    return {**{name: getattr(job, name) for name in fields}, "message": job.message, "errors_csv": job.errors}


class RoundIn(Schema):
    name: str
    unit_id: int
    starts_on: date
    ends_on: date
    group_ids: list[int] = []
    pool_size: int | None = None
    high_risk_pool_size: int | None = None
    priority_groups: list[str] = []
    notes: str = ""


class RoundOut(Schema):
    id: int
    name: str
    number: int
    unit_id: int
    starts_on: date
    ends_on: date
    target_population: int
    pool_size: int | None
    high_risk_pool_size: int | None
    priority_groups: list[str]


class FiguresOut(Schema):
    unit_id: int | None
    unit_name: str
    residents: int
    sampled: int
    coverage: float | None
    pending: int
    tested: int
    positive: int
    positivity: float | None
    turnaround_median_hours: float | None
    turnaround_p90_hours: float | None


class RoundFiguresOut(Schema):
    round: RoundOut
    cycle_days: int | None
    total: FiguresOut
    groups: list[FiguresOut]


@router.get("/rounds", response=list[RoundOut], summary="Testing rounds in the caller's jurisdiction (newest 200)")
def list_rounds(request):
    require_permission(request.user, "labs.view_testinground")
    return list(TestingRound.objects.visible_to(request.user).order_by("-starts_on", "-id")[:200])


@router.post("/rounds", response={201: RoundOut}, summary="Start a testing round over an area")
def create_round(request, payload: RoundIn):
    require_permission(request.user, "labs.add_testinground")
    user, data = request.user, payload.dict()
    unit = lookup_field(user, AdminUnit, data.pop("unit_id"), "unit_id")
    groups = lookup_fields(user, AdminUnit, data.pop("group_ids"), "group_ids")
    return Status(201, round_create(actor=user, unit=unit, groups=groups, **data))


@router.get("/rounds/{int:round_id}/figures", response=RoundFiguresOut, summary="A round's live figures per group")
def read_round_figures(request, round_id: int):
    require_permission(request.user, "labs.view_testinground")
    testing_round = lookup(request.user, TestingRound, round_id)
    figures = round_figures(testing_round)
    return {
        "round": testing_round,
        "cycle_days": figures.cycle_days,
        "total": _figures_out(figures.total),
        "groups": [_figures_out(f) for f in figures.by_group],
    }


def _figures_out(figures) -> dict:
    names = ["residents", "sampled", "coverage", "pending", "tested", "positive", "positivity"]
    return {
        "unit_id": figures.unit.pk if figures.unit else None,
        "unit_name": figures.unit.name if figures.unit else "",
        **{name: getattr(figures, name) for name in names},
        "turnaround_median_hours": figures.turnaround_median_hours,
        "turnaround_p90_hours": figures.turnaround_p90_hours,
    }


class LabOut(Schema):
    id: int
    name: str
    daily_capacity: int
    backlog: int
    released_by_day: list[tuple[date, int]]
    turnaround_median_hours: float | None
    turnaround_p90_hours: float | None


@router.get("/labs", response=list[LabOut], summary="Labs: capacity, backlog, results per day and turnaround")
def list_labs(request):
    require_permission(request.user, "labs.view_lab")
    return [
        {
            "id": load.lab.pk,
            "name": load.lab.facility.name,
            "daily_capacity": load.lab.daily_capacity,
            "backlog": load.backlog,
            "released_by_day": load.released_by_day,
            "turnaround_median_hours": load.turnaround_median_hours,
            "turnaround_p90_hours": load.turnaround_p90_hours,
        }
        for load in lab_loads(Lab.objects.visible_to(request.user))
    ]


class ResampleTaskOut(Schema):
    id: int
    person_id: int
    person_name: str
    unit_id: int
    reason: str
    pool_id: int | None
    cause_id: int
    due_at: datetime
    status: str

    @staticmethod
    def resolve_person_name(task, context) -> str | None:
        return related_person(task, "person_id", context)


class ResampleTaskPage(Schema):
    items: list[ResampleTaskOut]
    next_cursor: str | None


@router.get("/resample-tasks", response=ResampleTaskPage, summary="People to sample again")
def list_resample_tasks(request, state: str | None = None, reason: str | None = None, cursor: str | None = None):
    require_permission(request.user, "labs.view_resampletask")
    params = {"state": state, "reason": reason}
    found = filtered(ResampleTaskFilterSet, params, ResampleTask.objects.visible_to(request.user), request.user)
    rows, next_cursor = keyset_page(found, ("-id",), cursor, 100)
    return {"items": name_people(request.user, rows, person_ref="person_id"), "next_cursor": next_cursor}


class ComplianceOut(Schema):
    organisation_id: int
    organisation: str
    every_days: int
    responsible: str
    staff: int
    overdue: int


@router.get("/plans", response=list[ComplianceOut], summary="Organisations' periodic testing: staff overdue")
def list_plans(request):
    require_permission(request.user, "labs.view_testingplan")
    return [
        {
            "organisation_id": row.plan.organisation_id,
            "organisation": row.plan.organisation.name,
            "every_days": row.plan.every_days,
            "responsible": row.plan.responsible,
            "staff": row.staff,
            "overdue": row.overdue,
        }
        for row in plans_compliance(TestingPlan.objects.visible_to(request.user))
    ]
