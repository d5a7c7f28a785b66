"""The duty log's and briefings' pages: the duty board (the shift on duty, the handover note it received, its
entries and a quick entry form for a phone), the shifts, opening a shift, logging an entry, handing over and
receiving, the entries with their filters and a day's log as a workbook; briefings, planning one, its minutes,
its decisions and the tasks made of them."""

from datetime import timedelta

from django import forms
from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.db.models import Count
from django.http import Http404, HttpResponseNotAllowed
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from phongdich.core import audit, clock
from phongdich.core.choices import AuditAction
from phongdich.core.exports import xlsx_download
from phongdich.core.scoping import require_permission, scope_of
from phongdich.core.views import add_form_errors, post_action
from phongdich.surveillance.models import Case

from ..choices import BriefingStatus
from ..models import Body, BriefingDecision, DutyShift
from .filtersets import BriefingFilterSet, EntryFilterSet, ShiftFilterSet
from .forms import (
    BriefingForm,
    DecisionForm,
    DecisionTaskForm,
    EntryForm,
    EntryLinksForm,
    HandoverForm,
    MinutesForm,
    ShiftForm,
)
from .selectors import (
    briefing_people,
    briefings_where,
    decisions_with_tasks,
    duty_officers_around,
    duty_units,
    entries_visible_to,
    entry_rows,
    home_unit,
    keeps_the_log,
    last_ended_shift,
    name_cases,
    named_people,
    next_shift,
    previous_shift,
    shift_on_duty,
    shift_rows,
    shifts_where,
)
from .services import (
    briefing_close,
    briefing_plan,
    briefing_record,
    decision_add,
    decision_to_task,
    entry_log,
    shift_hand_over,
    shift_open,
    shift_receive,
)

PER_PAGE = 50
BOARD_ENTRIES = 100
SHIFT_ENTRIES = 100
SHIFT_HOURS = 8


def _query_without_page(request) -> str:
    query = request.GET.copy()
    query.pop("page", None)
    return query.urlencode()


def _audit_names(request, entries, *, unit_path: str, detail: dict) -> None:
    """A page that names people through its entries' cases: the read is audited with the unit."""
    if people := named_people(entries):
        audit.record(
            actor=request.user,
            action=AuditAction.READ,
            object_type="command.dutyentry",
            object_repr=_("Duty log entries naming cases"),
            unit_path=unit_path,
            detail=detail | {"persons": people},
        )


def _receiver_of(user, shift: DutyShift | None) -> DutyShift | None:
    """The next shift, when `shift` was handed over, not yet received, and `user` leads the next shift."""
    if shift is None or shift.handed_over_at is None or shift.received_by_id is not None:
        return None
    following = next_shift(shift)
    return following if following is not None and following.lead_id == getattr(user, "pk", None) else None


def _may_log(user, shift: DutyShift) -> bool:
    return (
        shift.handed_over_at is None
        and scope_of(user, "command.add_dutyentry").covers_path(shift.unit.path)
        and keeps_the_log(user, shift)
    )


# The board and the shifts ----------------------------------------------------------------------------------


def board_view(request):
    """The command centre on duty now: the previous shift's handover note on top, the shift and its officers,
    its entries newest first and, for who keeps its log, a quick entry form."""
    require_permission(request.user, "command.view_dutyshift")
    user = request.user
    units = duty_units(user)
    chosen = request.GET.get("unit")
    if chosen:
        if not chosen.isdigit():
            raise Http404
        unit = get_object_or_404(units, pk=chosen)
    else:
        unit = home_unit(user)
        if unit is None:
            raise Http404
    if request.method != "GET":
        return HttpResponseNotAllowed(["GET"])
    now = clock.now()
    shift = shift_on_duty(unit, now)
    before = previous_shift(shift) if shift else last_ended_shift(unit, now)
    upcoming = (
        next_shift(shift)
        if shift
        else DutyShift.objects.filter(unit=unit, starts_at__gt=now).select_related("lead").order_by("starts_at").first()
    )
    entries = []
    if shift is not None:
        entries = name_cases(user, list(entry_rows(shift.entries.all()).order_by("-at", "-pk")[:BOARD_ENTRIES]))
        _audit_names(request, entries, unit_path=unit.path, detail={"shift": shift.pk})
    can_log = shift is not None and _may_log(user, shift)
    context = {
        "unit": unit,
        "units": list(units) if units.count() > 1 else [],
        "shift": shift,
        "officers": list(shift.officers.order_by("full_name", "username")) if shift else [],
        "before": before,
        "receiving": _receiver_of(user, before),
        "upcoming": upcoming,
        "entries": entries,
        "more_entries": shift is not None and len(entries) == BOARD_ENTRIES,
        "form": EntryForm() if can_log else None,
        "can_open": scope_of(user, "command.add_dutyshift").covers_path(unit.path),
        "can_hand_over": shift is not None and shift.handed_over_at is None and keeps_the_log(user, shift),
        "now": now,
    }
    return render(request, "command/duty/board.html", context)


