"""Generating, writing, signing, revising and sending situation reports: the figures frozen at the cut-off hour, the
roll-up of the units below, a signed version locked, every bad step refused with its own message and nothing
changed, and every write audited with the report's unit."""

from datetime import datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest
from django.core.exceptions import ValidationError
from django.utils import translation

from phongdich.care.tower.models import Admission
from phongdich.core import clock
from phongdich.core.models import AuditEvent
from phongdich.core.scoping import OutOfScope
from phongdich.core.testing import unit
from phongdich.labs.models import Sample
from phongdich.people.services import person_create
from phongdich.surveillance.choices import DetectionSetting
from phongdich.surveillance.services.cases import case_confirm

from ...choices import ReportStatus
from ...models import ReportTemplate, SituationReport
from ..services import (
    DEFAULT_SECTIONS,
    report_generate,
    report_revise,
    report_send,
    report_sign,
    report_write,
    template_default,
)
from .world import HIEP_THANH, LAI_THIEU, PROVINCE, THUAN_AN, generated, officer, sent

pytestmark = pytest.mark.django_db
HCM = ZoneInfo("Asia/Ho_Chi_Minh")


@pytest.fixture(autouse=True)
def in_english():
    """The services' messages as written, whatever the Vietnamese catalogue holds."""
    with translation.override("en"):
        yield


def messages_of(error: ValidationError) -> str:
    return " ".join(error.messages)


# -- The template -----------------------------------------------------------------------------------------------


def test_the_default_template_has_its_six_sections_and_cuts_off_at_four_in_the_afternoon(world):
    template = template_default()
    assert template_default().pk == template.pk and ReportTemplate.objects.count() == 1
    assert template.code == "bao-cao-nhanh" and template.cutoff_hour == 16
    keys = [section["key"] for section in template.sections]
    assert keys == ["epidemic", "testing", "treatment", "vaccination", "difficulties", "proposals"]
    assert all(section["narrative"] for section in template.sections)
    assert not template.sections[4]["figures"] and not template.sections[5]["figures"]


def test_the_default_template_is_returned_as_an_administrator_left_it(world):
    template_default()
    ReportTemplate.objects.filter(code="bao-cao-nhanh").update(cutoff_hour=17)
    assert template_default().cutoff_hour == 17


# -- Generating -------------------------------------------------------------------------------------------------


def test_a_report_freezes_the_figures_of_the_24_hours_up_to_the_cut_off(week):
    report = generated(PROVINCE, week[1])
    assert report.cutoff_at == datetime.combine(week[1], time(16), tzinfo=HCM)
    assert report.figures["window"]["start"] == datetime.combine(week[0], time(16), tzinfo=HCM).isoformat()
    values = report.figures["values"]
    assert (values["cases"], values["cases_community"], values["cases_isolated"], values["cases_imported"]) == (
        4,
        2,
        1,
        1,
    )
    assert (values["tests"], values["positives"], values["positivity_pct"]) == (3, 1, 33.3)
    # The world admits its patients at the clock's time of day: those in by the cut-off are in the report.
    admitted = Admission.objects.filter(admitted_at__lt=report.cutoff_at).count()
    assert admitted in (1, 2)
    assert values["doses"] == 2 and values["f0_home"] == 2 and values["f0_tier2"] == admitted
    assert values["beds_tier2"] == 53 and values["occupancy_tier2_pct"] == round(100 * admitted / 53, 1)
    assert report.status == ReportStatus.DRAFT and report.version == 1


def test_the_cumulative_figures_sum_every_day_up_to_the_reports_day(week):
    assert generated(PROVINCE, week[1]).figures["values"]["cumulative_cases"] == 8
    assert generated(PROVINCE, week[3]).figures["values"]["cumulative_cases"] == 16


def test_a_case_confirmed_after_the_cut_off_is_in_the_next_days_report(week):
    commander = officer(PROVINCE)
    person = person_create(
        actor=commander, full_name="Võ Thị Lan", birth_year=1975, sex="female", unit=unit("25966-01")
    )
    confirmed = datetime.combine(week[1], time(17), tzinfo=HCM)
    case_confirm(
        actor=commander,
        person=person,
        confirmed_at=confirmed,
        confirmation_test="rt_pcr",
        detection_setting=DetectionSetting.COMMUNITY,
    )
    assert generated(LAI_THIEU, week[1]).figures["values"]["cases_community"] == 2
    assert generated(LAI_THIEU, week[2]).figures["values"]["cases_community"] == 3


