"""Who may open what: every page and API endpoint, for every persona, in one table.

`a` is a resident of Lái Thiêu (Thuận An district), `b` a resident of Hiệp Thành (Thủ Dầu Một district).
403 = the role has no such page anywhere; 404 = the record is outside the user's jurisdiction.
A persona with two roles gets, unless a row says otherwise, what the better placed of its two roles gets: a row
that says otherwise is a place where holding both must not add up to more.
"""

import json
import re
from datetime import date, timedelta

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import transaction
from django.urls import URLPattern, URLResolver, get_resolver
from django.utils import timezone

from phongdich.core import clock
from phongdich.places.models import Facility

# The personas by the letter used in the tables below.
PERSONAS = {
    "P": "province_commander",
    "C": "commune_officer",
    "D": "district_officer",
    "O": "other_commune",
    "H": "health_worker",
    "T": "community_team",
    "A": "analyst",
    "X": "outsider",
    "E": "enterprise_rep",
    "S": "system_admin",
    "L": "lab_technician",
    # Two roles each (core/testing.py).
    "Y": "analyst_commune",
    "Z": "district_admin",
    "K": "commander_commune",
}
# The single-role personas whose places each two-role persona's roles match: Y is the analyst and the officer
# of Hiệp Thành; K the province commander and the officer of Lái Thiêu. Z's administrator role covers only
# Thuận An, so rows where the province's administrator reaches Hiệp Thành say what Z gets.
TWO_ROLES = {"Y": ("A", "O"), "Z": ("S", "C"), "K": ("P", "C")}


def expect(default, **overrides):
    single = {letter: overrides.get(letter, default) for letter in PERSONAS if letter not in TWO_ROLES}
    for letter, (first, second) in TWO_ROLES.items():
        single[letter] = overrides.get(letter, _better(single[first], single[second]))
    return {PERSONAS[letter]: status for letter, status in single.items()}


def _better(first: int, second: int) -> int:
    """What a user holding both roles gets: an answer over a refusal, "not yours" (404) over "not your role"."""
    rank = {403: 0, 404: 1}
    return max(first, second, key=lambda status: rank.get(status, 2))


# Care in Lái Thiêu: the province, the district, the commune, the ward's health station and the residential group's
# team; a commune officer of Hiệp Thành sees the lists but not the record.
CARE_LIST = expect(200, A=403, X=403, E=403, S=403, L=403)
CARE_RECORD = expect(200, O=404, A=403, X=403, E=403, S=403, L=403)
CARE_ACT = expect(302, O=404, A=403, X=403, E=403, S=403, L=403)
CARE_LINK = expect(302, T=403, O=404, A=403, X=403, E=403, S=403, L=403)  # a team enters readings, links are not theirs

# The tower's patients and transfers in Lái Thiêu: the province, the district, the commune and the ward's station.
TOWER_RECORD = expect(200, O=404, T=403, A=403, X=403, E=403, S=403, L=403)
TOWER_BEDS = expect(403, P=302, D=302, H=302, S=302)  # a facility's beds and status: the command and its staff
TOWER_PATIENT = expect(403, P=302, D=302, H=302)  # discharge, death, a facility's answer: who treats
TOWER_TRANSFER = expect(403, P=302, C=302, D=302, H=302, O=404)  # whoever requests transfers, where they work

# The command centre's figures: whoever runs a command centre (province, district, commune) and the analyst.
COMMAND_FIGURES = expect(403, P=200, A=200, D=200, C=200, O=200)
COMMAND_FIGURES_OF_A = expect(403, P=200, A=200, D=200, C=200, O=404)

# command: targets. A target of Lái Thiêu.
COMMAND_TARGET = expect(200, O=404, H=403, T=403, X=403, E=403, S=403, L=403)

