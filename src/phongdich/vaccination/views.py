from datetime import date

from django import forms
from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from phongdich.core import clock
from phongdich.core.exports import csv_download
from phongdich.core.import_flow import upload_forget, upload_keep
from phongdich.core.imports import FileFormatError, guess_mapping
from phongdich.core.scoping import has_permission_somewhere, require_permission, scope_of
from phongdich.core.views import add_form_errors, post_action, rules_page, run_import_again, service_form
from phongdich.people.models import Person
from phongdich.places.forms import units_for
from phongdich.places.models import AdminUnit

from .choices import ImportStatus, Priority, ReviewStatus
from .dcc import codec
from .dcc.qr import text_from_image
from .documents import certificate_entry, certificate_pdf, certificate_png, certificate_svg
from .forms import (
    DeliveryForm,
    DoseForm,
    DoseImportForm,
    RevokeForm,
    ShipmentForm,
    TargetForm,
    VaccinationRulesForm,
    VerifyForm,
    lot_choices,
    sites_for,
)
from .importers import DOSE_COLUMNS, MAX_UPLOAD_BYTES, UPLOAD_KIND, dose_import_resume, dose_import_start
from .models import Certificate, Dose, DoseImport, ReviewRow, Shipment, VaccinationRules
from .selectors import (
    certificate_for_reading,
    coverage_by_child,
    coverage_of,
    daily_doses,
    is_revoked,
    last_refresh,
    people_vaccinated_for,
    priority_people,
    rules_in_force,
    stock,
    targets_for,
    trusted_keys,
    vaccination_record_for_reading,
)
from .services import (
    allocation_set,
    certificate_issue,
    certificate_revoke,
    delivery_record,
    dose_record,
    may_certify,
    review_row_decide,
    shipment_approve,
    shipment_propose,
    target_add,
    vaccination_rules_add,
)

PRIORITY_LIMIT = 5000


def _top_unit(user, permission: str) -> AdminUnit:
    scope = scope_of(user, permission)
    if scope.everywhere:
        top = AdminUnit.objects.filter(parent__isnull=True).order_by("path").first()
        if top is None:
            raise Http404
        return top
    units = AdminUnit.objects.filter(path__in=scope.unit_paths).order_by("depth", "path")
    unit = units.first()
    if unit is None:
        raise PermissionDenied
    return unit


# ---- Coverage, targets, priority lists ------------------------------------------------------------------


def coverage(request, pk=None):
    """Coverage of a unit by age band against its targets, and of each unit below it."""
    require_permission(request.user, "vaccination.view_coveragecell")
    if pk is None:
        unit = _top_unit(request.user, "vaccination.view_coveragecell")
    else:
        unit = get_object_or_404(units_for(request.user, "vaccination.view_coveragecell"), pk=pk)
    can_set_target = scope_of(request.user, "vaccination.add_vaccinationtarget").covers_path(unit.path)
    form = TargetForm(request.POST or None) if can_set_target else None
    if _save_posted(request, form, lambda data: target_add(actor=request.user, unit=unit, **data)) is not None:
        messages.success(request, _("Target saved."))
        return redirect(request.path)
    figures = coverage_of(unit)
    context = {
        "form": form,
        "unit": unit,
        "rows": figures.rows(),
        "targets": targets_for(unit, figures),
        "children": [(child, cov.rows()[0]) for child, cov in coverage_by_child(unit)],
        "refresh": last_refresh(),
        "daily": daily_doses(unit=unit, days=7),
        "can_list": scope_of(request.user, "people.view_person").covers_path(unit.path),
        "parent_in_scope": unit.parent is not None
        and scope_of(request.user, "vaccination.view_coveragecell").covers_path(unit.parent.path),
    }
    return render(request, "vaccination/coverage.html", context)


def priority(request, pk):
    """People with no dose yet in the unit's priority groups, group by group: printable, or as CSV."""
    require_permission(request.user, "vaccination.view_coveragecell")
    unit = get_object_or_404(units_for(request.user, "people.view_person"), pk=pk)
    export = request.GET.get("format") == "csv"
    people = priority_people(actor=request.user, unit=unit, limit=PRIORITY_LIMIT, export=export)
    labels = dict(Priority.choices)
    if export:
        header = [_("Residential group"), _("Priority"), _("Full name"), _("Date of birth"), _("Address"), _("Phone")]
        rows = (
            [p.unit.name, labels[p.priority], p.full_name, p.birth_date or p.birth_year, p.address, p.phone]
            for p in people
        )
        return csv_download(f"uu-tien-{unit.code}.csv", header, rows)
    context = {"unit": unit, "people": people, "labels": labels, "limit": PRIORITY_LIMIT, "now": clock.now()}
    return render(request, "vaccination/priority.html", context)


