"""The tower's pages: the bed board (and its Excel file), a facility's beds, patients and incoming transfers,
putting a facility in the tower, admitting a patient, an admission's page (discharge, death, a move between
tiers), and transfer requests with the facilities asked and their answers."""

import uuid

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404, HttpResponseNotAllowed
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from phongdich.core import audit, clock
from phongdich.core.choices import AuditAction
from phongdich.core.exports import xlsx_download
from phongdich.core.scoping import has_permission_somewhere, require_permission
from phongdich.core.views import add_form_errors, post_action, service_form
from phongdich.people.models import Person
from phongdich.people.selectors import name_people

from ..models import Alert, IsolationOrder
from .choices import BedKind, OfferAnswer, Tier, TransferStatus
from .forms import (
    AdmissionForm,
    AmbulanceForm,
    AnswerForm,
    BoardFilterForm,
    CancelForm,
    CapacityForm,
    DeathForm,
    DischargeForm,
    EnrolForm,
    FacilityStatusForm,
    OfferForm,
    TransferForm,
)
from .models import Admission, TransferOffer, TransferRequest, WardCapacity
from .selectors import area_of, board, capacity_figures, patients_at, towers_for, trend
from .services.admissions import admit, death_record, discharge, discharge_check
from .services.facilities import capacity_set, facility_enrol, facility_update
from .services.transfers import ambulance_dispatch, offer_add, offer_answer, transfer_cancel, transfer_request

KINDS = list(BedKind)


def _board_filters(request) -> tuple[BoardFilterForm, dict]:
    form = BoardFilterForm(request.GET or None, user=request.user)
    chosen = form.cleaned_data if form.is_valid() else {}
    return form, {"unit": chosen.get("district"), "tier": chosen.get("tier")}


def board_view(request):
    """Beds by kind, occupancy, free beds and incoming transfers, by tier, district and facility; the trend."""
    require_permission(request.user, "care.view_ward")
    if request.method != "GET":
        return HttpResponseNotAllowed(["GET"])
    form, chosen = _board_filters(request)
    found = board(request.user, **chosen)
    days = trend(request.user, **chosen)
    area = area_of(request.user, chosen["unit"])
    context = {
        "area": area,
        "capacity": capacity_figures(area) if area is not None else None,
        "form": form,
        "board": found,
        "kinds": KINDS,
        "trend": days,
        "chart": _chart(days),
        "query": request.GET.urlencode(),
        # Each facility's link built from one reversed address: a reverse per row costs more than the row.
        "facility_base": reverse("care:tower_facility", args=[0]).removesuffix("0/"),
        "can_enrol": has_permission_somewhere(request.user, "care.add_treatmentfacility"),
        "can_see_transfers": has_permission_somewhere(request.user, "care.view_transferrequest"),
    }
    return render(request, "care/tower/board.html", context)


def _chart(days) -> dict:
    """Points of an occupancy line (percent of beds) over the days, in a 0–100 by 0–100 box."""
    step = 100 / max(len(days) - 1, 1)
    points = [(round(index * step, 1), 100 - (day.percent or 0)) for index, day in enumerate(days)]
    return {"points": " ".join(f"{x},{y}" for x, y in points)}


BED_FIGURES = (gettext_lazy("beds"), gettext_lazy("occupied"), gettext_lazy("held for transfers"), gettext_lazy("free"))


def board_xlsx(request):
    """The board as an Excel workbook: facilities, tiers and districts, one sheet each."""
    require_permission(request.user, "care.view_ward")
    if request.method != "GET":
        return HttpResponseNotAllowed(["GET"])
    _form, chosen = _board_filters(request)
    found = board(request.user, **chosen)
    figures = [f"{kind.label}: {word}" for kind in KINDS for word in BED_FIGURES]
    header = [_("Facility"), _("Tier"), _("District"), _("Status"), *figures, _("Transfers waiting for an answer")]
    audit.record(
        actor=request.user,
        action=AuditAction.EXPORT,
        object_type="care.ward",
        object_repr=_("Bed board"),
        detail={
            "facilities": len(found.rows),
            "unit": chosen["unit"].name if chosen["unit"] else "",
            "tier": chosen["tier"],
        },
    )
    stamp = clock.today().strftime("%Y%m%d")
    return xlsx_download(
        f"giuong-benh-{stamp}.xlsx",
        [
            (_("Facilities"), header, [_facility_cells(row) for row in found.rows]),
            (_("Tiers"), [_("Tier"), _("Facilities"), *figures], [_group_cells(group) for group in found.tiers]),
            (
                _("Districts"),
                [_("District"), _("Facilities"), *figures],
                [_group_cells(group) for group in found.districts],
            ),
        ],
    )


def _beds_cells(kinds) -> list:
    cells = []
    for kind in KINDS:
        beds = kinds[kind]
        cells += [beds.beds, beds.occupied, beds.held, beds.free]
    return cells


