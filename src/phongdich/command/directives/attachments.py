"""Files sent with a directive (its scanned source) or a progress report: a few kinds of document and picture, each
recognised by its content (the first bytes, and for Office files the parts inside the zip), never by its name or by
what the browser claims. A file whose name says another kind than its content is refused too."""

import os
import re
import unicodedata
import zipfile
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

MAX_BYTES = 10 * 1024 * 1024
MAX_FILES = 5
NAME_MAX = 200


@dataclass(frozen=True)
class Kind:
    extension: str
    content_type: str
    names: tuple[str, ...]  # the extensions a file of this kind may carry


PDF = Kind("pdf", "application/pdf", ("pdf",))
DOCX = Kind("docx", "application/vnd.openxmlformats-officedocument.wordprocessingml.document", ("docx",))
XLSX = Kind("xlsx", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", ("xlsx",))
JPEG = Kind("jpg", "image/jpeg", ("jpg", "jpeg"))
PNG = Kind("png", "image/png", ("png",))
KINDS = (PDF, DOCX, XLSX, JPEG, PNG)
ALLOWED = "PDF, DOCX, XLSX, JPG, PNG"


def _content_kind(upload) -> Kind | None:
    upload.seek(0)
    head = upload.read(8)
    upload.seek(0)
    if head.startswith(b"%PDF-"):
        return PDF
    if head.startswith(b"\xff\xd8\xff"):
        return JPEG
    if head.startswith(b"\x89PNG\r\n\x1a\n"):
        return PNG
    if head.startswith(b"PK\x03\x04"):
        return _office_kind(upload)
    return None


def _office_kind(upload) -> Kind | None:
    """A Word or Excel file (Office Open XML) without macros, from the parts its zip holds."""
    try:
        with zipfile.ZipFile(upload) as archive:
            parts = set(archive.namelist())
    except (zipfile.BadZipFile, OSError, ValueError):
        return None
    finally:
        upload.seek(0)
    if "[Content_Types].xml" not in parts or any(part.lower().endswith("vbaproject.bin") for part in parts):
        return None
    if "word/document.xml" in parts:
        return DOCX
    if "xl/workbook.xml" in parts:
        return XLSX
    return None


def clean_name(name: str) -> str:
    """The file's own name without any folder, control characters or surrounding spaces, at most NAME_MAX long
    (its extension kept)."""
    name = os.path.basename((name or "").replace("\\", "/"))
    name = "".join(ch for ch in unicodedata.normalize("NFC", name) if unicodedata.category(ch)[0] != "C").strip()
    name = re.sub(r"\s+", " ", name)
    if len(name) > NAME_MAX:
        stem, dot, extension = name.rpartition(".")
        name = (
            f"{stem[: NAME_MAX - len(extension) - 1]}.{extension}" if dot and len(extension) <= 5 else name[:NAME_MAX]
        )
    return name


def file_kind(upload, field: str = "files") -> Kind:
    """The kind of an uploaded file, checked: at most MAX_BYTES, one of the allowed kinds by its content, and named
    with that kind's extension. ValidationError on `field`, naming the file, otherwise."""
    name = clean_name(getattr(upload, "name", ""))
    size = getattr(upload, "size", None)
    if size is None or not name:
        raise ValidationError({field: _("A file without a name or content cannot be attached.")})
    if size > MAX_BYTES:
        raise ValidationError(
            {field: _("%(name)s is larger than %(limit)d MB.") % {"name": name, "limit": MAX_BYTES // (1024 * 1024)}}
        )
    if size == 0:
        raise ValidationError({field: _("%(name)s is empty.") % {"name": name}})
    kind = _content_kind(upload)
    if kind is None:
        raise ValidationError(
            {field: _("%(name)s is not a file of the kinds accepted (%(kinds)s).") % {"name": name, "kinds": ALLOWED}}
        )
    extension = name.rpartition(".")[2].lower() if "." in name else ""
    if extension not in kind.names:
        raise ValidationError(
            {
                field: _("%(name)s holds a %(kind)s file but is not named so: name it .%(extension)s.")
                % {"name": name, "kind": kind.extension.upper(), "extension": kind.extension}
            }
        )
    return kind


def check_files(files, field: str = "files") -> list[tuple[object, Kind]]:
    """Each file with its kind, all checked; at most MAX_FILES of them."""
    files = [upload for upload in files or [] if upload]
    if len(files) > MAX_FILES:
        raise ValidationError({field: _("At most %(max)d files with one report.") % {"max": MAX_FILES}})
    return [(upload, file_kind(upload, field)) for upload in files]
