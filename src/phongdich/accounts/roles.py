"""Roles and what each may do. A role is granted where its assignment is bound (see core/scoping.py)."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class Role(models.TextChoices):
    PROVINCE_COMMANDER = "province_commander", _("Province commander")
    PROVINCE_ANALYST = "province_analyst", _("Province analyst")
    DISTRICT_OFFICER = "district_officer", _("District officer")
    COMMUNE_OFFICER = "commune_officer", _("Commune officer")
    COMMUNITY_TEAM = "community_team", _("Community team member")
    HEALTH_WORKER = "health_worker", _("Health worker")
    LAB_TECHNICIAN = "lab_technician", _("Lab technician")
    VACCINATION_STAFF = "vaccination_staff", _("Vaccination staff")
    CHECKPOINT_OFFICER = "checkpoint_officer", _("Checkpoint officer")
    WELFARE_OFFICER = "welfare_officer", _("Welfare officer")
    ENTERPRISE_REP = "enterprise_rep", _("Enterprise representative")
    SYSTEM_ADMIN = "system_admin", _("System administrator")


class Binding(models.TextChoices):
    UNIT = "unit", _("administrative unit")
    FACILITY = "facility", _("facility")
    ORGANISATION = "organisation", _("organisation")


UNITS = {"places.view_adminunit", "places.view_facility", "places.view_venue", "places.view_organisation"}
READ_PEOPLE = {"people.view_person", "people.view_household"}
WRITE_PEOPLE = READ_PEOPLE | {"people.add_person", "people.change_person", "people.add_household"}
MANAGE_PEOPLE = WRITE_PEOPLE | {"people.merge_person", "people.export_person"}
MANAGE_VENUES = {"places.add_venue", "places.change_venue"}
MANAGE_FACILITIES = {"places.add_facility", "places.change_facility"}
MANAGE_PLACES = {"places.change_adminunit"} | MANAGE_VENUES | MANAGE_FACILITIES

RECORD_CHECKINS = {"surveillance.add_checkin"}
SEE_TRACING = {
    "surveillance.view_case",
    "surveillance.view_checkin",
    "surveillance.view_cluster",
    "surveillance.view_contact",
    "surveillance.view_trip",
    "surveillance.view_tracingstate",
    "surveillance.view_levelchange",
    "surveillance.view_tracingtask",
    "surveillance.view_tracingrules",
}
WORK_TASKS = SEE_TRACING | {
    "surveillance.add_contact",
    "surveillance.change_contact",
    "surveillance.change_tracingtask",
}
TRACE = WORK_TASKS | {"surveillance.change_tracingstate", "surveillance.view_declaredcheckin"}
MANAGE_CASES = TRACE | {"surveillance.add_case", "surveillance.change_case", "surveillance.assign_tracingtask"}

SEE_TESTING = {"labs.view_sample", "labs.view_pool", "labs.view_testinground", "labs.view_resampletask"}
SAMPLE = SEE_TESTING | {"labs.add_sample", "labs.add_pool", "labs.change_pool", "labs.change_resampletask"}
RUN_LAB = SEE_TESTING | {
    "labs.view_lab",
    "labs.change_lab",
    "labs.change_sample",
    "labs.change_pool",
    "labs.view_resultimport",
    "labs.add_resultimport",
}
PLAN_TESTING = SAMPLE | {"labs.view_lab", "labs.add_testinground", "labs.view_testingplan", "labs.add_testingplan"}
TESTING_RULES = {"labs.view_testingrules", "labs.add_testingrules"}

SEE_VACCINATION = {"vaccination.view_dose", "vaccination.view_coveragecell", "vaccination.view_vaccinationtarget"}
VACCINATE = SEE_VACCINATION | {
    "vaccination.add_dose",
    "vaccination.view_certificate",
    "vaccination.add_certificate",
    "vaccination.view_delivery",
    "vaccination.add_delivery",
}
MANAGE_VACCINATION = VACCINATE | {
    "vaccination.change_certificate",
    "vaccination.view_doseimport",
    "vaccination.add_doseimport",
    "vaccination.view_reviewrow",
    "vaccination.change_reviewrow",
    "vaccination.view_shipment",
    "vaccination.add_vaccinationtarget",
}
ALLOCATE = MANAGE_VACCINATION | {"vaccination.add_shipment", "vaccination.change_shipment"}

SEE_CARE = {"care.view_isolationorder", "care.view_selfreport", "care.view_alert", "care.view_reportlink"}
TEAM_CARE = SEE_CARE | {
    "care.add_isolationorder",
    "care.add_selfreport",
    "care.change_alert",
    "care.add_carecontact",
    "care.add_medicinedelivery",
}
CARE = TEAM_CARE | {"care.change_isolationorder", "care.add_reportlink", "care.change_reportlink"}
CARE_RULES = {"care.view_isolationrules", "care.view_eligibilityrules", "care.view_warningrules"}
MANAGE_CARE_RULES = CARE_RULES | {
    "care.add_isolationrules",
    "care.add_eligibilityrules",
    "care.add_warningrules",
    "care.change_medicinekind",
    "care.add_medicinekind",
    "care.change_sitecapacity",
}
SEE_SUPPLIES = {"care.view_supplyitem", "care.view_stocklevel", "care.view_stockmovement", "care.view_donation"}
RECORD_SUPPLIES = SEE_SUPPLIES | {"care.add_stockmovement"}
MANAGE_DONATIONS = SEE_SUPPLIES | {"care.add_donation", "care.change_donation"}
SUPPLY_ITEMS = {"care.add_supplyitem", "care.change_supplyitem"}

# The 3-tier tower: beds are aggregate figures; admissions and transfers name their patients.
SEE_BEDS = {"care.view_treatmentfacility", "care.view_ward", "care.view_towerrules"}
SEE_TOWER = SEE_BEDS | {"care.view_admission", "care.view_transferrequest"}
REQUEST_TRANSFERS = SEE_TOWER | {"care.add_transferrequest", "care.change_transferrequest"}
WORK_TOWER = REQUEST_TRANSFERS | {
    "care.add_admission",
    "care.change_admission",
    "care.change_transferoffer",
    "care.change_ward",
    "care.change_treatmentfacility",
}
MANAGE_TOWER = WORK_TOWER | {"care.add_treatmentfacility"}

SEE_STATIONS = {"care.view_mobilestation", "care.view_stationtarget", "care.view_communityteam"}
MANAGE_STATIONS = SEE_STATIONS | {"care.add_mobilestation", "care.change_mobilestation"}
# Team members' names and phones are personal: the province's analyst sees the teams' figures, not who is in them.
TEAM_MEMBERS = {"care.view_communityteammember"}
MANAGE_TEAMS = TEAM_MEMBERS | {"care.add_communityteam", "care.change_communityteam"}
SEE_WORKFORCE = {"care.view_staffmember", "care.view_trainingcourse"}
MANAGE_WORKFORCE = SEE_WORKFORCE | {
    "care.add_staffmember",
    "care.change_staffmember",
    "care.add_trainingcourse",
    "care.change_trainingcourse",
    "care.add_courseattendance",
    "care.change_courseattendance",
}
STATIONS_AND_WORKFORCE = MANAGE_STATIONS | MANAGE_TEAMS | MANAGE_WORKFORCE

# Epidemic levels are public once published; lockdown areas name no one (their residents need people.view_person).
SEE_LEVELS = {
    "levels.view_assessment",
    "levels.view_levelresult",
    "levels.view_levelrules",
    "levels.view_measurerules",
    "levels.view_zone",
    "levels.view_leveltarget",
    "levels.view_capacityentry",
}
LOCAL_LEVELS = SEE_LEVELS | {"levels.add_zone", "levels.change_zone", "levels.add_capacityentry"}
# The province's command centre assesses, reviews and publishes; the province adjusts the criteria and measures.
ASSESS_LEVELS = LOCAL_LEVELS | {"levels.add_assessment", "levels.change_assessment", "levels.change_levelresult"}
LEVEL_RULES = {"levels.add_levelrules", "levels.add_measurerules", "levels.add_leveltarget"}

# The command centre. Its figures, reports, directives and targets name no one; alerts name facilities and units.
SEE_COMMAND = {
    "command.view_dailyfigures",
    "command.view_situationreport",
    "command.view_reporttemplate",
    "command.view_directive",
    "command.view_task",
    "command.view_body",
    "command.view_target",
    "command.view_alert",
    "command.view_forecastrun",
    "command.view_forecastassumptions",
    "command.view_scenario",
}
# A commune's, district's or province's duty officers: the daily report, the duty log, briefings, alerts.
COMMAND_DUTY = SEE_COMMAND | {
    "command.add_situationreport",
    "command.change_situationreport",
    "command.sign_situationreport",
    "command.view_dutyshift",
    "command.add_dutyshift",
    "command.change_dutyshift",
    "command.view_dutyentry",
    "command.add_dutyentry",
    "command.view_briefing",
    "command.add_briefing",
    "command.change_briefing",
    "command.change_alert",
    "command.add_taskprogress",
}
# A district's or the province's steering committee: directives, their tasks, inspections and targets.
RUN_COMMAND = COMMAND_DUTY | {
    "command.add_directive",
    "command.change_directive",
    "command.add_task",
    "command.change_task",
    "command.add_inspection",
    "command.add_target",
    "command.change_target",
    "command.add_body",
    "command.change_body",
    "command.add_forecastrun",
    "command.add_scenario",
    "command.change_scenario",
}
ALERT_RULES = {"command.view_alertrule", "command.add_alertrule", "command.change_alertrule"}

# What a district officer does in their district, and a province commander in the province.
COMMAND_AREA = (
    UNITS
    | MANAGE_PEOPLE
    | MANAGE_VENUES
    | MANAGE_FACILITIES
    | RECORD_CHECKINS
    | MANAGE_CASES
    | PLAN_TESTING
    | ALLOCATE
    | CARE
    | CARE_RULES
    | MANAGE_TOWER
    | STATIONS_AND_WORKFORCE
    | RECORD_SUPPLIES
    | MANAGE_DONATIONS
    | LOCAL_LEVELS
    | RUN_COMMAND
)

ROLE_PERMISSIONS: dict[str, frozenset[str]] = {
    Role.PROVINCE_COMMANDER: frozenset(
        COMMAND_AREA
        | {"labs.view_testingrules", "labs.change_sample", "labs.view_resultimport"}
        | {"vaccination.view_vaccinationrules"}
        | ASSESS_LEVELS
        | LEVEL_RULES
        | ALERT_RULES
    ),
    Role.PROVINCE_ANALYST: frozenset(
        UNITS
        | {"surveillance.view_cluster", "labs.view_testinground", "labs.view_lab", "vaccination.view_shipment"}
        | SEE_BEDS
        | {"vaccination.view_coveragecell", "vaccination.view_vaccinationtarget"}
        | SEE_STATIONS
        | SEE_SUPPLIES
        | SEE_LEVELS
        | SEE_COMMAND
    ),
    Role.DISTRICT_OFFICER: frozenset(COMMAND_AREA),
    Role.COMMUNE_OFFICER: frozenset(
        UNITS
        | MANAGE_PEOPLE
        | MANAGE_VENUES
        | RECORD_CHECKINS
        | MANAGE_CASES
        | SAMPLE
        | MANAGE_VACCINATION
        | CARE
        | REQUEST_TRANSFERS
        | {"labs.view_testingplan"}
        | SEE_STATIONS
        | MANAGE_TEAMS
        | SEE_WORKFORCE
        | LOCAL_LEVELS
        | COMMAND_DUTY
    ),
    Role.COMMUNITY_TEAM: frozenset(
        UNITS
        | WRITE_PEOPLE
        | RECORD_CHECKINS
        | WORK_TASKS
        | SAMPLE
        | SEE_VACCINATION
        | TEAM_CARE
        | {"care.view_communityteam"}
        | TEAM_MEMBERS
        | SEE_LEVELS
    ),
    Role.HEALTH_WORKER: frozenset(
        UNITS
        | WRITE_PEOPLE
        | MANAGE_CASES
        | SAMPLE
        | CARE
        | WORK_TOWER
        | {"labs.change_sample", "vaccination.view_dose"}
        | SEE_STATIONS
        | TEAM_MEMBERS
        | SEE_WORKFORCE
        | RECORD_SUPPLIES
        | SEE_LEVELS
        | {"command.view_alert", "command.change_alert"}
    ),
    Role.LAB_TECHNICIAN: frozenset(UNITS | READ_PEOPLE | RUN_LAB),
    Role.VACCINATION_STAFF: frozenset(UNITS | WRITE_PEOPLE | VACCINATE),
    # A checkpoint records who passes (check-in batches look the numbers up themselves): no register to read.
    Role.CHECKPOINT_OFFICER: frozenset(UNITS | RECORD_CHECKINS | SEE_LEVELS),
    Role.WELFARE_OFFICER: frozenset(UNITS | READ_PEOPLE | MANAGE_DONATIONS | SEE_LEVELS),
    Role.ENTERPRISE_REP: frozenset({"places.view_organisation", "labs.view_testingplan"} | READ_PEOPLE),
    Role.SYSTEM_ADMIN: frozenset(
        UNITS
        | MANAGE_PEOPLE
        | MANAGE_PLACES
        | {"core.view_auditevent", "accounts.manage_users"}
        | {"surveillance.view_tracingrules", "surveillance.add_tracingrules"}
        | TESTING_RULES
        | {"vaccination.view_vaccinationrules", "vaccination.add_vaccinationrules", "vaccination.view_signingkey"}
        | MANAGE_CARE_RULES
        | SEE_BEDS
        | {"care.add_treatmentfacility", "care.change_treatmentfacility", "care.change_ward", "care.add_towerrules"}
        | {"care.add_stationtarget", "care.view_stationtarget"}
        | SUPPLY_ITEMS
        | SEE_LEVELS
        | LEVEL_RULES
        | ALERT_RULES
    ),
}

ROLE_BINDINGS: dict[str, Binding] = {
    Role.PROVINCE_COMMANDER: Binding.UNIT,
    Role.PROVINCE_ANALYST: Binding.UNIT,
    Role.DISTRICT_OFFICER: Binding.UNIT,
    Role.COMMUNE_OFFICER: Binding.UNIT,
    Role.COMMUNITY_TEAM: Binding.UNIT,
    Role.HEALTH_WORKER: Binding.FACILITY,
    Role.LAB_TECHNICIAN: Binding.FACILITY,
    Role.VACCINATION_STAFF: Binding.FACILITY,
    Role.CHECKPOINT_OFFICER: Binding.UNIT,
    Role.WELFARE_OFFICER: Binding.UNIT,
    Role.ENTERPRISE_REP: Binding.ORGANISATION,
    Role.SYSTEM_ADMIN: Binding.UNIT,
}


# What a facility-bound role may see of the ward its facility stands in: unit, venue and facility names, and
# aggregate figures (no person in them). Everything else it sees only where it concerns the facility: the
# samples sent to a lab and the people they were taken from, the doses given at a site and their people.
WARD_REFERENCE = UNITS | SEE_LEVELS | {"vaccination.view_coveragecell", "vaccination.view_vaccinationtarget"}
# Facilities whose work is their ward's population: a commune health station (and a mobile station standing in
# for one) registers cases, samples and monitors the residents of its ward.
SERVES_ITS_WARD = {"commune_health_station", "mobile_station"}


# A health worker sees the staff of their own facility, not of every facility in its ward.
FACILITY_ONLY = SEE_WORKFORCE


def facility_reaches_its_ward(facility_kind: str, permission: str) -> bool:
    if permission in FACILITY_ONLY:
        return False
    return facility_kind in SERVES_ITS_WARD or permission in WARD_REFERENCE


def role_grants(role: str, permission: str) -> bool:
    return permission in ROLE_PERMISSIONS.get(role, frozenset())