# (url name, path template, expected status by persona)
PAGES = [
    ("core:home", "/", expect(200)),
    ("core:audit", "/audit/", expect(403, S=200)),
    ("places:tree", "/units/", expect(200, X=403, E=403)),
    ("places:detail", "/units/{unit_a}/", expect(200, O=404, T=404, X=403, E=403, L=404)),
    ("places:children", "/units/{unit_a}/children/", expect(200, O=404, T=404, X=403, E=403, L=404)),
    ("places:venues", "/units/venues/", expect(200, X=403, E=403)),
    ("places:venue_create", "/units/venues/new/", expect(403, P=200, C=200, D=200, O=200, S=200)),
    ("places:venue_edit", "/units/venues/{venue_a}/", expect(404, P=200, C=200, D=200, S=200)),
    ("places:facilities", "/units/facilities/", expect(200, X=403, E=403)),
    ("places:facility_create", "/units/facilities/new/", expect(403, P=200, D=200, S=200)),
    ("places:facility_edit", "/units/facilities/{facility_a}/", expect(404, P=200, D=200, S=200)),
    ("places:venue_qr", "/units/venues/{venue_a}/qr.png", expect(200, O=404, X=403, E=403, L=404)),
    ("places:venue_poster", "/units/venues/{venue_a}/poster.png", expect(200, O=404, X=403, E=403, L=404)),
    ("people:list", "/persons/", expect(200, A=403, X=403)),
    ("people:create", "/persons/new/", expect(200, A=403, X=403, E=403, L=403)),
    ("people:export", "/persons/export.csv", expect(403, P=200, C=200, D=200, O=200, S=200)),
    ("people:duplicates", "/persons/duplicates/", expect(403, P=200, C=200, D=200, O=200, S=200)),
    ("people:pick", "/persons/pick/?field=number&number=Nguyễn Thị Hằng 1986", expect(200, A=403, X=403)),
    # The CDC lab technician reads Hằng of Lái Thiêu, whose sample reached the lab, and not Hằng of Hiệp Thành,
    # although the lab stands in Hiệp Thành.
    ("people:detail", "/persons/{a}/", expect(200, O=404, A=404, X=404, E=404)),
    ("people:edit", "/persons/{a}/edit/", expect(200, O=404, A=404, X=404, E=404, L=404)),
    ("people:move", "/persons/{a}/move/", expect(200, O=404, A=404, X=404, E=404, L=404)),
    ("people:detail", "/persons/{b}/", expect(404, P=200, O=200, S=200, Z=404)),
    ("people:edit", "/persons/{b}/edit/", expect(404, P=200, O=200, S=200, Z=404)),
    ("surveillance:cases", "/tracing/cases/", expect(200, A=403, X=403, E=403, S=403, L=403)),
    ("surveillance:case_create", "/tracing/cases/new/{a}/", expect(403, P=200, C=200, D=200, H=200, O=404)),
    ("surveillance:case", "/tracing/cases/{case_a}/", expect(200, O=404, A=403, X=403, E=403, S=403, L=403)),
    (
        "surveillance:case_contact_add",
        "/tracing/cases/{case_a}/contacts/new/",
        expect(200, O=404, A=403, X=403, E=403, S=403, L=403),
    ),
    ("surveillance:clusters", "/tracing/clusters/", expect(200, X=403, E=403, S=403, L=403)),
    ("surveillance:cluster", "/tracing/clusters/{cluster_a}/", expect(200, O=404, X=403, E=403, S=403, L=403)),
    ("surveillance:rules", "/tracing/rules/", expect(200, A=403, X=403, E=403, L=403)),
    ("surveillance:trips", "/tracing/trips/", expect(200, A=403, X=403, E=403, S=403, L=403)),
    ("surveillance:import_upload", "/tracing/imports/manifest/", expect(200, A=403, X=403, E=403, S=403, L=403)),
    ("surveillance:import_upload", "/tracing/imports/cases/", expect(403, P=200, C=200, D=200, O=200, H=200)),
    ("surveillance:import_upload", "/tracing/imports/contacts/", expect(200, A=403, X=403, E=403, S=403, L=403)),
    ("surveillance:import_map", "/tracing/imports/cases/unknown.csv/", expect(403, P=404, C=404, D=404, O=404, H=404)),
    # A case list uploaded in Lái Thiêu: seen by whoever may import case lists there.
    ("surveillance:list_import", "/tracing/imports/runs/{list_import_a}/", expect(404, P=200, C=200, D=200, H=200)),
    (
        "surveillance:list_import_errors",
        "/tracing/imports/runs/{list_import_a}/errors.csv",
        expect(404, P=200, C=200, D=200, H=200),
    ),
    ("surveillance:levels", "/tracing/levels/", expect(200, A=403, X=403, E=403, S=403, L=403)),
    ("surveillance:levels_by_unit", "/tracing/levels/by-unit/", expect(200, A=403, X=403, E=403, S=403, L=403)),
    ("surveillance:tasks", "/tracing/tasks/", expect(200, A=403, X=403, E=403, S=403, L=403)),
    ("surveillance:task", "/tracing/tasks/{task_a}/", expect(200, O=404, A=404, X=404, E=404, S=404, L=404)),
    (
        "surveillance:walking_list",
        "/tracing/tasks/walking-list/{group_a}/",
        expect(200, O=404, A=403, X=403, E=403, S=403, L=403),
    ),
    ("surveillance:person_card", "/tracing/persons/{a}/card/", expect(200, O=404, A=403, X=403, E=403, L=403)),
    ("labs:samples", "/testing/samples/", expect(200, A=403, X=403, E=403, S=403)),
    ("labs:sample_create", "/testing/samples/new/", expect(200, A=403, X=403, E=403, S=403, L=403)),
    # The CDC lab in Hiệp Thành sees the Lái Thiêu sample sent to it; the other commune does not.
    ("labs:sample", "/testing/samples/{sample_a}/", expect(200, O=404, A=403, X=403, E=403, S=403)),
    # This sample has no photo: nobody gets one (the photo itself is tested beside the self-test).
    ("labs:sample_photo", "/testing/samples/{sample_a}/photo/", expect(404)),
    ("labs:receive", "/testing/receive/", expect(403, L=200)),
    ("labs:pools", "/testing/pools/", expect(200, A=403, X=403, E=403, S=403)),
    ("labs:pool_create", "/testing/pools/new/", expect(200, A=403, X=403, E=403, S=403, L=403)),
    ("labs:pool", "/testing/pools/{pool_a}/", expect(200, O=404, A=403, X=403, E=403, S=403)),
    ("labs:imports", "/testing/imports/", expect(403, P=200, L=200)),
    ("labs:import", "/testing/imports/{import_a}/", expect(404, P=200, L=200)),
    ("labs:import_errors", "/testing/imports/{import_a}/errors.csv", expect(404, P=200, L=200)),
    ("labs:import_map", "/testing/imports/map/{lab_a}/unknown.csv/", expect(403, L=404)),
    ("labs:rounds", "/testing/rounds/", expect(200, X=403, E=403, S=403)),
    ("labs:round_create", "/testing/rounds/new/", expect(403, P=200, D=200)),
    ("labs:round", "/testing/rounds/{round_a}/", expect(200, O=404, L=404, X=403, E=403, S=403)),
    (
        "labs:round_households",
        "/testing/rounds/{round_a}/groups/{group_a}/",
        expect(200, O=404, L=404, A=403, X=403, E=404, S=404),
    ),
    ("labs:tasks", "/testing/resampling/", expect(200, A=403, X=403, E=403, S=403)),
    ("labs:labs", "/testing/labs/", expect(403, P=200, D=200, A=200, L=200)),
    ("labs:plans", "/testing/organisations/", expect(200, H=403, T=403, A=403, X=403, S=403, L=403)),
    ("labs:plan_create", "/testing/organisations/new/", expect(403, P=200, D=200)),
    ("labs:plan", "/testing/organisations/{plan_a}/", expect(200, O=404, H=403, T=403, A=403, X=403, S=403, L=403)),
    ("labs:rules", "/testing/rules/", expect(403, P=200, S=200)),
    ("checkin", "/c/{venue_token}/", expect(200)),
    ("accounts:tokens", "/accounts/tokens/", expect(200)),
    ("accounts:users", "/accounts/users/", expect(403, S=200)),
    ("accounts:user_create", "/accounts/users/new/", expect(403, S=200)),
    ("accounts:user", "/accounts/users/{commune_officer}/", expect(403, S=200)),
    ("accounts:password", "/accounts/password/", expect(200)),
    ("accounts:login", "/accounts/login/", expect(302)),  # already logged in: on to the home page
    ("healthz", "/healthz", expect(200)),
    ("api:api-root", "/api/v1/", expect(404)),  # the API has no page of its own at its root
    ("api:openapi-json", "/api/v1/openapi.json", expect(200)),
    ("api:openapi-view", "/api/v1/docs", expect(200)),
    ("accounts:password_done", "/accounts/password/done/", expect(200)),
    ("verify", "/verify", expect(200)),
    ("vaccination:coverage", "/vaccination/", expect(200, H=403, X=403, E=403, S=403, L=403)),
    (
        "vaccination:coverage_unit",
        "/vaccination/units/{unit_a}/",
        expect(200, O=404, T=404, H=403, X=403, E=403, S=403, L=403),
    ),
    (
        "vaccination:priority",
        "/vaccination/units/{unit_a}/priority/",
        expect(200, O=404, T=404, A=404, H=403, X=403, E=403, S=403, L=403),
    ),
    (
        "vaccination:dose_create",
        "/vaccination/doses/new/",
        expect(200, T=403, H=403, A=403, X=403, E=403, S=403, L=403),
    ),
    (
        "vaccination:dose_lots",
        "/vaccination/doses/new/lots/?site={vaccination_site_a}",
        expect(200, O=404, T=403, H=403, A=403, X=403, E=403, S=403, L=403),
    ),
    ("vaccination:person", "/vaccination/persons/{a}/", expect(200, O=404, A=403, X=403, E=403, S=403, L=403)),
    (
        "vaccination:certificate",
        "/vaccination/certificates/{certificate_a}/",
        expect(200, O=404, T=403, H=403, A=403, X=403, E=403, S=403, L=403),
    ),
    (
        "vaccination:certificate_qr",
        "/vaccination/certificates/{certificate_a}/qr.svg",
        expect(200, O=404, T=403, H=403, A=403, X=403, E=403, S=403, L=403),
    ),
    (
        "vaccination:certificate_card",
        "/vaccination/certificates/{certificate_a}/card.pdf",
        expect(200, O=404, T=403, H=403, A=403, X=403, E=403, S=403, L=403),
    ),
    ("vaccination:sites", "/vaccination/sites/", expect(200, T=403, H=403, A=403, X=403, E=403, S=403, L=403)),
    ("vaccination:shipments", "/vaccination/shipments/", expect(200, T=403, H=403, X=403, E=403, S=403, L=403)),
    (
        "vaccination:shipment",
        "/vaccination/shipments/{shipment_a}/",
        expect(403, P=200, D=200, A=200, C=404, O=404),
    ),
    ("vaccination:rules", "/vaccination/rules/", expect(403, P=200, S=200)),
    ("vaccination:imports", "/vaccination/imports/", expect(200, T=403, H=403, A=403, X=403, E=403, S=403, L=403)),
    ("vaccination:import", "/vaccination/imports/{dose_import_a}/", expect(403, P=200, C=404, D=404, O=404)),
    # Care's rules: read by the province's and districts' command and the administrators; a new version of the
    # isolation rules only by the province's administrator. The sites' places: everyone who works with orders reads
    # them (a site in Lái Thiêu); the administrators set them.
    ("care:rules", "/care/rules/", expect(403, P=200, D=200, S=200)),
    ("care:isolation_rules_new", "/care/rules/isolation/new/", expect(403, S=200, Z=403)),
    ("care:medicines", "/care/medicines/", expect(403, S=200)),
    ("care:medicine_new", "/care/medicines/new/", expect(403, S=200)),
    ("care:medicine_edit", "/care/medicines/{medicine_a}/", expect(403, S=200)),
    # Supplies: the stock of the Lái Thiêu health station (its own health worker's, and the district's), a
    # donation received by Thuận An (beyond the health station's ward), the item catalogue (the administrators').
    ("care:supply_stock", "/care/supplies/", expect(403, P=200, D=200, H=200, A=200)),
    ("care:supply_low", "/care/supplies/low/", expect(403, P=200, D=200, H=200, A=200)),
    ("care:supply_facility", "/care/supplies/facility/{facility_a}/", expect(403, P=200, D=200, H=200, A=200)),
    ("care:supply_movement_new", "/care/supplies/facility/{facility_a}/record/", expect(403, P=302, D=302, H=302)),
    ("care:supply_donations", "/care/supplies/donations/", expect(403, P=200, D=200, H=200, A=200)),
    ("care:supply_donation_new", "/care/supplies/donations/new/", expect(403, P=200, D=200)),
    ("care:supply_donation", "/care/supplies/donations/{donation_a}/", expect(403, P=200, D=200, A=200, H=404)),
    ("care:supply_items", "/care/supplies/items/", expect(403, S=200)),
    ("care:supply_item_new", "/care/supplies/items/new/", expect(403, S=200)),
    ("care:supply_item_edit", "/care/supplies/items/{supply_item_a}/", expect(403, S=200)),
    ("care:sites", "/care/sites/", expect(200, A=403, X=403, E=403, L=403)),
    ("care:site_capacity", "/care/sites/{site_a}/capacity/", expect(403, S=200)),
    ("care:orders", "/care/orders/", expect(200, A=403, X=403, E=403, S=403, L=403)),
    ("care:order_create", "/care/orders/new/", expect(200, A=403, X=403, E=403, S=403, L=403)),
    ("care:order_create_for", "/care/orders/new/{a}/", expect(200, O=404, A=403, X=403, E=403, S=403, L=403)),
    (
        "care:household_order_create",
        "/care/orders/household/{a}/",
        expect(200, O=404, A=403, X=403, E=403, S=403, L=403),
    ),
    # Lý Thị Thu's home quarantine in Lái Thiêu, Khu phố 1: followed by the ward's health station.
    ("care:order", "/care/orders/{order_a}/", expect(200, O=404, A=403, X=403, E=403, S=403, L=403)),
    # Care: the alert queue, an alert, the missed-report call list and an order's readings, for those who look
    # after Lái Thiêu's people at home; the household's link card; the public self-report page (no login).
    ("care:alerts", "/care/alerts/", CARE_LIST),
    ("care:alert", "/care/alerts/{alert_a}/", CARE_RECORD),
    ("care:missed", "/care/missed-reports/", CARE_LIST),
    ("care:order_reports", "/care/orders/{f0_order}/reports/", CARE_RECORD),
    ("care:link_card", "/care/links/{link_a}/card.pdf", CARE_RECORD),
    ("self_report", "/r/{report_token}/", expect(200)),
    # Care: the releases due in the reader's area, the certificate of an order released there, the public check.
    ("care:release_list", "/care/release/", expect(200, A=403, X=403, E=403, S=403, L=403)),
    ("care:release_list_pdf", "/care/release/list.pdf", expect(200, A=403, X=403, E=403, S=403, L=403)),
    (
        "care:release_certificate",
        "/care/release/{released_a}/certificate.pdf",
        expect(200, O=404, A=403, X=403, E=403, S=403, L=403),
    ),
    ("certificate_check", "/kiem-tra/{certificate_code_a}/", expect(200)),
    # The treatment tower: a tier-2 facility in Lái Thiêu. Beds are figures (the analyst and the administrator see
    # them); patients and transfers are personal data (neither sees them).
    ("care:tower_board", "/care/tower/", expect(200, T=403, X=403, E=403, L=403)),
    ("care:tower_board_xlsx", "/care/tower/board.xlsx", expect(200, T=403, X=403, E=403, L=403)),
    ("care:tower_enrol", "/care/tower/facilities/new/", expect(403, P=200, D=200, S=200)),
    ("care:tower_facility", "/care/tower/facilities/{tower_a}/", expect(200, O=404, T=403, X=403, E=403, L=403)),
    ("care:admission_new", "/care/tower/admissions/new/?person={a}", expect(403, P=200, D=200, H=200)),
    ("care:admission", "/care/tower/admissions/{admission_a}/", TOWER_RECORD),
    ("care:transfers", "/care/tower/transfers/", expect(200, T=403, A=403, X=403, E=403, S=403, L=403)),
    ("care:transfer_new", "/care/tower/transfers/new/?alert={alert_a}", expect(403, P=200, C=200, D=200, H=200, O=404)),
    ("care:transfer", "/care/tower/transfers/{transfer_a}/", TOWER_RECORD),
    # Lockdown areas: a red zone of Lái Thiêu's Khu phố 1, declared in the ward. Whoever sees levels sees the list
    # and, where the area is theirs, the area (the group's team is below the ward); the local officers declare,
    # extend and lift areas.
    ("levels:zones", "/levels/zones/", expect(200, X=403, E=403, L=403)),
    ("levels:zone", "/levels/zones/{zone_a}/", expect(200, O=404, T=404, X=403, E=403, L=403)),
    ("levels:zone_new", "/levels/zones/new/", expect(403, P=200, C=200, D=200, O=200)),
    ("levels:zone_end", "/levels/zones/{zone_a}/end/", expect(403, P=200, C=200, D=200, O=404)),
    ("levels:zone_extend", "/levels/zones/{zone_a}/extend/", expect(403, P=200, C=200, D=200, O=404)),
    # Mobile stations, teams and the workforce: a station in Lái Thiêu, a team of its Khu phố 1, a nurse of the ward's
    # health station and a course it runs. Stations and targets: whoever works in care, where they work, and the
    # analyst (targets the administrators too); stations opened and changed by the command. Teams: the group's own
    # team too; formed by the officers. Staff and courses: the command, the officers and the health worker (their
    # own facility's only); recorded by the command.
    ("care:stations", "/care/stations/", expect(200, T=403, X=403, E=403, S=403, L=403)),
    ("care:station_create", "/care/stations/new/", expect(403, P=200, D=200)),
    ("care:station_edit", "/care/stations/{station_a}/", expect(403, P=200, D=200)),
    ("care:station_targets", "/care/stations/targets/", expect(200, T=403, X=403, E=403, L=403)),
    ("care:teams", "/care/stations/teams/", expect(200, X=403, E=403, S=403, L=403)),
    ("care:commune_teams", "/care/stations/teams/commune/{unit_a}/", expect(200, O=404, X=403, E=403, S=403, L=403)),
    ("care:team_create", "/care/stations/teams/new/{group_a}/", expect(403, P=200, C=200, D=200, O=404)),
    ("care:team_edit", "/care/stations/teams/{team_a}/", expect(403, P=200, C=200, D=200, O=404)),
    ("care:staff", "/care/stations/staff/", expect(200, T=403, A=403, X=403, E=403, S=403, L=403)),
    ("care:staff_create", "/care/stations/staff/new/", expect(403, P=200, D=200)),
    ("care:staff_edit", "/care/stations/staff/{staff_a}/", expect(403, P=200, D=200)),
    ("care:courses", "/care/stations/courses/", expect(200, T=403, A=403, X=403, E=403, S=403, L=403)),
    ("care:course_create", "/care/stations/courses/new/", expect(403, P=200, D=200)),
    ("care:course", "/care/stations/courses/{course_a}/", expect(200, O=404, T=403, A=403, X=403, E=403, S=403, L=403)),
    # Measures by level: read by everyone who sees the levels; a new version by the province's command and
    # administrator (a district's administrator may not); what is allowed in a unit, for the units each may open.
    # Weekly assessments: read by everyone who sees levels, a unit's result within its jurisdiction (the community
    # team's residential group and another commune's officer do not reach Lái Thiêu's); the criteria adjusted by the
    # province; capacity figures entered by the officers of the units.
    ("levels:home", "/levels/", expect(200, X=403, E=403, L=403)),
    ("levels:assessment", "/levels/assessments/{assessment_a}/", expect(200, X=403, E=403, L=403)),
    ("levels:result", "/levels/results/{result_a}/", expect(200, O=404, T=404, X=403, E=403, L=403)),
    ("levels:rules", "/levels/rules/", expect(200, X=403, E=403, L=403)),
    ("levels:rules_new", "/levels/rules/new/", expect(403, P=200, S=200, Z=403)),
    ("levels:capacity", "/levels/capacity/", expect(200, X=403, E=403, L=403)),
    ("levels:measures", "/levels/measures/", expect(200, X=403, E=403, L=403)),
    ("levels:measures_new", "/levels/measures/new/", expect(403, P=200, S=200, Z=403)),
    ("levels:allowed", "/levels/measures/allowed/{unit_a}/", expect(200, O=404, T=404, X=403, E=403, L=403)),
    # Epidemic levels: the map of a published week, for every role that sees levels (published levels are public,
    # so the whole province); the public page and the map's files, for anyone, logged in or not.
    ("levels:map", "/levels/map/?week={levels_week}", expect(200, X=403, E=403, L=403)),
    ("public_levels:map", "/cap-do-dich/?week={levels_week}", expect(200)),
    ("public_levels:map_svg", "/cap-do-dich/ban-do.svg?week={levels_week}", expect(200)),
    ("public_levels:map_png", "/cap-do-dich/ban-do.png?week={levels_week}", expect(200)),
    # command: dashboard. The command centres of the province, the district and the communes, and the province's
    # analyst, see the figures of their own units; a commune officer of Hiệp Thành not Lái Thiêu's.
    ("command:dashboard", "/command/", COMMAND_FIGURES),
    ("command:dashboard_xlsx", "/command/dashboard.xlsx?unit={unit_a}", COMMAND_FIGURES_OF_A),
    # command: directives. A province directive of 9/2021 whose task is led by Thuận An's people's committee, of
    # which the district officer is a member: the officer sees the task and its directive through the committee
    # (not through the jurisdiction), reports its progress, and may neither inspect nor close it. Those who see
    # the command centre open the lists; the communes see neither the province's directive nor its task.
    ("command:directives", "/command/directives/", expect(200, H=403, T=403, X=403, E=403, S=403, L=403)),
    (
        "command:directive",
        "/command/directives/{directive_a}/",
        expect(200, C=404, O=404, H=403, T=403, X=403, E=403, S=403, L=403),
    ),
    # This directive has no source file: nobody gets one (the download is tested in command/directives/tests).
    (
        "command:directive_source",
        "/command/directives/{directive_a}/source/",
        expect(404, H=403, T=403, X=403, E=403, S=403, L=403),
    ),
    ("command:directive_new", "/command/directives/new/", expect(403, P=200, D=200)),
    ("command:tasks", "/command/directives/tasks/", expect(200, H=403, T=403, X=403, E=403, S=403, L=403)),
    (
        "command:tasks_overdue",
        "/command/directives/tasks/overdue/",
        expect(200, H=403, T=403, X=403, E=403, S=403, L=403),
    ),
    ("command:task_new", "/command/directives/tasks/new/?point={cpoint_a}", expect(403, P=200, D=200)),
    (
        "command:task",
        "/command/directives/tasks/{ctask_a}/",
        expect(200, C=404, O=404, H=403, T=403, X=403, E=403, S=403, L=403),
    ),
    (
        "command:task_progress",
        "/command/directives/tasks/{ctask_a}/progress/",
        expect(403, P=200, D=200, C=404, O=404, Y=403),  # the analyst sees the task but belongs to no body of it
    ),
    ("command:task_inspection", "/command/directives/tasks/{ctask_a}/inspection/", expect(403, P=200, D=404)),
    # No such attachment: the downloads are tested in command/directives/tests.
    (
        "command:attachment",
        "/command/directives/attachments/999999/",
        expect(404, H=403, T=403, X=403, E=403, S=403, L=403),
    ),
    ("command:bodies", "/command/directives/bodies/", expect(200, H=403, T=403, X=403, E=403, S=403, L=403)),
    (
        "command:body",
        "/command/directives/bodies/{body_a}/",
        expect(200, C=404, O=404, H=403, T=403, X=403, E=403, S=403, L=403),
    ),
    ("command:body_new", "/command/directives/bodies/new/", expect(403, P=200, D=200)),
    ("command:body_members", "/command/directives/bodies/{body_a}/members/", expect(403, P=200, D=200)),
    # command: situation reports
    # Lái Thiêu's report sent upward: its officers and the levels above read it, another commune does not find it;
    # its draft's narratives are written by its own officers only (nobody else finds a draft). Reports are generated
    # by the duty officers of each unit.
    ("command:reports", "/command/reports/", expect(200, T=403, H=403, X=403, E=403, S=403, L=403)),
    ("command:report_templates", "/command/reports/templates/", expect(200, T=403, H=403, X=403, E=403, S=403, L=403)),
    ("command:report_generate", "/command/reports/generate/", expect(403, P=200, C=200, D=200, O=200)),
    ("command:report", "/command/reports/{sitrep_a}/", expect(200, O=404, T=403, H=403, X=403, E=403, S=403, L=403)),
    (
        "command:report_export",
        "/command/reports/{sitrep_a}/export/?format=xlsx",
        expect(200, O=404, T=403, H=403, X=403, E=403, S=403, L=403),
    ),
    ("command:report_edit", "/command/reports/{sitrep_draft_a}/narratives/", expect(403, P=404, C=200, D=404, O=404)),
    # command: duty log and briefings. Lái Thiêu's command centre: last night's shift led by the district officer,
    # handed over to the shift on duty now led by the commune officer; a briefing held yesterday with a decision.
    # The duty roles (the command, the district and the commune officers) read the log and briefings where they
    # work (another commune's officer, their own ward's board); they open shifts, log and hand over, plan briefings
    # and write their minutes; who may assign tasks makes a decision a task.
    ("command:duty_board", "/command/duty/", expect(200, H=403, T=403, A=403, X=403, E=403, S=403, L=403)),
    (
        "command:duty_board",
        "/command/duty/?unit={unit_a}",
        expect(200, O=404, H=403, T=403, A=403, X=403, E=403, S=403, L=403),
    ),
    ("command:duty_shifts", "/command/duty/shifts/", expect(200, H=403, T=403, A=403, X=403, E=403, S=403, L=403)),
    (
        "command:duty_shift",
        "/command/duty/shifts/{shift_a}/",
        expect(200, O=404, H=403, T=403, A=403, X=403, E=403, S=403, L=403),
    ),
    ("command:duty_shift_new", "/command/duty/shifts/new/", expect(403, P=200, C=200, D=200, O=200)),
    ("command:duty_handover", "/command/duty/shifts/{shift_a}/handover/", expect(403, P=200, C=200, D=200, O=404)),
    ("command:duty_entry_new", "/command/duty/shifts/{shift_a}/entries/new/", expect(403, P=200, C=200, D=200, O=404)),
    ("command:duty_entries", "/command/duty/entries/", expect(200, H=403, T=403, A=403, X=403, E=403, S=403, L=403)),
    (
        "command:duty_entries_xlsx",
        "/command/duty/entries/export.xlsx",
        expect(200, H=403, T=403, A=403, X=403, E=403, S=403, L=403),
    ),
    ("command:briefings", "/command/duty/briefings/", expect(200, H=403, T=403, A=403, X=403, E=403, S=403, L=403)),
    (
        "command:briefing",
        "/command/duty/briefings/{briefing_a}/",
        expect(200, O=404, H=403, T=403, A=403, X=403, E=403, S=403, L=403),
    ),
    ("command:briefing_new", "/command/duty/briefings/new/", expect(403, P=200, C=200, D=200, O=200)),
    (
        "command:briefing_minutes",
        "/command/duty/briefings/{briefing_a}/minutes/",
        expect(403, P=200, C=200, D=200, O=404),
    ),
    ("command:decision_task", "/command/duty/decisions/{decision_a}/task/", expect(403, P=200, D=200)),
    # command: alerts. The inbox and an alert of Lái Thiêu: whoever sees alerts, within their jurisdiction (a health
    # worker through the ward of the station); the rules: who keeps them, changed by the province only.
    ("command:alerts", "/command/alerts/", expect(200, T=403, X=403, E=403, S=403, L=403)),
    ("command:alert", "/command/alerts/{command_alert_a}/", expect(200, O=404, T=403, X=403, E=403, S=403, L=403)),
    ("command:alert_rules", "/command/alerts/rules/", expect(403, P=200, S=200)),
    ("command:alert_rule_edit", "/command/alerts/rules/{alert_rule_a}/", expect(403, P=200, S=200, Z=403)),
    # command: targets. A target of Lái Thiêu: read by whoever sees the command's records there; set by the province's
    # and districts' steering committees.
    ("command:targets", "/command/targets/", expect(200, H=403, T=403, X=403, E=403, S=403, L=403)),
    ("command:target", "/command/targets/{target_a}/", COMMAND_TARGET),
    ("command:target_readings_xlsx", "/command/targets/{target_a}/readings.xlsx", COMMAND_TARGET),
    ("command:target_new", "/command/targets/new/", expect(403, P=200, D=200)),
    # command: forecasts. Lái Thiêu's forecast of yesterday and a scenario of Lái Thiêu: read by whoever sees the
    # command centre there; run and planned by the province's and the districts' commanders (the POST rows).
    ("command:forecast", "/command/forecast/", COMMAND_FIGURES),
    ("command:forecast", "/command/forecast/?unit={unit_a}", COMMAND_FIGURES_OF_A),
    ("command:forecast_xlsx", "/command/forecast/forecast.xlsx?unit={unit_a}", COMMAND_FIGURES_OF_A),
    ("command:forecast_run", "/command/forecast/run/", expect(403, P=405, A=405, D=405, C=405, O=405)),
    ("command:scenarios", "/command/forecast/scenarios/?unit={unit_a}", COMMAND_FIGURES_OF_A),
    (
        "command:scenario_compare",
        "/command/forecast/scenarios/compare/?unit={unit_a}&s={scenario_a}",
        COMMAND_FIGURES_OF_A,
    ),
    (
        "command:scenario_csv",
        "/command/forecast/scenarios/compare.csv?unit={unit_a}&s={scenario_a}",
        COMMAND_FIGURES_OF_A,
    ),
    (
        "command:scenario_xlsx",
        "/command/forecast/scenarios/compare.xlsx?unit={unit_a}&s={scenario_a}",
        COMMAND_FIGURES_OF_A,
    ),
]
# Pages anyone opens without logging in (core/middleware.py PUBLIC_PREFIXES), as a visitor with no account.
NO_LOGIN = {
    "verify": 200,
    "public_levels:map": 200,
    "public_levels:map_svg": 200,
    "public_levels:map_png": 200,
}

