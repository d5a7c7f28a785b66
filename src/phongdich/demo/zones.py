"""The demo's lockdown areas (vùng đỏ, điểm đỏ), as Bình Dương's wards declared them in the summer of 2021.

The wards with the most community cases over the last two weeks are locked down now: the hardest-hit residential
groups of each (the whole ward for the worst), with an RT-PCR test of every resident to leave; one of them has
already been extended. A couple of red points are address lists: homes of community cases in those wards, outside
their red zones where there are such homes. Wards hit three to eight weeks earlier had their lockdowns and lifted
them: most at their planned end, one extended first, and one lifted early, with its reason. Built through the
zones' services, like real work, on the demo's clock."""

import random
from collections import Counter
from dataclasses import dataclass
from datetime import datetime, time, timedelta

from django.utils import timezone

from phongdich.core import clock
from phongdich.levels.choices import LeaveTest, ZoneKind
from phongdich.levels.models import Zone
from phongdich.levels.zones.selectors import zone_figures
from phongdich.levels.zones.services import zone_declare, zone_end, zone_extend
from phongdich.people.models import Person
from phongdich.places.choices import Structure, UnitLevel
from phongdich.places.models import AdminUnit
from phongdich.surveillance.choices import DetectionSetting
from phongdich.surveillance.models import Case

ACTOR = "demo"
OPEN_WARDS = 4
ENDED_WARDS = 4
RED_POINTS = 2
RECENT_DAYS = 14
LOCKDOWN_DAYS = 14
PCR_TWICE = (
    "Xét nghiệm RT-PCR toàn bộ người dân 2 lần cách nhau 3 ngày đều âm tính; không ghi nhận ca mắc mới trong cộng "
    "đồng trong 14 ngày."
)
RAPID_ONCE = "Xét nghiệm nhanh kháng nguyên toàn bộ người dân tại các địa chỉ, kết quả âm tính."
EARLY_REASON = (
    "Hai lần xét nghiệm toàn dân đều âm tính, không ghi nhận ca mắc mới trong cộng đồng; UBND huyện cho phép dỡ bỏ "
    "phong tỏa sớm."
)


@dataclass
class ZonesResult:
    open: int = 0
    red_points: int = 0
    ended: int = 0
    ended_early: int = 0
    extended: int = 0
    residents: int = 0


def _commune_path(path: str) -> str | None:
    """The commune a unit lies in (its path), or None above communes: "legacy:74/718/25741/" holds three codes."""
    parts = path.split("/")
    return "/".join(parts[:3]) + "/" if len(parts) > 3 else None


def _midnight(day) -> datetime:
    return timezone.make_aware(datetime.combine(day, time(0, 0)))