def _facility_cells(row) -> list:
    tower = row.tower
    return [
        tower.facility.name,
        tower.tier,
        row.district,
        tower.get_status_display(),
        *_beds_cells(row.kinds),
        row.incoming,
    ]


def _group_cells(group) -> list:
    return [group.label, group.facilities, *_beds_cells(group.kinds)]


def facility_view(request, facility_pk):
    """A facility's beds by kind and their history, its patients, the transfers it is asked to take."""
    require_permission(request.user, "care.view_ward")
    tower = towers_for(request.user).filter(facility_id=facility_pk).first()
    if tower is None:
        raise Http404
    if request.method != "GET":
        return HttpResponseNotAllowed(["GET"])
    user = request.user
    sees_patients = towers_for(user, "care.view_admission").filter(facility_id=facility_pk).exists()
    patients = list(patients_at(tower.facility)[:500]) if sees_patients else []
    if patients:
        audit.record(
            actor=user,
            action=AuditAction.READ,
            object_type="care.admission",
            object_repr=_("Patients of %(facility)s") % {"facility": tower.facility.name},
            unit_path=tower.facility.unit.path,
            detail={"facility": tower.facility_id, "patients": len(patients)},
        )
    answers = towers_for(user, "care.change_transferoffer").filter(facility_id=facility_pk).exists()
    incoming = (
        TransferOffer.objects.filter(
            facility_id=facility_pk, answer=OfferAnswer.PENDING, request__status=TransferStatus.WAITING
        )
        .select_related("request")
        .order_by("request__requested_at")
    )
    incoming = name_people(user, [offer.request for offer in incoming], person_ref="person_id") if answers else []
    can_change = towers_for(user, "care.change_treatmentfacility").filter(facility_id=facility_pk).exists()
    can_beds = towers_for(user, "care.change_ward").filter(facility_id=facility_pk).exists()
    wards = {ward.bed_kind: ward for ward in tower.facility.wards.all()}
    context = {
        "tower": tower,
        "wards": [(kind, wards.get(kind)) for kind in KINDS],
        "history": WardCapacity.objects.filter(ward__facility_id=facility_pk).select_related("ward", "recorded_by")[
            :30
        ],
        "patients": patients,
        "sees_patients": sees_patients,
        "incoming": incoming,
        "can_admit": towers_for(user, "care.add_admission").filter(facility_id=facility_pk).exists(),
        "capacity_form": CapacityForm() if can_beds else None,
        "status_form": FacilityStatusForm(initial=_status_initial(tower)) if can_change else None,
    }
    return render(request, "care/tower/facility.html", context)


def _status_initial(tower) -> dict:
    return {name: getattr(tower, name) for name in ("status", "ventilators", "high_flow_oxygen", "ecmo")} | {
        "note": tower.status_note
    }


def _tower_or_404(user, facility_pk: int, permission: str):
    tower = towers_for(user, permission).filter(facility_id=facility_pk).first()
    if tower is None:
        raise Http404
    return tower


@require_POST
def capacity_view(request, facility_pk):
    require_permission(request.user, "care.change_ward")
    tower = _tower_or_404(request.user, facility_pk, "care.change_ward")
    post_action(
        request,
        CapacityForm(request.POST),
        lambda data: capacity_set(actor=request.user, facility=tower.facility, **data),
        _("Capacity saved."),
    )
    return redirect("care:tower_facility", facility_pk)


@require_POST
def status_view(request, facility_pk):
    require_permission(request.user, "care.change_treatmentfacility")
    tower = _tower_or_404(request.user, facility_pk, "care.change_treatmentfacility")

    def save(data):
        equipment = {name: data[name] for name in ("ventilators", "high_flow_oxygen", "ecmo")}
        return facility_update(
            actor=request.user, facility=tower.facility, status=data["status"], equipment=equipment, note=data["note"]
        )

    post_action(request, FacilityStatusForm(request.POST), save, _("Facility saved."))
    return redirect("care:tower_facility", facility_pk)


def enrol_view(request):
    require_permission(request.user, "care.add_treatmentfacility")
    form = EnrolForm(request.POST or None, user=request.user)

    def save(data):
        return facility_enrol(
            actor=request.user,
            facility=data["facility"],
            tier=data["tier"],
            beds=form.beds(),
            latitude=data["latitude"],
            longitude=data["longitude"],
        )

    return service_form(
        request,
        form,
        save,
        title=_("Put a facility in the tower"),
        success_message=_("The facility is in the tower."),
        success_url=lambda tower: reverse("care:tower_facility", args=[tower.facility_id]),
        cancel_url=reverse("care:tower_board"),
    )


