"""Reading the certificate text back out of a photo or a scan of its QR code."""

from django.utils.translation import gettext as _

from phongdich.core.pictures import PictureRefused, qr_text

from .codec import DccError


def text_from_image(data: bytes) -> str:
    try:
        text = qr_text(data)
    except PictureRefused as error:
        raise DccError(error.code, str(error)) from error
    if text is None:
        raise DccError("no_qr", _("No QR code was found in the image."))
    return text
