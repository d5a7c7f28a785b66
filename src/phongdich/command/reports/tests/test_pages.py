"""The situation reports' pages: the list and its filters, a report with its figures, narratives and the units
below, generating and refreshing, writing narratives, signing, a new version, sending upward and the documents;
who may open or post each."""

import pytest
from django.utils import translation

from phongdich.core.models import AuditEvent
from phongdich.core.testing import unit

from ...choices import ReportStatus
from ...models import SituationReport
from ..services import report_sign, report_write
from .world import HIEP_THANH, LAI_THIEU, PROVINCE, THUAN_AN, generated, officer, sent, vi

pytestmark = pytest.mark.django_db
LIST = "/command/reports/"


def page(client, url: str, **params) -> str:
    response = client.get(url, params)
    assert response.status_code == 200, response.status_code
    return response.content.decode()


# -- The list ---------------------------------------------------------------------------------------------------


def test_the_list_shows_the_units_own_reports_and_those_sent_from_below(client_as, week):
    commune_sent = sent(LAI_THIEU, week[1])
    commune_draft = generated(LAI_THIEU, week[2])
    district_draft = generated(THUAN_AN, week[1])
    html = page(client_as("district_officer"), LIST)
    assert f"/{commune_sent.pk}/" in html and f"/{district_draft.pk}/" in html
    assert f"/{commune_draft.pk}/" not in html


def test_the_list_is_filtered_by_day_unit_and_status(client_as, week):
    sent(LAI_THIEU, week[1])
    generated(LAI_THIEU, week[2])
    client = client_as("commune_officer")
    ids = {report.day: report.pk for report in SituationReport.objects.all()}
    by_day = page(client, LIST, day=week[2].isoformat())
    assert f"/{ids[week[2]]}/" in by_day and f"/{ids[week[1]]}/" not in by_day
    drafts = page(client, LIST, status="draft")
    assert f"/{ids[week[2]]}/" in drafts and f"/{ids[week[1]]}/" not in drafts
    other = page(client_as("province_commander"), LIST, unit=unit(HIEP_THANH).pk)
    assert f"/{ids[week[1]]}/" not in other


def test_the_list_costs_the_same_queries_with_more_reports(client_as, week, queries_do_not_grow):
    sent(LAI_THIEU, week[0])
    client = client_as("district_officer")

    def more():
        for day in week[1:4]:
            sent(LAI_THIEU, day)
            generated(THUAN_AN, day)

    before, after = queries_do_not_grow(12, lambda: client.get(LIST), more)
    assert after.content.decode().count("data-card-row") == 7


# -- A report ---------------------------------------------------------------------------------------------------


def test_a_report_shows_its_frozen_figures_narratives_and_the_units_below(client_as, week):
    sent(LAI_THIEU, week[1], epidemic="Hai ca cộng đồng tại chợ Lái Thiêu.")
    report = generated(THUAN_AN, week[1])
    report_write(actor=officer(THUAN_AN), report=report, narratives={"proposals": "Xin thêm 2 xe cứu thương."})
    html = page(client_as("district_officer"), f"{LIST}{report.pk}/")
    assert "Hai ca cộng đồng tại chợ Lái Thiêu." in html and "Xin thêm 2 xe cứu thương." in html
    assert "Phường An Thạnh" in html and vi("Not yet reported") in html
    assert "16:00" in html and "16/11/2021" in html
    assert f'action="/command/reports/{report.pk}/sign/"' in html


def test_a_sent_report_offers_a_new_version_and_no_signature(client_as, week):
    report = sent(LAI_THIEU, week[1])
    html = page(client_as("commune_officer"), f"{LIST}{report.pk}/")
    assert f'action="/command/reports/{report.pk}/revise/"' in html
    assert "/sign/" not in html and "/send/" not in html and "/narratives/" not in html


def test_the_level_above_reads_a_sent_report_and_may_change_nothing(client_as, week):
    report = sent(LAI_THIEU, week[1])
    html = page(client_as("district_officer"), f"{LIST}{report.pk}/")
    assert "/revise/" not in html and "/sign/" not in html


