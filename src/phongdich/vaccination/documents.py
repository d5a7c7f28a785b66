"""A certificate as a QR code (PNG, SVG) and as an A6 card (PDF) in Vietnamese and English."""

import base64
import io

import segno
from django.template.loader import render_to_string

from phongdich.places.posters import qr_png

from .models import Certificate


def certificate_png(certificate: Certificate) -> bytes:
    return qr_png(certificate.text, scale=6)


def certificate_svg(certificate: Certificate) -> bytes:
    buffer = io.BytesIO()
    segno.make(certificate.text, error="q", micro=False).save(buffer, kind="svg", scale=4, border=4, xmldecl=True)
    return buffer.getvalue()


def certificate_pdf(certificate: Certificate) -> bytes:
    from weasyprint import HTML  # imported here: it loads Pango, which only card requests need

    entry = certificate_entry(certificate)
    html = render_to_string(
        "vaccination/certificate_card.html",
        {
            "certificate": certificate,
            "entry": entry,
            "qr": base64.b64encode(qr_png(certificate.text, scale=8)).decode(),
        },
    )
    return HTML(string=html).write_pdf()


def certificate_entry(certificate: Certificate) -> dict:
    dose = certificate.dose
    return {
        "product": dose.product.name,
        "manufacturer": dose.product.manufacturer,
        "number": dose.number,
        "series": max(dose.product.series_doses, dose.number),
        "given_on": dose.given_on,
    }