def admission_new_view(request):
    """Admit a patient: the person from their page (?person=) or an accepted transfer (?transfer=)."""
    require_permission(request.user, "care.add_admission")
    user = request.user
    transfer = None
    if request.GET.get("transfer"):
        transfer = get_object_or_404(
            TransferRequest.objects.visible_to(user), pk=request.GET["transfer"], status=TransferStatus.ACCEPTED
        )
        person = transfer.person
    else:
        person = get_object_or_404(Person.objects.restrict(user, "view").active(), pk=request.GET.get("person") or 0)
    initial = {"client_key": uuid.uuid4().hex}
    if transfer is not None:
        initial |= {"facility": transfer.to_facility_id, "bed_kind": transfer.bed_kind, **transfer.vitals}
    form = AdmissionForm(request.POST or None, user=user, initial=initial)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            admission = admit(
                actor=user,
                person=person,
                facility=data["facility"].facility,
                bed_kind=data["bed_kind"],
                vitals=form.vitals(),
                severity=data["severity"],
                note=data["note"],
                transfer=transfer,
                client_key=data["client_key"],
            )
        except ValidationError as error:
            add_form_errors(form, error)
        else:
            messages.success(request, _("Admitted."))
            return redirect("care:admission", admission.pk)
    return render(request, "care/tower/admission_form.html", {"form": form, "person": person, "transfer": transfer})


def admission_view(request, pk):
    """An admission read in full (audited): the patient, bed, severity, the chain of facilities, whether the
    discharge rules are met; discharge, death and a transfer for who may."""
    require_permission(request.user, "care.view_admission")
    user = request.user
    admission = get_object_or_404(
        Admission.objects.visible_to(user).select_related(
            "person", "facility__unit", "facility__tower", "previous__facility", "rules"
        ),
        pk=pk,
    )
    if request.method != "GET":
        return HttpResponseNotAllowed(["GET"])
    audit.record(
        actor=user,
        action=AuditAction.READ,
        instance=admission,
        person_id=admission.person_id,
        unit_path=admission.facility.unit.path,
    )
    may_change = admission.open and Admission.objects.restrict(user, "change").filter(pk=pk).exists()
    may_transfer = admission.open and has_permission_somewhere(user, "care.add_transferrequest")
    context = {
        "admission": admission,
        "following": getattr(admission, "next", None)
        if Admission.objects.filter(previous=admission).exists()
        else None,
        "check": discharge_check(admission, clock.now()) if admission.open else None,
        "discharge_form": DischargeForm() if may_change else None,
        "death_form": DeathForm() if may_change else None,
        "can_transfer": may_transfer,
    }
    return render(request, "care/tower/admission.html", context)


@require_POST
def admission_discharge_view(request, pk):
    require_permission(request.user, "care.change_admission")
    admission = get_object_or_404(Admission.objects.restrict(request.user, "change"), pk=pk)
    post_action(
        request,
        DischargeForm(request.POST),
        lambda data: discharge(actor=request.user, admission=admission, **data),
        _("Discharged."),
    )
    return redirect("care:admission", pk)


@require_POST
def admission_death_view(request, pk):
    require_permission(request.user, "care.change_admission")
    admission = get_object_or_404(Admission.objects.restrict(request.user, "change"), pk=pk)
    post_action(
        request,
        DeathForm(request.POST),
        lambda data: death_record(actor=request.user, admission=admission, **data),
        _("Death recorded."),
    )
    return redirect("care:admission", pk)


def transfers_view(request):
    """Open transfer requests in the user's area or asked of their facility: escalated first, then the oldest."""
    require_permission(request.user, "care.view_transferrequest")
    if request.method != "GET":
        return HttpResponseNotAllowed(["GET"])
    rows = (
        TransferRequest.objects.visible_to(request.user)
        .filter(status__in=[TransferStatus.WAITING, TransferStatus.ACCEPTED])
        .select_related("unit", "from_facility", "to_facility")
        .order_by("escalated_at", "requested_at")[:300]
    )
    rows = name_people(request.user, rows, person_ref="person_id")
    rows.sort(key=lambda row: (row.escalated_at is None, row.requested_at))
    return render(request, "care/tower/transfers.html", {"transfers": rows, "now": clock.now()})


def _origin_from_query(user, query) -> dict:
    """The alert, order or admission a request starts from, each resolved through the user's scope."""
    if query.get("alert"):
        alert = get_object_or_404(Alert.objects.restrict(user, "change").select_related("report"), pk=query["alert"])
        return {"alert": alert, "person": alert.person}
    if query.get("order"):
        order = get_object_or_404(IsolationOrder.objects.visible_to(user), pk=query["order"])
        return {"order": order, "person": order.person}
    if query.get("admission"):
        admission = get_object_or_404(Admission.objects.visible_to(user), pk=query["admission"])
        return {"admission": admission, "person": admission.person}
    raise Http404


