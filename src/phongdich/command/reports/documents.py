"""A situation report as the documents Vietnamese offices exchange: an A4 PDF (WeasyPrint), a Word file (python-docx,
with real tables) and an Excel annex of the figures by unit and the roll-up's status (openpyxl). Always in
Vietnamese, whatever the language of who downloads it: it is an administrative document. Everything comes from what
the report froze, so a document costs the report's one query and no more."""

import io
from dataclasses import dataclass
from datetime import datetime

from django.template.loader import render_to_string
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from docx import Document
from docx.enum.table import WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Mm, Pt, RGBColor
from openpyxl import Workbook
from openpyxl.styles import Alignment, Font
from openpyxl.utils import get_column_letter

from phongdich.care.release_documents import date_line, short_name
from phongdich.core.exports import safe_cell
from phongdich.core.templatetags.humanize_vi import num, num1

from ..choices import ReportStatus
from ..models import SituationReport
from .catalogue import ANNEX_FIGURES, is_percent, label_of
from .selectors import children_of, sections_of

DOCUMENT_LANGUAGE = "vi"
ROMAN = ("I", "II", "III", "IV", "V", "VI", "VII", "VIII", "IX", "X", "XI", "XII")
FORMATS = {
    "pdf": ("application/pdf", "pdf"),
    "docx": ("application/vnd.openxmlformats-officedocument.wordprocessingml.document", "docx"),
    "xlsx": ("application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", "xlsx"),
}


def value_text(code: str, value) -> str:
    """A frozen figure as the document writes it: 24.266, 3,5 %; a dash for what could not be computed."""
    if value is None or value == "":
        return "—"
    if is_percent(code):
        return f"{num1(value)} %"
    return num(value)


def _parsed(value: str | None) -> datetime | None:
    return timezone.localtime(datetime.fromisoformat(value)) if value else None


@dataclass
class Page:
    """What every format of the document prints, worked out once, in the document's language."""

    report: SituationReport
    superior: str
    issuer: str
    number: str
    nation: str
    motto: str
    date_line: str
    title: str
    subtitle: str
    as_at: str
    version_note: str
    draft: bool
    draft_label: str
    sections: list[dict]
    children_title: str
    children_sent: list[dict]
    children_missing: list[str]
    missing_label: str
    recipients_label: str
    recipients: list[str]
    signer_title: str
    signer_name: str
    sign_hint: str


def page_of(report: SituationReport) -> Page:
    """Call with the document's language active."""
    unit = report.unit
    sections = sections_of(report)
    for number, section in enumerate(sections):
        section["number"] = ROMAN[number] if number < len(ROMAN) else str(number + 1)
        section["heading"] = f"{section['number']}. {section['title'].upper()}"
        for row in section["rows"]:
            row["text"] = value_text(row["code"], row["value"])
    sent, missing = children_of(report)
    sent = [dict(child) for child in sent]  # the report's own JSON stays as it was frozen
    for child in sent:
        when = _parsed(child.get("sent_at"))
        child["sent_line"] = _("Version %(version)s, sent %(at)s") % {
            "version": child.get("version"),
            "at": when.strftime("%d/%m/%Y %H:%M") if when else "—",
        }
    as_at = timezone.localtime(report.cutoff_at)
    version_note = ""
    if report.version > 1:
        version_note = _("Version %(version)d, replacing version %(previous)d.") % {
            "version": report.version,
            "previous": report.version - 1,
        }
    signed = report.status != ReportStatus.DRAFT
    return Page(
        report=report,
        superior=(_("People's Committee of %(unit)s") % {"unit": unit.name}).upper(),
        issuer=_("Steering Committee for COVID-19 Prevention and Control").upper(),
        number=_("No.: ……/BC-BCĐ"),
        nation=_("SOCIALIST REPUBLIC OF VIETNAM"),
        motto=_("Independence – Freedom – Happiness"),
        date_line=date_line(short_name(unit), report.day),
        title=report.template.title.upper(),
        subtitle=_("COVID-19 situation on %(day)s") % {"day": report.day.strftime("%d/%m/%Y")},
        as_at=_("Figures as at %(at)s") % {"at": as_at.strftime("%H:%M %d/%m/%Y")},
        version_note=version_note,
        draft=not signed,
        draft_label=_("DRAFT"),
        sections=sections,
        children_title=_("Reports of the units below"),
        children_sent=sent,
        children_missing=[child["unit_name"] for child in missing],
        missing_label=_("Not yet reported"),
        recipients_label=_("Recipients:"),
        recipients=[_("The steering committee above;"), _("Filed.")],
        signer_title=(report.signer_title or _("Head of the committee")).upper(),
        signer_name=str(report.signed_by) if signed and report.signed_by else "",
        sign_hint="" if signed else _("(signature, full name and seal)"),
    )


