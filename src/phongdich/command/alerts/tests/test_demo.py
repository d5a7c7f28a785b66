"""The demo's targets and alert centre, built on the small world of the tests: the four targets of the seed
directives linked to the points of the directives recorded (and left unlinked otherwise), measured since tracking
started; the default rules and a sweep, which finds the mobile-station target at risk."""

from datetime import date

import pytest

from phongdich.core import clock
from phongdich.core.testing import unit
from phongdich.demo.command_alerts import SEED_000, TRACKED_FROM, build_targets_and_alerts

from ...choices import AlertState, TargetStatus
from ...models import Alert, AlertRule, Directive, DirectivePoint, Target, TargetReading

pytestmark = pytest.mark.django_db
DEMO_DAY = date(2021, 9, 10)


@pytest.fixture
def seed_000(world):
    """Seed 000 recorded for the province, with the two points that set its targets for communes and greening."""
    directive = Directive.objects.create(
        unit=unit("74"),
        number=SEED_000,
        issued_on=date(2021, 9, 14),
        issuing_body="Ban Thường vụ Tỉnh ủy Bình Dương",
        title="Chỉ thị về phòng, chống dịch Covid-19 và nới lỏng giãn cách xã hội",
    )
    greening = DirectivePoint.objects.create(
        directive=directive,
        number="2",
        position=2,
        text="Từng bước vững chắc nới lỏng giãn cách xã hội …, đến ngày 20/9/2021 cơ bản xanh hóa toàn tỉnh.",
    )
    stations = DirectivePoint.objects.create(
        directive=directive,
        number="3",
        position=3,
        text="Cấp xã: Chậm nhất đến ngày 30/9/2021 đảm bảo 100% xã, phường, thị trấn có ít nhất 01 Trạm Y tế lưu động.",
    )
    clock.use(DEMO_DAY)
    return {"greening": greening, "stations": stations}


def test_the_demo_sets_the_seed_targets_linked_to_their_points_and_measured(seed_000):
    result = build_targets_and_alerts("demo")
    targets = {target.metric: target for target in Target.objects.select_related("point")}
    assert set(targets) == {
        "communes_with_mobile_station_pct",
        "parks_with_mobile_station_pct",
        "communes_level_le_2_pct",
        "coverage_full_pct",
    }
    assert targets["communes_with_mobile_station_pct"].point == seed_000["stations"]
    assert targets["communes_level_le_2_pct"].point == seed_000["greening"]
    assert targets["coverage_full_pct"].point is None  # seed 004 is not recorded in this world
    assert (result.targets, result.linked) == (4, 2)
    # No station in the test world: 0 % of the communes every day since tracking started, flat, so at risk.
    stations = targets["communes_with_mobile_station_pct"]
    days = (DEMO_DAY - TRACKED_FROM).days + 1
    assert TargetReading.objects.filter(target=stations).count() == days == result.readings
    assert stations.status == TargetStatus.AT_RISK
    assert targets["parks_with_mobile_station_pct"].status == TargetStatus.ON_TRACK  # no park: nothing to measure


def test_the_demo_creates_the_rules_and_sweeps_once(seed_000):
    result = build_targets_and_alerts("demo")
    stations = Target.objects.get(metric="communes_with_mobile_station_pct")
    assert result.rules == AlertRule.objects.count() == 8
    alert = Alert.objects.get(rule__code="target_at_risk")
    assert (alert.subject, alert.state) == (f"target:{stations.pk}", AlertState.OPEN)
    assert result.alerts == Alert.objects.count()


def test_building_the_demo_again_adds_nothing(seed_000):
    build_targets_and_alerts("demo")
    again = build_targets_and_alerts("demo")
    assert Target.objects.count() == 4 and again.rules == 0 and again.alerts == 0
    assert Alert.objects.filter(rule__code="target_at_risk").count() == 1
