"""The demo's duty log: a week of the province's command centre on duty around the clock, and its briefings.

Three shifts a day (07–15, 15–23, 23–07) up to the one on duty on the demo's day, and the next one opened. Each shift
is led by one of the province's commanders or duty officers with two officers beside them, and logs what came in:
calls from communes about new F0, ambulance transfers, oxygen and test-kit requests, hotline questions, checkpoint
incidents, welfare requests and the districts' reports, with what was done and, where the province has one, the
case an entry concerns. Every shift that has ended handed over to the next with a note of what was pending, and the
next shift's lead received it.

Three briefings of the provincial steering committee ("Giao ban Ban Chỉ đạo tỉnh") have their agenda, attendance,
minutes and decisions; the decisions whose lead body the province has (the directives' demo adds the bodies) became
tasks through the directives' `task_assign`. The two older briefings' minutes are closed.

The duty officers are accounts of their own (with no password: they appear on the shifts; the demo's logins are
those of demo/builder.py), holding the province commander's role, the role that keeps the province's duty log.
Everything goes through the services, the entries as their officers; the clock stays the demo's, except for the
handover and closing times, set afterwards to when they happened (a service stamps them with the time it runs)."""

import random
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from django.contrib.auth.hashers import make_password
from django.utils import timezone

from phongdich.accounts.models import User
from phongdich.accounts.roles import Role
from phongdich.accounts.services import role_assign
from phongdich.command.choices import EntryCategory, EntrySource
from phongdich.command.duty.selectors import duty_officers
from phongdich.command.duty.services import (
    briefing_close,
    briefing_plan,
    briefing_record,
    decision_add,
    decision_to_task,
    entry_log,
    shift_hand_over,
    shift_open,
    shift_receive,
)
from phongdich.command.models import Body, Briefing, DutyShift
from phongdich.core import clock
from phongdich.places.choices import Structure, UnitLevel
from phongdich.places.models import AdminUnit
from phongdich.surveillance.models import Case

SHIFT_STARTS = (7, 15, 23)
SHIFT_HOURS = 8
BRIEFING_HOUR = 16
LINKED_CASES = 2  # cases a shift's log names, of those confirmed during it
DUTY_STAFF = [
    ("trucban.hung", "Nguyễn Văn Hùng"),
    ("trucban.lan", "Trần Thị Lan"),
    ("trucban.minh", "Lê Quang Minh"),
    ("trucban.thao", "Phạm Thu Thảo"),
    ("trucban.tuan", "Võ Anh Tuấn"),
    ("trucban.ngoc", "Đặng Bảo Ngọc"),
]
CHECKPOINTS = ["Cầu Ông Bố", "Cầu Phú Long", "Ngã tư 550", "Cầu Bình Triệu 2", "ĐT741 giáp Bình Phước"]

