"""The demo's lockdown areas (vùng đỏ, điểm đỏ), as Bình Dương's wards declared them in the summer of 2021.

The wards with the most community cases over the last two weeks are locked down now: the hardest-hit residential
groups of each (the whole ward for the worst), with an RT-PCR test of every resident to leave; one of them has
already been extended. A couple of red points are address lists in those wards, each lying in its ward: homes of
community cases, outside their red zones where there are such homes. Wards hit three to eight weeks earlier had
their lockdowns and lifted them: most at their planned end, one extended first, and one lifted early, with its
reason.

Consistent with the records the levels are computed from: no ward is locked down before its first community case
of the outbreak, and a red point starts once the cases at its addresses are confirmed. A red zone is decided by its
district's people's committee, a red point by its ward's, the day before it starts (the same day for one starting
during the day). Built through the zones' services, like real work, each step on the demo's clock of its own day,
so that extensions read as recorded then."""

import random
from collections import Counter, defaultdict
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from django.db.models import Min
from django.utils import timezone

from phongdich.core import clock
from phongdich.levels.choices import LeaveTest, ZoneKind
from phongdich.levels.models import Zone
from phongdich.levels.zones.selectors import zone_figures
from phongdich.levels.zones.services import zone_declare, zone_end, zone_extend
from phongdich.places.choices import UnitLevel
from phongdich.places.models import AdminUnit
from phongdich.surveillance.choices import DetectionSetting
from phongdich.surveillance.models import Case

ACTOR = "demo"
OPEN_WARDS = 4
ENDED_WARDS = 4
RED_POINTS = 2
RECENT_DAYS = 14
LOCKDOWN_DAYS = 14
EXTENSION_DAYS = 7
PCR_TWICE = (
    "Xét nghiệm RT-PCR toàn bộ người dân 2 lần cách nhau 3 ngày đều âm tính; không ghi nhận ca mắc mới trong cộng "
    "đồng trong 14 ngày."
)
RAPID_ONCE = "Xét nghiệm nhanh kháng nguyên toàn bộ người dân tại các địa chỉ, kết quả âm tính."


def committee(unit: AdminUnit) -> str:
    """The people's committee of a unit, as a decision names it: "Thành phố Thuận An" -> "UBND thành phố Thuận
    An", "Phường Lái Thiêu" -> "UBND phường Lái Thiêu"."""
    return f"UBND {unit.name[:1].lower()}{unit.name[1:]}"