def shifts_view(request):
    require_permission(request.user, "command.view_dutyshift")
    if request.method != "GET":
        return HttpResponseNotAllowed(["GET"])
    user = request.user
    visible = shifts_where(user)
    filterset = ShiftFilterSet(request.GET, queryset=visible, user=user)
    shifts = filterset.qs if filterset.is_valid() else visible.none()
    page = Paginator(shift_rows(shifts).order_by("-starts_at", "-pk"), PER_PAGE).get_page(request.GET.get("page"))
    context = {
        "filter": filterset,
        "page": page,
        "query": _query_without_page(request),
        "can_open": not scope_of(user, "command.add_dutyshift").is_empty,
    }
    return render(request, "command/duty/shifts.html", context)


def shift_view(request, pk):
    require_permission(request.user, "command.view_dutyshift")
    user = request.user
    shift = get_object_or_404(shifts_where(user).select_related("unit", "lead", "received_by"), pk=pk)
    if request.method != "GET":
        return HttpResponseNotAllowed(["GET"])
    entries = entry_rows(shift.entries.all()).order_by("-at", "-pk")
    page = Paginator(entries, SHIFT_ENTRIES).get_page(request.GET.get("page"))
    rows = name_cases(user, list(page))
    _audit_names(request, rows, unit_path=shift.unit.path, detail={"shift": shift.pk, "page": page.number})
    following = next_shift(shift)
    context = {
        "shift": shift,
        "officers": list(shift.officers.order_by("full_name", "username")),
        "page": page,
        "entries": rows,
        "before": previous_shift(shift),
        "following": following,
        "receiving": _receiver_of(user, shift),
        "can_log": _may_log(user, shift) and shift.starts_at - timedelta(hours=1) <= clock.now(),
        "can_hand_over": shift.handed_over_at is None and keeps_the_log(user, shift),
        "query": "",
    }
    return render(request, "command/duty/shift.html", context)


def _shift_initial(request, user) -> dict:
    """A new shift's fields: the unit asked for (or the user's own), starting when its last shift ends (or at
    the hour) for eight hours, led by the user when they may be."""
    units = duty_units(user, "command.add_dutyshift")
    chosen = request.GET.get("unit", "")
    unit = units.filter(pk=chosen).first() if chosen.isdigit() else home_unit(user, "command.add_dutyshift")
    now = timezone.localtime(clock.now()).replace(minute=0, second=0, microsecond=0)
    starts_at = now
    if unit is not None:
        last = DutyShift.objects.filter(unit=unit, ends_at__gt=clock.now()).order_by("-ends_at").first()
        if last is not None:
            starts_at = timezone.localtime(last.ends_at)
    initial = {"unit": unit, "starts_at": starts_at, "ends_at": starts_at + timedelta(hours=SHIFT_HOURS)}
    if duty_officers_around(scope_of(user, "command.add_dutyshift")).filter(pk=user.pk).exists():
        initial["lead"] = user
    return initial