# (category, source, caller, content, actions): {commune}, {district}, {group}, {n}, {m}, {age}, {checkpoint}.
ENTRIES = [
    (
        EntryCategory.CASE,
        EntrySource.PHONE,
        "Trạm Y tế {commune}",
        "Báo {n} ca F0 mới phát hiện qua test nhanh tại {group}, {commune}; đã cách ly tại nhà chờ RT-PCR.",
        "Ghi nhận; báo CDC tỉnh lấy mẫu khẳng định; nhắc xã rà soát F1 trong ngày.",
    ),
    (
        EntryCategory.CASE,
        EntrySource.REPORT,
        "UBND {commune}",
        "Báo cáo nhanh: {n} trường hợp sốt, ho tại khu nhà trọ công nhân ở {group}.",
        "Đề nghị Trung tâm Y tế {district} cử tổ lấy mẫu trong ngày.",
    ),
    (
        EntryCategory.TRANSFER,
        EntrySource.HOTLINE,
        "Người nhà bệnh nhân ở {commune}",
        "F0 {age} tuổi điều trị tại nhà, SpO₂ 92 %, khó thở, xin chuyển viện.",
        "Điều phối xe 115 chuyển Bệnh viện dã chiến; báo Trạm Y tế {commune} theo dõi.",
    ),
    (
        EntryCategory.TRANSFER,
        EntrySource.RADIO,
        "Tổ cấp cứu 115 {district}",
        "Xe cấp cứu quá tải, {n} ca F0 chờ chuyển tầng 2 tại {district}.",
        "Đề nghị Bộ Chỉ huy Quân sự tỉnh hỗ trợ 02 xe; báo lãnh đạo Sở Y tế.",
    ),
    (
        EntryCategory.SUPPLIES,
        EntrySource.PHONE,
        "Trạm y tế lưu động {commune}",
        "Xin bổ sung {n} bình oxy 40 lít, lượng còn lại chỉ đủ dùng trong ngày.",
        "Chuyển Sở Y tế cấp từ kho tỉnh; hẹn giao trước 17 giờ.",
    ),
    (
        EntryCategory.SUPPLIES,
        EntrySource.MESSAGE,
        "Trung tâm Y tế {district}",
        "Đề nghị cấp thêm {n}.000 kit test nhanh kháng nguyên cho đợt xét nghiệm diện rộng.",
        "Báo cáo lãnh đạo Sở Y tế; chờ phân bổ theo kế hoạch.",
    ),
    (
        EntryCategory.OTHER,
        EntrySource.HOTLINE,
        "Người dân {commune}",
        "Hỏi thủ tục xác nhận hoàn thành cách ly tại nhà để đi làm lại.",
        "Hướng dẫn liên hệ Trạm Y tế {commune}, cung cấp số điện thoại trực.",
    ),
    (
        EntryCategory.OTHER,
        EntrySource.HOTLINE,
        "Người dân {group}, {commune}",
        "Hỏi điều kiện đi lại liên tỉnh để đưa người thân đi khám bệnh.",
        "Hướng dẫn theo quy định hiện hành; đăng ký với UBND {commune}.",
    ),
    (
        EntryCategory.ORDER,
        EntrySource.RADIO,
        "Chốt kiểm soát {checkpoint}",
        "Xe khách chở {n} người không có giấy xét nghiệm âm tính còn hiệu lực.",
        "Yêu cầu quay đầu; báo Công an tỉnh phối hợp xử lý.",
    ),
    (
        EntryCategory.ORDER,
        EntrySource.PHONE,
        "Công an {commune}",
        "Tụ tập đông người tại chợ tạm {group}, {commune}.",
        "Đề nghị lực lượng chức năng giải tán, nhắc người dân thực hiện 5K.",
    ),
    (
        EntryCategory.WELFARE,
        EntrySource.HOTLINE,
        "Người dân {group}, {commune}",
        "Gia đình {n} người trong khu phong tỏa thiếu lương thực, có trẻ nhỏ.",
        "Chuyển Ủy ban MTTQ {commune} hỗ trợ túi an sinh trong ngày.",
    ),
    (
        EntryCategory.REPORT,
        EntrySource.REPORT,
        "Ban Chỉ đạo {district}",
        "Báo cáo tình hình dịch 24 giờ: {n} ca mắc mới, {m} ca khỏi bệnh, không có ca tử vong.",
        "Tổng hợp vào báo cáo ngày của tỉnh.",
    ),
]
WEIGHTS = [5, 3, 4, 2, 4, 2, 4, 3, 3, 2, 3, 2]

