"""Printable check-in posters for venues: A5 PDF (WeasyPrint) and PNG (Pillow), in Vietnamese.

Both carry the venue's QR code (its public check-in address with the signed token), its name and address,
and how to check in. Fonts: DejaVu from the system (Debian's fonts-dejavu-core), never downloaded.
"""

import base64
import io
from pathlib import Path

import segno
from django.template.loader import render_to_string
from django.utils import translation
from PIL import Image, ImageDraw, ImageFont

from .models import Venue

FONT_DIR = Path("/usr/share/fonts/truetype/dejavu")
POSTER_LANGUAGE = "vi"  # posters hang in public places: Vietnamese whatever the officer's own language
PNG_SIZE = (1240, 1748)  # A5 at 210 dpi


def qr_png(text: str, scale: int = 12) -> bytes:
    buffer = io.BytesIO()
    segno.make(text, error="q", micro=False).save(buffer, kind="png", scale=scale, border=4)
    return buffer.getvalue()


def poster_pdf(venue: Venue) -> bytes:
    from weasyprint import HTML  # imported here: it loads Pango, which only poster requests need

    with translation.override(POSTER_LANGUAGE):
        html = render_to_string(
            "places/venue_poster.html",
            {"venue": venue, "qr": base64.b64encode(qr_png(venue.checkin_url)).decode()},
        )
    return HTML(string=html).write_pdf()


def poster_png(venue: Venue) -> bytes:
    with translation.override(POSTER_LANGUAGE):
        lines = poster_lines(venue)
    image = Image.new("RGB", PNG_SIZE, "white")
    draw = ImageDraw.Draw(image)
    width = PNG_SIZE[0]
    y = 90
    for text, size, bold in lines["head"]:
        y = _centred(draw, text, size, bold, y, width) + 18
    code = Image.open(io.BytesIO(qr_png(venue.checkin_url, scale=14)))
    side = min(code.width, width - 300)
    code = code.resize((side, side), Image.Resampling.NEAREST)
    image.paste(code, ((width - side) // 2, y + 20))
    y += side + 60
    for text, size, bold in lines["foot"]:
        y = _centred(draw, text, size, bold, y, width) + 14
    buffer = io.BytesIO()
    image.save(buffer, format="PNG", dpi=(210, 210))
    return buffer.getvalue()


def poster_lines(venue: Venue) -> dict:
    from django.utils.translation import gettext as _

    return {
        "head": [
            (_("SCAN TO CHECK IN"), 64, True),
            (venue.name, 48, True),
            (venue.address or venue.unit.label, 32, False),
        ],
        "foot": [
            (_("Open the phone camera and point it at the code."), 34, False),
            (_("Enter your phone number, CCCD/CMND or personal QR code."), 34, False),
            (_("5K: masks, disinfection, distance, no gatherings, health declaration."), 28, False),
        ],
    }


def _centred(draw: ImageDraw.ImageDraw, text: str, size: int, bold: bool, y: int, width: int) -> int:
    """Draw `text` centred, wrapped to the width; return the y below it."""
    font = ImageFont.truetype(str(FONT_DIR / ("DejaVuSans-Bold.ttf" if bold else "DejaVuSans.ttf")), size)
    for line in _wrap(draw, text, font, width - 120):
        left, top, right, bottom = draw.textbbox((0, 0), line, font=font)
        draw.text(((width - (right - left)) // 2, y), line, font=font, fill="black")
        y += bottom - top + 10
    return y


def _wrap(draw, text: str, font, limit: int) -> list[str]:
    lines, current = [], ""
    for word in text.split():
        trial = f"{current} {word}".strip()
        if draw.textlength(trial, font=font) <= limit or not current:
            current = trial
        else:
            lines.append(current)
            current = word
    return [*lines, current] if current else lines