def shift_new_view(request):
    """Put a shift on a command centre's duty."""
    require_permission(request.user, "command.add_dutyshift")
    user = request.user
    form = ShiftForm(
        request.POST or None, user=user, initial=None if request.method == "POST" else _shift_initial(request, user)
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            shift = shift_open(
                actor=user,
                unit=data["unit"],
                starts_at=data["starts_at"],
                ends_at=data["ends_at"],
                lead=data["lead"],
                officers=list(data["officers"]),
            )
        except ValidationError as error:
            add_form_errors(form, error)
        else:
            messages.success(request, _("Shift opened."))
            return redirect("command:duty_shift", shift.pk)
    context = {"form": form, "title": _("Open a duty shift"), "cancel_url": reverse("command:duty_board")}
    return render(request, "core/form.html", context)


def shift_hand_over_view(request, pk):
    """Hand the shift over to the next one with a note."""
    require_permission(request.user, "command.view_dutyshift")
    user = request.user
    shift = get_object_or_404(shifts_where(user).select_related("unit", "lead", "received_by"), pk=pk)
    if not keeps_the_log(user, shift):
        raise PermissionDenied(_("Only the shift's lead and officers hand it over."))
    following = next_shift(shift)
    form = HandoverForm(request.POST or None, initial={"to_shift": following.pk if following else None})
    if request.method == "POST" and form.is_valid():
        try:
            shift_hand_over(
                actor=user, shift=shift, note=form.cleaned_data["note"], to_shift=form.cleaned_data["to_shift"]
            )
        except ValidationError as error:
            add_form_errors(form, error)
        else:
            messages.success(request, _("Shift handed over."))
            return redirect(f"{reverse('command:duty_board')}?unit={shift.unit_id}")
    open_next = f"{reverse('command:duty_shift_new')}?unit={shift.unit_id}"
    context = {
        "form": form,
        "shift": shift,
        "following": following,
        "open_next": open_next,
        "title": _("Hand over the shift"),
        "cancel_url": reverse("command:duty_shift", args=[shift.pk]),
    }
    return render(request, "command/duty/handover.html", context)


@require_POST
def shift_receive_view(request, pk):
    """The next shift's lead receives the handover."""
    require_permission(request.user, "command.view_dutyshift")
    shift = get_object_or_404(shifts_where(request.user), pk=pk)
    try:
        shift_receive(actor=request.user, shift=shift)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, _("Handover received."))
    return redirect(f"{reverse('command:duty_board')}?unit={shift.unit_id}")


