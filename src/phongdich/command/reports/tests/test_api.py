"""/api/v1/command/reports: the list and a report as the caller may read them, generating, narratives, signing, a
new version, sending upward and the documents, scoped like the pages."""

import pytest

from phongdich.core.models import AuditEvent
from phongdich.core.testing import unit

from ...choices import ReportStatus
from ...models import SituationReport
from ..services import report_sign
from .world import HIEP_THANH, LAI_THIEU, PROVINCE, THUAN_AN, generated, officer, sent

pytestmark = pytest.mark.django_db
API = "/api/v1/command/reports"


def post(client, url: str, body: dict | None = None):
    return client.post(url, body or {}, content_type="application/json")


def test_the_list_holds_what_the_caller_may_read(api_as, week):
    commune_sent = sent(LAI_THIEU, week[1])
    commune_draft = generated(LAI_THIEU, week[2])
    other = sent(HIEP_THANH, week[1])
    ids = {item["id"] for item in api_as("district_officer").get(API).json()["items"]}
    assert commune_sent.pk in ids and commune_draft.pk not in ids and other.pk not in ids
    drafts = api_as("commune_officer").get(API, {"status": "draft"}).json()["items"]
    assert [item["id"] for item in drafts] == [commune_draft.pk]


def test_the_list_pages_by_cursor_and_costs_the_same_queries_with_more_reports(api_as, week, queries_do_not_grow):
    client = api_as("commune_officer")
    sent(LAI_THIEU, week[0])

    def more():
        for day in week[1:]:
            generated(LAI_THIEU, day)

    before, after = queries_do_not_grow(8, lambda: client.get(API), more)
    assert len(after.json()["items"]) == 5
    first = client.get(API, {"limit": 2}).json()
    second = client.get(API, {"limit": 2, "cursor": first["next_cursor"]}).json()
    assert len(first["items"]) == len(second["items"]) == 2
    assert {item["id"] for item in first["items"]}.isdisjoint({item["id"] for item in second["items"]})


def test_a_report_in_full_has_its_sections_figures_and_units_below(api_as, week):
    sent(LAI_THIEU, week[1], epidemic="Hai ca cộng đồng.")
    report = generated(THUAN_AN, week[1])
    body = api_as("district_officer").get(f"{API}/{report.pk}").json()
    assert [section["key"] for section in body["sections"]][:2] == ["epidemic", "testing"]
    cases = next(row for row in body["sections"][0]["figures"] if row["code"] == "cases")
    assert cases["value"] == 3
    lai_thieu = next(child for child in body["children"] if child["report_id"])
    assert lai_thieu["narratives"][0]["text"] == "Hai ca cộng đồng."


def test_generating_answers_201_then_200_when_the_draft_is_refreshed(api_as, week):
    client = api_as("commune_officer")
    body = {"unit_id": unit(LAI_THIEU).pk, "day": week[1].isoformat()}
    first = post(client, API, body)
    assert first.status_code == 201 and first.json()["figures"]["values"]["cases_community"] == 2
    again = post(client, API, body)
    assert again.status_code == 200 and again.json()["id"] == first.json()["id"]


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"unit_id": "{hiep_thanh}", "day": "2021-11-16"}, "unit_id"),
        ({"unit_id": "{lai_thieu}", "day": "2099-01-01"}, "day"),
        ({"unit_id": "{lai_thieu}", "day": "2021-11-16", "template": "khong-co"}, "template"),
    ],
)
def test_a_bad_generation_is_refused_on_its_field(api_as, week, body, field):
    units = {"{hiep_thanh}": unit(HIEP_THANH).pk, "{lai_thieu}": unit(LAI_THIEU).pk}
    filled = {key: units.get(value, value) for key, value in body.items()}
    response = post(api_as("commune_officer"), API, filled)
    assert response.status_code == 422 and field in response.json()["fields"]
    assert not SituationReport.objects.exists()


def test_narratives_sign_send_and_a_new_version(api_as, week):
    client = api_as("commune_officer")
    report = generated(LAI_THIEU, week[1])
    written = post(client, f"{API}/{report.pk}/narratives", {"narratives": {"epidemic": "Ổ dịch chợ."}})
    assert written.status_code == 200 and written.json()["narratives"] == {"epidemic": "Ổ dịch chợ."}
    signed = post(client, f"{API}/{report.pk}/sign", {"signer_title": "CHỦ TỊCH"})
    assert signed.status_code == 200 and signed.json()["status"] == "signed"
    assert post(client, f"{API}/{report.pk}/send").json()["status"] == "sent"
    revised = post(client, f"{API}/{report.pk}/revise")
    assert revised.status_code == 201 and revised.json()["version"] == 2
    assert revised.json()["previous_id"] == report.pk and revised.json()["narratives"] == {"epidemic": "Ổ dịch chợ."}


def test_signing_twice_or_writing_a_signed_report_answers_422_and_changes_nothing(api_as, week):
    client = api_as("commune_officer")
    report = report_sign(actor=officer(LAI_THIEU), report=generated(LAI_THIEU, week[1]), signer_title="CHỦ TỊCH")
    assert post(client, f"{API}/{report.pk}/sign", {"signer_title": "PHÓ CHỦ TỊCH"}).status_code == 422
    assert post(client, f"{API}/{report.pk}/narratives", {"narratives": {"epidemic": "Sửa"}}).status_code == 422
    report.refresh_from_db()
    assert report.signer_title == "CHỦ TỊCH" and report.narratives == {}


@pytest.mark.parametrize(
    ("persona", "status"), [("district_officer", 404), ("other_commune", 404), ("analyst", 403), ("outsider", 403)]
)
def test_only_the_communes_own_officers_sign_its_report(api_as, week, persona, status):
    report = generated(LAI_THIEU, week[1])
    assert post(api_as(persona), f"{API}/{report.pk}/sign", {"signer_title": "CHỦ TỊCH"}).status_code == status
    report.refresh_from_db()
    assert report.status == ReportStatus.DRAFT


def test_the_export_is_the_file_asked_for_and_is_audited(api_as, week):
    report = generated(PROVINCE, week[1])
    response = api_as("analyst").get(f"{API}/{report.pk}/export", {"format": "docx"})
    assert response.status_code == 200 and response.content.startswith(b"PK")
    assert AuditEvent.objects.get(action="export").unit_path == unit(PROVINCE).path
    assert api_as("analyst").get(f"{API}/{report.pk}/export", {"format": "rtf"}).status_code == 422


def test_an_export_outside_the_callers_jurisdiction_is_not_found(api_as, week):
    report = sent(THUAN_AN, week[1])
    assert api_as("other_commune").get(f"{API}/{report.pk}/export").status_code == 404
    assert api_as("district_officer").get(f"{API}/{report.pk}/export").status_code == 200


def test_the_templates_are_listed(api_as, week):
    generated(LAI_THIEU, week[1])
    templates = api_as("commune_officer").get(f"{API}/templates").json()
    assert [template["code"] for template in templates] == ["bao-cao-nhanh"]