# ---- Doses and certificates -------------------------------------------------------------------------------


def dose_create(request):
    require_permission(request.user, "vaccination.add_dose")
    form = DoseForm(request.POST or None, request.FILES or None, user=request.user)

    def save(data):
        person = data.pop("number")
        return dose_record(actor=request.user, person=person, **data)

    return service_form(
        request,
        form,
        save,
        title=_("Record a dose"),
        success_message=_("Dose recorded."),
        success_url=lambda dose: f"/vaccination/persons/{dose.person_id}/",
    )


def dose_lots(request):
    """The dose form's lot choices for the site chosen (htmx, when the site changes)."""
    require_permission(request.user, "vaccination.add_dose")
    site_id = request.GET.get("site", "")
    if site_id and not site_id.isdigit():
        raise Http404
    site = get_object_or_404(sites_for(request.user, "vaccination.add_dose"), pk=site_id) if site_id else None
    return HttpResponse(forms.Select(choices=lot_choices(site)).render("lot", "", attrs={"id": "id_lot"}))


def _person(request, pk) -> Person:
    require_permission(request.user, "vaccination.view_dose")
    return get_object_or_404(people_vaccinated_for(request.user).select_related("unit"), pk=pk)


def person_record(request, pk):
    """A person's doses and certificates."""
    require_permission(request.user, "vaccination.view_dose")
    try:
        person = vaccination_record_for_reading(request.user, pk)
    except Person.DoesNotExist as error:
        raise Http404 from error
    doses = list(Dose.objects.filter(person=person).select_related("product", "site").order_by("number"))
    certificates = Certificate.objects.visible_to(request.user).filter(person=person).select_related("dose")
    context = {
        "person": person,
        "doses": doses,
        "certificates": certificates,
        "can_issue": bool(doses) and may_certify(request.user, person, doses[-1]),
    }
    return render(request, "vaccination/person.html", context)


@require_POST
def certificate_issue_view(request, pk):
    require_permission(request.user, "vaccination.add_certificate")
    person = _person(request, pk)
    try:
        certificate = certificate_issue(actor=request.user, person=person)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
        return redirect("vaccination:person", pk=person.pk)
    messages.success(request, _("Certificate issued."))
    return redirect(certificate)


def _certificate(request, pk, export: str = "") -> Certificate:
    """The certificate, its read or export audited."""
    require_permission(request.user, "vaccination.view_certificate")
    try:
        return certificate_for_reading(request.user, pk, export=export)
    except Certificate.DoesNotExist as error:
        raise Http404 from error


def certificate_detail(request, pk):
    certificate = _certificate(request, pk)
    context = {
        "certificate": certificate,
        "entry": certificate_entry(certificate),
        "form": RevokeForm(),
        "can_revoke": scope_of(request.user, "vaccination.change_certificate").covers_path(certificate.unit.path),
    }
    return render(request, "vaccination/certificate.html", context)


def certificate_qr(request, pk, kind):
    if kind not in ("png", "svg"):
        raise Http404
    certificate = _certificate(request, pk, export=kind)
    if kind == "png":
        return HttpResponse(certificate_png(certificate), content_type="image/png")
    return HttpResponse(certificate_svg(certificate), content_type="image/svg+xml")