CARE_LIST_API = expect(200, A=403, X=403, E=403, S=403, L=403)
CARE_CREATED = {name: 201 for name, status in CARE_RECORD.items() if status == 200}
CARE_INVALID = {name: 422 for name, status in CARE_RECORD.items() if status == 200}

API = [
    ("GET", "/api/v1/me", None, expect(200)),
    ("GET", "/api/v1/units", None, expect(200)),
    ("GET", "/api/v1/units/{unit_a}", None, expect(200, O=404, T=404, X=404, E=404, L=404)),
    ("GET", "/api/v1/units/{unit_a}/population", None, expect(200, O=404, T=404, X=404, E=404, L=404)),
    ("GET", "/api/v1/persons", None, expect(200)),
    (
        "POST",
        "/api/v1/persons",
        {"full_name": "Võ Thị Sáu", "unit_id": "{group_a}"},
        expect(201, O=422, A=422, X=422, E=422, L=422),
    ),
    ("GET", "/api/v1/persons/duplicates", None, expect(200)),
    ("GET", "/api/v1/persons/{a}", None, expect(200, O=404, A=404, X=404, E=404)),
    ("GET", "/api/v1/persons/{b}", None, expect(404, P=200, O=200, S=200, Z=404)),
    ("PATCH", "/api/v1/persons/{a}", {"occupation": "Thợ may"}, expect(200, O=404, A=404, X=404, E=404, L=404)),
    # No duplicate 0: the path's person answers 404 outside the jurisdiction, the body's id 422 (docs/api.md).
    ("POST", "/api/v1/persons/{a}/merge", {"duplicate_id": 0}, expect(404, P=422, C=422, D=422, S=422)),
    ("POST", "/api/v1/checkins/batch", {"items": []}, expect(403, P=200, C=200, D=200, O=200, T=200)),
    ("GET", "/api/v1/checkins", None, expect(200, A=403, X=403, E=403, S=403, L=403)),
    ("GET", "/api/v1/trips", None, expect(200, A=403, X=403, E=403, S=403, L=403)),
    ("GET", "/api/v1/cases", None, expect(200, A=403, X=403, E=403, S=403, L=403)),
    # A confirmation in the future: refused after the permission and scope checks, so nothing is created.
    (
        "POST",
        "/api/v1/cases",
        {
            "person_id": "{a}",
            "confirmed_at": "2099-01-01T00:00:00Z",
            "confirmation_test": "rt_pcr",
            "detection_setting": "community",
        },
        expect(403, P=422, C=422, D=422, H=422, O=422),
    ),
    ("GET", "/api/v1/cases/{case_a}", None, expect(200, O=404, A=404, X=404, E=404, S=404, L=404)),
    ("POST", "/api/v1/cases/{case_a}/status", {"status": "active"}, expect(404, P=422, C=422, D=422, H=422)),
    ("GET", "/api/v1/cases/{case_a}/exposures", None, expect(404, P=200, C=200, D=200, H=200)),
    ("POST", "/api/v1/cases/{case_a}/exposures", {}, expect(404, P=200, C=200, D=200, H=200)),
    ("GET", "/api/v1/contacts", None, expect(200, A=403, X=403, E=403, S=403, L=403)),
    ("GET", "/api/v1/clusters", None, expect(200, X=403, E=403, S=403, L=403)),
    ("GET", "/api/v1/clusters/{cluster_a}/graph", None, expect(200, O=404, X=404, E=404, S=404, L=404)),
    (
        "POST",
        "/api/v1/contacts",
        {"person_id": "{a}", "other_id": "{a}", "kind": "other", "first_at": "2021-08-01T08:00:00+07:00"},
        expect(422, A=403, X=403, E=403, S=403, L=403),
    ),
    (
        "POST",
        "/api/v1/contacts/{contact_a}/review",
        {"confirm": False},
        expect(422, O=404, A=404, X=404, E=404, S=404, L=404),
    ),
    ("GET", "/api/v1/tracing/levels", None, expect(200, A=403, X=403, E=403, S=403, L=403)),
    ("GET", "/api/v1/tracing/levels/by-unit", None, expect(200, A=403, X=403, E=403, S=403, L=403)),
    ("GET", "/api/v1/tracing/persons/{f1_a}/history", None, expect(200, O=404, A=404, X=404, E=404, S=404, L=404)),
    # Only a contact (F1–F3) can be cleared: the F0 is refused once the permission and scope checks pass.
    (
        "POST",
        "/api/v1/tracing/persons/{f0_a}/clear",
        {"reason": "negative_test"},
        expect(404, P=422, C=422, D=422, H=422),
    ),
    ("GET", "/api/v1/tracing/tasks", None, expect(200, A=403, X=403, E=403, S=403, L=403)),
    # The province commander goes first and records the outcome; after that the task is done for everyone.
    (
        "POST",
        "/api/v1/tracing/tasks/{task_a}/outcome",
        {"outcome": "reached"},
        expect(404, P=200, C=422, D=422, H=422, T=422, K=422),
    ),
    (
        "POST",
        "/api/v1/tracing/tasks/{task_a}/assign",
        {"user_id": "{analyst}"},
        expect(404, P=422, C=422, D=422, H=422),
    ),
    ("GET", "/api/v1/testing/samples", None, expect(200, A=403, X=403, E=403, S=403)),
    ("GET", "/api/v1/testing/samples/{sample_a}", None, expect(200, O=404, A=404, X=404, E=404, S=404)),
    # The barcode is taken already: refused once the permission and scope checks pass, so nothing is created.
    (
        "POST",
        "/api/v1/testing/samples",
        {
            "person_id": "{a}",
            "kind": "rt_pcr",
            "barcode": "LT-0001-01",
            "lab_id": "{lab_a}",
            "sampled_at": "2021-08-01T08:00:00+07:00",
        },
        expect(422, A=403, X=403, E=403, S=403, L=403),
    ),
    # A pooled sample gets its result from the pool.
    (
        "POST",
        "/api/v1/testing/samples/{sample_a}/result",
        {"result": "negative", "result_at": "2021-08-01T08:00:00+07:00"},
        expect(404, P=422, H=422, L=422),
    ),
    ("POST", "/api/v1/testing/receive", {"lab_id": "{lab_a}", "barcodes": []}, expect(403, L=200)),
    ("GET", "/api/v1/testing/pools", None, expect(200, A=403, X=403, E=403, S=403)),
    ("GET", "/api/v1/testing/pools/{pool_a}", None, expect(200, O=404, A=404, X=404, E=404, S=404)),
    (
        "POST",
        "/api/v1/testing/pools",
        {"barcode": "LT-POOL-0001", "lab_id": "{lab_a}", "unit_id": "{group_a}"},
        expect(422, A=403, X=403, E=403, S=403, L=403, Y=404),
    ),
    # The pool has been sent already.
    ("POST", "/api/v1/testing/pools/{pool_a}/send", None, expect(422, O=404, A=404, X=404, E=404, S=404)),
    # A result before the pool's samples were taken.
    (
        "POST",
        "/api/v1/testing/pools/{pool_a}/result",
        {"result": "negative", "result_at": "2021-08-01T08:00:00+07:00"},
        expect(422, O=404, A=404, X=404, E=404, S=404),
    ),
    ("GET", "/api/v1/testing/imports/{import_a}", None, expect(403, P=200, L=200)),
    ("GET", "/api/v1/testing/rounds", None, expect(200, X=403, E=403, S=403)),
    # A round that ends before it starts.
    (
        "POST",
        "/api/v1/testing/rounds",
        {"name": "Đợt 2", "unit_id": "{unit_a}", "starts_on": "2021-08-10", "ends_on": "2021-08-01"},
        expect(403, P=422, D=422),
    ),
    ("GET", "/api/v1/testing/rounds/{round_a}/figures", None, expect(200, O=404, L=404, X=403, E=403, S=403)),
    ("GET", "/api/v1/testing/labs", None, expect(403, P=200, D=200, A=200, L=200)),
    ("GET", "/api/v1/testing/resample-tasks", None, expect(200, A=403, X=403, E=403, S=403)),
    ("GET", "/api/v1/testing/plans", None, expect(200, H=403, T=403, A=403, X=403, S=403, L=403)),
    ("GET", "/api/v1/vaccination/doses", None, expect(200, A=403, X=403, E=403, S=403, L=403)),
    # An unknown product: refused after the permission check, so nothing is created.
    (
        "POST",
        "/api/v1/vaccination/doses",
        {"person_id": "{a}", "product": "KHONG-CO", "given_on": "2021-09-01"},
        expect(403, P=422, C=422, D=422, O=422),
    ),
    (
        "GET",
        "/api/v1/vaccination/coverage/{unit_a}",
        None,
        expect(200, O=404, T=404, H=403, X=403, E=403, S=403, L=403),
    ),
    (
        "GET",
        "/api/v1/vaccination/priority/{unit_a}",
        None,
        expect(200, O=404, T=404, A=404, H=403, X=403, E=403, S=403, L=403),
    ),
    # Hằng's certificate is still valid: asking again returns it.
    ("POST", "/api/v1/vaccination/persons/{a}/certificate", None, expect(403, P=201, C=201, D=201, O=404)),
    (
        "GET",
        "/api/v1/vaccination/certificates/{certificate_a}",
        None,
        expect(200, O=404, T=403, H=403, A=403, X=403, E=403, S=403, L=403),
    ),
    # No reason given: refused after the permission and scope checks.
    (
        "POST",
        "/api/v1/vaccination/certificates/{certificate_a}/revoke",
        {"reason": " "},
        expect(403, P=422, C=422, D=422, O=404),
    ),
    ("GET", "/api/v1/vaccination/shipments/{shipment_a}", None, expect(403, P=200, D=200, A=200, C=404, O=404)),
    (
        "POST",
        "/api/v1/vaccination/shipments",
        {"product": "EU/1/20/1528", "doses": 0, "received_on": "2021-09-01", "unit_id": "{unit_a}"},
        expect(403, P=422, D=422),
    ),
    (
        "POST",
        "/api/v1/vaccination/shipments/{shipment_a}/shares",
        {"doses_by_unit": {"0": 5}},
        expect(403, P=422, D=422),
    ),
    ("GET", "/api/v1/dcc/trust-list", None, expect(200)),
    ("GET", "/api/v1/dcc/revocations", None, expect(200)),
    ("POST", "/api/v1/dcc/verify", {"text": "HC1:NOT-A-CERTIFICATE"}, expect(200)),
    ("GET", "/api/v1/care/rules/isolation", None, expect(403, P=200, D=200, S=200)),
    ("GET", "/api/v1/care/rules/eligibility", None, expect(403, P=200, D=200, S=200)),
    ("GET", "/api/v1/care/rules/warning", None, expect(403, P=200, D=200, S=200)),
    # No document and no durations: refused once the permission is checked, so nothing is added.
    (
        "POST",
        "/api/v1/care/rules/isolation",
        {"effective_from": "2022-10-01", "source_document": " ", "document_date": "2022-09-28", "durations": {}},
        expect(403, S=422, Z=403),
    ),
    ("GET", "/api/v1/care/sites", None, expect(200, A=403, X=403, E=403, L=403)),
    # Fewer than no places: refused after the permission and scope checks.
    ("POST", "/api/v1/care/sites/{site_a}/capacity", {"places": -1}, expect(403, S=422)),
    ("GET", "/api/v1/care/orders", None, expect(200, A=403, X=403, E=403, S=403, L=403)),
    ("GET", "/api/v1/care/medicine-kinds", None, expect(200, A=403, X=403, E=403, S=403, L=403)),
    ("GET", "/api/v1/care/supplies/stock", None, expect(403, P=200, D=200, H=200, A=200)),
    ("GET", "/api/v1/care/supplies/low-stock", None, expect(403, P=200, D=200, H=200, A=200)),
    ("GET", "/api/v1/care/supplies/items", None, expect(403, P=200, D=200, H=200, A=200)),
    # An issue from an empty stock: refused once the permission and the facility's scope are checked.
    (
        "POST",
        "/api/v1/care/supplies/movements",
        {"facility_id": "{facility_a}", "item": "O2-BINH40", "kind": "issue", "quantity": 1000},
        expect(403, P=422, D=422, H=422),
    ),
    ("GET", "/api/v1/care/orders/{order_a}", None, expect(200, O=404, A=403, X=403, E=403, S=403, L=403)),
    # Hằng is already under an order of this kind, or (without an order) the rules refuse it: nothing is created.
    (
        "POST",
        "/api/v1/care/orders",
        {"person_id": "{order_person}", "kind": "f1_home", "starts_on": "{today}"},
        expect(422, A=403, X=403, E=403, S=403, L=403),
    ),
    # No such person: refused once the permission check passes.
    (
        "POST",
        "/api/v1/care/orders/household",
        {"person_ids": [0], "kind": "f1_home", "starts_on": "{today}"},
        expect(422, A=403, X=403, E=403, S=403, L=403),
    ),
    # A release needs its test: refused after the permission and scope checks, so the order stays active.
    (
        "POST",
        "/api/v1/care/orders/{order_a}/end",
        {"status": "released", "ended_on": "{today}"},
        expect(403, P=422, C=422, D=422, H=422, O=404),
    ),
    # The analyst provides no care: refused after the permission and scope checks.
    (
        "POST",
        "/api/v1/care/orders/{order_a}/assign",
        {"responsible_id": "{analyst}"},
        expect(403, P=422, C=422, D=422, H=422, O=404),
    ),
    (
        "POST",
        "/api/v1/care/orders/{order_a}/visits",
        {"kind": "call", "done_at": "2099-01-01T00:00:00Z"},
        expect(403, P=422, C=422, D=422, T=422, H=422, O=404),
    ),
    (
        "POST",
        "/api/v1/care/orders/{order_a}/medicines",
        {"kind": "KHONG-CO", "delivered_at": "2021-08-01T08:00:00+07:00"},
        expect(403, P=422, C=422, D=422, T=422, H=422, O=404),
    ),
    ("GET", "/api/v1/care/alerts", None, CARE_LIST_API),
    ("GET", "/api/v1/care/alerts/{alert_a}", None, CARE_RECORD),
    ("POST", "/api/v1/care/alerts/{alert_a}/acknowledge", None, CARE_RECORD),
    ("POST", "/api/v1/care/alerts/{alert_a}/actions", {"kind": "called"}, {**CARE_RECORD, **CARE_CREATED}),
    # No closing note: refused after the permission and scope checks, so the alert stays open for the next persona.
    ("POST", "/api/v1/care/alerts/{alert_a}/close", {"note": ""}, {**CARE_RECORD, **CARE_INVALID}),
    # The same report from every persona: the first to send it (the province) stores it, the others get it back.
    (
        "POST",
        "/api/v1/care/reports",
        {"client_id": "bang-quyen", "order_id": "{f0_order}", "measured_at": "{now_iso}", "spo2": 97},
        expect(200, P=201, K=200, O=422, A=403, X=403, E=403, S=403, L=403),
    ),
    # Releases due: whoever works in care, where they work; a release day in the future is refused after scope.
    ("GET", "/api/v1/care/release/due", None, expect(200, A=403, X=403, E=403, S=403, L=403)),
    ("GET", "/api/v1/care/release/orders/{due_order}", None, expect(200, O=404, A=403, X=403, E=403, S=403, L=403)),
    # The tower: beds as figures, admissions and transfers as records; each write refused after scope when its
    # body is wrong (nobody to admit, no reason to decline, no dispatch number, no note).
    ("GET", "/api/v1/care/tower/board", None, expect(200, T=403, X=403, E=403, L=403)),
    (
        "GET",
        "/api/v1/care/tower/suggestions?tier=2&bed_kind=oxygen&unit_id={unit_a}",
        None,
        expect(200, O=404, T=403, X=403, E=403, L=403),
    ),
    ("GET", "/api/v1/care/tower/admissions", None, expect(200, T=403, A=403, X=403, E=403, S=403, L=403)),
    # Fewer beds than none: refused after the permission and scope checks.
    (
        "POST",
        "/api/v1/care/tower/facilities/{tower_a}/beds",
        {"bed_kind": "regular", "beds": -1},
        expect(403, P=422, D=422, H=422, S=422),
    ),
    (
        "POST",
        "/api/v1/care/tower/admissions",
        {"person_id": 0, "facility_id": "{tower_a}", "bed_kind": "regular"},
        expect(403, P=422, D=422, H=422),
    ),
    (
        "POST",
        "/api/v1/care/tower/admissions/{admission_a}/discharge",
        {"override": ""},
        expect(403, P=422, D=422, H=422),
    ),
    (
        "POST",
        "/api/v1/care/tower/admissions/{admission_a}/death",
        {"died_on": "2999-01-01", "cause": "covid"},
        expect(403, P=422, D=422, H=422),
    ),
    ("GET", "/api/v1/care/tower/transfers", None, expect(200, T=403, A=403, X=403, E=403, S=403, L=403)),
    (
        "POST",
        "/api/v1/care/tower/transfers",
        {"person_id": 0, "reason": "SpO₂ 93 %"},
        expect(403, P=422, C=422, D=422, O=422, H=422),
    ),
    (
        "POST",
        "/api/v1/care/tower/transfers/{transfer_a}/offers/{tower_a}",
        {"accept": False, "reason": ""},
        expect(403, P=422, D=422, H=422),
    ),
    (
        "POST",
        "/api/v1/care/tower/transfers/{transfer_a}/ambulance",
        {"reference": ""},
        expect(403, P=422, C=422, D=422, H=422, O=404),
    ),
    (
        "POST",
        "/api/v1/care/tower/transfers/{transfer_a}/cancel",
        {"note": ""},
        expect(403, P=422, C=422, D=422, H=422, O=404),
    ),
    (
        "POST",
        "/api/v1/care/release/orders/{due_order}",
        {"released_on": "2999-12-31"},
        expect(403, P=422, C=422, D=422, H=422, O=404),
    ),
    # Stations, teams and staff: each write refused after the permission and scope checks (a station that closes
    # before it opens, a team without a name, a staff member who leaves before starting); a group outside the
    # officer's commune is a body id, so 422 like a missing one.
    ("GET", "/api/v1/care/stations", None, expect(200, T=403, X=403, E=403, S=403, L=403)),
    (
        "POST",
        "/api/v1/care/stations",
        {
            "name": "Trạm Y tế lưu động số 2",
            "commune_id": "{unit_a}",
            "opened_on": "2021-09-20",
            "closed_on": "2021-09-01",
        },
        expect(403, P=422, D=422),
    ),
    ("GET", "/api/v1/care/stations/targets", None, expect(200, T=403, X=403, E=403, L=403)),
    ("GET", "/api/v1/levels/map?week={levels_week}", None, expect(200, X=403, E=403, L=403)),
    ("GET", "/api/v1/care/teams", None, expect(200, X=403, E=403, S=403, L=403)),
    (
        "POST",
        "/api/v1/care/teams",
        {"group_id": "{group_a}", "name": " ", "members": [{"full_name": "Lê Thị Hồng"}]},
        expect(422, H=403, T=403, A=403, X=403, E=403, S=403, L=403),
    ),
    ("GET", "/api/v1/care/staff", None, expect(200, T=403, A=403, X=403, E=403, S=403, L=403)),
    (
        "POST",
        "/api/v1/care/staff",
        {
            "full_name": "Ngô Thị Lan",
            "kind": "nurse",
            "facility_id": "{facility_a}",
            "from_on": "2021-09-20",
            "to_on": "2021-09-01",
        },
        expect(403, P=422, D=422),
    ),
    # Lockdown areas: each write refused after the permission and scope checks (a planned end before the start, an
    # end before the start, an extension to a day before it); the ward in the body of another commune's officer is
    # a body id, so 422 like a missing one.
    # Weekly assessments: the command centre runs, changes and publishes; everyone who sees levels reads them. A
    # publication with proposals still to review is refused after the checks; nothing is in effect yet.
    ("GET", "/api/v1/levels/assessments", None, expect(200, X=403, E=403, L=403)),
    ("POST", "/api/v1/levels/assessments", {"on": "2021-10-18", "rules": "4800"}, expect(403, P=201)),
    ("GET", "/api/v1/levels/assessments/{assessment_a}/results?level=commune", None, expect(200, X=403, E=403, L=403)),
    ("GET", "/api/v1/levels/units/{unit_a}/level", None, expect(404, X=403, E=403, L=403)),
    (
        "POST",
        "/api/v1/levels/results/{result_a}/override",
        {"level": 3, "reason": "Ổ dịch đã khoanh vùng"},
        expect(403, P=200),
    ),
    ("POST", "/api/v1/levels/assessments/{assessment_a}/approve", {}, expect(403, P=200)),
    (
        "POST",
        "/api/v1/levels/assessments/{assessment_a}/publish",
        {"effective_at": "2021-10-20T08:00:00+07:00"},
        expect(403, P=422),
    ),
    ("GET", "/api/v1/levels/zones", None, expect(200, X=403, E=403, L=403)),
    ("GET", "/api/v1/levels/zones/figures", None, expect(200, X=403, E=403, L=403)),
    ("GET", "/api/v1/levels/zones/{zone_a}", None, expect(200, O=404, T=404, X=403, E=403, L=403)),
    (
        "POST",
        "/api/v1/levels/zones",
        {
            "kind": "lockdown",
            "name": "Vùng đỏ Khu phố 1",
            "unit_id": "{unit_a}",
            "addresses": ["Số 12, Nguyễn Trãi"],
            "starts_at": "2021-08-10T08:00:00+07:00",
            "planned_end_at": "2021-08-03T08:00:00+07:00",
        },
        expect(403, P=422, C=422, D=422, O=422),
    ),
    (
        "POST",
        "/api/v1/levels/zones/{zone_a}/end",
        {"ended_at": "2021-01-01T00:00:00+07:00", "end_reason": "Nhầm"},
        expect(403, P=422, C=422, D=422, O=404),
    ),
    (
        "POST",
        "/api/v1/levels/zones/{zone_a}/extend",
        {"planned_end_at": "2021-01-01T00:00:00+07:00", "reason": "Còn ca mắc mới"},
        expect(403, P=422, C=422, D=422, O=404),
    ),
    # Measures by level: read by everyone who sees the levels; a version without a document, a name or measures is
    # refused once the province's permission is checked (a district's administrator is refused before).
    ("GET", "/api/v1/levels/measures?on=2021-09-01", None, expect(200, X=403, E=403, L=403)),
    ("GET", "/api/v1/levels/measures/versions", None, expect(200, X=403, E=403, L=403)),
    ("GET", "/api/v1/levels/measures/allowed/{unit_a}", None, expect(200, O=404, T=404, X=403, E=403, L=403)),
    (
        "POST",
        "/api/v1/levels/measures",
        {
            "effective_from": "2021-11-01",
            "source_document": " ",
            "document_date": "2021-10-30",
            "name": "",
            "measures": {},
        },
        expect(403, P=422, S=422, Z=403),
    ),
    # command: dashboard
    ("GET", "/api/v1/command/figures", None, COMMAND_FIGURES),
    ("GET", "/api/v1/command/figures/children?unit={unit_a}", None, COMMAND_FIGURES_OF_A),
    # command: forecasts
    ("GET", "/api/v1/command/forecast?unit={unit_a}", None, COMMAND_FIGURES_OF_A),
    ("POST", "/api/v1/command/forecast/runs?unit={unit_a}", {}, expect(403, P=202, D=202, O=404, Y=403)),
    # command: directives (the same province directive and task as the pages).
    ("GET", "/api/v1/command/directives", None, expect(200, H=403, T=403, X=403, E=403, S=403, L=403)),
    (
        "GET",
        "/api/v1/command/directives/{directive_a}",
        None,
        expect(200, C=404, O=404, H=403, T=403, X=403, E=403, S=403, L=403),
    ),
    ("GET", "/api/v1/command/directives/tasks", None, expect(200, H=403, T=403, X=403, E=403, S=403, L=403)),
    ("GET", "/api/v1/command/directives/tasks/overdue", None, expect(200, H=403, T=403, X=403, E=403, S=403, L=403)),
    (
        "GET",
        "/api/v1/command/directives/tasks/{ctask_a}",
        None,
        expect(200, C=404, O=404, H=403, T=403, X=403, E=403, S=403, L=403),
    ),
    # command: situation reports
    # Read by whoever sees the command centre: Lái Thiêu's report sent upward by the levels above too, never by another
    # commune. Each write refused after the permission and scope checks: a day to come, a section without a
    # narrative, a blank signer, a report already sent, a draft to revise; a unit not one's own is a body id (422).
    ("GET", "/api/v1/command/reports", None, expect(200, T=403, H=403, X=403, E=403, S=403, L=403)),
    ("GET", "/api/v1/command/reports/templates", None, expect(200, T=403, H=403, X=403, E=403, S=403, L=403)),
    ("GET", "/api/v1/command/reports/{sitrep_a}", None, expect(200, O=404, T=403, H=403, X=403, E=403, S=403, L=403)),
    (
        "GET",
        "/api/v1/command/reports/{sitrep_a}/export?format=xlsx",
        None,
        expect(200, O=404, T=403, H=403, X=403, E=403, S=403, L=403),
    ),
    (
        "POST",
        "/api/v1/command/reports",
        {"unit_id": "{unit_a}", "day": "2099-01-01"},
        expect(403, P=422, C=422, D=422, O=422),
    ),
    (
        "POST",
        "/api/v1/command/reports/{sitrep_draft_a}/narratives",
        {"narratives": {"thoi_tiet": "Mưa"}},
        expect(403, P=404, C=422, D=404, O=404),
    ),
    (
        "POST",
        "/api/v1/command/reports/{sitrep_draft_a}/sign",
        {"signer_title": " "},
        expect(403, P=404, C=422, D=404, O=404),
    ),
    ("POST", "/api/v1/command/reports/{sitrep_a}/send", {}, expect(403, P=404, C=422, D=404, O=404)),
    ("POST", "/api/v1/command/reports/{sitrep_draft_a}/revise", {}, expect(403, P=404, C=422, D=404, O=404)),
    # command: duty log and briefings. An entry logged in another ward's shift names a shift outside the caller's
    # jurisdiction: 422 on its field.
    ("GET", "/api/v1/command/duty/shifts", None, expect(200, H=403, T=403, A=403, X=403, E=403, S=403, L=403)),
    (
        "GET",
        "/api/v1/command/duty/shifts/current?unit={unit_a}",
        None,
        expect(200, O=404, H=403, T=403, A=403, X=403, E=403, S=403, L=403),
    ),
    ("GET", "/api/v1/command/duty/entries", None, expect(200, H=403, T=403, A=403, X=403, E=403, S=403, L=403)),
    (
        "POST",
        "/api/v1/command/duty/entries",
        {
            "shift_id": "{shift_a}",
            "at": "{duty_at}",
            "source": "hotline",
            "category": "transfer",
            "content": "F0 khó thở, SpO₂ 92, xin chuyển viện.",
        },
        expect(403, P=201, C=201, D=201, O=422),
    ),
    ("GET", "/api/v1/command/duty/briefings", None, expect(200, H=403, T=403, A=403, X=403, E=403, S=403, L=403)),
    (
        "GET",
        "/api/v1/command/duty/briefings/{briefing_a}",
        None,
        expect(200, O=404, H=403, T=403, A=403, X=403, E=403, S=403, L=403),
    ),
    # command: alerts. Acknowledging again changes nothing (200); a resolution left empty is refused (422) to
    # those who may resolve the alert.
    ("GET", "/api/v1/command/alerts", None, expect(200, T=403, X=403, E=403, S=403, L=403)),
    ("GET", "/api/v1/command/alerts/{command_alert_a}", None, expect(200, O=404, T=403, X=403, E=403, S=403, L=403)),
    (
        "POST",
        "/api/v1/command/alerts/{command_alert_a}/acknowledge",
        {},
        expect(403, P=200, C=200, D=200, H=200, O=404),
    ),
    (
        "POST",
        "/api/v1/command/alerts/{command_alert_a}/resolve",
        {"resolution": ""},
        expect(403, P=422, C=422, D=422, H=422, O=404),
    ),
    ("GET", "/api/v1/command/alerts/rules", None, expect(403, P=200, S=200)),
    # command: targets
    ("GET", "/api/v1/command/targets", None, expect(200, H=403, T=403, X=403, E=403, S=403, L=403)),
    ("GET", "/api/v1/command/targets/{target_a}", None, COMMAND_TARGET),
    ("GET", "/api/v1/command/targets/{target_a}/readings", None, COMMAND_TARGET),
]
# The pages' own forms, posted empty: the page answers as it does to opening it (an empty form comes back with
# its errors), except a page with nothing to post (405 to those who may open it), and these, where posting
# needs more than reading.
READ_ONLY = {
    "core:home",
    "command:dashboard",
    "command:dashboard_xlsx",
    "command:forecast",
    "command:forecast_xlsx",
    "command:scenario_compare",
    "command:scenario_csv",
    "command:scenario_xlsx",
    "core:audit",
    "places:venues",
    "places:facilities",
    "people:list",
    "surveillance:cases",
    "surveillance:clusters",
    "surveillance:trips",
    "surveillance:levels",
    "surveillance:tasks",
    "labs:samples",
    "labs:pools",
    "labs:rounds",
    "labs:tasks",
    "accounts:password_done",
    "care:rules",
    "care:medicines",
    "care:sites",
    "care:orders",
    "care:alerts",
    "care:missed",
    "care:release_list",
    "care:supply_stock",
    "care:supply_low",
    "care:supply_facility",
    "care:supply_donations",
    "care:supply_items",
    "care:stations",
    "care:station_targets",
    "care:teams",
    "care:commune_teams",
    "care:staff",
    "care:courses",
    "care:tower_board",
    "care:tower_board_xlsx",
    "care:tower_facility",
    "care:transfers",
    "care:admission",
    "care:transfer",
    "levels:home",
    "levels:assessment",
    "levels:result",
    "levels:rules",
    "levels:zones",
    "levels:zone",
    "levels:measures",
    "levels:allowed",
    "levels:map",
    "public_levels:map",
    "public_levels:map_svg",
    "public_levels:map_png",
    # command: directives
    "command:directives",
    "command:directive",
    "command:directive_source",
    "command:tasks",
    "command:tasks_overdue",
    "command:task",
    "command:attachment",
    "command:bodies",
    "command:body",
    # command: situation reports
    "command:reports",
    "command:report_templates",
    "command:report",
    "command:report_export",
    # command: duty log and briefings
    "command:duty_board",
    "command:duty_shifts",
    "command:duty_shift",
    "command:duty_entries",
    "command:duty_entries_xlsx",
    "command:briefings",
    "command:briefing",
    # command: alerts
    "command:alerts",
    "command:alert",
    "command:alert_rules",
    # command: targets
    "command:targets",
    "command:target",
    "command:target_readings_xlsx",
}
POSTED = {
    # command: forecasts. Asked for with no unit: the commander's own; a scenario without a name is refused (200).
    "command:forecast_run": expect(403, P=302, D=302),
    "command:scenarios": expect(403, P=200, D=200, O=404, Y=403),
    # A new version of the rules: the province's administrators.
    "surveillance:rules": expect(403, S=200, Z=403),
    "labs:rules": expect(403, S=200, Z=403),
    "vaccination:rules": expect(403, S=200, Z=403),
    "labs:imports": expect(403, L=200),  # a result file: the lab's
    # Setting a coverage target, proposing a shipment: the officers who allocate, where they do.
    "vaccination:coverage": expect(200, H=403, X=403, E=403, S=403, L=403, T=403, A=403, Y=403),
    "vaccination:coverage_unit": expect(200, O=404, T=404, H=403, X=403, E=403, S=403, L=403, A=403, Y=403),
    "vaccination:shipments": expect(403, P=200, D=200),
    "vaccination:shipment": expect(403, P=302, D=302, A=404, C=404, O=404),
    "self_report": expect(422),  # a report for nobody: the page asks whom it is for
    "care:supply_movement_new": expect(403, P=422, D=422, H=422),  # a movement of nothing: the form's errors
    "care:supply_donation": expect(403, P=422, D=422, H=404),  # an allocation of nothing, by those who allocate
    "care:course": expect(403, P=200, D=200, O=404),  # attendance: recorded by those who manage the workforce
    "levels:capacity": expect(403, P=200, C=200, D=200, O=200),  # figures of nothing: the form's errors
}

