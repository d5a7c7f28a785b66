"""The demo's week of situation reports on the test world: every commune of one district, the district and the
province reported, signed and sent day by day, the roll-ups quoting the level below, today's province report a
draft."""

import pytest

from phongdich.core import clock
from phongdich.demo.command_reports import build_reports

from ...choices import ReportStatus
from ...models import SituationReport

pytestmark = pytest.mark.django_db


def test_a_week_of_reports_rolls_up_from_the_communes_to_the_province(week):
    today = clock.today()
    result = build_reports("demo", days=3)
    assert result.district == "Thành phố Thuận An"  # the district with the most community cases
    reports = SituationReport.objects.select_related("unit")
    communes = {report.unit_id for report in reports if report.unit.level == "commune"}
    assert len(communes) == 10 and reports.count() == (10 + 1 + 1) * 3
    assert result.sent == (10 + 1 + 1) * 3 - 1 and result.drafts == 1
    draft = reports.get(status=ReportStatus.DRAFT)
    assert (draft.unit.code, draft.day) == ("74", today)
    assert all(narrative for narrative in draft.narratives.values()) and len(draft.narratives) == 6
    district = reports.get(unit__code="725", day=today)
    assert all(child["report_id"] for child in district.children)
    quoted = [child["unit_name"] for child in draft.children if child["report_id"]]
    assert quoted == ["Thành phố Thuận An"]
    assert clock.today() == today  # the clock as it was


def test_the_days_narrative_reads_the_days_figures(week):
    build_reports("demo", days=7)
    lai_thieu = SituationReport.objects.get(unit__code="25966", day=week[1])
    assert lai_thieu.figures["values"]["cases_community"] == 2
    assert "ghi nhận 2 ca mắc mới: 2 ca trong cộng đồng" in lai_thieu.narratives["epidemic"]
    assert lai_thieu.status == ReportStatus.SENT and lai_thieu.signer_title.startswith("KT. CHỦ TỊCH")