def test_a_report_generated_before_the_cut_off_is_as_at_the_moment_it_was_generated(week, monkeypatch):
    day = week[-1]
    first_result = Sample.objects.filter(result_at__date=day).order_by("result_at").values_list("result_at", flat=True)
    before_it = first_result.first() - timedelta(seconds=1)  # the day's cases were all confirmed earlier
    monkeypatch.setattr(clock, "now", lambda: before_it)
    monkeypatch.setattr(clock, "today", lambda: day)
    report = generated(PROVINCE, day)
    assert report.cutoff_at == before_it
    assert report.figures["values"]["tests"] == 0
    assert report.figures["values"]["cases"] == 4


def test_the_district_report_lists_each_commune_with_its_figures(week):
    report = generated(THUAN_AN, week[1])
    by_name = {row["name"]: row["values"] for row in report.figures["units"]}
    assert by_name["Phường Lái Thiêu"]["cases_community"] == 2 and by_name["Phường An Thạnh"]["cases_imported"] == 1
    assert report.figures["values"]["cases"] == sum(row["cases"] for row in by_name.values())


def test_a_commune_report_has_no_units_below_to_roll_up(week):
    report = generated(LAI_THIEU, week[1])
    assert report.children == [] and report.figures["units"] == []


def test_regenerating_a_draft_refreshes_its_figures_and_keeps_its_narratives(week):
    report = generated(LAI_THIEU, week[1])
    report_write(actor=officer(LAI_THIEU), report=report, narratives={"epidemic": "Hai ca trong cộng đồng."})
    SituationReport.objects.filter(pk=report.pk).update(figures={"values": {"cases": 99}})
    again = generated(LAI_THIEU, week[1])
    assert again.pk == report.pk and again.version == 1
    assert again.figures["values"]["cases"] == 2
    assert again.narratives == {"epidemic": "Hai ca trong cộng đồng."}
    assert SituationReport.objects.filter(unit=unit(LAI_THIEU), day=week[1]).count() == 1


def test_a_report_of_a_day_still_to_come_is_refused(week):
    with pytest.raises(ValidationError) as refused:
        generated(LAI_THIEU, clock.today() + timedelta(days=1))
    assert "future" in messages_of(refused.value)
    assert not SituationReport.objects.exists()


def test_a_residential_group_sends_no_report(week):
    with pytest.raises(ValidationError) as refused:
        report_generate(actor="cli", unit=unit("25966-01"), day=week[1])
    assert "residential group" in messages_of(refused.value)


def test_a_template_no_longer_in_use_is_refused(week):
    template = template_default()
    ReportTemplate.objects.filter(pk=template.pk).update(active=False)
    template.refresh_from_db()
    with pytest.raises(ValidationError) as refused:
        report_generate(actor=officer(LAI_THIEU), unit=unit(LAI_THIEU), day=week[1], template=template)
    assert "no longer in use" in messages_of(refused.value)


@pytest.mark.parametrize(
    ("persona", "code"),
    [
        ("commune_officer", HIEP_THANH),
        ("other_commune", LAI_THIEU),
        ("district_officer", LAI_THIEU),  # a district's officer reports for the district, not for its communes
        ("province_commander", THUAN_AN),
        ("analyst", PROVINCE),  # reads reports, writes none
        ("health_worker", LAI_THIEU),
    ],
)
def test_an_officer_generates_reports_of_their_own_units_only(week, persona, code):
    from phongdich.accounts.models import User

    with pytest.raises(OutOfScope):
        report_generate(actor=User.objects.get(username=persona), unit=unit(code), day=week[1])
    assert not SituationReport.objects.exists() and not ReportTemplate.objects.exists()


def test_a_commander_who_is_also_a_communes_officer_reports_for_both(week):
    from phongdich.accounts.models import User

    both = User.objects.get(username="commander_commune")
    assert report_generate(actor=both, unit=unit(PROVINCE), day=week[1]).unit == unit(PROVINCE)
    assert report_generate(actor=both, unit=unit(LAI_THIEU), day=week[1]).unit == unit(LAI_THIEU)