# command: alerts. Who may change an alert of Lái Thiêu.
ALERT_CHANGE = expect(403, P=302, C=302, D=302, H=302, O=404)
# Those who trace in Lái Thiêu: they may change its cases, contacts and F-levels.
TRACERS = {"P": 302, "C": 302, "D": 302, "H": 302}

# POST workflows: each persona's request runs in a transaction rolled back afterwards, so every persona meets
# the same world and a success (302 back to the page, 202 for a file) really did the work.
ACTIONS = [
    # Epidemic levels: the province's command centre proposes, changes, approves and publishes.
    ("levels:run", "/levels/run/", {"on": "2021-10-18", "rules": "4800"}, expect(403, P=302)),
    (
        "levels:override",
        "/levels/results/{result_a}/override/",
        {"level": "3", "reason": "Đã khoanh vùng"},
        expect(403, P=302),
    ),
    ("levels:approve", "/levels/assessments/{assessment_a}/approve/", {}, expect(403, P=302)),
    (
        "levels:publish",
        "/levels/assessments/{assessment_a}/publish/",
        {"effective_at": "{now_local}"},
        expect(403, P=302),
    ),
    ("surveillance:case_status", "/tracing/cases/{case_a}/status/", {"status": "recovered"}, expect(404, **TRACERS)),
    ("surveillance:case_exposures", "/tracing/cases/{case_a}/exposures/", {}, expect(404, **TRACERS)),
    (
        "surveillance:contact_review",
        "/tracing/contacts/{contact_a}/review/",
        {"confirm": "0", "reason": "Không gặp nhau"},
        expect(404, **TRACERS, T=302),
    ),
    ("surveillance:clear", "/tracing/persons/{f1_a}/clear/", {"reason": "negative_test"}, expect(404, **TRACERS)),
    # Releasing a result: the province, the ward's health station and the lab the sample was sent to.
    (
        "labs:sample_result",
        "/testing/samples/{sample_a}/result/",
        {"result": "negative", "result_at": "2021-08-01T08:00"},
        expect(404, P=302, H=302, L=302),
    ),
    (
        "labs:sample_reject",
        "/testing/samples/{sample_a}/reject/",
        {"reason": "Ống mẫu bị vỡ"},
        expect(404, P=302, H=302, L=302),
    ),
    ("labs:pool_send", "/testing/pools/{pool_a}/send/", {}, expect(302, O=404, A=404, X=404, E=404, S=404)),
    # Running a result file again: who may start the lab's files (a file that did not stop answers with a message).
    ("labs:import_run_again", "/testing/imports/{import_a}/run-again/", {}, expect(403, L=302)),
    (
        "surveillance:list_import_run_again",
        "/tracing/imports/runs/{list_import_a}/run-again/",
        {},
        expect(404, P=302, C=302, D=302, H=302),
    ),
    (
        "vaccination:import_run_again",
        "/vaccination/imports/{dose_import_a}/run-again/",
        {},
        expect(403, P=302, C=404, D=404, O=404),
    ),
    (
        "labs:pool_result",
        "/testing/pools/{pool_a}/result/",
        {"result": "negative", "result_at": "2021-08-01T08:00"},
        expect(302, O=404, A=404, X=404, E=404, S=404),
    ),
    # No column mapping: refused once the permission and lab checks pass, so nothing is imported.
    ("api:upload_results", "/api/v1/testing/imports", {"lab_id": "{lab_a}"}, expect(403, L=422)),
    (
        "vaccination:certificate_issue",
        "/vaccination/persons/{a}/certificate/",
        {},
        expect(403, P=302, C=302, D=302, O=404),
    ),
    (
        "vaccination:certificate_revoke",
        "/vaccination/certificates/{certificate_a}/revoke/",
        {"reason": "Cấp nhầm người"},
        expect(403, P=302, C=302, D=302, O=404),
    ),
    # The unmatched line of the province's import: the province's to decide.
    (
        "vaccination:review_decide",
        "/vaccination/imports/review/{review_a}/",
        {},
        expect(403, P=302, C=404, D=404, O=404),
    ),
    # Hằng of Hiệp Thành merged into Hằng of Lái Thiêu: only someone who may merge both records.
    ("people:merge", "/persons/{a}/merge/", {"duplicate": "{b}"}, expect(404, P=302, S=302, Z=404)),
    # Account management: the province's administrator, and Thuận An's for accounts wholly inside Thuận An.
    ("accounts:user_active", "/accounts/users/{commune_officer}/active/", {"active": "0"}, expect(403, S=302)),
    (
        "accounts:user_active",
        "/accounts/users/{commander_commune}/active/",
        {"active": "0"},
        expect(403, S=302, Z=404),
    ),
    (
        "accounts:user_password",
        "/accounts/users/{commune_officer}/password/",
        {"password": "Mật-khẩu-mới-2021"},
        expect(403, S=302),
    ),
    (
        "accounts:user_password",
        "/accounts/users/{commander_commune}/password/",
        {"password": "Mật-khẩu-mới-2021"},
        expect(403, S=302, Z=404),
    ),
    ("accounts:assignment_remove", "/accounts/assignments/{assignment_c}/remove/", {}, expect(403, S=302)),
    (
        "accounts:assignment_remove",
        "/accounts/assignments/{assignment_k}/remove/",
        {},
        expect(403, S=302, Z=404),
    ),
    # A token is its owner's alone, whatever other roles anyone holds.
    ("accounts:token_revoke", "/accounts/tokens/{token_c}/revoke/", {}, expect(404, C=302, Z=404, K=404)),
    ("care:alert_acknowledge", "/care/alerts/{alert_a}/acknowledge/", {}, CARE_ACT),
    ("care:alert_action", "/care/alerts/{alert_a}/action/", {"kind": "called", "note": "Đã gọi"}, CARE_ACT),
    ("care:alert_close", "/care/alerts/{alert_a}/close/", {"note": "Ổn định tại nhà"}, CARE_ACT),
    (
        "care:report_create",
        "/care/orders/{f0_order}/reports/new/",
        {"client_id": "bang-quyen", "measured_at": "{now_local}", "spo2": "97"},
        CARE_ACT,
    ),
    ("care:link_issue", "/care/orders/{f0_order}/link/", {}, CARE_LINK),
    ("care:link_revoke", "/care/links/{link_a}/revoke/", {}, CARE_LINK),
    # The public page takes a reading from anyone holding the link, logged in or not.
    (
        "self_report",
        "/r/{report_token}/",
        {"order": "{f0_order}", "client_id": "bang-quyen", "measured_at": "{now_local}", "spo2": "97"},
        expect(200),
    ),
    # Releasing Hằng of Lái Thiêu, due today and needing no test: those who may change orders there.
    ("care:release_order", "/care/release/{due_order}/", {}, expect(403, P=302, C=302, D=302, H=302, O=404)),
    ("accounts:logout", "/accounts/logout/", {}, expect(302)),
    ("set_language", "/i18n/setlang/", {"language": "en", "next": "/"}, expect(302)),
    # Ending an order and choosing who looks after it: those who run care where Thu lives, not the community team.
    (
        "care:order_end",
        "/care/orders/{order_a}/end/",
        {"status": "moved_away", "ended_on": "{today}", "reason": "Về quê"},
        expect(403, P=302, C=302, D=302, H=302, O=404),
    ),
    (
        "care:order_assign",
        "/care/orders/{order_a}/assign/",
        {"team": "Tổ COVID cộng đồng khu phố 1"},
        expect(403, P=302, C=302, D=302, H=302, O=404),
    ),
    # Visits and medicine: the community team of her group too.
    (
        "care:order_contact",
        "/care/orders/{order_a}/visits/",
        {"kind": "call", "done_at": "{now_local}"},
        expect(403, P=302, C=302, D=302, H=302, T=302, O=404),
    ),
    (
        "care:order_medicine",
        "/care/orders/{order_a}/medicines/",
        {"kind": "{medicine_a}", "quantity": "1", "delivered_at": "{now_local}"},
        expect(403, P=302, C=302, D=302, H=302, T=302, O=404),
    ),
    (
        "care:tower_capacity",
        "/care/tower/facilities/{tower_a}/capacity/",
        {"bed_kind": "regular", "beds": "40"},
        TOWER_BEDS,
    ),
    (
        "care:tower_status",
        "/care/tower/facilities/{tower_a}/status/",
        {"status": "open", "ventilators": "2", "high_flow_oxygen": "4", "ecmo": "0"},
        TOWER_BEDS,
    ),
    (
        "care:admission_discharge",
        "/care/tower/admissions/{admission_a}/discharge/",
        {"override": "BS cho về"},
        TOWER_PATIENT,
    ),
    (
        "care:admission_death",
        "/care/tower/admissions/{admission_a}/death/",
        {"died_on": "{today}", "cause": "covid"},
        TOWER_PATIENT,
    ),
    (
        "care:transfer_answer",
        "/care/tower/transfers/{transfer_a}/offers/{tower_a}/answer/",
        {"answer": "decline", "reason": "Hết giường oxy"},
        TOWER_PATIENT,
    ),
    (
        "care:transfer_offer",
        "/care/tower/transfers/{transfer_a}/offers/",
        {"facility": "{tower_row_a}", "reason": "Gần"},
        TOWER_TRANSFER,
    ),
    (
        "care:transfer_ambulance",
        "/care/tower/transfers/{transfer_a}/ambulance/",
        {"reference": "115-0001"},
        TOWER_TRANSFER,
    ),
    ("care:transfer_cancel", "/care/tower/transfers/{transfer_a}/cancel/", {"note": "Đã ổn định"}, TOWER_TRANSFER),
    # The testing round of a lockdown's residents: who plans testing rounds there.
    (
        "levels:zone_testing_round",
        "/levels/zones/{zone_a}/testing-round/",
        {"starts_on": "{today}", "ends_on": "{today}"},
        expect(403, P=302, D=302),
    ),
    # command: directives. Reporting progress: the members of the task's bodies and the province's command; the
    # analyst, who sees the task, belongs to none of its bodies. Closing: who may change the province's tasks.
    (
        "command:task_progress",
        "/command/directives/tasks/{ctask_a}/progress/",
        {"body": "{body_a}", "status": "in_progress", "percent": "40", "note": "8/10 phường đã có trạm y tế lưu động"},
        expect(403, P=302, D=302, C=404, O=404, Y=403),
    ),
    (
        "api:report_task_progress",
        "/api/v1/command/directives/tasks/{ctask_a}/progress",
        {"body_id": "{body_a}", "status": "in_progress", "percent": "40", "note": "8/10 phường đã có trạm"},
        expect(403, P=201, D=201, C=404, O=404, Y=403),
    ),
    ("command:task_close", "/command/directives/tasks/{ctask_a}/close/", {"status": "done"}, expect(403, P=302, D=404)),
    # Assigning a task under the province's directive: the province, and the district in its own area.
    (
        "command:task_new",
        "/command/directives/tasks/new/?point={cpoint_a}",
        {"unit": "{cunit_d}", "title": "Trạm y tế lưu động ở mọi phường", "lead": "{body_a}", "deadline": "2021-09-30"},
        expect(403, P=302, D=302),
    ),
    # command: situation reports
    # Generating today's report of Lái Thiêu: its own officers (the others are offered only their own units, so the
    # form comes back with its error); signing its draft, sending its signed report and opening a new version of the
    # one it sent: its own officers only (the levels above read the sent one, the rest never find the others).
    (
        "command:report_generate",
        "/command/reports/generate/",
        {"unit": "{unit_a}", "day": "{today}"},
        expect(403, P=200, C=302, D=200, O=200, K=302),
    ),
    (
        "command:report_sign",
        "/command/reports/{sitrep_draft_a}/sign/",
        {"signer_title": "CHỦ TỊCH"},
        expect(403, P=404, C=302, D=404, O=404),
    ),
    ("command:report_send", "/command/reports/{sitrep_signed_a}/send/", {}, expect(403, P=404, C=302, D=404, O=404)),
    ("command:report_revise", "/command/reports/{sitrep_a}/revise/", {}, expect(403, P=404, C=302, D=404, O=404)),
    # command: duty log and briefings. The night shift's handover is received by the lead of the shift on duty, the
    # commune officer, and by no one else (holding her roles too does not make one her); entries are logged by who
    # keeps the ward's log; decisions and the closing by who writes its briefings' minutes.
    ("command:duty_receive", "/command/duty/shifts/{handed_a}/receive/", {}, expect(403, C=302, O=404, K=403, Z=403)),
    (
        "command:duty_entry_new",
        "/command/duty/shifts/{shift_a}/entries/new/",
        {"at": "{now_local}", "source": "phone", "category": "case", "content": "Báo 01 ca F0 mới tại Khu phố 1"},
        expect(403, P=302, C=302, D=302, O=404),
    ),
    (
        "command:briefing_decision_add",
        "/command/duty/briefings/{briefing_a}/decisions/",
        {"text": "Lập chốt kiểm soát tại Khu phố 1."},
        expect(403, P=302, C=302, D=302, O=404),
    ),
    (
        "command:briefing_close",
        "/command/duty/briefings/{briefing_a}/close/",
        {},
        expect(403, P=302, C=302, D=302, O=404),
    ),
    (
        "command:decision_task",
        "/command/duty/decisions/{decision_a}/task/",
        {"lead": "{duty_body_a}", "deadline": "{today}", "expected_output": "Chốt hoạt động 24/7"},
        expect(403, P=302, D=302),
    ),
    # command: alerts. Lái Thiêu's alert: acknowledged and resolved by who may change alerts there.
    ("command:alert_acknowledge", "/command/alerts/{command_alert_a}/acknowledge/", {}, ALERT_CHANGE),
    (
        "command:alert_resolve",
        "/command/alerts/{command_alert_a}/resolve/",
        {"resolution": "Đã gọi điện, bệnh nhân ổn định"},
        ALERT_CHANGE,
    ),  # command: forecasts. A run of Lái Thiêu's forecast now; a scenario of Lái Thiêu: contacts cut by 40 % from
    # tomorrow.
    # The analyst of the province who is also Hiệp Thành's officer sees Lái Thiêu's forecast and runs none (403).
    ("command:forecast_run", "/command/forecast/run/", {"unit": "{unit_a}"}, expect(403, P=302, D=302, O=404, Y=403)),
    (
        "command:scenarios",
        "/command/forecast/scenarios/?unit={unit_a}",
        {
            "name": "Giãn cách theo Chỉ thị 16",
            "horizon_days": "60",
            "change-TOTAL_FORMS": "3",
            "change-INITIAL_FORMS": "0",
            "change-0-kind": "contacts",
            "change-0-change": "-40",
            "change-0-starts_on": "{tomorrow}",
        },
        expect(403, P=302, D=302, O=404, Y=403),
    ),
]
# The only routes not in the tables above, and why: none.
UNLISTED: set[str] = set()