class ZonesBuilder:
    def __init__(self, rng: random.Random):
        self.rng = rng
        self.now = clock.now()
        self.result = ZonesResult()
        self.decisions = 0

    def build(self) -> ZonesResult:
        recent = self._cases_by_unit(self.now - timedelta(days=RECENT_DAYS), self.now)
        self.recent_by_commune = self._by_commune(recent)
        hardest = self._ranked(self.recent_by_commune)[:OPEN_WARDS]
        locked: set[int] = set()
        for rank, commune in enumerate(hardest):
            locked |= self._lockdown_now(commune, recent, whole=rank == 0, extended=rank == 1)
        self._red_points(hardest, locked)
        earlier = self._cases_by_unit(self.now - timedelta(days=56), self.now - timedelta(days=21))
        past = [commune for commune in self._ranked(self._by_commune(earlier)) if commune not in hardest]
        past += [commune for commune in self._most_populous() if commune not in hardest and commune not in past]
        for index, commune in enumerate(past[:ENDED_WARDS]):
            self._lockdown_ended(commune, early=index == 0, extended=index == 1)
        self.result.residents = zone_figures(Zone.objects.all()).residents
        return self.result

    # Where ----------------------------------------------------------------------------------------------------

    def _cases_by_unit(self, since: datetime, until: datetime) -> Counter:
        cases = Case.objects.filter(
            detection_setting=DetectionSetting.COMMUNITY, confirmed_at__gte=since, confirmed_at__lte=until
        )
        return Counter(cases.values_list("unit__path", flat=True).order_by())

    def _by_commune(self, by_unit: Counter) -> Counter:
        by_commune: Counter = Counter()
        for path, count in by_unit.items():
            if commune := _commune_path(path):
                by_commune[commune] += count
        return by_commune

    def _ranked(self, by_commune: Counter) -> list[AdminUnit]:
        """The communes with cases, the most first."""
        ranked = sorted(by_commune, key=lambda path: (-by_commune[path], path))
        communes = {unit.path: unit for unit in AdminUnit.objects.filter(path__in=ranked, level=UnitLevel.COMMUNE)}
        return [communes[path] for path in ranked if path in communes]

    def _most_populous(self) -> list[AdminUnit]:
        """Communes by registered residents, for a province whose earlier weeks had too few community cases."""
        counts = Counter(
            _commune_path(path) for path in Person.objects.active().values_list("unit__path", flat=True).order_by()
        )
        communes = AdminUnit.objects.filter(structure=Structure.LEGACY, level=UnitLevel.COMMUNE, path__in=counts)
        return sorted(communes, key=lambda unit: (-counts[unit.path], unit.path))

    def _hardest_groups(self, commune: AdminUnit, by_unit: Counter, n: int) -> list[AdminUnit]:
        groups = list(commune.children.filter(level=UnitLevel.GROUP).order_by("path"))
        groups.sort(key=lambda group: -by_unit.get(group.path, 0))
        return groups[:n] or [commune]

    def _decision(self, commune: AdminUnit, day) -> str:
        self.decisions += 1
        district = commune.parent.name if commune.parent else ""
        return f"Quyết định số {100 + self.decisions * 7}/QĐ-UBND ngày {day:%d/%m/%Y} của UBND {district}".strip()

    # What -----------------------------------------------------------------------------------------------------

    def _lockdown_now(self, commune: AdminUnit, recent: Counter, *, whole: bool, extended: bool) -> set[int]:
        """A red zone in force in the ward; the ids of the units it locks down (their residential groups)."""
        start = _midnight(clock.today() - timedelta(days=self.rng.randint(3, 10)))
        units = [commune] if whole else self._hardest_groups(commune, recent, self.rng.randint(1, 2))
        cases = self.recent_by_commune.get(commune.path, 0)
        zone = zone_declare(
            actor=ACTOR,
            kind=ZoneKind.LOCKDOWN,
            name=f"Vùng đỏ {commune.name}" if whole else f"Vùng đỏ {', '.join(u.name for u in units)} – {commune.name}",
            unit=commune,
            units=units,
            starts_at=start,
            planned_end_at=start + timedelta(days=LOCKDOWN_DAYS),
            leave_test=LeaveTest.PCR,
            leave_conditions=PCR_TWICE,
            reason=f"{cases} ca mắc trong cộng đồng trong 14 ngày qua, chưa rõ nguồn lây.",
            decision=self._decision(commune, start.date()),
        )
        self.result.open += 1
        if extended:
            zone_extend(
                actor=ACTOR,
                zone=zone,
                planned_end_at=zone.planned_end_at + timedelta(days=7),
                reason="Vẫn ghi nhận ca mắc mới trong khu phong tỏa sau lần xét nghiệm thứ hai.",
            )
            self.result.extended += 1
        groups = AdminUnit.objects.filter(parent__in=units).values_list("pk", flat=True)
        return {unit.pk for unit in units} | set(groups)

    def _red_points(self, communes: list[AdminUnit], locked: set[int]) -> None:
        """The homes of community cases in the hardest-hit wards as red points, a few addresses each: first the
        homes outside the red zones (a red zone already holds the others), the most recent cases first."""
        homes: dict[int, list[str]] = {}
        for commune in communes:
            cases = (
                Case.objects.filter(
                    detection_setting=DetectionSetting.COMMUNITY,
                    unit__path__startswith=commune.path,
                    confirmed_at__gte=self.now - timedelta(days=RECENT_DAYS),
                )
                .exclude(person__address="")
                .values_list("person__unit_id", "person__address")
                .order_by("-confirmed_at", "pk")
            )
            for unit_id, address in cases:
                lines = homes.setdefault(unit_id, [])
                if address not in lines and len(lines) < 3:
                    lines.append(address)
        ordered = sorted(homes.items(), key=lambda item: item[0] in locked)  # stable: outside the red zones first
        for unit_id, lines in ordered[:RED_POINTS]:
            group = AdminUnit.objects.select_related("parent").get(pk=unit_id)
            commune = group.parent if group.level == UnitLevel.GROUP and group.parent else group
            start = _midnight(clock.today() - timedelta(days=self.rng.randint(1, 5)))
            zone_declare(
                actor=ACTOR,
                kind=ZoneKind.RED_POINT,
                name=f"Điểm đỏ {lines[0]} – {group.label}",
                unit=group,
                addresses=lines,
                starts_at=start,
                planned_end_at=start + timedelta(days=LOCKDOWN_DAYS),
                leave_test=LeaveTest.RAPID,
                leave_conditions=RAPID_ONCE,
                reason="Nơi ở của ca mắc trong cộng đồng.",
                decision=self._decision(commune, start.date()),
            )
            self.result.red_points += 1

    def _lockdown_ended(self, commune: AdminUnit, *, early: bool, extended: bool) -> None:
        start = _midnight(clock.today() - timedelta(days=self.rng.randint(30, 50)))
        zone = zone_declare(
            actor=ACTOR,
            kind=ZoneKind.LOCKDOWN,
            name=f"Vùng đỏ {commune.name}",
            unit=commune,
            units=[commune],
            starts_at=start,
            planned_end_at=start + timedelta(days=LOCKDOWN_DAYS),
            leave_test=LeaveTest.PCR,
            leave_conditions=PCR_TWICE,
            reason="Chuỗi lây nhiễm trong cộng đồng.",
            decision=self._decision(commune, start.date()),
        )
        if extended:
            zone = zone_extend(
                actor=ACTOR,
                zone=zone,
                planned_end_at=zone.planned_end_at + timedelta(days=7),
                reason="Còn ca mắc mới trong khu phong tỏa.",
            )
            self.result.extended += 1
        if early:
            ended_at = start + timedelta(days=self.rng.randint(8, 11))
            zone_end(actor=ACTOR, zone=zone, ended_at=ended_at, end_reason=EARLY_REASON)
            self.result.ended_early += 1
        else:
            zone_end(actor=ACTOR, zone=zone, ended_at=zone.planned_end_at, end_reason="Hết thời hạn phong tỏa.")
        self.result.ended += 1


def build_zones(*, rng: random.Random) -> ZonesResult:
    return ZonesBuilder(rng).build()