# -- Narratives -------------------------------------------------------------------------------------------------


def test_narratives_are_written_section_by_section_and_an_empty_one_is_removed(week):
    report = generated(LAI_THIEU, week[1])
    officer_ = officer(LAI_THIEU)
    report_write(actor=officer_, report=report, narratives={"epidemic": "  Ổ dịch chợ Lái Thiêu.  ", "proposals": "X"})
    report = report_write(actor=officer_, report=report, narratives={"proposals": ""})
    assert report.narratives == {"epidemic": "Ổ dịch chợ Lái Thiêu."}


@pytest.mark.parametrize(
    ("narratives", "field", "words"),
    [
        ({"weather": "Mưa"}, "narratives", "take no narrative"),
        ({"epidemic": 12}, "epidemic", "must be text"),
        ({"proposals": "x" * 10_001}, "proposals", "At most 10000"),
    ],
)
def test_a_bad_narrative_is_refused_and_nothing_is_written(week, narratives, field, words):
    report = generated(LAI_THIEU, week[1])
    with pytest.raises(ValidationError) as refused:
        report_write(actor=officer(LAI_THIEU), report=report, narratives={"epidemic": "Đúng", **narratives})
    assert words in " ".join(refused.value.message_dict[field])
    report.refresh_from_db()
    assert report.narratives == {}


# -- Signing, versions, sending ---------------------------------------------------------------------------------


def test_signing_locks_the_report_in_the_signers_name_and_title(week):
    report = generated(LAI_THIEU, week[1])
    signed = report_sign(actor=officer(LAI_THIEU), report=report, signer_title="  CHỦ TỊCH   UBND ")
    assert signed.status == ReportStatus.SIGNED and signed.signer_title == "CHỦ TỊCH UBND"
    assert signed.signed_by == officer(LAI_THIEU) and signed.signed_at is not None


def test_a_report_signed_twice_is_refused_with_its_own_message(week):
    report = report_sign(actor=officer(LAI_THIEU), report=generated(LAI_THIEU, week[1]), signer_title="CHỦ TỊCH")
    with pytest.raises(ValidationError) as refused:
        report_sign(actor=officer(LAI_THIEU), report=report, signer_title="PHÓ CHỦ TỊCH")
    assert "already signed" in messages_of(refused.value) and "new version" in messages_of(refused.value)
    report.refresh_from_db()
    assert report.signer_title == "CHỦ TỊCH"


def test_signing_needs_the_signers_title(week):
    report = generated(LAI_THIEU, week[1])
    with pytest.raises(ValidationError) as refused:
        report_sign(actor=officer(LAI_THIEU), report=report, signer_title="  ")
    assert "signer_title" in refused.value.message_dict
    report.refresh_from_db()
    assert report.status == ReportStatus.DRAFT


def test_a_signed_report_is_never_edited_a_new_version_must_be_opened(week):
    report = generated(LAI_THIEU, week[1])
    report_write(actor=officer(LAI_THIEU), report=report, narratives={"epidemic": "Bản đã ký."})
    report_sign(actor=officer(LAI_THIEU), report=report, signer_title="CHỦ TỊCH")
    with pytest.raises(ValidationError) as refused:
        report_write(actor=officer(LAI_THIEU), report=report, narratives={"epidemic": "Sửa sau khi ký."})
    assert "signed and locked" in messages_of(refused.value) and "new version" in messages_of(refused.value)
    report.refresh_from_db()
    assert report.narratives == {"epidemic": "Bản đã ký."}


def test_generating_again_after_signing_is_refused_and_overwrites_nothing(week):
    report = report_sign(actor=officer(LAI_THIEU), report=generated(LAI_THIEU, week[1]), signer_title="CHỦ TỊCH")
    frozen = report.figures
    with pytest.raises(ValidationError) as refused:
        generated(LAI_THIEU, week[1])
    assert "already signed" in messages_of(refused.value) and "never overwritten" in messages_of(refused.value)
    report.refresh_from_db()
    assert report.figures == frozen and SituationReport.objects.count() == 1


