"""Reading the certificate text back out of a photo or a scan of its QR code."""

from django.utils.translation import gettext as _

from phongdich.core.pictures import PictureRefused, picture_open

from .codec import DccError

QR_SIDE = 2000  # pixels: enough for a QR code filling a tenth of a phone photo


def text_from_image(data: bytes) -> str:
    import zxingcpp

    try:
        image = picture_open(data, longest_side=QR_SIDE)
    except PictureRefused as error:
        raise DccError(error.code, str(error)) from error
    found = zxingcpp.read_barcodes(image.convert("L"), formats=zxingcpp.BarcodeFormats(zxingcpp.BarcodeFormat.QRCode))
    if not found:
        raise DccError("no_qr", _("No QR code was found in the image."))
    return found[0].text
