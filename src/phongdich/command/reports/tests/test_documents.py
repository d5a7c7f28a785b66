"""The report's documents: the PDF read back with pdftotext, the Word file reopened with python-docx, the Excel annex
with openpyxl. Each holds the frozen figures written the Vietnamese way, the quoted narratives of the units below,
the units not yet reported, and a draft says it is one."""

import io
import subprocess

import pytest
from docx import Document
from openpyxl import load_workbook

from ..documents import report_docx, report_pdf, report_xlsx
from ..services import report_sign, report_write
from .world import LAI_THIEU, PROVINCE, THUAN_AN, generated, officer, sent, vi

pytestmark = pytest.mark.django_db


def pdf_text(content: bytes, tmp_path) -> str:
    path = tmp_path / "bao-cao.pdf"
    path.write_bytes(content)
    text = subprocess.run(["pdftotext", str(path), "-"], capture_output=True, text=True, check=True).stdout
    return " ".join(text.split())


@pytest.fixture
def district_report(week):
    """Thuận An's report of the week's second day: Lái Thiêu has sent its report, the other communes have not."""
    sent(LAI_THIEU, week[1], epidemic="Hai ca cộng đồng tại chợ Lái Thiêu.", proposals="Bổ sung 500 test nhanh.")
    report = generated(THUAN_AN, week[1])
    return report_write(
        actor=officer(THUAN_AN),
        report=report,
        narratives={"difficulties": "Thiếu giường tầng 2 cho bệnh nhân có bệnh nền.\nCần thêm nhân lực."},
    )


def test_the_pdf_holds_the_header_the_title_the_figures_and_the_quoted_communes(district_report, tmp_path):
    content = report_pdf(district_report)
    assert content.startswith(b"%PDF")
    text = pdf_text(content, tmp_path)
    assert "16/11/2021" in text and "Thuận An" in text
    assert vi("People's Committee of %(unit)s", unit="Thành phố Thuận An").upper() in text
    assert vi("SOCIALIST REPUBLIC OF VIETNAM") in text
    assert "BÁO CÁO NHANH" in text
    assert "Hai ca cộng đồng tại chợ Lái Thiêu." in text and "Bổ sung 500 test nhanh." in text
    assert "Thiếu giường tầng 2 cho bệnh nhân có bệnh nền." in text and "Cần thêm nhân lực." in text
    assert "Phường An Thạnh" in text  # not yet reported
    assert "33,3 %" not in text  # the district tested nobody: its positivity cannot be computed
    assert "—" in text


def test_a_drafts_pdf_says_it_is_a_draft_and_the_signed_one_names_its_signer(district_report, tmp_path):
    assert vi("DRAFT") in pdf_text(report_pdf(district_report), tmp_path)
    signed = report_sign(actor=officer(THUAN_AN), report=district_report, signer_title="KT. TRƯỞNG BAN PHÓ TRƯỞNG BAN")
    text = pdf_text(report_pdf(signed), tmp_path)
    assert vi("DRAFT") not in text
    assert "KT. TRƯỞNG BAN PHÓ TRƯỞNG BAN" in text and "district_officer" in text


def test_the_provinces_pdf_writes_its_numbers_the_vietnamese_way(week, tmp_path):
    text = pdf_text(report_pdf(generated(PROVINCE, week[1])), tmp_path)
    assert "33,3 %" in text  # one positive of three tests
    assert "Thành phố Thuận An" in text  # among the districts not yet reported


def test_the_word_file_has_real_tables_of_figures_and_the_same_text(district_report):
    document = Document(io.BytesIO(report_docx(district_report)))
    paragraphs = "\n".join(paragraph.text for paragraph in document.paragraphs)
    assert "BÁO CÁO NHANH" in paragraphs and "16/11/2021" in paragraphs
    assert "“Hai ca cộng đồng tại chợ Lái Thiêu.”" in paragraphs
    assert "Thiếu giường tầng 2 cho bệnh nhân có bệnh nền." in paragraphs
    assert vi("DRAFT") in paragraphs
    head, *figures, foot = document.tables
    assert vi("SOCIALIST REPUBLIC OF VIETNAM") in head.rows[0].cells[1].text
    assert len(figures) == 4  # the four sections with figures
    epidemic = {row.cells[0].text: row.cells[1].text for row in figures[0].rows}
    assert epidemic[vi("New cases")] == "3" and epidemic[f"– {vi('found in the community')}"] == "2"
    assert vi("Recipients:") in foot.rows[0].cells[0].text


def test_the_excel_annex_lists_the_district_and_each_commune_and_the_roll_up_status(district_report):
    book = load_workbook(io.BytesIO(report_xlsx(district_report)))
    figures, status = book.worksheets
    rows = list(figures.iter_rows(values_only=True))
    header = rows[0]
    cases = header.index(vi("New cases"))
    by_unit = {row[0]: row for row in rows[1:]}
    assert by_unit["Thành phố Thuận An"][cases] == 3
    assert by_unit["Phường Lái Thiêu"][cases] == 2 and by_unit["Phường An Thạnh"][cases] == 1
    assert len(rows) == 1 + 1 + 10  # the header, the district, its ten communes
    states = {row[0]: row for row in status.iter_rows(min_row=2, values_only=True)}
    assert states["Phường Lái Thiêu"][1:3] == (vi("Sent"), 1)
    assert states["Phường An Thạnh"][1] == vi("Not yet reported")