def entry_new_view(request, pk):
    """Log an entry in a shift: the board's quick form posts here; this page has the full form, with the case,
    task or alert it concerns."""
    require_permission(request.user, "command.add_dutyentry")
    user = request.user
    shift = get_object_or_404(shifts_where(user, "command.add_dutyentry").select_related("unit", "lead"), pk=pk)
    if not keeps_the_log(user, shift):
        raise PermissionDenied(_("Only the shift's lead and officers log in this shift."))
    form = EntryLinksForm(request.POST or None, user=user, shift=shift)
    after = request.POST.get("next") or request.GET.get("next") or ""
    if not url_has_allowed_host_and_scheme(
        after, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        after = ""
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        case = None
        if data.get("case"):
            case = Case.objects.visible_to(user).filter(pk=data["case"]).first()
            if case is None:
                form.add_error("case", _("No such case in your jurisdiction."))
        if form.is_valid():
            try:
                entry_log(
                    actor=user,
                    shift=shift,
                    at=data["at"],
                    source=data["source"],
                    caller=data["caller"],
                    category=data["category"],
                    content=data["content"],
                    actions=data["actions"],
                    case=case,
                    task=data.get("task"),
                    alert=data.get("alert"),
                )
            except ValidationError as error:
                add_form_errors(form, error)
            else:
                messages.success(request, _("Entry logged."))
                return redirect(after or reverse("command:duty_shift", args=[shift.pk]))
    context = {
        "form": form,
        "shift": shift,
        "next": after,
        "title": _("Log an entry"),
        "cancel_url": after or reverse("command:duty_shift", args=[shift.pk]),
    }
    return render(request, "command/duty/entry_form.html", context)


# Entries ---------------------------------------------------------------------------------------------------


def entries_view(request):
    """The log's entries the user may read, newest first, filtered by day, category, source and unit."""
    require_permission(request.user, "command.view_dutyentry")
    if request.method != "GET":
        return HttpResponseNotAllowed(["GET"])
    user = request.user
    visible = entries_visible_to(user)
    filterset = EntryFilterSet(request.GET, queryset=visible, user=user)
    entries = filterset.qs if filterset.is_valid() else visible.none()
    page = Paginator(entry_rows(entries).order_by("-at", "-pk"), PER_PAGE).get_page(request.GET.get("page"))
    rows = name_cases(user, list(page))
    unit = filterset.form.cleaned_data.get("unit") if filterset.is_valid() else None
    _audit_names(
        request,
        rows,
        unit_path=unit.path if unit else audit.top_unit_path(user),
        detail={"entries": len(rows), "page": page.number},
    )
    export = request.GET.copy()
    export.pop("page", None)
    if not export.get("day"):
        export["day"] = clock.today().isoformat()
    context = {
        "filter": filterset,
        "page": page,
        "entries": rows,
        "query": _query_without_page(request),
        "export_query": export.urlencode(),
    }
    return render(request, "command/duty/entries.html", context)


def entries_xlsx_view(request):
    """A day's log (today unless a day is asked for) as an Excel workbook, with the list's filters; audited."""
    require_permission(request.user, "command.view_dutyentry")
    if request.method != "GET":
        return HttpResponseNotAllowed(["GET"])
    user = request.user
    params = request.GET.copy()
    params.pop("page", None)
    if not params.get("day"):
        params["day"] = clock.today().isoformat()
    filterset = EntryFilterSet(params, queryset=entries_visible_to(user), user=user)
    if not filterset.is_valid():
        raise Http404
    day, unit = filterset.form.cleaned_data["day"], filterset.form.cleaned_data.get("unit")
    rows = name_cases(user, list(entry_rows(filterset.qs).order_by("at", "pk")))
    audit.record(
        actor=user,
        action=AuditAction.EXPORT,
        object_type="command.dutyentry",
        object_repr=_("Duty log of %(day)s") % {"day": day.strftime("%d/%m/%Y")},
        unit_path=unit.path if unit else audit.top_unit_path(user),
        detail={
            "day": day.isoformat(),
            "unit": unit.name if unit else "",
            "entries": len(rows),
            "persons": named_people(rows),
        },
    )
    header = [
        _("Time"),
        _("Unit"),
        _("Shift lead"),
        _("Source"),
        _("Caller"),
        _("Category"),
        _("Content"),
        _("Actions taken"),
        _("Case"),
        _("Task"),
        _("Alert"),
        _("Recorded by"),
    ]
    lines = [
        [
            entry.at,
            entry.shift.unit.name,
            str(entry.shift.lead),
            entry.get_source_display(),
            entry.caller,
            entry.get_category_display(),
            entry.content,
            entry.actions,
            str(entry.case_ref) if entry.case_ref else "",
            str(entry.task) if entry.task_id else "",
            str(entry.alert) if entry.alert_id else "",
            str(entry.recorded_by) if entry.recorded_by_id else "",
        ]
        for entry in rows
    ]
    return xlsx_download(f"so-truc-ban-{day:%Y%m%d}.xlsx", [(_("Duty log"), header, lines)])


# Briefings -------------------------------------------------------------------------------------------------


def briefings_view(request):
    require_permission(request.user, "command.view_briefing")
    if request.method != "GET":
        return HttpResponseNotAllowed(["GET"])
    user = request.user
    visible = briefings_where(user)
    filterset = BriefingFilterSet(request.GET, queryset=visible, user=user)
    briefings = filterset.qs if filterset.is_valid() else visible.none()
    rows = briefings.select_related("unit").annotate(decision_count=Count("decisions")).order_by("-held_at", "-pk")
    page = Paginator(rows, PER_PAGE).get_page(request.GET.get("page"))
    context = {
        "filter": filterset,
        "page": page,
        "query": _query_without_page(request),
        "can_plan": not scope_of(user, "command.add_briefing").is_empty,
    }
    return render(request, "command/duty/briefings.html", context)


def briefing_view(request, pk):
    """A briefing: its agenda, who attended, the minutes, the decisions and the tasks made of them."""
    require_permission(request.user, "command.view_briefing")
    user = request.user
    briefing = get_object_or_404(briefings_where(user).select_related("unit", "created_by"), pk=pk)
    if request.method != "GET":
        return HttpResponseNotAllowed(["GET"])
    can_change = briefings_where(user, "command.change_briefing").filter(pk=pk).exists()
    context = {
        "briefing": briefing,
        "attendees": list(briefing.attendees.order_by("full_name", "username")),
        "bodies": list(briefing.attending_bodies.order_by("name")),
        "decisions": decisions_with_tasks(briefing),
        "can_change": can_change and briefing.status != BriefingStatus.CLOSED,
        "decision_form": DecisionForm() if can_change and briefing.status == BriefingStatus.HELD else None,
        "can_assign": scope_of(user, "command.add_task").covers_path(briefing.unit.path),
        "agenda": [line for line in briefing.agenda.splitlines() if line.strip()],
    }
    return render(request, "command/duty/briefing.html", context)


def briefing_new_view(request):
    """Plan a briefing with its agenda."""
    require_permission(request.user, "command.add_briefing")
    user = request.user
    initial = {
        "unit": home_unit(user, "command.add_briefing"),
        "title": _("Briefing of the steering committee"),
        "held_at": timezone.localtime(clock.now()).replace(minute=0, second=0, microsecond=0) + timedelta(hours=1),
    }
    form = BriefingForm(request.POST or None, user=user, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            briefing = briefing_plan(actor=user, **form.cleaned_data)
        except ValidationError as error:
            add_form_errors(form, error)
        else:
            messages.success(request, _("Briefing planned."))
            return redirect("command:briefing", briefing.pk)
    context = {"form": form, "title": _("Plan a briefing"), "cancel_url": reverse("command:briefings")}
    return render(request, "core/form.html", context)


def _briefing_to_change(request, pk):
    require_permission(request.user, "command.change_briefing")
    return get_object_or_404(briefings_where(request.user, "command.change_briefing").select_related("unit"), pk=pk)


def briefing_minutes_view(request, pk):
    """Record who attended and the minutes."""
    briefing = _briefing_to_change(request, pk)
    user = request.user
    initial = {
        "attendees": list(briefing.attendees.all()),
        "bodies": list(briefing.attending_bodies.all()),
        "absent_note": briefing.absent_note,
        "minutes": briefing.minutes,
    }
    form = MinutesForm(
        request.POST or None,
        people=briefing_people(briefing.unit),
        bodies=Body.objects.visible_to(user).order_by("name"),
        initial=initial,
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            briefing_record(
                actor=user,
                briefing=briefing,
                attendees=list(data["attendees"]),
                bodies=list(data["bodies"]),
                minutes=data["minutes"],
                absent_note=data["absent_note"],
            )
        except ValidationError as error:
            add_form_errors(form, error)
        else:
            messages.success(request, _("Minutes recorded."))
            return redirect("command:briefing", briefing.pk)
    context = {
        "form": form,
        "briefing": briefing,
        "title": _("Minutes of %(title)s") % {"title": briefing},
        "cancel_url": reverse("command:briefing", args=[briefing.pk]),
    }
    return render(request, "command/duty/minutes.html", context)


@require_POST
def decision_add_view(request, pk):
    briefing = _briefing_to_change(request, pk)

    def save(data):
        decision_add(actor=request.user, briefing=briefing, text=data["text"])

    post_action(request, DecisionForm(request.POST), save, _("Decision recorded."))
    return redirect(f"{reverse('command:briefing', args=[briefing.pk])}#decisions")


@require_POST
def briefing_close_view(request, pk):
    briefing = _briefing_to_change(request, pk)

    def save(data):
        briefing_close(actor=request.user, briefing=briefing)

    post_action(request, forms.Form(request.POST), save, _("Minutes closed."))
    return redirect("command:briefing", briefing.pk)


def decision_task_view(request, pk):
    """Make a decision a task of a lead body."""
    require_permission(request.user, "command.add_task")
    user = request.user
    decisions = BriefingDecision.objects.filter(briefing__in=briefings_where(user).values("pk"))
    decision = get_object_or_404(decisions.select_related("briefing__unit"), pk=pk)
    if not scope_of(user, "command.add_task").covers_path(decision.briefing.unit.path):
        raise Http404
    form = DecisionTaskForm(request.POST or None, user=user)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            decision_to_task(
                actor=user,
                decision=decision,
                lead=data["lead"],
                deadline=data["deadline"],
                coordinating=list(data["coordinating"]),
                expected_output=data["expected_output"],
            )
        except ValidationError as error:
            add_form_errors(form, error)
        else:
            messages.success(request, _("Task assigned."))
            return redirect(f"{reverse('command:briefing', args=[decision.briefing_id])}#decisions")
    context = {
        "form": form,
        "decision": decision,
        "title": _("Make the decision a task"),
        "cancel_url": reverse("command:briefing", args=[decision.briefing_id]),
    }
    return render(request, "command/duty/decision_task.html", context)
