"""The menu: links grouped by domain, each shown to those who hold its permission somewhere, and each role's main
tasks first. A new app adds its group to GROUPS and, if a role's daily work is there, its links to MAIN_TASKS."""

from dataclasses import dataclass
from itertools import zip_longest

from django.urls import reverse
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from .scoping import has_permission_somewhere


@dataclass(frozen=True)
class Link:
    url_name: str
    label: str | Promise
    permission: str = ""  # "" = any logged-in user


@dataclass(frozen=True)
class Group:
    label: str | Promise
    links: tuple[Link, ...]


GROUPS = (
    Group(
        _("Command centre"),
        (
            Link("command:dashboard", _("Dashboard"), "command.view_dailyfigures"),
            Link("command:alerts", _("Alert inbox"), "command.view_alert"),
            Link("command:forecast", _("Forecasts and scenarios"), "command.view_forecastrun"),
            Link("command:reports", _("Situation reports"), "command.view_situationreport"),
            Link("command:duty_board", _("Duty log"), "command.view_dutyshift"),
            Link("command:briefings", _("Briefings"), "command.view_briefing"),
            Link("command:directives", _("Directives"), "command.view_directive"),
            Link("command:tasks", _("Tasks of the directives"), "command.view_task"),
            Link("command:tasks_overdue", _("Overdue tasks"), "command.view_task"),
            Link("command:targets", _("Targets"), "command.view_target"),
            Link("command:bodies", _("Bodies"), "command.view_body"),
            Link("command:alert_rules", _("Alert rules"), "command.view_alertrule"),
        ),
    ),
    Group(
        _("People and places"),
        (
            Link("people:list", _("Persons"), "people.view_person"),
            Link("places:tree", _("Units"), "places.view_adminunit"),
            Link("places:venues", _("QR venues"), "places.view_venue"),
            Link("places:facilities", _("Facilities"), "places.view_facility"),
            Link("people:duplicates", _("Duplicates"), "people.merge_person"),
        ),
    ),
    Group(
        _("Tracing"),
        (
            Link("surveillance:cases", _("Cases"), "surveillance.view_case"),
            Link("surveillance:levels", _("F-levels"), "surveillance.view_tracingstate"),
            Link("surveillance:tasks", _("Tasks"), "surveillance.view_tracingtask"),
            Link("surveillance:clusters", _("Clusters"), "surveillance.view_cluster"),
            Link("surveillance:trips", _("Trips"), "surveillance.view_trip"),
        ),
    ),
    Group(
        _("Testing"),
        (
            Link("labs:samples", _("Samples"), "labs.view_sample"),
            Link("labs:pools", _("Pools"), "labs.view_pool"),
            Link("labs:tasks", _("Re-sampling"), "labs.view_resampletask"),
            Link("labs:rounds", _("Testing rounds"), "labs.view_testinground"),
            Link("labs:plans", _("Staff testing"), "labs.view_testingplan"),
            Link("labs:labs", _("Labs"), "labs.view_lab"),
        ),
    ),
    Group(
        _("Vaccination"),
        (
            Link("vaccination:dose_create", _("Record a dose"), "vaccination.add_dose"),
            Link("vaccination:coverage", _("Coverage"), "vaccination.view_coveragecell"),
            Link("vaccination:sites", _("Vaccine stock"), "vaccination.view_delivery"),
            Link("vaccination:shipments", _("Shipments"), "vaccination.view_shipment"),
            Link("vaccination:imports", _("Dose imports"), "vaccination.view_doseimport"),
            Link("verify", _("Verify a certificate")),
        ),
    ),
    Group(
        _("Care"),
        (
            Link("care:orders", _("Isolation and home treatment"), "care.view_isolationorder"),
            Link("care:alerts", _("Alerts"), "care.view_alert"),
            Link("care:missed", _("Missed reports"), "care.view_isolationorder"),
            Link("care:release_list", _("Releases due"), "care.view_isolationorder"),
            Link("care:order_create", _("New isolation order"), "care.add_isolationorder"),
            Link("care:sites", _("Concentrated sites"), "care.view_isolationorder"),
        ),
    ),
    Group(
        _("Treatment tower"),
        (
            Link("care:tower_board", _("Treatment tower: beds"), "care.view_ward"),
            Link("care:transfers", _("Transfers"), "care.view_transferrequest"),
        ),
    ),
    Group(
        _("Mobile stations and health workforce"),
        (
            Link("care:stations", _("Mobile stations"), "care.view_mobilestation"),
            Link("care:station_targets", _("Station targets"), "care.view_stationtarget"),
            Link("care:teams", _("Community teams"), "care.view_communityteam"),
            Link("care:staff", _("Workforce"), "care.view_staffmember"),
            Link("care:courses", _("Training courses"), "care.view_trainingcourse"),
        ),
    ),
    Group(
        _("Supplies and donations"),
        (
            Link("care:supply_stock", _("Supplies"), "care.view_stocklevel"),
            Link("care:supply_low", _("Low stock"), "care.view_stocklevel"),
            Link("care:supply_donations", _("Donations in kind"), "care.view_donation"),
        ),
    ),
    Group(
        _("Epidemic levels"),
        (
            Link("levels:home", _("Weekly assessments"), "levels.view_assessment"),
            Link("levels:map", _("Level map"), "levels.view_levelresult"),
            Link("levels:measures", _("Measures by level"), "levels.view_measurerules"),
            Link("levels:zones", _("Lockdown areas"), "levels.view_zone"),
            Link("levels:capacity", _("Capacity figures"), "levels.view_capacityentry"),
        ),
    ),
    Group(
        _("Administration"),
        (
            Link("accounts:users", _("Accounts"), "accounts.manage_users"),
            Link("core:audit", _("Audit"), "core.view_auditevent"),
            Link("surveillance:rules", _("Tracing rules"), "surveillance.add_tracingrules"),
            Link("labs:rules", _("Testing rules"), "labs.add_testingrules"),
            Link("vaccination:rules", _("Vaccination rules"), "vaccination.add_vaccinationrules"),
            Link("care:rules", _("Care rules"), "care.view_isolationrules"),
            Link("care:medicines", _("Medicine packages"), "care.change_medicinekind"),
            Link("care:sites", _("Concentrated sites"), "care.change_sitecapacity"),
            Link("care:supply_items", _("Supply items"), "care.change_supplyitem"),
        ),
    ),
)

