"""/api/v1/levels: assessments, each unit's level with its reasons, the level in effect for a unit, and the
review workflow (run, override, approve, publish); zones, measures and the map have their own routers."""

from datetime import date, datetime

from django.http import Http404
from ninja import Query, Router, Schema, Status

from phongdich.core.api import lookup
from phongdich.core.scoping import require_permission
from phongdich.places.choices import UnitLevel
from phongdich.places.models import AdminUnit

from .choices import Level
from .explain import sentences
from .maps.api import router as maps_router
from .measures.api import router as measures_router
from .models import Assessment, LevelResult
from .selectors import level_now
from .services import assessment_publish, assessment_run, result_override, results_approve
from .zones.api import router as zones_router

router = Router(tags=["levels"])


class AssessmentOut(Schema):
    id: int
    rules: str
    week: date
    assessed_on: date
    status: str
    published_at: datetime | None
    effective_at: datetime | None
    emergency_reason: str

    @staticmethod
    def resolve_rules(assessment) -> str:
        return assessment.rules.code


class ResultOut(Schema):
    id: int
    unit_id: int
    unit_code: str
    unit_name: str
    outcome: str
    inputs: dict
    case_band: int | None
    coverage_class: str
    matrix_level: int | None
    capacity_ok: bool | None
    proposed_level: int | None
    previous_level: int | None
    level: int | None
    override_reason: str
    status: str
    effective_at: datetime | None
    why: list[str]

    @staticmethod
    def resolve_unit_code(result) -> str:
        return result.unit.code

    @staticmethod
    def resolve_unit_name(result) -> str:
        return result.unit.label

    @staticmethod
    def resolve_why(result) -> list[str]:
        return sentences(result.steps, result)


@router.get("/assessments", response=list[AssessmentOut], summary="The latest assessments, newest week first")
def list_assessments(request, limit: int = Query(20, ge=1, le=100)):
    require_permission(request.user, "levels.view_assessment")
    return list(Assessment.objects.select_related("rules").order_by("-week", "-id")[:limit])


class RunIn(Schema):
    on: date | None = None
    rules: str | None = None


@router.post(
    "/assessments", response={201: AssessmentOut}, summary="Propose levels for the last full week before a day"
)
def run_assessment(request, payload: RunIn):
    require_permission(request.user, "levels.add_assessment")
    return Status(201, assessment_run(actor=request.user, on=payload.on, rules_code=payload.rules))


@router.get(
    "/assessments/{int:assessment_id}/results",
    response=list[ResultOut],
    summary="Units of one level (district, commune, group) in an assessment, with their inputs and reasons",
)
def list_results(
    request,
    assessment_id: int,
    level: UnitLevel = UnitLevel.DISTRICT,
    under: int | None = None,
    limit: int = Query(500, ge=1, le=5000),
    offset: int = Query(0, ge=0),
):
    require_permission(request.user, "levels.view_levelresult")
    assessment = lookup(request.user, Assessment, assessment_id, action=None)
    rows = LevelResult.objects.visible_to(request.user).filter(assessment=assessment, unit__level=level)
    if under is not None:
        rows = rows.filter(unit_path__startswith=lookup(request.user, AdminUnit, under).path)
    return list(rows.select_related("unit", "unit__parent").order_by("unit_path")[offset : offset + limit])


@router.get("/units/{int:unit_id}/level", response=ResultOut, summary="The level in effect for a unit now")
def read_level_now(request, unit_id: int):
    require_permission(request.user, "levels.view_levelresult")
    unit = lookup(request.user, AdminUnit, unit_id)
    found = level_now(unit)
    if found is None:
        raise Http404
    return found


class OverrideIn(Schema):
    level: Level
    reason: str


@router.post("/results/{int:result_id}/override", response=ResultOut, summary="Change a proposed level, with a reason")
def override(request, result_id: int, payload: OverrideIn):
    require_permission(request.user, "levels.change_levelresult")
    result = lookup(request.user, LevelResult.objects.select_related("unit"), result_id)
    return result_override(actor=request.user, result=result, level=int(payload.level), reason=payload.reason)


@router.post("/assessments/{int:assessment_id}/approve", response=dict, summary="Approve every proposal not reviewed")
def approve(request, assessment_id: int):
    require_permission(request.user, "levels.change_assessment")
    assessment = lookup(request.user, Assessment, assessment_id, action=None)
    return {"approved": results_approve(actor=request.user, assessment=assessment)}


class PublishIn(Schema):
    effective_at: datetime
    emergency_reason: str = ""


@router.post("/assessments/{int:assessment_id}/publish", response=AssessmentOut, summary="Publish the reviewed levels")
def publish(request, assessment_id: int, payload: PublishIn):
    require_permission(request.user, "levels.change_assessment")
    assessment = lookup(request.user, Assessment.objects.select_related("rules"), assessment_id, action=None)
    return assessment_publish(actor=request.user, assessment=assessment, **payload.dict())


router.add_router("/zones", zones_router)
router.add_router("/measures", measures_router)
router.add_router("/map", maps_router)
