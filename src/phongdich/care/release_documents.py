"""Printed documents of care: the certificate of completed isolation or treatment (an A4 Vietnamese administrative
document with a QR code of its public check) and the printable list of releases due. WeasyPrint, DejaVu fonts
from the system."""

import base64
from dataclasses import dataclass
from datetime import date

from django.template.loader import render_to_string
from django.utils import translation
from django.utils.translation import gettext as _

from phongdich.places.choices import UnitLevel
from phongdich.places.models import AdminUnit, Facility
from phongdich.places.posters import qr_png

from .choices import SITE_KINDS, OrderKind
from .messages import completed_what
from .models import IsolationOrder
from .services.release import certificate_check_url

DOCUMENT_LANGUAGE = "vi"  # an administrative document: Vietnamese whatever the language of who prints it


@dataclass(frozen=True)
class Issuer:
    """Who issues a certificate, as its header, number and signature block name them."""

    superior: str  # the body above the issuer, first line of the header ("" for a People's Committee)
    name: str  # the issuing body, second line, bold
    body: str  # the issuing body as a sentence names it
    number_suffix: str  # "…/GXN-UBND"
    place: str  # the place of the date line: "Lái Thiêu, ngày 05 tháng 9 năm 2021"
    signs_for: str  # "TM. ỦY BAN NHÂN DÂN"; empty when the head signs in their own name
    signer: str  # "CHỦ TỊCH", "TRƯỞNG TRẠM"


def issuer_of(order: IsolationOrder) -> Issuer:
    """A person treated at home by a health station gets the station's certificate; one at a concentrated site the
    site's; everyone else (home quarantine) the People's Committee of the commune they live in."""
    commune = _commune_of(order.unit)
    district = commune.parent or commune
    station, site = order.facility, order.site
    if order.kind == OrderKind.F0_HOME and station is not None:
        superior = _("Health centre of %(unit)s") % {"unit": district.name}
        return _facility_issuer(station, superior, "TYT", _("Head of the station"), commune)
    if order.kind in SITE_KINDS and site is not None:
        site_commune = _commune_of(site.unit)
        superior = _committee(site_commune.parent or site_commune)  # sites are run by the district
        return _facility_issuer(site, superior, "KCL", _("Head of the site"), site_commune)
    return Issuer(
        superior="",  # a People's Committee heads its documents with its own name alone
        name=_committee(commune).upper(),
        body=_committee(commune),
        number_suffix="UBND",
        place=short_name(commune),
        signs_for=_("On behalf of the People's Committee").upper(),
        signer=_("Chair").upper(),
    )


def _facility_issuer(facility: Facility, superior: str, suffix: str, signer: str, commune: AdminUnit) -> Issuer:
    return Issuer(
        superior=superior.upper(),
        name=facility.name.upper(),
        body=facility.name,
        number_suffix=suffix,
        place=short_name(commune),
        signs_for="",
        signer=signer.upper(),
    )


def _committee(unit: AdminUnit) -> str:
    return _("People's Committee of %(unit)s") % {"unit": unit.name}


def _commune_of(unit: AdminUnit) -> AdminUnit:
    """The commune of a residential group (or the unit itself above it)."""
    if unit.level == UnitLevel.GROUP and unit.parent is not None:
        return unit.parent
    return unit


def short_name(unit: AdminUnit) -> str:
    """The unit's name without its kind: "Phường Lái Thiêu" → "Lái Thiêu", as a date line names the place."""
    kind = unit.division_type.strip()
    if kind and unit.name.lower().startswith(kind.lower() + " "):
        return unit.name[len(kind) + 1 :]
    return unit.name


def date_line(place: str, day: date) -> str:
    """ "Lái Thiêu, ngày 05 tháng 9 năm 2021": a day below 10 and the months 1 and 2 take a leading zero (the rules
    for administrative documents, Nghị định 30/2020/NĐ-CP)."""
    month = f"{day.month:02d}" if day.month <= 2 else str(day.month)
    return _("%(place)s, day %(day)s month %(month)s year %(year)s") % {
        "place": place,
        "day": f"{day.day:02d}",
        "month": month,
        "year": day.year,
    }


def certificate_title(kind: str) -> str:
    if kind == OrderKind.F0_HOME:
        return _("Certificate of completed home treatment").upper()
    if kind == OrderKind.F0_SITE:
        return _("Certificate of completed treatment").upper()
    return _("Certificate of completed isolation").upper()


def certificate_pdf(order: IsolationOrder) -> bytes:
    """The certificate of a released order, in Vietnamese, with a QR code of its public check address."""
    from weasyprint import HTML  # imported here: it loads Pango, which only document requests need

    url = certificate_check_url(order)
    ended = order.ended_on or order.planned_end
    with translation.override(DOCUMENT_LANGUAGE):
        issuer = issuer_of(order)
        html = render_to_string(
            "care/release_certificate.html",
            {
                "order": order,
                "person": order.person,
                "issuer": issuer,
                "title": certificate_title(order.kind),
                "what": completed_what(order.kind),
                "date_line": date_line(issuer.place, ended),
                "monitoring": order.monitor_until is not None and order.monitor_until > ended,
                "check_url": url,
                "qr": base64.b64encode(qr_png(url, scale=6)).decode(),
            },
        )
    return HTML(string=html).write_pdf()


def release_list_pdf(context: dict) -> bytes:
    """The printable list of releases due in a unit (care/release_list_print.html), in the reader's language."""
    from weasyprint import HTML

    return HTML(string=render_to_string("care/release_list_print.html", context)).write_pdf()