def fill(template: str, world) -> str:
    from phongdich.labs.models import Lab, Pool, ResultImport, Sample, TestingPlan, TestingRound
    from phongdich.surveillance.models import Case, Contact, TracingTask
    from phongdich.vaccination.models import Certificate, DoseImport, ReviewRow, Shipment

    f0 = world.person("Đỗ Văn Tâm", "25966")
    f1 = world.person("Lý Thị Thu", "25966")
    return template.format(
        f0_a=f0.pk,
        f1_a=f1.pk,
        case_a=Case.objects.get(person=f0).pk,
        cluster_a=Case.objects.get(person=f0).cluster_id,
        contact_a=Contact.objects.get(person=f1).pk,
        task_a=TracingTask.objects.get(person=f1).pk,
        analyst=world.user("analyst").pk,
        venue_token=world.venue("Chợ Lái Thiêu").qr_token,
        a=world.person("Nguyễn Thị Hằng", "25966").pk,
        b=world.person("Nguyễn Thị Hằng", "25741").pk,
        unit_a=world.unit("25966").pk,
        group_a=world.unit("25966-01").pk,
        venue_a=world.venue("Chợ Lái Thiêu").pk,
        commune_officer=world.user("commune_officer").pk,
        commander_commune=world.user("commander_commune").pk,
        assignment_c=world.user("commune_officer").role_assignments.get().pk,
        assignment_k=world.user("commander_commune").role_assignments.get(role="commune_officer").pk,
        token_c=_token_of(world.user("commune_officer")),
        review_a=ReviewRow.objects.first().pk if "{review_a}" in template else 0,
        facility_a=Facility.objects.get(name="Trạm Y tế Phường Lái Thiêu").pk,
        vaccination_site_a=Facility.objects.get(name="Điểm tiêm chủng Phường Lái Thiêu").pk,
        sample_a=Sample.objects.get(barcode="LT-0001-01").pk,
        pool_a=Pool.objects.get(barcode="LT-POOL-0001").pk,
        round_a=TestingRound.objects.get().pk,
        plan_a=TestingPlan.objects.get().pk,
        import_a=ResultImport.objects.get().pk,
        lab_a=Lab.objects.get().pk,
        certificate_a=Certificate.objects.get().pk,
        shipment_a=Shipment.objects.get().pk,
        dose_import_a=DoseImport.objects.get().pk,
        list_import_a=_list_import(world) if "{list_import_a}" in template else 0,
        site_a=_isolation_site(world) if "{site_a}" in template else 0,
        medicine_a=_medicine_kind() if "{medicine_a}" in template else 0,
        donation_a=_donation(world) if "{donation_a}" in template else 0,
        supply_item_a=_supply_item() if "{supply_item_a}" in template else 0,
        order_a=_order(world).pk if "{order_a}" in template else 0,
        order_person=_order(world).person_id if "{order_person}" in template else 0,
        levels_week=_levels_week() if "{levels_week}" in template else "",
        today=clock.today().isoformat(),
        now_local=timezone.localtime(clock.now()).strftime("%Y-%m-%dT%H:%M"),
        due_order=_order_due(world).pk if "{due_order}" in template else 0,
        released_a=_order_released(world).pk if "{released_a}" in template else 0,
        certificate_code_a=_order_released(world).certificate_code if "{certificate_code_a}" in template else "",
        **(_care(world) if any(f"{{{key}}}" in template for key in CARE_KEYS) else {}),
        **(_tower(world) if any(f"{{{key}}}" in template for key in TOWER_KEYS) else {}),
        **(_stations(world) if any(f"{{{key}}}" in template for key in STATIONS_KEYS) else {}),
        **(_zone(world) if "{zone_a}" in template else {}),
        **(_assessment(world) if "{assessment_a}" in template or "{result_a}" in template else {}),
        **(_command_directives(world) if any(f"{{{key}}}" in template for key in COMMAND_DIRECTIVE_KEYS) else {}),
        **(_sitreps(world) if "{sitrep" in template else {}),
        **(_duty(world) if any(f"{{{key}}}" in template for key in DUTY_KEYS) else {}),
        **(_command_alerts() if "{command_alert_a}" in template or "{alert_rule_a}" in template else {}),
        **(_command_target() if "{target_a}" in template else {}),
        **(_command_forecast() if "/command/forecast" in template or "{tomorrow}" in template else {}),
    )