AGENDA = "\n".join(
    [
        "Tình hình dịch bệnh 24 giờ qua và tuần qua trên địa bàn tỉnh",
        "Điều trị F0 tại nhà và tại các tầng; giường bệnh, oxy, xe cấp cứu",
        "Tiến độ tiêm vắc xin và xét nghiệm diện rộng tại các khu phong tỏa",
        "Kiểm soát ra vào tỉnh; doanh nghiệp thực hiện phương án sản xuất an toàn",
        "An sinh xã hội cho người dân trong khu phong tỏa",
    ]
)
# (lead body's name, coordinating bodies' names, decision, expected output, days to the deadline)
DECISIONS = [
    [
        (
            "Sở Y tế",
            ["Trung tâm Kiểm soát bệnh tật tỉnh"],
            "Sở Y tế bổ sung 500 bình oxy 40 lít cho các trạm y tế lưu động của Thuận An và Dĩ An.",
            "500 bình oxy đã giao, có biên bản",
            3,
        ),
        (
            "Công an tỉnh",
            ["Bộ Chỉ huy Quân sự tỉnh"],
            "Công an tỉnh tăng cường kiểm soát các chốt ra vào tỉnh, xử lý nghiêm trường hợp vượt chốt.",
            "Báo cáo kết quả kiểm soát hằng ngày",
            7,
        ),
        (
            "",
            [],
            "Các huyện, thị xã, thành phố rà soát người dân có bệnh nền chưa tiêm vắc xin, báo cáo trước thứ Sáu.",
            "",
            0,
        ),
    ],
    [
        (
            "Bộ Chỉ huy Quân sự tỉnh",
            ["Sở Y tế"],
            "Bộ Chỉ huy Quân sự tỉnh hỗ trợ 10 xe chuyển bệnh nhân F0 lên tầng 2 khi xe 115 quá tải.",
            "10 xe trực 24/7 tại các điểm tập kết",
            2,
        ),
        (
            "Ủy ban Mặt trận Tổ quốc Việt Nam tỉnh",
            ["Sở Lao động – Thương binh và Xã hội"],
            "Ủy ban MTTQ tỉnh phối hợp các địa phương cấp 20.000 túi an sinh cho hộ khó khăn trong khu phong tỏa.",
            "20.000 túi an sinh đã trao",
            5,
        ),
        (
            "",
            [],
            "Trung tâm chỉ huy tỉnh tổng hợp số ca chờ chuyển viện mỗi 4 giờ trong ca trực.",
            "",
            0,
        ),
    ],
    [
        (
            "Trung tâm Kiểm soát bệnh tật tỉnh",
            ["Sở Y tế"],
            "CDC tỉnh hoàn thành xét nghiệm tầm soát toàn bộ người dân các khu phong tỏa trong 03 ngày.",
            "Kết quả xét nghiệm toàn bộ khu phong tỏa",
            3,
        ),
        (
            "Sở Lao động – Thương binh và Xã hội",
            [],
            "Sở LĐ-TB&XH rà soát, chi trả hỗ trợ lao động tự do theo Nghị quyết 68/NQ-CP trước cuối tháng.",
            "Danh sách và kết quả chi trả",
            10,
        ),
        (
            "Ban Quản lý các khu công nghiệp",
            ["Sở Y tế"],
            "Ban Quản lý các KCN giám sát doanh nghiệp thực hiện phương án sản xuất an toàn, xét nghiệm định kỳ.",
            "Báo cáo doanh nghiệp vi phạm và biện pháp xử lý",
            7,
        ),
    ],
]
BODIES_PRESENT = [
    "Sở Y tế",
    "Công an tỉnh",
    "Bộ Chỉ huy Quân sự tỉnh",
    "Ủy ban Mặt trận Tổ quốc Việt Nam tỉnh",
    "Trung tâm Kiểm soát bệnh tật tỉnh",
    "Sở Lao động – Thương binh và Xã hội",
    "Ban Quản lý các khu công nghiệp",
]


@dataclass
class DutyResult:
    shifts: int = 0
    entries: int = 0
    handovers: int = 0
    briefings: int = 0
    decisions: int = 0
    tasks: int = 0


def _at(day: date, hour: int) -> datetime:
    return timezone.make_aware(datetime.combine(day, time(hour)))


def duty_staff(actor, province: AdminUnit) -> list[User]:
    """The province command centre's duty officers, created once (no password: they log in nowhere)."""
    staff = []
    for username, full_name in DUTY_STAFF:
        user, created = User.objects.get_or_create(
            username=username, defaults={"full_name": full_name, "password": make_password(None)}
        )
        if created or not user.role_assignments.filter(role=Role.PROVINCE_COMMANDER, unit=province).exists():
            role_assign(actor=actor, user=user, role=Role.PROVINCE_COMMANDER, unit=province)
        staff.append(user)
    return staff


