"""The demo's situation reports: a week of daily reports of every commune of one district, of that district and of
the province, each generated from the figures at the template's cut-off hour, its narratives written from its own
figures, then signed and sent upward in turn (the communes first, so the district's report quotes them, and the
province's quotes the district); today's province report is left a draft, for the duty officer to finish. The
district is the one with the most community cases over the week. Reads the daily figures: build them first."""

from dataclasses import dataclass
from datetime import date, timedelta

from django.db.models import Sum

from phongdich.command.models import DailyFigures, SituationReport
from phongdich.command.reports.services import report_generate, report_send, report_sign, report_write
from phongdich.core import clock
from phongdich.places.choices import Structure, UnitLevel
from phongdich.places.models import AdminUnit

SIGNERS: dict[str, str] = {
    UnitLevel.COMMUNE: "KT. CHỦ TỊCH – PHÓ CHỦ TỊCH UBND, PHÓ TRƯỞNG BAN CHỈ ĐẠO",
    UnitLevel.DISTRICT: "KT. TRƯỞNG BAN – PHÓ TRƯỞNG BAN THƯỜNG TRỰC",
    UnitLevel.PROVINCE: "TRƯỞNG BAN",
}
DIFFICULTIES = [
    "Nhân lực y tế tại các trạm y tế lưu động còn mỏng; lực lượng tình nguyện viên chưa được tập huấn đủ.",
    "Sinh phẩm xét nghiệm nhanh kháng nguyên chỉ còn đủ dùng trong 3 ngày.",
    "Số F0 điều trị tại nhà tăng nhanh, tổ COVID cộng đồng chưa theo dõi kịp hai lần mỗi ngày.",
    "Một số hộ dân khó khăn trong khu phong tỏa chưa nhận được hỗ trợ lương thực.",
    "Bình ô xy và máy đo SpO₂ cho tầng 1 còn thiếu.",
]
PROPOSALS = [
    "Đề nghị cấp trên bổ sung 5.000 test nhanh kháng nguyên và 200 máy đo SpO₂.",
    "Đề nghị điều động thêm 10 sinh viên y khoa hỗ trợ theo dõi F0 tại nhà.",
    "Đề nghị bổ sung 50 giường tầng 2 có hệ thống ô xy.",
    "Đề nghị Mặt trận Tổ quốc vận động hỗ trợ lương thực cho các hộ khó khăn.",
    "Đề nghị ưu tiên phân bổ vắc xin cho người trên 65 tuổi và người có bệnh nền.",
]


@dataclass
class ReportsResult:
    district: str = ""
    sent: int = 0
    drafts: int = 0


def build_reports(actor, days: int = 7) -> ReportsResult:
    """`days` days of reports up to today (the demo's day), on the clock of each day after it."""
    today = clock.today()
    previous_clock = clock.demo_day()
    province = AdminUnit.objects.get(structure=Structure.LEGACY, parent=None)
    district = _busiest_district(province, today - timedelta(days=days - 1), today)
    communes = list(AdminUnit.objects.filter(parent=district, level=UnitLevel.COMMUNE).order_by("path"))
    result = ReportsResult(district=district.name)
    try:
        for number in range(days):
            day = today - timedelta(days=days - 1 - number)
            clock.use(min(day + timedelta(days=1), today))  # signed the morning after, today's today
            for unit in [*communes, district, province]:
                report = _written(actor, unit, day, number)
                if unit == province and day == today:
                    result.drafts += 1
                    continue
                report = report_sign(actor=actor, report=report, signer_title=SIGNERS[unit.level])
                report_send(actor=actor, report=report)
                result.sent += 1
    finally:
        clock.use(previous_clock)
    return result


def _busiest_district(province: AdminUnit, first: date, last: date) -> AdminUnit:
    districts = AdminUnit.objects.filter(parent=province, level=UnitLevel.DISTRICT)
    busiest = (
        DailyFigures.objects.filter(unit__in=districts, day__gte=first, day__lte=last)
        .values("unit_id")
        .annotate(community=Sum("cases_community"))
        .order_by("-community", "unit_path")
        .first()
    )
    if busiest and busiest["community"]:
        return districts.get(pk=busiest["unit_id"])
    return districts.filter(children__level=UnitLevel.COMMUNE).distinct().order_by("path")[0]


def _n(value) -> str:
    return f"{int(value or 0):,}".replace(",", ".")


def _pct(value) -> str:
    return "—" if value is None else f"{value:.1f}".replace(".", ",") + " %"


def _written(actor, unit: AdminUnit, day: date, number: int) -> SituationReport:
    report = report_generate(actor=actor, unit=unit, day=day)
    v = report.figures["values"]
    if v["cases"]:
        epidemic = (
            f"Trong 24 giờ qua, {unit.name} ghi nhận {_n(v['cases'])} ca mắc mới: {_n(v['cases_community'])} ca trong "
            f"cộng đồng, {_n(v['cases_screening'])} ca qua sàng lọc, {_n(v['cases_isolated'])} ca trong khu cách ly, "
            f"phong tỏa và {_n(v['cases_imported'])} ca từ nơi khác đến; {_n(v['deaths'])} ca tử vong."
        )
    else:
        epidemic = f"Trong 24 giờ qua, {unit.name} không ghi nhận ca mắc mới."
    narratives = {
        "epidemic": epidemic,
        "testing": f"Đã xét nghiệm {_n(v['tests'])} mẫu, {_n(v['positives'])} mẫu dương tính "
        f"(tỷ lệ dương tính {_pct(v['positivity_pct'])}).",
        "treatment": f"Đang điều trị {_n(v['f0_home'])} F0 tại nhà và {_n(v['f0_site'])} F0 tại các cơ sở tập trung; "
        f"{_n(v['recovered'])} người khỏi bệnh trong ngày.",
        "vaccination": f"Tiêm {_n(v['doses'])} mũi vắc xin trong ngày; tỷ lệ người dân được tiêm ít nhất một mũi "
        f"{_pct(v['coverage_one_dose_pct'])}, tiêm đủ liều {_pct(v['coverage_full_pct'])}.",
        "difficulties": DIFFICULTIES[(number + unit.pk) % len(DIFFICULTIES)],
        "proposals": PROPOSALS[(number + unit.pk) % len(PROPOSALS)],
    }
    return report_write(actor=actor, report=report, narratives=narratives)