def test_a_new_version_is_a_draft_copy_of_the_signed_one_which_stays_as_it_was(week):
    report = generated(LAI_THIEU, week[1])
    report_write(actor=officer(LAI_THIEU), report=report, narratives={"epidemic": "Bản 1."})
    signed = report_sign(actor=officer(LAI_THIEU), report=report, signer_title="CHỦ TỊCH")
    draft = report_revise(actor=officer(LAI_THIEU), report=signed)
    assert (draft.version, draft.status, draft.previous_id) == (2, ReportStatus.DRAFT, signed.pk)
    assert draft.narratives == {"epidemic": "Bản 1."} and draft.figures == signed.figures
    report_write(actor=officer(LAI_THIEU), report=draft, narratives={"epidemic": "Bản 2."})
    signed.refresh_from_db()
    assert signed.narratives == {"epidemic": "Bản 1."} and signed.status == ReportStatus.SIGNED
    assert generated(LAI_THIEU, week[1]).pk == draft.pk  # refreshing now refreshes the new draft


def test_a_draft_or_an_older_version_cannot_be_revised(week):
    report = generated(LAI_THIEU, week[1])
    with pytest.raises(ValidationError) as refused:
        report_revise(actor=officer(LAI_THIEU), report=report)
    assert "still a draft" in messages_of(refused.value)
    signed = report_sign(actor=officer(LAI_THIEU), report=report, signer_title="CHỦ TỊCH")
    report_revise(actor=officer(LAI_THIEU), report=signed)
    with pytest.raises(ValidationError) as refused:
        report_revise(actor=officer(LAI_THIEU), report=signed)
    assert "Version 2" in messages_of(refused.value)
    assert SituationReport.objects.count() == 2


def test_a_report_is_sent_upward_once_signed_and_only_once(week):
    report = generated(LAI_THIEU, week[1])
    with pytest.raises(ValidationError) as refused:
        report_send(actor=officer(LAI_THIEU), report=report)
    assert "Sign the report" in messages_of(refused.value)
    report = report_sign(actor=officer(LAI_THIEU), report=report, signer_title="CHỦ TỊCH")
    report = report_send(actor=officer(LAI_THIEU), report=report)
    assert report.status == ReportStatus.SENT and report.sent_at is not None
    with pytest.raises(ValidationError) as refused:
        report_send(actor=officer(LAI_THIEU), report=report)
    assert "already sent" in messages_of(refused.value)


def test_an_older_version_is_not_sent_once_a_newer_one_is_open(week):
    signed = report_sign(actor=officer(LAI_THIEU), report=generated(LAI_THIEU, week[1]), signer_title="CHỦ TỊCH")
    report_revise(actor=officer(LAI_THIEU), report=signed)
    with pytest.raises(ValidationError) as refused:
        report_send(actor=officer(LAI_THIEU), report=signed)
    assert "Version 2" in messages_of(refused.value)
    signed.refresh_from_db()
    assert signed.status == ReportStatus.SIGNED


@pytest.mark.parametrize("persona", ["district_officer", "other_commune", "province_commander", "analyst"])
def test_only_the_units_own_officers_write_sign_revise_or_send_its_report(week, persona):
    from phongdich.accounts.models import User

    actor = User.objects.get(username=persona)
    report = generated(LAI_THIEU, week[1])
    for attempt in (
        lambda: report_write(actor=actor, report=report, narratives={"epidemic": "Không phải của tôi"}),
        lambda: report_sign(actor=actor, report=report, signer_title="CHỦ TỊCH"),
    ):
        with pytest.raises(OutOfScope):
            attempt()
    signed = report_sign(actor=officer(LAI_THIEU), report=report, signer_title="CHỦ TỊCH")
    for attempt in (
        lambda: report_send(actor=actor, report=signed),
        lambda: report_revise(actor=actor, report=signed),
    ):
        with pytest.raises(OutOfScope):
            attempt()
    signed.refresh_from_db()
    assert signed.status == ReportStatus.SIGNED and SituationReport.objects.count() == 1