def certificate_card(request, pk):
    certificate = _certificate(request, pk, export="pdf")
    response = HttpResponse(certificate_pdf(certificate), content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="chung-nhan-{certificate.pk}.pdf"'
    return response


@require_POST
def certificate_revoke_view(request, pk):
    require_permission(request.user, "vaccination.change_certificate")
    certificate = get_object_or_404(Certificate.objects.restrict(request.user, "change"), pk=pk)
    post_action(
        request,
        RevokeForm(request.POST),
        lambda data: certificate_revoke(actor=request.user, certificate=certificate, reason=data["reason"]),
        _("Certificate revoked."),
    )
    return redirect(certificate)


def verify(request):
    """The public verifier: scan, upload or paste; it shows validity, name, birth date and doses only."""
    form = VerifyForm(request.POST or None, request.FILES or None)
    result = None
    if request.method == "POST" and form.is_valid():
        result = verify_submission(form.cleaned_data.get("text") or "", form.cleaned_data.get("image"))
    return render(request, "vaccination/verify.html", {"form": form, "result": result})


def verify_submission(text: str, image) -> dict:
    if image is not None:
        try:
            text = text_from_image(image.read())
        except codec.DccError as error:
            return public_view(codec.Verdict(error=error.code, message=str(error)))
    verdict = codec.verify(text, keys=trusted_keys(), at=clock.now(), revoked=is_revoked)
    if verdict.error:
        verdict.message = str(REFUSALS.get(verdict.error, verdict.message))
    return with_days(public_view(verdict))


# The page says why a certificate is refused in the reader's language; the codec's English texts (with their
# technical detail) stay for the API and the command line.
REFUSALS = {
    "not_text": gettext_lazy("The certificate must be text."),
    "too_large": gettext_lazy("The certificate is too large for a QR code."),
    "bad_prefix": gettext_lazy("This is not a vaccine certificate: it must start with HC1:."),
    "bad_base45": gettext_lazy("The certificate text is damaged."),
    "bad_zlib": gettext_lazy("The certificate text is damaged."),
    "bad_cbor": gettext_lazy("The certificate text is damaged."),
    "bad_cose": gettext_lazy("The certificate text is damaged."),
    "bad_payload": gettext_lazy("The certificate does not hold a valid health certificate."),
    "no_kid": gettext_lazy("The certificate does not name the key that signed it."),
    "unknown_kid": gettext_lazy("The certificate was not signed by a trusted issuer."),
    "unsupported_alg": gettext_lazy("The certificate is signed in a way this verifier does not accept."),
    "bad_signature": gettext_lazy("The certificate's signature is not valid: it may have been altered."),
    "not_yet_valid": gettext_lazy("The certificate is not valid yet."),
    "expired": gettext_lazy("The certificate has expired."),
    "revoked": gettext_lazy("The issuer has revoked this certificate."),
}


def _day_or_text(value):
    """A full ISO date (or a 1.0.x date-time, whose day it is) as a date, shown dd/mm/yyyy; a partial one
    ("1956", "1990-07") as it is written."""
    try:
        return date.fromisoformat(value[:10]) if isinstance(value, str) and len(value) >= 10 else value
    except ValueError:
        return value


def public_view(verdict: codec.Verdict) -> dict:
    """What a checkpoint needs and nothing more: validity, name, birth date and the doses, dates as the
    certificate writes them (the API's shape; the page reads them as days through `with_days`)."""
    result: dict = {
        "valid": verdict.valid,
        "verified": verdict.verified,
        "error": verdict.error,
        "message": verdict.message,
    }
    if verdict.payload and verdict.verified:
        name = verdict.payload.get("nam", {})
        result["name"] = " ".join(part for part in (name.get("fn"), name.get("gn")) if part) or " ".join(
            part for part in (name.get("fnt"), name.get("gnt")) if part
        ).replace("<", " ")
        result["dob"] = verdict.payload.get("dob")
        result["doses"] = [
            {"dn": entry.get("dn"), "sd": entry.get("sd"), "dt": entry.get("dt"), "mp": entry.get("mp")}
            for entry in verdict.payload.get("v") or []
        ]
        result["expires_at"] = verdict.expires_at
    return result


def with_days(result: dict) -> dict:
    """The public view with its dates as days, for the page to show dd/mm/yyyy."""
    if "dob" in result:
        result["dob"] = _day_or_text(result["dob"])
        result["doses"] = [{**dose, "dt": _day_or_text(dose["dt"])} for dose in result["doses"]]
    return result


# ---- Sites, stock, shipments ----------------------------------------------------------------------------


def _can(request, permission: str) -> bool:
    return has_permission_somewhere(request.user, f"vaccination.{permission}")


def _save_posted(request, form, save):
    """The object a posted form's service saved, or None (not posted, or the form now shows the errors).
    A page shows no form to those who may not add; posting anyway is refused."""
    if request.method != "POST":
        return None
    if form is None:
        raise PermissionDenied
    if not form.is_valid():
        return None
    try:
        return save(form.cleaned_data)
    except ValidationError as error:
        add_form_errors(form, error)
        return None


def sites(request):
    """Stock and doses per day at the sites the user works at or oversees, and deliveries."""
    require_permission(request.user, "vaccination.view_delivery")
    site_list = sites_for(request.user, "vaccination.view_delivery")
    form = DeliveryForm(request.POST or None, user=request.user) if _can(request, "add_delivery") else None
    if _save_posted(request, form, lambda data: delivery_record(actor=request.user, **data)) is not None:
        messages.success(request, _("Delivery recorded."))
        return redirect("vaccination:sites")
    context = {"stock": stock(site_list), "daily": daily_doses(sites=site_list), "form": form}
    return render(request, "vaccination/sites.html", context)


def shipments(request):
    require_permission(request.user, "vaccination.view_shipment")
    form = ShipmentForm(request.POST or None, user=request.user) if _can(request, "add_shipment") else None
    if (shipment := _save_posted(request, form, lambda data: shipment_propose(actor=request.user, **data))) is not None:
        return redirect(shipment)
    items = Shipment.objects.visible_to(request.user).select_related("product", "unit")[:100]
    return render(request, "vaccination/shipments.html", {"shipments": items, "form": form})


def shipment_detail(request, pk):
    """The proposed split with its inputs; the shares can be edited, then approved."""
    require_permission(request.user, "vaccination.view_shipment")
    shipment = get_object_or_404(Shipment.objects.visible_to(request.user).select_related("product", "unit"), pk=pk)
    allocations = list(shipment.allocations.select_related("unit"))
    if request.method == "POST":
        shares = {a.unit_id: _int(request.POST.get(f"unit-{a.unit_id}"), a.doses) for a in allocations}
        try:
            if "approve" in request.POST:
                shipment_approve(actor=request.user, shipment=shipment, doses_by_unit=shares)
                messages.success(request, _("Split approved."))
            else:
                allocation_set(actor=request.user, shipment=shipment, doses_by_unit=shares)
                messages.success(request, _("Split saved."))
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
        return redirect(shipment)
    can_change = (
        shipment.status == "proposed" and Shipment.objects.restrict(request.user, "change").filter(pk=pk).exists()
    )
    return render(
        request,
        "vaccination/shipment.html",
        {"shipment": shipment, "allocations": allocations, "can_change": can_change},
    )


def _int(text, default: int) -> int:
    try:
        return int(text)
    except (TypeError, ValueError):
        return default


def rules(request):
    return rules_page(
        request,
        model=VaccinationRules,
        form_class=VaccinationRulesForm,
        current=rules_in_force(),
        add=vaccination_rules_add,
        template="vaccination/rules.html",
        success_message=_("New vaccination rules saved."),
    )


# ---- Imports from the national platform -------------------------------------------------------------------


def imports(request):
    require_permission(request.user, "vaccination.view_doseimport")
    form = (
        DoseImportForm(request.POST or None, request.FILES or None, user=request.user)
        if _can(request, "add_doseimport")
        else None
    )
    if (job := _save_posted(request, form, lambda data: _start_import(request, data))) is not None:
        return redirect(job)
    jobs = DoseImport.objects.visible_to(request.user).select_related("unit", "created_by")[:50]
    return render(request, "vaccination/imports.html", {"jobs": jobs, "form": form, "columns": DOSE_COLUMNS})


def _start_import(request, data) -> DoseImport:
    try:
        kept = upload_keep(actor=request.user, kind=UPLOAD_KIND, upload=data["file"], max_bytes=MAX_UPLOAD_BYTES)
    except FileFormatError as error:
        raise ValidationError({"file": str(error)}) from error
    try:
        mapping = guess_mapping(kept.header, DOSE_COLUMNS)
        return dose_import_start(actor=request.user, unit=data["unit"], upload=kept, mapping=mapping)
    except ValidationError as error:
        upload_forget(kept.token)
        raise ValidationError({"file": error.messages}) from error


def import_detail(request, pk):
    require_permission(request.user, "vaccination.view_doseimport")
    job = get_object_or_404(DoseImport.objects.visible_to(request.user).select_related("unit"), pk=pk)
    rows = ReviewRow.objects.visible_to(request.user).filter(dose_import=job, status=ReviewStatus.OPEN)[:200]
    running = job.status in (ImportStatus.QUEUED, ImportStatus.RUNNING)
    can_run_again = job.can_run_again and has_permission_somewhere(request.user, "vaccination.add_doseimport")
    context = {"job": job, "rows": rows, "running": running, "can_run_again": can_run_again}
    return render(request, "vaccination/import.html", context)


@require_POST
def import_run_again(request, pk):
    """Continue a file that stopped part-way from its last committed line (the service checks who may)."""
    require_permission(request.user, "vaccination.add_doseimport")
    job = get_object_or_404(DoseImport.objects.visible_to(request.user), pk=pk)
    return run_import_again(request, job, dose_import_resume, "lines")


@require_POST
def review_decide(request, pk):
    """Match a row from the review queue to a person (by CCCD or phone), or dismiss it."""
    require_permission(request.user, "vaccination.change_reviewrow")
    row = get_object_or_404(ReviewRow.objects.restrict(request.user, "change"), pk=pk)
    person = None
    if number := request.POST.get("number", "").strip():
        from phongdich.people.selectors import person_by_number

        try:
            person = person_by_number(Person.objects.restrict(request.user, "view").active(), number)
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
            return redirect(row.dose_import)
    try:
        review_row_decide(actor=request.user, row=row, person=person)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, _("Dose recorded.") if person else _("Row dismissed."))
    return redirect(row.dose_import)