def _command_forecast() -> dict:
    """command: forecasts. Lái Thiêu's people (the census), its forecast of yesterday with an Rt of 1.3, and a
    scenario cutting contacts by 40 % from tomorrow (made once per test)."""
    from phongdich.command.models import ForecastRun, Scenario
    from phongdich.core.testing import unit

    lai_thieu, yesterday = unit("25966"), clock.today() - timedelta(days=1)
    lai_thieu.populations.get_or_create(
        year=yesterday.year,
        defaults={"total": 24_266, "age_18_plus": 17_800, "age_65_plus": 1_900, "age_12_17": 2_300,
                  "age_5_11": 2_700, "source": "imported"},
    )  # fmt: skip
    rt = {"date": yesterday.isoformat(), "mean": 1.3, "lower": 1.1, "upper": 1.5, "reliable": True}
    ForecastRun.objects.get_or_create(
        unit=lai_thieu,
        day=yesterday,
        trigger="nightly",
        defaults={
            "status": "done",
            "finished_at": clock.now(),
            "inputs": {"start": yesterday.isoformat(), "counts": [4]},
            "results": {"rt": [rt]},
        },
    )
    tomorrow = clock.today() + timedelta(days=1)
    scenario, _created = Scenario.objects.get_or_create(
        unit=lai_thieu,
        name="Giãn cách từ ngày mai",
        defaults={"horizon_days": 60, "interventions": [
            {"kind": "contacts", "starts_on": tomorrow.isoformat(), "ends_on": None, "change": -0.4, "label": ""}
        ]},
    )  # fmt: skip
    return {"scenario_a": scenario.pk, "tomorrow": tomorrow.isoformat()}