@pytest.mark.parametrize(("persona", "status"), [("district_officer", 404), ("other_commune", 404), ("outsider", 403)])
def test_a_communes_draft_is_not_found_by_anyone_else(client_as, week, persona, status):
    report = generated(LAI_THIEU, week[1])
    assert client_as(persona).get(f"{LIST}{report.pk}/").status_code == status


# -- Generating and writing -------------------------------------------------------------------------------------


def test_generating_freezes_the_figures_and_opens_the_report(client_as, week):
    response = client_as("commune_officer").post(
        f"{LIST}generate/", {"unit": unit(LAI_THIEU).pk, "day": week[1].isoformat()}
    )
    report = SituationReport.objects.get()
    assert response.status_code == 302 and response["Location"] == f"{LIST}{report.pk}/"
    assert report.figures["values"]["cases_community"] == 2 and report.created_by == officer(LAI_THIEU)


def test_the_generate_form_offers_only_the_officers_own_units(client_as, week):
    response = client_as("district_officer").post(
        f"{LIST}generate/", {"unit": unit(LAI_THIEU).pk, "day": week[1].isoformat()}
    )
    assert response.status_code == 200 and not SituationReport.objects.exists()
    assert "Phường Lái Thiêu" not in response.content.decode()


def test_generating_again_after_signing_shows_why_on_the_form(client_as, week):
    report_sign(actor=officer(LAI_THIEU), report=generated(LAI_THIEU, week[1]), signer_title="CHỦ TỊCH")
    with translation.override("en"):
        response = client_as("commune_officer").post(
            f"{LIST}generate/", {"unit": unit(LAI_THIEU).pk, "day": week[1].isoformat()}, HTTP_ACCEPT_LANGUAGE="en"
        )
    assert response.status_code == 200 and SituationReport.objects.count() == 1


def test_the_narratives_form_saves_each_section(client_as, week):
    report = generated(LAI_THIEU, week[1])
    client = client_as("commune_officer")
    assert client.get(f"{LIST}{report.pk}/narratives/").status_code == 200
    response = client.post(
        f"{LIST}{report.pk}/narratives/", {"epidemic": "Ổ dịch chợ Lái Thiêu.", "difficulties": "Thiếu test nhanh."}
    )
    assert response.status_code == 302
    report.refresh_from_db()
    assert report.narratives == {"epidemic": "Ổ dịch chợ Lái Thiêu.", "difficulties": "Thiếu test nhanh."}


def test_the_narratives_of_a_signed_report_cannot_be_edited(client_as, week):
    report = report_sign(actor=officer(LAI_THIEU), report=generated(LAI_THIEU, week[1]), signer_title="CHỦ TỊCH")
    client = client_as("commune_officer")
    assert client.get(f"{LIST}{report.pk}/narratives/")["Location"] == f"{LIST}{report.pk}/"
    response = client.post(f"{LIST}{report.pk}/narratives/", {"epidemic": "Sửa sau khi ký"})
    assert response.status_code == 200
    report.refresh_from_db()
    assert report.narratives == {}


# -- Signing, revising, sending ---------------------------------------------------------------------------------


def test_sign_then_send_then_open_a_new_version(client_as, week):
    report = generated(LAI_THIEU, week[1])
    client = client_as("commune_officer")
    assert client.post(f"{LIST}{report.pk}/sign/", {"signer_title": "CHỦ TỊCH"}).status_code == 302
    assert client.post(f"{LIST}{report.pk}/send/").status_code == 302
    report.refresh_from_db()
    assert report.status == ReportStatus.SENT
    response = client.post(f"{LIST}{report.pk}/revise/")
    draft = SituationReport.objects.get(version=2)
    assert response["Location"] == f"{LIST}{draft.pk}/" and draft.previous_id == report.pk


