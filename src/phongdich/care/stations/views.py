"""Pages of mobile stations and their targets, community teams, and the workforce with its courses."""

from datetime import date

from django.conf import settings
from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.db.models import Prefetch, Q
from django.http import Http404, HttpResponseNotAllowed
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _

from phongdich.core import audit, clock
from phongdich.core.choices import AuditAction
from phongdich.core.scoping import has_permission_somewhere, require_permission, scope_of
from phongdich.core.views import add_form_errors, service_form
from phongdich.places.choices import UnitLevel
from phongdich.places.models import AdminUnit, Facility

from .forms import (
    MEMBER_ROWS,
    AttendanceForm,
    CourseForm,
    MemberFormSet,
    StaffForm,
    StationFilterForm,
    StationForm,
    TeamForm,
    in_scope,
    members_of,
)
from .models import CommunityTeam, CommunityTeamMember, MobileStation, StaffMember, TrainingCourse
from .selectors import (
    commune_readiness,
    norm_warnings,
    staff_counts_of_stations,
    targets_with_progress,
    teams_with_counts,
    workforce_counts,
)
from .services import attendance_set, course_add, staff_add, staff_update, station_create, station_update, team_save

# Stations ------------------------------------------------------------------------------------------------------


def station_list(request):
    require_permission(request.user, "care.view_mobilestation")
    if request.method != "GET":
        return HttpResponseNotAllowed(["GET"])
    user = request.user
    form = StationFilterForm(request.GET or None, user=user)
    stations = MobileStation.objects.visible_to(user).select_related("facility", "commune__parent", "industrial_park")
    if form.is_valid():
        stations = _filter_stations(stations, form.cleaned_data)
    page = Paginator(stations.order_by("commune__path", "pk"), settings.PHONGDICH_PAGE_SIZE).get_page(
        request.GET.get("page")
    )
    rows = list(page.object_list)
    today = clock.today()
    staff = staff_counts_of_stations(rows, today)
    change_scope = scope_of(user, "care.change_mobilestation")
    context = {
        "form": form,
        "page": page,
        "rows": [
            {
                "station": station,
                "staff": staff[station.pk],
                "open": station.is_open_on(today),
                "editable": change_scope.covers_path(station.commune.path),
            }
            for station in rows
        ],
        "can_add": has_permission_somewhere(user, "care.add_mobilestation"),
        "query": _without_page(request.GET),
        "today": today,
    }
    return render(request, "care/stations/stations.html", context)


def _without_page(params) -> str:
    params = params.copy()
    params.pop("page", None)
    return params.urlencode()


def _filter_stations(stations, data: dict):
    if data.get("district"):
        stations = stations.filter(commune__parent=data["district"])
    if data.get("commune"):
        stations = stations.filter(commune=data["commune"])
    if data.get("park") == "park":
        stations = stations.filter(industrial_park__isnull=False)
    elif data.get("park") == "commune":
        stations = stations.filter(industrial_park__isnull=True)
    return stations


def station_new(request):
    require_permission(request.user, "care.add_mobilestation")
    form = StationForm(request.POST or None, user=request.user)
    return service_form(
        request,
        form,
        lambda _data: station_create(actor=request.user, data=form.service_data()),
        title=_("A new mobile medical station"),
        success_message=_("Station saved. Choose the residential groups it serves."),
        success_url=lambda station: reverse("care:station_edit", args=[station.pk]),
        cancel_url=reverse("care:stations"),
    )


def station_edit(request, pk: int):
    require_permission(request.user, "care.change_mobilestation")
    station = get_object_or_404(
        MobileStation.objects.restrict(request.user, "change").select_related("facility", "commune"), pk=pk
    )
    form = StationForm(request.POST or None, user=request.user, station=station)
    return service_form(
        request,
        form,
        lambda _data: station_update(actor=request.user, station=station, data=form.service_data()),
        title=_("%(station)s, %(commune)s") % {"station": station.facility.name, "commune": station.commune.name},
        success_message=_("Station saved."),
        success_url=lambda _station: reverse("care:stations"),
        cancel_url=reverse("care:stations"),
    )


def target_progress(request):
    """Each target: how far the user's area has come by district, and the places still without a station."""
    require_permission(request.user, "care.view_stationtarget")
    if request.method != "GET":
        return HttpResponseNotAllowed(["GET"])
    on = _day(request.GET.get("on"))
    context = {"progresses": targets_with_progress(request.user, on), "on": on or clock.today()}
    return render(request, "care/stations/targets.html", context)


def _day(text: str | None) -> date | None:
    try:
        return date.fromisoformat(text) if text else None
    except ValueError:
        return None


# Community teams -----------------------------------------------------------------------------------------------