def report_document(report: SituationReport, fmt: str) -> bytes:
    """The report in `fmt` ("pdf", "docx" or "xlsx")."""
    builders = {"pdf": report_pdf, "docx": report_docx, "xlsx": report_xlsx}
    return builders[fmt](report)


def filename_of(report: SituationReport, fmt: str) -> str:
    return f"bao-cao-nhanh-{report.unit.code}-{report.day:%Y%m%d}-v{report.version}.{FORMATS[fmt][1]}"


def report_pdf(report: SituationReport) -> bytes:
    from weasyprint import HTML  # loads Pango: only document requests need it

    with translation.override(DOCUMENT_LANGUAGE):
        html = render_to_string("command/reports/document.html", {"page": page_of(report)})
    return HTML(string=html).write_pdf()


# -- Word ---------------------------------------------------------------------------------------------------------

FONT = "Times New Roman"


def _run(paragraph, text: str, *, bold=False, italic=False, size: float | None = None, color=None):
    run = paragraph.add_run(text)
    run.bold, run.italic = bold, italic
    if size:
        run.font.size = Pt(size)
    if color:
        run.font.color.rgb = RGBColor(*color)
    return run


def _centred(cell_or_doc, *parts, space_after: float = 0):
    paragraph = cell_or_doc.add_paragraph()
    paragraph.alignment = WD_ALIGN_PARAGRAPH.CENTER
    paragraph.paragraph_format.space_after = Pt(space_after)
    for text, options in parts:
        _run(paragraph, text, **options)
    return paragraph


def _no_borders(table) -> None:
    borders = OxmlElement("w:tblBorders")
    for edge in ("top", "left", "bottom", "right", "insideH", "insideV"):
        element = OxmlElement(f"w:{edge}")
        element.set(qn("w:val"), "nil")
        borders.append(element)
    table._tbl.tblPr.append(borders)


def _fill(cell, *parts, align=WD_ALIGN_PARAGRAPH.CENTER, space_after: float = 0) -> None:
    """Write `parts` (lines of (text, options)) into a table cell, the first in its existing paragraph."""
    for index, line in enumerate(parts):
        paragraph = cell.paragraphs[0] if index == 0 else cell.add_paragraph()
        paragraph.alignment = align
        paragraph.paragraph_format.space_after = Pt(space_after)
        for text, options in line:
            _run(paragraph, text, **options)