def early_reason(district: AdminUnit) -> str:
    return (
        "Hai lần xét nghiệm toàn dân đều âm tính, không ghi nhận ca mắc mới trong cộng đồng; "
        f"{committee(district)} cho phép dỡ bỏ phong tỏa sớm."
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


def _midnight(day: date) -> datetime:
    return timezone.make_aware(datetime.combine(day, time(0, 0)))


def _next_hour(moment: datetime) -> datetime:
    """The first full hour after a moment: a lockdown answering a case starts once the case is confirmed."""
    return timezone.localtime(moment).replace(minute=0, second=0, microsecond=0) + timedelta(hours=1)


def _decided_on(start: datetime) -> date:
    """A decision takes effect from the next midnight, or later the same day."""
    return timezone.localdate(start - timedelta(minutes=1))


class ZonesBuilder:
    def __init__(self, rng: random.Random):
        self.rng = rng
        self.day_before = clock.demo_day()  # the clock to go back to: the demo's day, or the real time
        self.now = clock.now()
        self.today = clock.today()
        self.result = ZonesResult()
        self.issued: Counter = Counter()

    def build(self) -> ZonesResult:
        try:
            self._build()
        finally:
            clock.use(self.day_before)
        self.result.residents = zone_figures(Zone.objects.all()).residents
        return self.result

    def _build(self) -> None:
        self.first_cases = self._first_cases()
        recent = self._cases_by_unit(self.now - timedelta(days=RECENT_DAYS), self.now)
        self.recent_by_commune = self._by_commune(recent)
        hardest = self._ranked(self.recent_by_commune)[:OPEN_WARDS]
        locked: set[int] = set()
        for rank, commune in enumerate(hardest):
            locked |= self._lockdown_now(commune, recent, whole=rank == 0, extended=rank == 1)
        self._red_points(hardest, locked)
        earlier = self._cases_by_unit(self.now - timedelta(days=56), self.now - timedelta(days=21))
        past = [commune for commune in self._ranked(self._by_commune(earlier)) if commune not in hardest]
        for commune in past:
            if self.result.ended == ENDED_WARDS:
                break
            self._lockdown_ended(commune, early=self.result.ended == 0, extended=self.result.ended == 1)

    # Where and when ---------------------------------------------------------------------------------------------

    def _community_cases(self):
        return Case.objects.filter(detection_setting=DetectionSetting.COMMUNITY, confirmed_at__lte=self.now)

    def _cases_by_unit(self, since: datetime, until: datetime) -> Counter:
        cases = self._community_cases().filter(confirmed_at__gte=since, confirmed_at__lte=until)
        return Counter(cases.values_list("unit__path", flat=True).order_by())

    def _first_cases(self) -> dict[str, datetime]:
        """Each commune's first community case of the outbreak (when it was confirmed), by the commune's path."""
        firsts: dict[str, datetime] = {}
        rows = self._community_cases().values_list("unit__path").annotate(first=Min("confirmed_at")).order_by()
        for path, first in rows:
            if (commune := _commune_path(path)) and (commune not in firsts or first < firsts[commune]):
                firsts[commune] = first
        return firsts

    def _by_commune(self, by_unit: Counter) -> Counter:
        by_commune: Counter = Counter()
        for path, count in by_unit.items():
            if commune := _commune_path(path):
                by_commune[commune] += count
        return by_commune

    def _ranked(self, by_commune: Counter) -> list[AdminUnit]:
        """The communes with cases, the most first."""
        ranked = sorted(by_commune, key=lambda path: (-by_commune[path], path))
        communes = AdminUnit.objects.filter(path__in=ranked, level=UnitLevel.COMMUNE).select_related("parent")
        by_path = {unit.path: unit for unit in communes}
        return [by_path[path] for path in ranked if path in by_path]

    def _hardest_groups(self, commune: AdminUnit, by_unit: Counter, n: int) -> list[AdminUnit]:
        groups = list(commune.children.filter(level=UnitLevel.GROUP).order_by("path"))
        groups.sort(key=lambda group: -by_unit.get(group.path, 0))
        return groups[:n] or [commune]

    def _not_before_its_first_case(self, commune: AdminUnit, start: datetime) -> datetime:
        """A ward's lockdown starts after its first community case is confirmed (and by now, for one in force)."""
        start = max(start, _next_hour(self.first_cases[commune.path]))
        return min(start, self.now.replace(second=0, microsecond=0))

    def _cases_before(self, commune: AdminUnit, start: datetime) -> int:
        since = start - timedelta(days=RECENT_DAYS)
        cases = self._community_cases().filter(unit__path__startswith=commune.path)
        return cases.filter(confirmed_at__gte=since, confirmed_at__lte=start).count()

    def _decision(self, issuer: AdminUnit, day: date) -> str:
        """A people's committee's decision of that day, numbered in its own register by the day of the year."""
        self.issued[issuer.pk, day] += 1
        number = day.timetuple().tm_yday * 12 + self.issued[issuer.pk, day]
        return f"Quyết định số {number}/QĐ-UBND ngày {day:%d/%m/%Y} của {committee(issuer)}"

    # What -------------------------------------------------------------------------------------------------------

    def _declare(self, *, issuer: AdminUnit, **fields) -> Zone:
        """A zone declared on the day its decision was signed."""
        decided = _decided_on(fields["starts_at"])
        clock.use(decided)
        return zone_declare(actor=ACTOR, decision=self._decision(issuer, decided), **fields)

    def _extend(self, zone: Zone, reason: str) -> Zone:
        """A week more, decided two days before the planned end (or today, for a later one)."""
        day = min(self.today, timezone.localdate(zone.planned_end_at) - timedelta(days=2))
        clock.use(max(day, timezone.localdate(zone.starts_at)))
        zone = zone_extend(
            actor=ACTOR, zone=zone, planned_end_at=zone.planned_end_at + timedelta(days=EXTENSION_DAYS), reason=reason
        )
        self.result.extended += 1
        return zone

    def _lockdown_now(self, commune: AdminUnit, recent: Counter, *, whole: bool, extended: bool) -> set[int]:
        """A red zone in force in the ward, decided by its district; the ids of the units it locks down (their
        residential groups). The one extended started long enough ago to near its planned end."""
        days_ago = self.rng.randint(10, 12) if extended else self.rng.randint(3, 9)
        start = self._not_before_its_first_case(commune, _midnight(self.today - timedelta(days=days_ago)))
        units = [commune] if whole else self._hardest_groups(commune, recent, self.rng.randint(1, 2))
        zone = self._declare(
            issuer=commune.parent or commune,
            kind=ZoneKind.LOCKDOWN,
            name=f"Vùng đỏ {commune.name}" if whole else f"Vùng đỏ {', '.join(u.name for u in units)} – {commune.name}",
            unit=commune,
            units=units,
            starts_at=start,
            planned_end_at=start + timedelta(days=LOCKDOWN_DAYS),
            leave_test=LeaveTest.PCR,
            leave_conditions=PCR_TWICE,
            reason=f"{self._cases_before(commune, start)} ca mắc trong cộng đồng trong 14 ngày qua, chưa rõ nguồn lây.",
        )
        self.result.open += 1
        if extended:
            self._extend(zone, "Vẫn ghi nhận ca mắc mới trong khu phong tỏa sau lần xét nghiệm thứ hai.")
        groups = AdminUnit.objects.filter(parent__in=units).values_list("pk", flat=True)
        return {unit.pk for unit in units} | set(groups)

    def _red_points(self, communes: list[AdminUnit], locked: set[int]) -> None:
        """The homes of community cases in the hardest-hit wards as red points, a few addresses each, lying in the
        ward and decided by its people's committee once the cases are confirmed: first the homes outside the red
        zones (a red zone already holds the others), the most recent cases first."""
        homes: dict[int, dict[str, datetime]] = defaultdict(dict)  # unit id -> address -> its case's confirmation
        for commune in communes:
            cases = (
                self._community_cases()
                .filter(unit__path__startswith=commune.path, confirmed_at__gte=self.now - timedelta(days=RECENT_DAYS))
                .exclude(person__address="")
                .values_list("person__unit_id", "person__address", "confirmed_at")
                .order_by("-confirmed_at", "pk")
            )
            for unit_id, address, confirmed_at in cases:
                lines = homes[unit_id]
                if address not in lines and len(lines) < 3:
                    lines[address] = confirmed_at
        ordered = sorted(homes.items(), key=lambda item: item[0] in locked)  # stable: outside the red zones first
        for unit_id, lines in ordered[:RED_POINTS]:
            home = AdminUnit.objects.select_related("parent").get(pk=unit_id)
            commune = home.parent if home.level == UnitLevel.GROUP and home.parent else home
            start = min(_next_hour(max(lines.values())), self.now.replace(second=0, microsecond=0))
            addresses = list(lines)
            self._declare(
                issuer=commune,
                kind=ZoneKind.RED_POINT,
                name=f"Điểm đỏ {addresses[0]} – {home.label}",
                unit=commune,
                addresses=addresses,
                starts_at=start,
                planned_end_at=start + timedelta(days=LOCKDOWN_DAYS),
                leave_test=LeaveTest.RAPID,
                leave_conditions=RAPID_ONCE,
                reason="Nơi ở của ca mắc trong cộng đồng.",
            )
            self.result.red_points += 1

    def _lockdown_ended(self, commune: AdminUnit, *, early: bool, extended: bool) -> None:
        """The ward's lockdown a few days after its first community case, lifted by now; none for a ward whose
        first case came too recently for a lockdown since then to have ended."""
        start = _midnight(timezone.localdate(self.first_cases[commune.path]) + timedelta(days=self.rng.randint(1, 3)))
        longest = timedelta(days=LOCKDOWN_DAYS + (EXTENSION_DAYS if extended else 0))
        if start + longest > _midnight(self.today - timedelta(days=2)):
            return
        district = commune.parent or commune
        zone = self._declare(
            issuer=district,
            kind=ZoneKind.LOCKDOWN,
            name=f"Vùng đỏ {commune.name}",
            unit=commune,
            units=[commune],
            starts_at=start,
            planned_end_at=start + timedelta(days=LOCKDOWN_DAYS),
            leave_test=LeaveTest.PCR,
            leave_conditions=PCR_TWICE,
            reason="Chuỗi lây nhiễm trong cộng đồng.",
        )
        if extended:
            zone = self._extend(zone, "Còn ca mắc mới trong khu phong tỏa.")
        if early:
            ended_at, why = start + timedelta(days=self.rng.randint(8, 11)), early_reason(district)
            self.result.ended_early += 1
        else:
            ended_at, why = zone.planned_end_at, "Hết thời hạn phong tỏa."
        clock.use(timezone.localdate(ended_at))
        zone_end(actor=ACTOR, zone=zone, ended_at=ended_at, end_reason=why)
        self.result.ended += 1


def build_zones(*, rng: random.Random) -> ZonesResult:
    return ZonesBuilder(rng).build()