def team_communes(request):
    """The communes of the user's area with their stations, teams and households covered."""
    require_permission(request.user, "care.view_communityteam")
    if request.method != "GET":
        return HttpResponseNotAllowed(["GET"])
    scope = scope_of(request.user, "care.view_communityteam")
    groups = in_scope(AdminUnit.objects.filter(level=UnitLevel.GROUP), scope)
    communes = list(
        AdminUnit.objects.filter(level=UnitLevel.COMMUNE)
        .filter(Q(pk__in=in_scope(AdminUnit.objects.all(), scope).values("pk")) | Q(pk__in=groups.values("parent_id")))
        .select_related("parent")
        .order_by("path")
    )
    readiness = commune_readiness(communes)
    rows = [{"commune": commune, "ready": readiness[commune.pk]} for commune in communes]
    return render(request, "care/stations/team_communes.html", {"rows": rows})


def commune_teams(request, pk: int):
    """The residential groups of a commune with their teams, members (for those who may see them) and
    households."""
    require_permission(request.user, "care.view_communityteam")
    user = request.user
    scope = scope_of(user, "care.view_communityteam")
    commune = get_object_or_404(AdminUnit.objects.filter(level=UnitLevel.COMMUNE), pk=pk)
    if not (scope.covers_path(commune.path) or any(root.startswith(commune.path) for root in scope.unit_paths)):
        raise Http404  # neither the commune nor one of its groups is in the user's area
    if request.method != "GET":
        return HttpResponseNotAllowed(["GET"])
    see_members = has_permission_somewhere(user, "care.view_communityteammember")
    teams = teams_with_counts(CommunityTeam.objects.visible_to(user).filter(group__parent=commune))
    if see_members:
        teams = teams.prefetch_related(
            Prefetch("members", queryset=CommunityTeamMember.objects.visible_to(user).order_by("role", "full_name"))
        )
    by_group: dict[int, list] = {}
    for team in teams:
        team.warnings = norm_warnings(team.member_count, team.household_count)
        by_group.setdefault(team.group_id, []).append(team)
    groups = list(in_scope(commune.children.all(), scope).order_by("path"))
    add_scope = scope_of(user, "care.add_communityteam")
    change_scope = scope_of(user, "care.change_communityteam")
    sections = [
        {
            "group": group,
            "teams": by_group.get(group.pk, []),
            "can_add": add_scope.covers_path(group.path),
            "can_change": change_scope.covers_path(group.path),
        }
        for group in groups
    ]
    if see_members:
        _audit_read(user, "care.communityteammember", commune.path, f"{commune.name}: community teams")
    context = {"commune": commune, "sections": sections, "see_members": see_members}
    return render(request, "care/stations/commune_teams.html", context)


def _audit_read(user, object_type: str, unit_path: str, what: str) -> None:
    """A page listing names and phones of people in a unit: one audit row for the page, naming that unit."""
    audit.record(actor=user, action=AuditAction.READ, object_type=object_type, object_repr=what, unit_path=unit_path)


def team_new(request, group_pk: int):
    require_permission(request.user, "care.add_communityteam")
    group = get_object_or_404(
        in_scope(AdminUnit.objects.filter(level=UnitLevel.GROUP), scope_of(request.user, "care.add_communityteam")),
        pk=group_pk,
    )
    return _team_page(request, group, None)


def team_edit(request, pk: int):
    require_permission(request.user, "care.change_communityteam")
    team = get_object_or_404(CommunityTeam.objects.restrict(request.user, "change").select_related("group"), pk=pk)
    return _team_page(request, team.group, team)


def _team_page(request, group, team):
    initial, members = {}, []
    if team is not None:
        initial = {
            "name": team.name,
            "note": team.note,
            "households": list(team.households.values_list("pk", flat=True)),
        }
        members = [{"full_name": m.full_name, "phone": m.phone, "role": m.role} for m in team.members.all()]
    form = TeamForm(request.POST or None, group=group, initial=initial)
    rows = members + [{} for _row in range(max(0, MEMBER_ROWS - len(members)))]
    formset = MemberFormSet(request.POST or None, initial=rows, prefix="members")
    if request.method == "POST" and form.is_valid() and formset.is_valid():
        try:
            saved = team_save(
                actor=request.user,
                group=group,
                team=team,
                name=form.cleaned_data["name"],
                note=form.cleaned_data["note"],
                members=members_of(formset),
                households=list(form.cleaned_data["households"]),
            )
        except ValidationError as error:
            add_form_errors(form, error)
        else:
            messages.success(request, _("Team saved."))
            for warning in norm_warnings(saved.members.count(), saved.households.count()):
                messages.warning(request, warning)
            return redirect("care:commune_teams", group.parent_id)
    context = {"form": form, "formset": formset, "group": group, "team": team}
    return render(request, "care/stations/team_form.html", context)


# Workforce -----------------------------------------------------------------------------------------------------


