from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from . import clock
from .scoping import has_permission_somewhere

# (url name, label, permission needed somewhere; "" = any logged-in user)
NAVIGATION = [
    ("core:home", _("Home"), ""),
    ("places:tree", _("Units"), "places.view_adminunit"),
    ("people:list", _("Persons"), "people.view_person"),
    ("surveillance:cases", _("Cases"), "surveillance.view_case"),
    ("surveillance:clusters", _("Clusters"), "surveillance.view_cluster"),
    ("surveillance:levels", _("F-levels"), "surveillance.view_tracingstate"),
    ("surveillance:tasks", _("Tasks"), "surveillance.view_tracingtask"),
    ("surveillance:trips", _("Trips"), "surveillance.view_trip"),
    ("surveillance:rules", _("Tracing rules"), "surveillance.add_tracingrules"),
    ("labs:samples", _("Samples"), "labs.view_sample"),
    ("labs:pools", _("Pools"), "labs.view_pool"),
    ("labs:rounds", _("Testing rounds"), "labs.view_testinground"),
    ("labs:tasks", _("Re-sampling"), "labs.view_resampletask"),
    ("labs:labs", _("Labs"), "labs.view_lab"),
    ("labs:plans", _("Staff testing"), "labs.view_testingplan"),
    ("labs:rules", _("Testing rules"), "labs.add_testingrules"),
    ("vaccination:coverage", _("Vaccination"), "vaccination.view_coveragecell"),
    ("vaccination:dose_create", _("Record a dose"), "vaccination.add_dose"),
    ("vaccination:sites", _("Vaccine stock"), "vaccination.view_delivery"),
    ("vaccination:shipments", _("Shipments"), "vaccination.view_shipment"),
    ("vaccination:imports", _("Dose imports"), "vaccination.view_doseimport"),
    ("vaccination:rules", _("Vaccination rules"), "vaccination.add_vaccinationrules"),
    ("verify", _("Verify a certificate"), ""),
    ("places:venues", _("QR venues"), "places.view_venue"),
    ("places:facilities", _("Facilities"), "places.view_facility"),
    ("people:duplicates", _("Duplicates"), "people.merge_person"),
    ("accounts:users", _("Accounts"), "accounts.manage_users"),
    ("core:audit", _("Audit"), "core.view_auditevent"),
    ("api:openapi-view", _("API"), ""),
]


def navigation(request):
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {"navigation": []}
    items = [
        {"url": reverse(name), "label": label, "active": request.path.startswith(reverse(name)) and name != "core:home"}
        for name, label, permission in NAVIGATION
        if not permission or has_permission_somewhere(user, permission)
    ]
    return {"navigation": items}


def demo_clock(request):
    """The day a demo database's clock is set at, for the banner every page shows while it is (core/clock.py)."""
    return {"demo_day": clock.demo_day()}