def report_docx(report: SituationReport) -> bytes:
    with translation.override(DOCUMENT_LANGUAGE):
        page = page_of(report)
        document = Document()
        section = document.sections[0]
        section.page_width, section.page_height = Mm(210), Mm(297)
        section.left_margin, section.right_margin = Mm(30), Mm(15)
        section.top_margin, section.bottom_margin = Mm(20), Mm(20)
        style = document.styles["Normal"]
        style.font.name, style.font.size = FONT, Pt(13)
        if page.draft:
            header = section.header.paragraphs[0]
            header.alignment = WD_ALIGN_PARAGRAPH.RIGHT
            _run(header, page.draft_label, bold=True, size=16, color=(0xC6, 0x28, 0x28))

        head = document.add_table(rows=1, cols=2)
        _no_borders(head)
        head.alignment = WD_TABLE_ALIGNMENT.CENTER
        left, right = head.rows[0].cells
        _fill(
            left,
            [(page.superior, {"size": 12})],
            [(page.issuer, {"bold": True, "size": 12})],
            [("——————", {"size": 10})],
            [(page.number, {"size": 12})],
        )
        _fill(
            right,
            [(page.nation, {"bold": True, "size": 12})],
            [(page.motto, {"bold": True, "size": 13})],
            [("——————————", {"size": 10})],
            [(page.date_line, {"italic": True, "size": 13})],
        )

        if page.draft:
            _centred(document, (page.draft_label, {"bold": True, "size": 16, "color": (0xC6, 0x28, 0x28)}))
        _centred(document, (page.title, {"bold": True, "size": 14}))
        _centred(document, (page.subtitle, {"bold": True, "size": 14}))
        _centred(document, (page.as_at, {"italic": True}), space_after=6)
        if page.version_note:
            _centred(document, (page.version_note, {"italic": True}), space_after=6)

        for part in page.sections:
            heading = document.add_paragraph()
            heading.paragraph_format.space_before = Pt(8)
            _run(heading, part["heading"], bold=True)
            if part["rows"]:
                table = document.add_table(rows=0, cols=2)
                table.style = "Table Grid"
                for row in part["rows"]:
                    cells = table.add_row().cells
                    cells[0].text = f"– {row['label']}" if row["part"] else row["label"]
                    if row["part"]:
                        cells[0].paragraphs[0].paragraph_format.left_indent = Mm(5)
                    cells[1].text = row["text"]
                    cells[1].paragraphs[0].alignment = WD_ALIGN_PARAGRAPH.RIGHT
            if part["narrative"]:
                for line in part["narrative"].split("\n"):
                    if line.strip():
                        document.add_paragraph(line.strip()).alignment = WD_ALIGN_PARAGRAPH.JUSTIFY

        if page.children_sent or page.children_missing:
            heading = document.add_paragraph()
            heading.paragraph_format.space_before = Pt(8)
            _run(heading, page.children_title.upper(), bold=True)
            for child in page.children_sent:
                paragraph = document.add_paragraph()
                _run(paragraph, child["unit_name"], bold=True)
                _run(paragraph, f" ({child['sent_line']})", italic=True, size=11)
                for quoted in child.get("narratives", []):
                    paragraph = document.add_paragraph()
                    paragraph.paragraph_format.left_indent = Mm(10)
                    _run(paragraph, f"{quoted['title']}: ", bold=True, italic=True, size=12)
                    _run(paragraph, f"“{quoted['text']}”", italic=True, size=12)
            if page.children_missing:
                paragraph = document.add_paragraph()
                _run(paragraph, f"{page.missing_label}: ", bold=True)
                _run(paragraph, ", ".join(page.children_missing))

        foot = document.add_table(rows=1, cols=2)
        _no_borders(foot)
        recipients, sign = foot.rows[0].cells
        _fill(
            recipients,
            [(page.recipients_label, {"bold": True, "italic": True, "size": 12})],
            *[[(f"- {line}", {"size": 11})] for line in page.recipients],
            align=WD_ALIGN_PARAGRAPH.LEFT,
        )
        lines: list[list[tuple[str, dict]]] = [[(page.signer_title, {"bold": True})]]
        if page.sign_hint:
            lines.append([(page.sign_hint, {"italic": True, "size": 11})])
        lines += [[("", {})], [("", {})], [("", {})]]
        if page.signer_name:
            lines.append([(page.signer_name, {"bold": True})])
        _fill(sign, *lines)
        out = io.BytesIO()
        document.save(out)
    return out.getvalue()


# -- Excel --------------------------------------------------------------------------------------------------------


def _sheet(book: Workbook, title: str, header: list[str], rows: list[list]) -> None:
    sheet = book.create_sheet(title=title[:31])
    sheet.freeze_panes = "B2"
    sheet.append(header)
    for cell in sheet[1]:
        cell.font = Font(bold=True)
        cell.alignment = Alignment(wrap_text=True, vertical="top")
    for index, label in enumerate(header, start=1):
        longest = max((len(word) for word in label.split()), default=0)
        sheet.column_dimensions[get_column_letter(index)].width = max(12, min(40, max(longest + 2, len(label) // 2)))
    for row in rows:
        sheet.append([safe_cell(value) for value in row])


def _figure_cell(value):
    return "" if value is None else value


def report_xlsx(report: SituationReport) -> bytes:
    """Two sheets: the figures of the unit and of each unit below it, as frozen; the roll-up's status (which
    units below had sent their report, which version, when, signed by whom)."""
    with translation.override(DOCUMENT_LANGUAGE):
        book = Workbook()
        book.remove(book.active)
        figures = report.figures or {}
        header = [_("Unit")] + [label_of(code) for code in ANNEX_FIGURES]
        rows = [[report.unit.name] + [_figure_cell(figures.get("values", {}).get(code)) for code in ANNEX_FIGURES]]
        for child in figures.get("units", []):
            rows.append([child["name"]] + [_figure_cell(child["values"].get(code)) for code in ANNEX_FIGURES])
        _sheet(book, _("Figures by unit"), header, rows)
        status_rows = []
        for child in report.children or []:
            when = _parsed(child.get("sent_at"))
            sent = bool(child.get("report_id"))
            status_rows.append(
                [
                    child["unit_name"],
                    _("Sent") if sent else _("Not yet reported"),
                    child.get("version") or "",
                    when.strftime("%d/%m/%Y %H:%M") if when else "",
                    child.get("signer_title", ""),
                    child.get("signed_by", ""),
                ]
            )
        _sheet(
            book,
            _("Roll-up status"),
            [_("Unit"), _("Status"), _("Version"), _("Sent at"), _("Signer's title"), _("Signed by")],
            status_rows,
        )
        out = io.BytesIO()
        book.save(out)
    return out.getvalue()