def test_district_officer_cannot_sign_a_report_of_another_district(week):
    from phongdich.accounts.models import User
    from phongdich.accounts.services import role_assign

    thu_dau_mot = unit(HIEP_THANH).parent
    colleague = User.objects.create_user(username="can_bo_tdm", password="x" * 12, full_name="Lê Thị Ngọc")
    role_assign(actor="test", user=colleague, role="district_officer", unit=thu_dau_mot)
    report = report_generate(actor=colleague, unit=thu_dau_mot, day=week[1])
    with pytest.raises(OutOfScope):
        report_sign(actor=officer(THUAN_AN), report=report, signer_title="TRƯỞNG BAN")
    report.refresh_from_db()
    assert report.status == ReportStatus.DRAFT


# -- The roll-up ------------------------------------------------------------------------------------------------


def test_the_district_report_quotes_the_communes_that_sent_and_lists_those_that_did_not(week):
    sent(LAI_THIEU, week[1], epidemic="Hai ca cộng đồng tại chợ Lái Thiêu.", proposals="Bổ sung 500 test nhanh.")
    report = generated(THUAN_AN, week[1])
    quoted = [child for child in report.children if child["report_id"]]
    assert [child["unit_name"] for child in quoted] == ["Phường Lái Thiêu"]
    assert {item["key"]: item["text"] for item in quoted[0]["narratives"]} == {
        "epidemic": "Hai ca cộng đồng tại chợ Lái Thiêu.",
        "proposals": "Bổ sung 500 test nhanh.",
    }
    assert quoted[0]["narratives"][0]["title"] == DEFAULT_SECTIONS[0]["title"]
    missing = [child["unit_name"] for child in report.children if not child["report_id"]]
    assert "Phường An Thạnh" in missing and len(missing) == len(report.children) - 1


def test_a_communes_draft_or_unsent_signature_is_not_in_the_district_report(week):
    generated(LAI_THIEU, week[1])
    assert not any(child["report_id"] for child in generated(THUAN_AN, week[1]).children)
    report_sign(actor=officer(LAI_THIEU), report=generated(LAI_THIEU, week[1]), signer_title="CHỦ TỊCH")
    assert not any(child["report_id"] for child in generated(THUAN_AN, week[1]).children)


def test_the_roll_up_quotes_the_latest_version_sent(week):
    first = sent(LAI_THIEU, week[1], epidemic="Bản 1.")
    draft = report_revise(actor=officer(LAI_THIEU), report=first)
    report_write(actor=officer(LAI_THIEU), report=draft, narratives={"epidemic": "Bản 2, đã sửa số liệu."})
    report_send(
        actor=officer(LAI_THIEU), report=report_sign(actor=officer(LAI_THIEU), report=draft, signer_title="CHỦ TỊCH")
    )
    lai_thieu = next(child for child in generated(THUAN_AN, week[1]).children if child["report_id"])
    assert (lai_thieu["version"], lai_thieu["narratives"][0]["text"]) == (2, "Bản 2, đã sửa số liệu.")


def test_the_province_report_quotes_the_districts_and_a_report_of_another_day_is_not_quoted(week):
    sent(THUAN_AN, week[1], difficulties="Thiếu giường tầng 2.")
    sent(THUAN_AN, week[2], difficulties="Ngày khác.")
    report = generated(PROVINCE, week[1])
    quoted = [child for child in report.children if child["report_id"]]
    assert [(child["unit_name"], child["narratives"][0]["text"]) for child in quoted] == [
        ("Thành phố Thuận An", "Thiếu giường tầng 2.")
    ]
    assert len(report.children) == 9


# -- Audit ------------------------------------------------------------------------------------------------------


def test_every_write_is_audited_with_the_reports_unit(week):
    report = sent(LAI_THIEU, week[1], epidemic="Có ca mới.")
    report_revise(actor=officer(LAI_THIEU), report=report)
    events = AuditEvent.objects.filter(object_type="command.situationreport").order_by("pk")
    assert [event.action for event in events] == ["create", "update", "update", "update", "create"]
    assert {event.unit_path for event in events} == {unit(LAI_THIEU).path}
    assert events[1].after == {"narratives": {"epidemic": "Có ca mới."}}
    assert events[2].after["status"] == "signed" and events[3].after["status"] == "sent"
    assert events[4].detail == {"previous": report.pk}
