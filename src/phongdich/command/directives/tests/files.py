"""Small real files of each accepted kind, and impostors, for the attachment tests."""

import io
import zipfile

from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image

from phongdich.demo.command_directives import pdf_bytes, xlsx_bytes


def office_bytes(main_part: str, extra: str = "") -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr(main_part, "<document/>")
        if extra:
            archive.writestr(extra, b"\x00")
    return out.getvalue()


def picture_bytes(kind: str) -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (4, 4), "white").save(out, kind)
    return out.getvalue()


def pdf(name: str = "bao-cao.pdf") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, pdf_bytes(["Bao cao tien do"]), content_type="application/pdf")


def docx(name: str = "bao-cao.docx", extra: str = "") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, office_bytes("word/document.xml", extra))


def xlsx(name: str = "danh-sach.xlsx") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, xlsx_bytes("Danh sách", [("Phường", "Trạm")]))


def png(name: str = "anh.png") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, picture_bytes("PNG"), content_type="image/png")


def jpeg(name: str = "anh.jpg") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, picture_bytes("JPEG"), content_type="image/jpeg")