# Each role's daily work, by url name, in the order the role reaches for it: shown first, in the bar on a desktop.
MAIN_TASKS: dict[str, tuple[str, ...]] = {
    "province_commander": (
        "command:dashboard",
        "surveillance:cases",
        "surveillance:clusters",
        "care:tower_board",
        "labs:rounds",
        "vaccination:coverage",
    ),
    "province_analyst": ("command:dashboard", "places:tree", "labs:rounds", "labs:labs", "vaccination:coverage"),
    "district_officer": (
        "command:dashboard",
        "surveillance:cases",
        "care:alerts",
        "surveillance:tasks",
        "labs:rounds",
        "vaccination:coverage",
    ),
    "commune_officer": (
        "people:list",
        "surveillance:cases",
        "surveillance:levels",
        "surveillance:tasks",
        "care:alerts",
    ),
    "community_team": ("surveillance:tasks", "care:alerts", "care:orders", "people:list", "labs:pools", "labs:tasks"),
    "health_worker": ("care:alerts", "care:orders", "people:list", "surveillance:cases", "labs:samples", "labs:tasks"),
    "lab_technician": ("labs:samples", "labs:pools", "labs:labs"),
    "vaccination_staff": ("vaccination:dose_create", "people:list", "vaccination:sites"),
    "checkpoint_officer": ("verify",),
    "welfare_officer": ("people:list", "places:tree", "care:supply_donations"),
    "enterprise_rep": ("labs:plans", "people:list"),
    "system_admin": ("accounts:users", "core:audit", "people:duplicates"),
}
MAIN_TASKS_SHOWN = 5
ROLE_ORDER = {role: position for position, role in enumerate(MAIN_TASKS)}


def menu_for(user, path: str) -> dict:
    """{"main": the user's main tasks, "groups": [{"label", "links"}] of the other links}; a link is a dict with
    url, label and active. A page listed in two groups (for two permissions) shows once, in the first the user
    may open it from. Empty groups are left out."""
    permitted: dict[str, dict] = {}
    placed: dict[str, Group] = {}
    for group in GROUPS:
        for link in group.links:
            if link.url_name in permitted or (link.permission and not has_permission_somewhere(user, link.permission)):
                continue
            permitted[link.url_name], placed[link.url_name] = _entry(link), group
    _mark_active(permitted.values(), path)
    main_names = _main_task_names(user, permitted)
    groups = []
    for group in GROUPS:
        links = [permitted[link.url_name] for link in group.links if placed.get(link.url_name) is group]
        links = [link for link in links if link["name"] not in main_names]
        if links:
            groups.append({"label": group.label, "links": links})
    return {"main": [permitted[name] for name in main_names], "groups": groups}


def _main_task_names(user, permitted: dict) -> list[str]:
    """Each role's main tasks taken in turn (a second role's first task before the first role's fifth), the roles
    in the order of MAIN_TASKS, so the menu is the same whatever order the assignments come in."""
    roles = sorted({row[0] for row in user.scope_rows()}, key=lambda role: ROLE_ORDER.get(role, len(ROLE_ORDER)))
    lists = [[name for name in MAIN_TASKS.get(role, ()) if name in permitted] for role in roles]
    names: list[str] = []
    for name in (name for turn in zip_longest(*lists) for name in turn if name):
        if name not in names:
            names.append(name)
    return names[:MAIN_TASKS_SHOWN]


def _entry(link: Link) -> dict:
    return {"name": link.url_name, "url": reverse(link.url_name), "label": link.label, "active": False}


def _mark_active(entries, path: str) -> None:
    """The link whose address is the longest start of the path: /vaccination/sites/ is Vaccine stock, not the
    coverage page at /vaccination/."""
    matching = [entry for entry in entries if path.startswith(entry["url"])]
    if matching:
        max(matching, key=lambda entry: len(entry["url"]))["active"] = True