def staff_list(request):
    """Staff at the facilities the user may see, by facility, with counts by kind and origin."""
    require_permission(request.user, "care.view_staffmember")
    if request.method != "GET":
        return HttpResponseNotAllowed(["GET"])
    user = request.user
    staff = StaffMember.objects.visible_to(user).select_related("facility", "facility__unit")
    facility_id = request.GET.get("facility")
    facility = None
    if facility_id and facility_id.isdigit():
        facility = Facility.objects.filter(pk=facility_id).first()
        staff = staff.filter(facility_id=facility_id)
    page = Paginator(staff.order_by("facility__name", "full_name", "pk"), settings.PHONGDICH_PAGE_SIZE).get_page(
        request.GET.get("page")
    )
    rows = list(page.object_list)
    facilities = sorted({member.facility for member in rows}, key=lambda f: f.name)
    counts = workforce_counts(facilities)
    change_scope = scope_of(user, "care.change_staffmember")
    for member in rows:
        member.editable = change_scope.covers_path(member.facility.unit.path) or (
            member.facility_id in change_scope.facility_ids
        )
    if rows:
        where = facility.unit.path if facility else audit.top_unit_path(user)
        _audit_read(user, "care.staffmember", where, facility.name if facility else "workforce")
    context = {
        "page": page,
        "groups": [(f, counts[f.pk], [m for m in rows if m.facility_id == f.pk]) for f in facilities],
        "facility": facility,
        "query": _without_page(request.GET),
        "can_add": has_permission_somewhere(user, "care.add_staffmember"),
        "can_courses": has_permission_somewhere(user, "care.view_trainingcourse"),
    }
    return render(request, "care/stations/staff.html", context)


def staff_new(request):
    require_permission(request.user, "care.add_staffmember")
    form = StaffForm(request.POST or None, user=request.user)
    return service_form(
        request,
        form,
        lambda _data: staff_add(actor=request.user, data=form.service_data()),
        title=_("A new staff member"),
        success_message=_("Staff member saved."),
        success_url=lambda staff: reverse("care:staff") + f"?facility={staff.facility_id}",
        cancel_url=reverse("care:staff"),
    )


def staff_edit(request, pk: int):
    require_permission(request.user, "care.change_staffmember")
    staff = get_object_or_404(StaffMember.objects.restrict(request.user, "change").select_related("person"), pk=pk)
    form = StaffForm(request.POST or None, user=request.user, staff=staff)
    return service_form(
        request,
        form,
        lambda _data: staff_update(actor=request.user, staff=staff, data=form.service_data()),
        title=staff.full_name,
        success_message=_("Staff member saved."),
        success_url=lambda saved: reverse("care:staff") + f"?facility={saved.facility_id}",
        cancel_url=reverse("care:staff"),
    )


def course_list(request):
    require_permission(request.user, "care.view_trainingcourse")
    if request.method != "GET":
        return HttpResponseNotAllowed(["GET"])
    courses = TrainingCourse.objects.visible_to(request.user).select_related("unit").order_by("-starts_on", "pk")
    page = Paginator(courses, settings.PHONGDICH_PAGE_SIZE).get_page(request.GET.get("page"))
    counts = _attendance_counts([course.pk for course in page.object_list])
    rows = [(course, counts.get(course.pk, (0, 0))) for course in page.object_list]
    context = {"page": page, "rows": rows, "can_add": has_permission_somewhere(request.user, "care.add_trainingcourse")}
    return render(request, "care/stations/courses.html", context)


def _attendance_counts(course_ids: list[int]) -> dict[int, tuple[int, int]]:
    from django.db.models import Count, Q

    from .models import CourseAttendance

    rows = (
        CourseAttendance.objects.filter(course_id__in=course_ids)
        .order_by()
        .values("course_id")
        .annotate(attended=Count("id", filter=Q(attended=True)), completed=Count("id", filter=Q(completed=True)))
    )
    return {row["course_id"]: (row["attended"], row["completed"]) for row in rows}


def course_new(request):
    require_permission(request.user, "care.add_trainingcourse")
    form = CourseForm(request.POST or None, user=request.user)
    return service_form(
        request,
        form,
        lambda data: course_add(actor=request.user, **data),
        title=_("A new training course"),
        success_message=_("Course saved."),
        success_url=lambda course: reverse("care:course", args=[course.pk]),
        cancel_url=reverse("care:courses"),
    )


def course_detail(request, pk: int):
    """A course and who attended and completed it; those who manage the workforce record attendance."""
    require_permission(request.user, "care.view_trainingcourse")
    user = request.user
    course = get_object_or_404(TrainingCourse.objects.visible_to(user).select_related("unit"), pk=pk)
    can_record = scope_of(user, "care.change_courseattendance").covers_path(course.unit.path)
    staff = StaffMember.objects.visible_to(user).select_related("facility")
    form = AttendanceForm(request.POST or None, staff=staff) if can_record else None
    if request.method == "POST":
        if form is None:
            raise PermissionDenied if not has_permission_somewhere(user, "care.change_courseattendance") else Http404
        if form.is_valid():
            try:
                attendance_set(actor=user, course=course, **form.cleaned_data)
            except ValidationError as error:
                add_form_errors(form, error)
            else:
                messages.success(request, _("Attendance saved."))
                return redirect("care:course", course.pk)
    attendances = (
        course.attendances.filter(staff__in=staff).select_related("staff__facility").order_by("staff__full_name")
    )
    _audit_read(user, "care.courseattendance", course.unit.path, course.title)
    return render(
        request, "care/stations/course_detail.html", {"course": course, "attendances": attendances, "form": form}
    )