def _command_target() -> dict:
    """command: targets. Lái Thiêu fully vaccinated by the end of 2021 (made once per test)."""
    from datetime import date

    from phongdich.command.models import Target
    from phongdich.core.testing import unit

    target, _created = Target.objects.get_or_create(
        unit=unit("25966"),
        name="100% người dân Phường Lái Thiêu được tiêm đủ 2 mũi",
        defaults={
            "metric": "coverage_full_pct",
            "target_value": 100,
            "starts_on": date(2021, 12, 1),
            "deadline": date(2021, 12, 31),
        },
    )
    return {"target_a": target.pk}


def _command_alerts() -> dict:
    """command: alerts. The default rules, and the alert of Lái Thiêu's home-care warnings not acknowledged in time
    (made once per test)."""
    from phongdich.command.alerts.services import alert_rules_default
    from phongdich.command.models import Alert, AlertRule
    from phongdich.core.testing import unit

    alert_rules_default()
    rule = AlertRule.objects.get(code="home_care_unack")
    lai_thieu = unit("25966")
    now = clock.now()
    alert, _created = Alert.objects.get_or_create(
        rule=rule,
        subject=f"home_care:{lai_thieu.pk}",
        defaults={
            "unit": lai_thieu,
            "summary": "2 cảnh báo chưa được xác nhận đúng hạn tại Phường Lái Thiêu",
            "value": 2,
            "threshold": 0,
            "raised_at": now,
            "seen_at": now,
        },
    )
    return {"command_alert_a": alert.pk, "alert_rule_a": AlertRule.objects.get(code="bed_occupancy").pk}


def _assessment(world) -> dict:
    """Levels proposed for the week of 11/10/2021, Lái Thiêu with its population (made once per test)."""
    from phongdich.levels.models import Assessment
    from phongdich.levels.services import assessment_run
    from phongdich.places.models import Population

    assessment = Assessment.objects.filter(status="proposed").first()
    if assessment is None:
        Population.objects.get_or_create(
            unit=world.unit("25966"),
            year=2021,
            defaults={
                "total": 32_000,
                "age_18_plus": 22_000,
                "age_65_plus": 2_100,
                "age_12_17": 2_600,
                "age_5_11": 3_300,
                "source": "imported",
            },
        )
        assessment = assessment_run(actor="test", on=date(2021, 10, 18), rules_code="4800")
    return {"assessment_a": assessment.pk, "result_a": assessment.results.get(unit=world.unit("25966")).pk}


def _levels_week() -> str:
    """A week of October 2021 published for the whole province (made once per test)."""
    from phongdich.levels.maps.tests.world import WEEK, published
    from phongdich.levels.models import Assessment

    if not Assessment.objects.filter(week=WEEK, status="published").exists():
        published(WEEK, {"25966": 3})
    return WEEK.isoformat()


def _isolation_site(world) -> int:
    site, _created = Facility.objects.get_or_create(
        name="Khu cách ly tập trung Phường Lái Thiêu", kind="isolation_site", unit=world.unit("25966")
    )
    return site.pk


def _medicine_kind() -> int:
    from phongdich.care.models import MedicineKind

    kind, _created = MedicineKind.objects.get_or_create(code="A", defaults={"name": "Gói thuốc A"})
    return kind.pk


def _donation(world) -> int:
    from phongdich.care.supplies.models import SupplyItem
    from phongdich.care.supplies.services import donation_record

    donation = donation_record(
        actor="test",
        donor_name="Công ty TNHH Thiết bị Y tế Phúc An",
        donor_kind="organisation",
        unit=world.unit("725"),
        received_on=clock.today(),
        lines=[(SupplyItem.objects.get(code="O2-BINH40"), 200)],
    )
    return donation.pk


def _supply_item() -> int:
    from phongdich.care.supplies.models import SupplyItem

    return SupplyItem.objects.get(code="O2-BINH40").pk


def _order(world):
    """Lý Thị Thu's home quarantine, from yesterday (so a visit just now falls inside it whatever the hour)."""
    from phongdich.care.models import IsolationOrder
    from phongdich.care.tests.factories import an_order

    thu = world.person("Lý Thị Thu", "25966")
    active = IsolationOrder.objects.filter(person=thu, kind="f1_home", status="active").first()
    return active or an_order(thu, "f1_home", starts_on=clock.today() - timedelta(days=1))


CARE_KEYS = ("f0_order", "alert_a", "link_a", "report_token", "now_iso")


def _care(world) -> dict:
    """Hằng of Lái Thiêu treated at home by the ward's health station, with a personal link and an open alert
    (made once per test)."""
    from django.utils import timezone

    from phongdich.care.models import Alert, WarningRules
    from phongdich.care.services.reports import link_issue, report_submit
    from phongdich.care.tests.factories import an_order
    from phongdich.care.warning_seeds import seed
    from phongdich.core import clock

    now = clock.now()
    alert = Alert.objects.filter(report__client_id="bang-quyen-canh-bao").first()
    if alert is None:
        seed(WarningRules)
        hang = world.person("Nguyễn Thị Hằng", "25966")
        station = Facility.objects.get(name="Trạm Y tế Phường Lái Thiêu")
        order = an_order(hang, facility=station, starts_on=clock.today() - timezone.timedelta(days=2))
        link_issue(actor="test", orders=[order])
        report, _ = report_submit(actor="test", order=order, client_id="bang-quyen-canh-bao", measured_at=now, spo2=93)
        alert = Alert.objects.get(report=report)
    order = alert.order
    return {
        "f0_order": order.pk,
        "alert_a": alert.pk,
        "link_a": order.link_id,
        "report_token": order.link.token,
        "now_iso": now.isoformat(),
    }


TOWER_KEYS = ("tower_a", "tower_row_a", "admission_a", "transfer_a")


def _tower(world) -> dict:
    """A tier-2 treatment area in Lái Thiêu with Phạm Thị Mai in one of its beds, and a transfer for Lý Thị Thu
    asked of it (made once per test)."""
    from phongdich.care.tower.models import Admission, TransferRequest, TreatmentFacility
    from phongdich.care.tower.services.admissions import admit
    from phongdich.care.tower.services.facilities import facility_enrol
    from phongdich.care.tower.services.transfers import transfer_request
    from phongdich.people.services import person_create

    tower = TreatmentFacility.objects.filter(facility__name="Khu điều trị COVID-19 Phường Lái Thiêu").first()
    if tower is None:
        facility = Facility.objects.create(
            name="Khu điều trị COVID-19 Phường Lái Thiêu", kind="hospital", unit=world.unit("25966")
        )
        tower = facility_enrol(actor="test", facility=facility, tier=2, beds={"regular": 30, "oxygen": 10, "icu": 0})
        mai = person_create(
            actor="test", full_name="Phạm Thị Mai", birth_year=1979, sex="female", unit=world.unit("25966-02")
        )
        admit(actor="test", person=mai, facility=facility, bed_kind="regular")
        thu = world.person("Lý Thị Thu", "25966")
        transfer_request(actor="test", person=thu, severity="moderate", reason="SpO₂ 95 %, khó thở")
    return {
        "tower_a": tower.facility_id,
        "tower_row_a": tower.pk,
        "admission_a": Admission.objects.get(facility_id=tower.facility_id).pk,
        "transfer_a": TransferRequest.objects.get(offers__facility_id=tower.facility_id).pk,
    }


