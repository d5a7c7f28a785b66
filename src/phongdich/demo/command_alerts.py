"""The demo's targets and alert centre: the targets the seed directives set for the province (domain §10), each
linked to the directive point that set it when the directives are recorded (looked up by their number and a phrase
of the point), measured on every day since tracking started; then the default alert rules and one sweep, so the
inbox opens with what the demo province's records call for (home care, beds, oxygen, tasks, levels, targets).

Run after the rest of the demo (the daily figures, stations, levels and directives it reads), on the demo's clock."""

from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal

from phongdich.command.alerts.services import alert_rules_default, alerts_sweep
from phongdich.command.models import DirectivePoint, Target
from phongdich.command.targets.services import target_set, targets_backfill
from phongdich.places.models import AdminUnit

# The directives as the demo's directives record them (demo/command_directives.py): seed 000, Bình Dương's of
# September 2021, and seed 004, Kiên Giang's of November 2021, both followed by the demo province.
SEED_000 = "Không ghi số – BTV Tỉnh ủy Bình Dương, 9/2021"
SEED_004 = "Không ghi số – BTV Tỉnh ủy Kiên Giang, 11/2021"
TRACKED_FROM = date(2021, 8, 1)  # a month before the demo's day: the stations open from mid-August


@dataclass(frozen=True)
class TargetSeed:
    directive: str
    phrase: str  # words of the point that sets it, as its text writes them
    name: str
    metric: str
    value: int
    deadline: date


TARGETS = [
    TargetSeed(
        SEED_000,
        "100% xã, phường, thị trấn",
        "100% xã, phường, thị trấn có ít nhất 01 trạm y tế lưu động",
        "communes_with_mobile_station_pct",
        100,
        date(2021, 9, 30),
    ),
    TargetSeed(
        SEED_000,
        "31/10/2021",
        "Các khu, cụm công nghiệp đều có trạm y tế lưu động",
        "parks_with_mobile_station_pct",
        100,
        date(2021, 10, 31),
    ),
    TargetSeed(
        SEED_000,
        "cơ bản xanh",
        "Cơ bản xanh hóa toàn tỉnh: mọi xã, phường ở cấp độ dịch 1 hoặc 2",
        "communes_level_le_2_pct",
        100,
        date(2021, 9, 20),
    ),
    TargetSeed(
        SEED_004,
        "đủ 2 mũi",
        "100% dân số trong diện được tiêm vắc xin được tiêm đủ 2 mũi",
        "coverage_full_pct",
        100,
        date(2021, 12, 31),
    ),
]


@dataclass
class CommandAlertsResult:
    targets: int = 0
    linked: int = 0
    readings: int = 0
    statuses: dict[str, int] = field(default_factory=dict)
    rules: int = 0
    alerts: int = 0


def directive_point(number: str, phrase: str) -> DirectivePoint | None:
    """The first point of the directive recorded under `number` whose text holds `phrase`; None without it."""
    return (
        DirectivePoint.objects.filter(directive__number=number, text__contains=phrase)
        .order_by("directive__unit__path", "position")
        .first()
    )


def build_targets_and_alerts(actor="demo") -> CommandAlertsResult:
    result = CommandAlertsResult()
    province = AdminUnit.objects.get(path=AdminUnit.root_path())
    for seed in TARGETS:
        point = directive_point(seed.directive, seed.phrase)
        target = Target.objects.filter(unit=province, name=seed.name).first() or target_set(
            actor=actor,
            unit=province,
            name=seed.name,
            metric=seed.metric,
            target_value=Decimal(seed.value),
            starts_on=TRACKED_FROM,
            deadline=seed.deadline,
            point=point,
        )
        result.readings += targets_backfill(target=target)
        result.targets += 1
        result.linked += target.point_id is not None
    for status in Target.objects.filter(unit=province).values_list("status", flat=True):
        result.statuses[status] = result.statuses.get(status, 0) + 1
    result.rules = len(alert_rules_default(actor=actor))
    result.alerts = alerts_sweep().raised
    return result
