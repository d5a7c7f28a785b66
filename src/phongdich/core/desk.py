"""The home page's "desks": for each of the user's role assignments, that role's work for today in its place.

A desk is made of parts that the domain apps build (`<app>/desk.py`, named in ROLE_PARTS): figures that open
the list behind them, counted by that list's own view and filters so the figure is what the list shows, and,
for some roles, a short list of today's work. A role whose own pages are not built yet says so (NOT_YET)."""

from dataclasses import dataclass, field
from urllib.parse import urlencode

from django.urls import resolve, reverse
from django.utils.functional import Promise
from django.utils.module_loading import import_string
from django.utils.translation import gettext_lazy as _

from .navigation import GROUPS, MAIN_TASKS, ROLE_ORDER
from .scoping import has_permission_somewhere


@dataclass
class Figure:
    label: str | Promise
    url: str
    count: int
    capped: bool = False
    urgent: bool = False  # work past its deadline: shown in red when there is any


@dataclass
class Part:
    title: str | Promise
    figures: list[Figure] = field(default_factory=list)
    template: str = ""  # a template for rows of today's work, given `rows`
    rows: list = field(default_factory=list)
    more_url: str = ""


@dataclass
class Desk:
    role: str | Promise
    place: object
    parts: list[Part]
    links: list[tuple[str | Promise, str]]
    not_yet: str | Promise = ""


SURVEILLANCE, LABS, VACCINATION = "phongdich.surveillance.desk", "phongdich.labs.desk", "phongdich.vaccination.desk"
AREA = (f"{SURVEILLANCE}.tracing", f"{LABS}.sampling", f"{VACCINATION}.area_doses")
ROLE_PARTS: dict[str, tuple[str, ...]] = {
    "province_commander": AREA,
    "district_officer": AREA,
    "commune_officer": AREA,
    "community_team": (f"{SURVEILLANCE}.group_tasks", f"{LABS}.sampling"),
    "health_worker": (f"{SURVEILLANCE}.tracing", f"{LABS}.sampling"),
    "lab_technician": (f"{LABS}.lab",),
    "vaccination_staff": (f"{VACCINATION}.site",),
}
NOT_YET = {
    "welfare_officer": _(
        "The welfare officer's own pages (support requests, deliveries to households) are not built yet. "
        "Today you can look up the residents and households of your area."
    ),
    "checkpoint_officer": _(
        "The checkpoint's own pages (who passes, health declarations at the checkpoint) are not built yet. "
        "Today you can check a vaccine certificate: scan its QR code with the phone camera."
    ),
    "enterprise_rep": _(
        "The enterprise's own pages (staff lists, shifts, on-site plans) are not built yet. "
        "Today you can see your staff's periodic testing and who is overdue."
    ),
}


def desks_for(request) -> list[Desk]:
    desks = []
    assignments = request.user.assignments_with_places()
    for assignment in sorted(assignments, key=lambda a: ROLE_ORDER.get(a.role, len(ROLE_ORDER))):
        parts = [import_string(path)(request, assignment) for path in ROLE_PARTS.get(assignment.role, ())]
        desks.append(
            Desk(
                role=assignment.get_role_display(),
                place=assignment.place,
                parts=[part for part in parts if part is not None],
                links=role_links(request.user, assignment.role),
                not_yet=NOT_YET.get(assignment.role, ""),
            )
        )
    return desks


def list_figure(request, label, url_name: str, urgent: bool = False, **params) -> Figure | None:
    """How many rows the list at `url_name` shows with these filters, and the link that opens it; None for a user
    who may not open that list."""
    view_class = resolve(reverse(url_name)).func.view_class  # type: ignore[attr-defined]
    if not has_permission_somewhere(request.user, view_class.permission):
        return None
    query = {name: str(value) for name, value in params.items()}
    count, capped = view_class.capped_count_for(request, query)
    return Figure(label, f"{reverse(url_name)}?{urlencode(query)}", count, capped, urgent and count > 0)


def place_filter(assignment) -> dict:
    """The `unit` filter for an assignment's place: its unit, or the ward of a facility that serves its ward. Other
    facilities (a hospital, a lab) see their own records wherever those live: no unit filter."""
    from phongdich.accounts.roles import SERVES_ITS_WARD

    if assignment.unit_id:
        return {"unit": assignment.unit_id}
    if assignment.facility_id and assignment.facility.kind in SERVES_ITS_WARD:
        return {"unit": assignment.facility.unit_id}
    return {}


def role_links(user, role: str) -> list[tuple[str | Promise, str]]:
    labels = {link.url_name: link for group in GROUPS for link in group.links}
    links = [labels[name] for name in MAIN_TASKS.get(role, ()) if name in labels]
    return [
        (link.label, reverse(link.url_name))
        for link in links
        if not link.permission or has_permission_somewhere(user, link.permission)
    ]


def without_none(*figures: Figure | None) -> list[Figure]:
    return [figure for figure in figures if figure is not None]