def transfer_new_view(request):
    require_permission(request.user, "care.add_transferrequest")
    origin = _origin_from_query(request.user, request.GET)
    initial = {}
    alert = origin.get("alert")
    if alert is not None and alert.report is not None:
        initial = {
            "breathing_rate": alert.report.breathing_rate,
            "spo2": alert.report.spo2,
            "pulse": alert.report.pulse,
        }
    form = TransferForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            created = transfer_request(
                actor=request.user,
                reason=data["reason"],
                vitals=form.vitals(),
                severity=data["severity"],
                tier=data["tier"],
                bed_kind=data["bed_kind"],
                **origin,
            )
        except ValidationError as error:
            add_form_errors(form, error)
        else:
            messages.success(request, _("Transfer requested: the nearest facilities with a free bed are asked."))
            return redirect("care:transfer", created.pk)
    return render(
        request, "care/tower/transfer_form.html", {"form": form, "person": origin["person"], "origin": origin}
    )


def transfer_view(request, pk):
    """A transfer request (audited read): the patient, readings, the facilities asked and their answers; the
    receiver's accept and decline, asking another facility, the 115 dispatch, cancelling, admitting."""
    require_permission(request.user, "care.view_transferrequest")
    user = request.user
    transfer = get_object_or_404(
        TransferRequest.objects.visible_to(user).select_related(
            "person", "unit", "from_facility", "to_facility", "alert"
        ),
        pk=pk,
    )
    if request.method != "GET":
        return HttpResponseNotAllowed(["GET"])
    audit.record(
        actor=user,
        action=AuditAction.READ,
        instance=transfer,
        person_id=transfer.person_id,
        unit_path=transfer.unit.path,
    )
    offers = list(transfer.offers.select_related("facility__tower", "answered_by"))
    answering = set(
        towers_for(user, "care.change_transferoffer")
        .filter(facility_id__in=[o.facility_id for o in offers])
        .values_list("facility_id", flat=True)
    )
    may_change = transfer.open and TransferRequest.objects.restrict(user, "change").filter(pk=pk).exists()
    context = {
        "transfer": transfer,
        "offers": offers,
        "answering": answering if transfer.status == TransferStatus.WAITING else set(),
        "answer_form": AnswerForm(),
        "offer_form": OfferForm() if may_change and transfer.status == TransferStatus.WAITING else None,
        "ambulance_form": AmbulanceForm() if may_change else None,
        "cancel_form": CancelForm() if may_change else None,
        "can_admit": transfer.status == TransferStatus.ACCEPTED
        and towers_for(user, "care.add_admission").filter(facility_id=transfer.to_facility_id).exists(),
        "tiers": dict(Tier.choices),
    }
    return render(request, "care/tower/transfer.html", context)


def _transfer_for_change(user, pk: int) -> TransferRequest:
    return get_object_or_404(TransferRequest.objects.restrict(user, "change"), pk=pk)


@require_POST
def transfer_answer_view(request, pk, facility_pk):
    require_permission(request.user, "care.change_transferoffer")
    transfer = get_object_or_404(TransferRequest.objects.visible_to(request.user), pk=pk)
    offer = get_object_or_404(TransferOffer, request=transfer, facility_id=facility_pk)
    _tower_or_404(request.user, facility_pk, "care.change_transferoffer")
    accept = request.POST.get("answer") == "accept"
    post_action(
        request,
        AnswerForm(request.POST),
        lambda data: offer_answer(actor=request.user, offer=offer, accept=accept, reason=data["reason"]),
        _("Accepted: the bed is held for the patient.") if accept else _("Declined."),
    )
    return redirect("care:transfer", pk)


def _transfer_action(request, pk: int, form_class, save, success: str):
    """A small form on a transfer's page posted by whoever may change the request: `save(transfer, data)`."""
    require_permission(request.user, "care.change_transferrequest")
    transfer = _transfer_for_change(request.user, pk)
    post_action(request, form_class(request.POST), lambda data: save(transfer, data), success)
    return redirect("care:transfer", pk)


@require_POST
def transfer_offer_view(request, pk):
    def ask(transfer, data):
        return offer_add(
            actor=request.user, request=transfer, facility=data["facility"].facility, reason=data["reason"]
        )

    return _transfer_action(request, pk, OfferForm, ask, _("The facility is asked."))


@require_POST
def transfer_ambulance_view(request, pk):
    def dispatch(transfer, data):
        return ambulance_dispatch(actor=request.user, request=transfer, reference=data["reference"])

    return _transfer_action(request, pk, AmbulanceForm, dispatch, _("115 dispatch recorded."))


@require_POST
def transfer_cancel_view(request, pk):
    def cancel(transfer, data):
        return transfer_cancel(actor=request.user, request=transfer, note=data["note"])

    return _transfer_action(request, pk, CancelForm, cancel, _("Transfer cancelled."))