class DutyBuilder:
    def __init__(self, actor, days: int, rng: random.Random):
        self.actor = actor
        self.days = days
        self.rng = rng
        self.result = DutyResult()
        self.province = AdminUnit.objects.get(structure=Structure.LEGACY, parent=None)
        self.communes = list(
            AdminUnit.objects.filter(path__startswith=self.province.path, level=UnitLevel.COMMUNE)
            .select_related("parent")
            .order_by("path")
        )
        self.now = clock.now()
        self.today = clock.today()

    def build(self) -> DutyResult:
        staff = duty_staff(self.actor, self.province)
        commanders = [user for user in duty_officers(self.province) if user not in staff]
        leads = commanders[:2] + staff[:3]
        shifts = self._shifts(leads, staff)
        cases = list(
            Case.objects.filter(confirmed_at__gte=self.now - timedelta(days=self.days + 1), confirmed_at__lte=self.now)
            .select_related("unit__parent__parent")
            .order_by("confirmed_at")
        )
        for shift in shifts:
            self._log(shift, cases)
        self._hand_over(shifts)
        self._briefings([*commanders, *staff])
        return self.result

    def _shifts(self, leads: list[User], staff: list[User]) -> list[DutyShift]:
        first = self.today - timedelta(days=self.days - 1)
        starts = [_at(first + timedelta(days=d), hour) for d in range(self.days + 1) for hour in SHIFT_STARTS]
        started = [start for start in starts if start <= self.now]
        upcoming = [start for start in starts if start > self.now][:1]
        shifts = []
        for number, start in enumerate(started + upcoming):
            lead = leads[number % len(leads)]
            others = [user for user in staff if user != lead]
            officers = [others[(number * 2 + k) % len(others)] for k in range(2)]
            shifts.append(
                shift_open(
                    actor=self.actor,
                    unit=self.province,
                    starts_at=start,
                    ends_at=start + timedelta(hours=SHIFT_HOURS),
                    lead=lead,
                    officers=officers,
                )
            )
        self.result.shifts = len(shifts)
        return shifts

    def _words(self) -> dict:
        commune = self.rng.choice(self.communes)
        n = self.rng.randint(1, 12)
        return {
            "commune": commune.name,
            "district": commune.parent.name if commune.parent else self.province.name,
            "group": f"Khu phố {self.rng.randint(1, 9)}",
            "n": n,
            "m": self.rng.randint(0, n + 5),
            "age": self.rng.randint(45, 88),
            "checkpoint": self.rng.choice(CHECKPOINTS),
        }

    def _log(self, shift: DutyShift, cases: list[Case]) -> None:
        """The calls and reports of a shift: a commune's call about each of (at most two of) the cases confirmed
        during it, linked to the case, and random others."""
        end = min(shift.ends_at, self.now)
        if end <= shift.starts_at:
            return
        seconds = int((end - shift.starts_at).total_seconds())
        count = max(1, round(self.rng.randint(3, 8) * seconds / (SHIFT_HOURS * 3600)))
        calls: list[tuple[datetime, Case | None]] = [
            (shift.starts_at + timedelta(seconds=self.rng.randrange(seconds)), None) for _ in range(count)
        ]
        for case in [case for case in cases if shift.starts_at <= case.confirmed_at < end][:LINKED_CASES]:
            calls.append((min(case.confirmed_at + timedelta(minutes=self.rng.randint(5, 45)), end), case))
        people = [shift.lead, *shift.officers.all()]
        for moment, case in sorted(calls, key=lambda call: call[0]):
            if case is None:
                category, source, caller, content, actions = self.rng.choices(ENTRIES, weights=WEIGHTS)[0]
            else:
                category, source, caller, content, actions = ENTRIES[0]
            words = self._words()
            if case is not None:
                words |= self._place_of(case) | {"n": 1}
            entry_log(
                actor=self.rng.choice(people),
                shift=shift,
                at=moment.replace(microsecond=0),
                source=source,
                caller=caller.format(**words),
                category=category,
                content=content.format(**words),
                actions=actions.format(**words),
                case=case,
            )
            self.result.entries += 1

    def _place_of(self, case: Case) -> dict:
        """The group, commune and district a case lives in, as an entry names them."""
        place, group = case.unit, f"Khu phố {self.rng.randint(1, 9)}"
        if place.level == UnitLevel.GROUP and place.parent is not None:
            group, place = place.name, place.parent
        district = place.parent if place.level == UnitLevel.COMMUNE and place.parent else place
        return {"group": group, "commune": place.name, "district": district.name}

    def _note(self, shift: DutyShift) -> str:
        entries = list(shift.entries.order_by("at"))
        pending = [entry for entry in entries if entry.category in (EntryCategory.TRANSFER, EntryCategory.SUPPLIES)]
        lines = [f"Trong ca tiếp nhận {len(entries)} cuộc gọi, báo cáo; đã xử lý theo quy trình."]
        for entry in pending[-2:]:
            lines.append(f"Theo dõi tiếp: {entry.caller} – {entry.content}")
        if not pending:
            lines.append("Không có việc tồn đọng; tiếp tục theo dõi đường dây nóng và các chốt kiểm soát.")
        lines.append("Trang thiết bị, điện thoại trực hoạt động bình thường.")
        return "\n".join(lines)

    def _hand_over(self, shifts: list[DutyShift]) -> None:
        for shift, following in zip(shifts, shifts[1:], strict=False):
            if shift.ends_at > self.now:
                break
            shift_hand_over(actor=shift.lead, shift=shift, note=self._note(shift), to_shift=following)
            shift_receive(actor=following.lead, shift=shift)
            handed = shift.ends_at - timedelta(minutes=self.rng.randint(5, 20))
            DutyShift.objects.filter(pk=shift.pk).update(handed_over_at=handed)
            self.result.handovers += 1

    def _briefings(self, people: list[User]) -> None:
        bodies = {body.name: body for body in Body.objects.filter(unit=self.province)}
        span = max(self.days - 1, 1)
        days_back = sorted({span, max(span // 2, 1), 1}, reverse=True)
        day_before = clock.demo_day()
        try:
            for number, back in enumerate(days_back[:3]):
                held_on = self.today - timedelta(days=back)
                clock.use(held_on + timedelta(days=1))  # the minutes and tasks are written the day after
                self._briefing(number, held_on, people, bodies, close=number < 2)
        finally:
            clock.use(day_before)

    def _briefing(self, number: int, held_on: date, people: list[User], bodies: dict, *, close: bool) -> None:
        held_at = _at(held_on, BRIEFING_HOUR)
        briefing = briefing_plan(
            actor=self.actor,
            unit=self.province,
            held_at=held_at,
            title="Giao ban Ban Chỉ đạo tỉnh",
            chair="Phó Chủ tịch UBND tỉnh, Phó Trưởng Ban Chỉ đạo",
            agenda=AGENDA,
        )
        week = Case.objects.filter(confirmed_at__gte=held_at - timedelta(days=7), confirmed_at__lt=held_at).count()
        day = Case.objects.filter(confirmed_at__gte=held_at - timedelta(days=1), confirmed_at__lt=held_at).count()
        minutes = "\n".join(
            [
                f"1. Trong 24 giờ qua toàn tỉnh ghi nhận {day} ca mắc mới; 7 ngày qua {week} ca.",
                "2. Sở Y tế báo cáo công suất giường tầng 2 đạt khoảng 80 %; nhu cầu oxy tăng tại Thuận An, Dĩ An.",
                "3. Tiêm vắc xin mũi 1 cho người từ 18 tuổi trở lên tiếp tục theo kế hoạch; xét nghiệm diện rộng "
                "tại các khu phong tỏa đang triển khai.",
                "4. Các chốt kiểm soát ra vào tỉnh hoạt động 24/7; phát hiện một số trường hợp vượt chốt.",
                "5. Đồng chí chủ trì kết luận, giao nhiệm vụ như các quyết định dưới đây.",
            ]
        )
        present = [bodies[name] for name in BODIES_PRESENT if name in bodies]
        briefing_record(
            actor=self.actor,
            briefing=briefing,
            attendees=people[: 4 + number],
            bodies=present[: 4 + number],
            minutes=minutes,
            absent_note="Sở Giao thông vận tải (có báo cáo bằng văn bản)" if number == 1 else "",
        )
        self.result.briefings += 1
        for lead_name, coordinating, text, output, days in DECISIONS[number % len(DECISIONS)]:
            decision = decision_add(actor=self.actor, briefing=briefing, text=text)
            self.result.decisions += 1
            if lead_name and lead_name in bodies:
                decision_to_task(
                    actor=self.actor,
                    decision=decision,
                    lead=bodies[lead_name],
                    deadline=held_on + timedelta(days=days),
                    coordinating=[bodies[name] for name in coordinating if name in bodies],
                    expected_output=output,
                )
                self.result.tasks += 1
        if close:
            briefing_close(actor=self.actor, briefing=briefing)
            Briefing.objects.filter(pk=briefing.pk).update(closed_at=held_at + timedelta(hours=3))


def build_duty(actor, days: int = 7, rng: random.Random | None = None) -> DutyResult:
    """A week (`days` days) of the province command centre's duty log and three of its briefings."""
    return DutyBuilder(actor, days, rng or random.Random(7)).build()