def test_signing_twice_changes_nothing_and_says_why(client_as, week):
    report = report_sign(actor=officer(LAI_THIEU), report=generated(LAI_THIEU, week[1]), signer_title="CHỦ TỊCH")
    client = client_as("commune_officer")
    response = client.post(f"{LIST}{report.pk}/sign/", {"signer_title": "PHÓ CHỦ TỊCH"}, follow=True)
    report.refresh_from_db()
    assert report.signer_title == "CHỦ TỊCH"
    assert len(list(response.context["messages"])) == 1


@pytest.mark.parametrize(
    ("persona", "status"),
    [("commune_officer", 302), ("district_officer", 404), ("other_commune", 404), ("analyst", 403), ("outsider", 403)],
)
def test_only_the_communes_officers_sign_its_report(client_as, week, persona, status):
    report = generated(LAI_THIEU, week[1])
    assert client_as(persona).post(f"{LIST}{report.pk}/sign/", {"signer_title": "CHỦ TỊCH"}).status_code == status
    report.refresh_from_db()
    assert (report.status == ReportStatus.SIGNED) == (status == 302)


def test_the_level_above_cannot_send_or_revise_a_report_it_reads(client_as, week):
    report = sent(LAI_THIEU, week[1])
    client = client_as("district_officer")
    assert client.post(f"{LIST}{report.pk}/revise/").status_code == 404
    assert client.post(f"{LIST}{report.pk}/send/").status_code == 404
    assert SituationReport.objects.count() == 1


# -- Documents --------------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("fmt", "content_type", "magic"),
    [
        ("pdf", "application/pdf", b"%PDF"),
        ("docx", "application/vnd.openxmlformats-officedocument.wordprocessingml.document", b"PK"),
        ("xlsx", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", b"PK"),
    ],
)
def test_each_export_is_a_file_audited_with_the_reports_unit(client_as, week, fmt, content_type, magic):
    report = generated(THUAN_AN, week[1])
    response = client_as("district_officer").get(f"{LIST}{report.pk}/export/", {"format": fmt})
    assert response.status_code == 200 and response["Content-Type"] == content_type
    assert response.content.startswith(magic)
    assert f"bao-cao-nhanh-725-20211116-v1.{fmt}" in response["Content-Disposition"]
    event = AuditEvent.objects.get(action="export", object_type="command.situationreport")
    assert event.unit_path == unit(THUAN_AN).path and event.detail["format"] == fmt


def test_an_unknown_format_is_refused(client_as, week):
    report = generated(THUAN_AN, week[1])
    assert client_as("district_officer").get(f"{LIST}{report.pk}/export/", {"format": "odt"}).status_code == 400
    assert not AuditEvent.objects.filter(action="export").exists()


@pytest.mark.parametrize(("persona", "status"), [("other_commune", 404), ("commune_officer", 404), ("outsider", 403)])
def test_an_export_of_a_unit_outside_the_users_jurisdiction_is_not_found(client_as, week, persona, status):
    report = sent(THUAN_AN, week[1])
    assert client_as(persona).get(f"{LIST}{report.pk}/export/", {"format": "pdf"}).status_code == status
    assert not AuditEvent.objects.filter(action="export").exists()


def test_the_provinces_roll_up_pdf_costs_the_same_queries_however_many_districts_sent(
    client_as, week, django_assert_max_num_queries
):
    client = client_as("province_commander")
    client.get(LIST)
    report = generated(PROVINCE, week[1])
    with django_assert_max_num_queries(8):
        assert client.get(f"{LIST}{report.pk}/export/").status_code == 200
    sent(THUAN_AN, week[1], difficulties="Thiếu giường.")
    report = generated(PROVINCE, week[1])
    with django_assert_max_num_queries(8):
        assert client.get(f"{LIST}{report.pk}/export/").status_code == 200


def test_the_templates_page_lists_the_sections_and_the_cut_off(client_as, week):
    generated(LAI_THIEU, week[1])
    html = page(client_as("analyst"), f"{LIST}templates/")
    assert "Tình hình dịch bệnh" in html and "Đề xuất, kiến nghị" in html and "16:00" in html
