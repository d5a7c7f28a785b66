"""Pictures from outside (a photo of a QR code, of a self-test): checked before they are decoded.

A small file can describe a huge picture (a 656 KB PNG of 13,000 × 13,000 pixels took a worker to 1.1 GB), so the
header is read first and a picture above PHONGDICH_PICTURE_MAX_PIXELS is refused before any pixel is decoded;
pictures below it are decoded at a reduced scale where the format allows (JPEG) and shrunk to the size their use
needs.
"""

import io
import warnings

from django.conf import settings
from django.core.files.base import ContentFile
from django.utils.translation import gettext as _
from PIL import Image, ImageOps, UnidentifiedImageError

from .templatetags.humanize_vi import num


class PictureRefused(ValueError):
    """A picture that cannot be used: not a picture, or too large. The message is for people."""

    def __init__(self, message: str, code: str):
        super().__init__(message)
        self.code = code


def picture_open(data: bytes, *, longest_side: int) -> Image.Image:
    """The decoded picture, at most `longest_side` pixels wide and high, upright as the camera held it."""
    if len(data) > settings.PHONGDICH_PICTURE_MAX_BYTES:
        limit = settings.PHONGDICH_PICTURE_MAX_BYTES // (1024 * 1024)
        raise PictureRefused(_("The picture is larger than %(limit)d MB.") % {"limit": limit}, "too_large")
    with warnings.catch_warnings():
        warnings.simplefilter("error", Image.DecompressionBombWarning)
        try:
            image = Image.open(io.BytesIO(data))  # reads the header only
        except (Image.DecompressionBombError, Image.DecompressionBombWarning):
            raise _too_many_pixels() from None
        except (UnidentifiedImageError, OSError, ValueError) as error:
            raise _unreadable() from error
    if image.width * image.height > settings.PHONGDICH_PICTURE_MAX_PIXELS:
        raise _too_many_pixels()
    try:
        image.draft("RGB", (longest_side, longest_side))  # JPEG: decoded at 1/2, 1/4 or 1/8 of its size
        image.thumbnail((longest_side, longest_side))
        return ImageOps.exif_transpose(image)
    except (OSError, ValueError, SyntaxError) as error:  # a truncated or damaged file
        raise _unreadable() from error


def picture_for_keeping(upload, *, longest_side: int = 1600, name: str = "photo") -> ContentFile:
    """An uploaded photo made ready to keep: checked, shrunk, re-encoded as JPEG (which drops its metadata, such
    as where it was taken)."""
    image = picture_open(upload.read(), longest_side=longest_side)
    out = io.BytesIO()
    image.convert("RGB").save(out, "JPEG", quality=85, optimize=True)
    return ContentFile(out.getvalue(), name=f"{name}.jpg")


def _too_many_pixels() -> PictureRefused:
    return PictureRefused(
        _("The picture has more than %(limit)s pixels; take or send a smaller one.")
        % {"limit": num(settings.PHONGDICH_PICTURE_MAX_PIXELS)},
        "too_large",
    )


def _unreadable() -> PictureRefused:
    return PictureRefused(_("The file is not a picture that can be read."), "unreadable_image")


def qr_text(data: bytes, *, longest_side: int = 2000) -> str | None:
    """The text of the first QR code in a photo or scan, or None if there is none; raises PictureRefused.
    2,000 pixels are enough for a QR code filling a tenth of a phone photo."""
    import zxingcpp

    image = picture_open(data, longest_side=longest_side)
    found = zxingcpp.read_barcodes(image.convert("L"), formats=zxingcpp.BarcodeFormats(zxingcpp.BarcodeFormat.QRCode))
    return found[0].text if found else None
