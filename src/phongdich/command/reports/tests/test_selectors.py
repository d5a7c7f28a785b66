"""Who reads which report: a unit's own officers every version, the levels above once it is sent upward, nobody
outside the unit's jurisdiction."""

import pytest

from phongdich.accounts.models import User

from ..selectors import reporting_units, reports_visible_to
from ..services import report_sign
from .world import HIEP_THANH, LAI_THIEU, PROVINCE, THUAN_AN, generated, officer, sent

pytestmark = pytest.mark.django_db


def readers_of(report) -> set[str]:
    personas = [
        "province_commander",
        "analyst",
        "district_officer",
        "commune_officer",
        "other_commune",
        "community_team",
        "health_worker",
        "outsider",
        "system_admin",
        "commander_commune",
        "analyst_commune",
        "district_admin",
    ]
    return {name for name in personas if reports_visible_to(User.objects.get(username=name)).filter(pk=report.pk)}


LAI_THIEU_OFFICERS = {"commune_officer", "commander_commune", "district_admin"}


def test_a_communes_draft_is_read_by_the_communes_own_officers_only(week):
    assert readers_of(generated(LAI_THIEU, week[1])) == LAI_THIEU_OFFICERS


def test_a_signed_report_not_yet_sent_stays_with_the_commune(week):
    report = report_sign(actor=officer(LAI_THIEU), report=generated(LAI_THIEU, week[1]), signer_title="CHỦ TỊCH")
    assert readers_of(report) == LAI_THIEU_OFFICERS


def test_a_report_sent_upward_is_read_by_the_levels_above(week):
    report = sent(LAI_THIEU, week[1])
    above = {"district_officer", "province_commander", "analyst", "analyst_commune"}  # the last as the province's
    assert readers_of(report) == LAI_THIEU_OFFICERS | above


def test_a_district_draft_is_the_districts_and_the_province_reads_it_once_sent(week):
    draft = generated(THUAN_AN, week[1])
    assert readers_of(draft) == {"district_officer"}
    assert readers_of(sent(THUAN_AN, week[2])) == {"district_officer", "province_commander", "analyst"} | {
        "commander_commune",
        "analyst_commune",
    }


def test_the_provinces_draft_is_read_by_the_provinces_command_and_analyst(week):
    assert readers_of(generated(PROVINCE, week[1])) == {
        "province_commander",
        "analyst",
        "commander_commune",
        "analyst_commune",
    }


def test_another_communes_report_is_never_read_even_once_sent(week):
    report = sent(HIEP_THANH, week[1])
    assert "commune_officer" not in readers_of(report) and "district_officer" not in readers_of(report)


def test_an_officer_reports_for_the_units_their_roles_are_bound_to(world):
    def codes(name):
        return [unit.code for unit in reporting_units(User.objects.get(username=name))]

    assert codes("commune_officer") == [LAI_THIEU]
    assert codes("district_officer") == [THUAN_AN]
    assert codes("commander_commune") == [PROVINCE, LAI_THIEU]
    assert codes("analyst") == [] and codes("outsider") == []