STATIONS_KEYS = ("station_a", "team_a", "staff_a", "course_a")


def _stations(world) -> dict:
    """A mobile station in Lái Thiêu, a community team of its Khu phố 1, a nurse of the ward's health station and
    a course that health station runs for recovered F0 volunteers (made once per test)."""
    from phongdich.care.stations.models import CommunityTeam, MobileStation, StaffMember, TrainingCourse
    from phongdich.care.stations.services import (
        MemberData,
        StaffData,
        StationData,
        course_add,
        staff_add,
        station_create,
        team_save,
    )

    station = MobileStation.objects.filter(facility__name="Trạm Y tế lưu động Phường Lái Thiêu").first()
    if station is None:
        lai_thieu, health_station = world.unit("25966"), Facility.objects.get(name="Trạm Y tế Phường Lái Thiêu")
        opened = clock.today() - timedelta(days=10)
        station = station_create(
            actor="test",
            data=StationData(name="Trạm Y tế lưu động Phường Lái Thiêu", commune=lai_thieu, opened_on=opened),
        )
        team_save(
            actor="test",
            group=world.unit("25966-01"),
            name="Tổ Covid cộng đồng số 1",
            members=[MemberData(full_name="Trần Thị Mai", phone="0908123456", role="leader")],
            households=[],
        )
        staff_add(
            actor="test",
            data=StaffData(full_name="Ngô Thị Lan", kind="nurse", facility=health_station, from_on=opened),
        )
        course_add(
            actor="test",
            title="Điều dưỡng cho F0 đã khỏi bệnh tình nguyện",
            starts_on=opened,
            ends_on=opened + timedelta(days=2),
            unit=lai_thieu,
            facility=health_station,
        )
    return {
        "station_a": station.pk,
        "team_a": CommunityTeam.objects.get(name="Tổ Covid cộng đồng số 1").pk,
        "staff_a": StaffMember.objects.get(full_name="Ngô Thị Lan").pk,
        "course_a": TrainingCourse.objects.get(title="Điều dưỡng cho F0 đã khỏi bệnh tình nguyện").pk,
    }


def _zone(world) -> dict:
    """A red zone of Lái Thiêu's Khu phố 1 declared in the ward, in force from three days ago (made once per test)."""
    from phongdich.levels.models import Zone
    from phongdich.levels.zones.services import zone_declare

    zone = Zone.objects.filter(name="Vùng đỏ Khu phố 1 – Phường Lái Thiêu").first()
    if zone is None:
        now = clock.now()
        zone = zone_declare(
            actor="test",
            kind="lockdown",
            name="Vùng đỏ Khu phố 1 – Phường Lái Thiêu",
            unit=world.unit("25966"),
            units=[world.unit("25966-01")],
            starts_at=now - timedelta(days=3),
            planned_end_at=now + timedelta(days=11),
            leave_test="pcr",
        )
    return {"zone_a": zone.pk}


def _order_due(world):
    """Hằng of Lái Thiêu's home treatment, ending today and needing no test: ready for release."""
    from phongdich.care.choices import OrderKind, OrderStatus
    from phongdich.care.models import IsolationOrder
    from phongdich.care.tests.factories import an_order
    from phongdich.core import clock

    hang = world.person("Nguyễn Thị Hằng", "25966")
    found = IsolationOrder.objects.filter(person=hang, kind=OrderKind.F0_HOME, status=OrderStatus.ACTIVE).first()
    return found or an_order(hang, starts_on=clock.today() - timedelta(days=9), release_test="none")


def _order_released(world):
    """Hằng of Lái Thiêu's quarantine, completed yesterday, with its certificate."""
    from phongdich.care.choices import OrderKind, OrderStatus
    from phongdich.care.models import IsolationOrder
    from phongdich.care.tests.factories import an_order
    from phongdich.core import clock

    hang = world.person("Nguyễn Thị Hằng", "25966")
    if found := IsolationOrder.objects.filter(person=hang, status=OrderStatus.RELEASED).first():
        return found
    yesterday = clock.today() - timedelta(days=1)
    return an_order(
        hang, OrderKind.F1_HOME, starts_on=yesterday - timedelta(days=6), status=OrderStatus.RELEASED,
        ended_on=yesterday, end_reason="completed", certificate_code="HANG-LTQT-2021-TEST-CODE",
    )  # fmt: skip


def _list_import(world) -> int:
    from phongdich.surveillance.models import ListImport

    job = ListImport.objects.create(
        kind="cases",
        unit=world.unit("25966"),
        file_name="ca-benh-lai-thieu.csv",
        file_sha256="0" * 64,
        status="done",
        errors="3,Năm sinh,19x0 không phải năm sinh.\n",
        error_count=1,
        created_by=world.user("commune_officer"),
    )
    return job.pk


@pytest.mark.parametrize(("name", "template", "expected"), PAGES, ids=[f"{n} {t}" for n, t, _ in PAGES])
def test_each_page_answers_each_persona_as_its_jurisdiction_allows(client, world, name, template, expected):
    url = fill(template, world)
    for persona, status in expected.items():
        client.force_login(world.user(persona))
        assert client.get(url).status_code == status, f"{persona} GET {url}"


@pytest.mark.parametrize(("method", "template", "body", "expected"), API, ids=[f"{m} {t}" for m, t, _b, _e in API])
def test_each_api_endpoint_answers_each_persona_as_its_jurisdiction_allows(
    api_as, world, method, template, body, expected
):
    url = fill(template, world)
    filled = {key: fill(value, world) if isinstance(value, str) else value for key, value in (body or {}).items()}
    payload = {"data": json.dumps(filled), "content_type": "application/json"} if body else {}
    for persona, status in expected.items():
        response = api_as(persona).generic(method, url, **payload)
        assert response.status_code == status, f"{persona} {method} {url}: {response.content[:200]}"


@pytest.mark.parametrize(
    ("name", "template", "data", "expected"), ACTIONS, ids=[f"{n} {t}" for n, t, _d, _e in ACTIONS]
)
def test_each_post_workflow_answers_each_persona_as_its_jurisdiction_allows(
    client, api_as, world, name, template, data, expected
):
    url = fill(template, world)
    filled = {key: fill(value, world) for key, value in data.items()}
    for persona, status in expected.items():
        with transaction.atomic():
            if url.startswith("/api/"):
                upload = SimpleUploadedFile("ket-qua.csv", "Mã mẫu,Kết quả\nLT-0001-01,Âm tính\n".encode())
                response = api_as(persona).post(url, {**filled, "file": upload})
            else:
                client.force_login(world.user(persona))
                response = client.post(url, filled)
            transaction.set_rollback(True)
        assert response.status_code == status, f"{persona} POST {url}: {response.content[:200]}"


@pytest.mark.parametrize(("name", "template", "opened"), PAGES, ids=[f"{n} {t}" for n, t, _ in PAGES])
def test_each_page_answers_an_empty_post_as_its_jurisdiction_allows(client, world, name, template, opened):
    url = fill(template, world)
    expected = POSTED.get(name) or {
        persona: 405 if name in READ_ONLY and status == 200 else status for persona, status in opened.items()
    }
    for persona, status in expected.items():
        with transaction.atomic():
            client.force_login(world.user(persona))
            response = client.post(url, {})
            transaction.set_rollback(True)
        assert response.status_code == status, f"{persona} POST {url}"


@pytest.mark.parametrize(("name", "template", "_opened"), [row for row in PAGES if row[0] in NO_LOGIN])
def test_each_public_page_answers_a_visitor_who_has_not_logged_in(client, world, name, template, _opened):
    assert client.get(fill(template, world)).status_code == NO_LOGIN[name]


def test_a_persona_without_access_to_persons_gets_an_empty_api_list(api_as):
    assert api_as("analyst").get("/api/v1/persons").json()["items"] == []


def test_every_route_is_in_the_permission_tables(world):
    covered = {name for name, _t, _e in PAGES} | {name for name, _t, _d, _e in ACTIONS} | UNLISTED
    api_paths = {re.sub(r"\{\w+\}", "{}", template.split("?")[0]) for _m, template, _b, _e in API}
    missing = []
    for name, route in _named_routes(get_resolver()):
        if name in covered:
            continue
        if not (name.startswith("api:") and "/" + re.sub(r"<[^>]+>", "{}", route) in api_paths):
            missing.append(f"{name} ({route})")
    assert not missing, f"add these routes to the permission tables: {missing}"


def _token_of(user) -> int:
    from phongdich.accounts.services import api_token_create

    token = user.api_tokens.filter(revoked_at__isnull=True).first()
    return (token or api_token_create(actor=user, user=user, name="máy quét")[0]).pk


def _named_routes(resolver, prefix="", namespace=""):
    for pattern in resolver.url_patterns:
        if isinstance(pattern, URLResolver):
            ns = f"{namespace}{pattern.namespace}:" if pattern.namespace else namespace
            yield from _named_routes(pattern, prefix + str(pattern.pattern), ns)
        elif isinstance(pattern, URLPattern) and pattern.name:
            yield f"{namespace}{pattern.name}", prefix + str(pattern.pattern)


# command: directives
COMMAND_DIRECTIVE_KEYS = ("directive_a", "cpoint_a", "ctask_a", "body_a", "cunit_d")


def _command_directives(world) -> dict:
    """The province's directive of 9/2021 and its task led by Thuận An's people's committee, whose member is the
    district officer (made once per test)."""
    from phongdich.command.directives.tests.world import build
    from phongdich.command.models import Directive

    directive = Directive.objects.filter(number="17-CT/TU").first()
    built = build() if directive is None else None
    directive = built["directive"] if built else directive
    task = directive.tasks.select_related("lead", "point").get(lead__name="Ủy ban nhân dân thành phố Thuận An")
    return {
        "directive_a": directive.pk,
        "cpoint_a": task.point_id,
        "ctask_a": task.pk,
        "body_a": task.lead_id,
        "cunit_d": world.unit("725").pk,
    }


def _sitreps(world) -> dict:
    """Lái Thiêu's reports of the last three days: sent upward, a draft, signed and not sent (made once per test)."""
    from phongdich.command.models import SituationReport
    from phongdich.command.reports.services import report_generate, report_send, report_sign

    def report_of(days_ago: int):
        day = clock.today() - timedelta(days=days_ago)
        return SituationReport.objects.filter(unit=world.unit("25966"), day=day).first() or report_generate(
            actor="test", unit=world.unit("25966"), day=day
        )

    sent, draft, signed = report_of(3), report_of(2), report_of(1)
    if sent.status == "draft":
        report_send(actor="test", report=report_sign(actor="test", report=sent, signer_title="CHỦ TỊCH"))
    if signed.status == "draft":
        report_sign(actor="test", report=signed, signer_title="CHỦ TỊCH")
    return {"sitrep_a": sent.pk, "sitrep_draft_a": draft.pk, "sitrep_signed_a": signed.pk}


# command: duty log and briefings
DUTY_KEYS = ("shift_a", "handed_a", "briefing_a", "decision_a", "duty_body_a", "duty_at")


def _duty(world) -> dict:
    """Lái Thiêu's command centre: last night's shift, led by the district officer, handed over to the shift on duty
    now, led by the commune officer (not yet received); a briefing held yesterday, its minutes recorded, with a
    decision; the ward's people's committee as a body (made once per test)."""
    from phongdich.command.duty.services import (
        briefing_plan,
        briefing_record,
        decision_add,
        shift_hand_over,
        shift_open,
    )
    from phongdich.command.models import Body, BriefingDecision, DutyShift

    lai_thieu = world.unit("25966")
    now = clock.now().replace(second=0, microsecond=0)
    current = DutyShift.objects.filter(unit=lai_thieu, lead__username="commune_officer").first()
    if current is None:
        lead, night_lead = world.user("commune_officer"), world.user("district_officer")
        night = shift_open(
            actor="test",
            unit=lai_thieu,
            starts_at=now - timedelta(hours=10),
            ends_at=now - timedelta(hours=2),
            lead=night_lead,
            officers=[],
        )
        current = shift_open(
            actor="test",
            unit=lai_thieu,
            starts_at=now - timedelta(hours=2),
            ends_at=now + timedelta(hours=6),
            lead=lead,
            officers=[],
        )
        shift_hand_over(actor="test", shift=night, note="Còn 01 ca F0 chờ chuyển viện.", to_shift=current)
        body = Body.objects.create(unit=lai_thieu, name="UBND phường Lái Thiêu", kind="peoples_committee")
        briefing = briefing_plan(
            actor="test", unit=lai_thieu, held_at=now - timedelta(days=1), title="Giao ban Ban Chỉ đạo phường"
        )
        briefing_record(actor="test", briefing=briefing, attendees=[lead], bodies=[body], minutes="Ghi nhận 02 ca F0.")
        decision_add(actor="test", briefing=briefing, text="Tăng cường xét nghiệm tại Khu phố 1.")
    decision = BriefingDecision.objects.get(briefing__unit=lai_thieu)
    return {
        "shift_a": current.pk,
        "handed_a": DutyShift.objects.get(unit=lai_thieu, lead__username="district_officer").pk,
        "briefing_a": decision.briefing_id,
        "decision_a": decision.pk,
        "duty_body_a": Body.objects.get(unit=lai_thieu, name="UBND phường Lái Thiêu").pk,
        "duty_at": (now - timedelta(minutes=5)).isoformat(),
    }
