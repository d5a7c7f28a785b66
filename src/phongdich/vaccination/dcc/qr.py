"""Reading the certificate text back out of a photo or a scan of its QR code."""

import io

from .codec import DccError

MAX_IMAGE_BYTES = 10 * 1024 * 1024


def text_from_image(data: bytes) -> str:
    import zxingcpp
    from PIL import Image, UnidentifiedImageError

    if len(data) > MAX_IMAGE_BYTES:
        raise DccError("too_large", "The image is larger than 10 MB.")
    try:
        image = Image.open(io.BytesIO(data))
        image.load()
    except (UnidentifiedImageError, OSError, ValueError) as error:
        raise DccError("unreadable_image", "The file is not an image this verifier can read.") from error
    found = zxingcpp.read_barcodes(image.convert("L"), formats=zxingcpp.BarcodeFormats(zxingcpp.BarcodeFormat.QRCode))
    if not found:
        raise DccError("no_qr", "No QR code was found in the image.")
    return found[0].text
