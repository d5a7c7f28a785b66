"""The duty log of the tests, in the shared world (core/testing.py): Lái Thiêu's command centre (25966, in Thuận An)
on duty now, led by its commune officer, and Hiệp Thành's (25741, another district). The case of Đỗ Văn Tâm, an F0
of Lái Thiêu's Khu phố 1, is what the entries link to.

Times are counted from the clock, never written near today."""

from datetime import datetime, timedelta

from phongdich.accounts.models import User
from phongdich.core import clock
from phongdich.core.testing import unit
from phongdich.surveillance.models import Case

from ...models import Body, Briefing, DutyEntry, DutyShift
from ..services import briefing_plan, briefing_record, entry_log, shift_open

LAI_THIEU, HIEP_THANH, THUAN_AN, PROVINCE, KP1 = "25966", "25741", "725", "74", "25966-01"


def hours_from_now(hours: float) -> datetime:
    return (clock.now() + timedelta(hours=hours)).replace(second=0, microsecond=0)


def user(name: str) -> User:
    return User.objects.get(username=name)


def opened(
    by: str | User = "commune_officer",
    *,
    code: str = LAI_THIEU,
    starts: float = -2,
    hours: float = 8,
    lead: str = "commune_officer",
    officers: tuple[str, ...] = ("district_admin",),
) -> DutyShift:
    """A shift of Lái Thiêu's command centre, on duty from two hours ago for eight hours."""
    start = hours_from_now(starts)
    return shift_open(
        actor=user(by) if isinstance(by, str) else by,
        unit=unit(code),
        starts_at=start,
        ends_at=start + timedelta(hours=hours),
        lead=user(lead),
        officers=[user(name) for name in officers],
    )


def tam_case() -> Case:
    return Case.objects.get(person__full_name="Đỗ Văn Tâm")


def logged(shift: DutyShift, by: str = "commune_officer", *, minutes_ago: float = 30, **changes) -> DutyEntry:
    """A call from Khu phố 1 about a new F0, logged half an hour ago."""
    fields = {
        "at": (clock.now() - timedelta(minutes=minutes_ago)).replace(microsecond=0),
        "source": "phone",
        "caller": "Tổ trưởng Khu phố 1 – Nguyễn Văn Hai",
        "category": "case",
        "content": "Báo 01 trường hợp F0 mới tại Khu phố 1, đang cách ly tại nhà.",
        "actions": "Đã báo Trạm Y tế phường cử cán bộ đến lấy mẫu.",
    } | changes
    return entry_log(actor=user(by), shift=shift, **fields)


def a_body(name: str = "UBND phường Lái Thiêu", code: str = LAI_THIEU, kind: str = "peoples_committee") -> Body:
    body, _created = Body.objects.get_or_create(unit=unit(code), name=name, defaults={"kind": kind})
    return body


def planned(by: str = "district_officer", *, code: str = LAI_THIEU, hours: float = -3, **changes) -> Briefing:
    """Lái Thiêu's briefing, held three hours ago."""
    fields = {
        "unit": unit(code),
        "held_at": hours_from_now(hours),
        "title": "Giao ban Ban Chỉ đạo phường Lái Thiêu",
        "chair": "Chủ tịch UBND phường – Trần Văn Nam",
        "agenda": "Tình hình dịch trong 24 giờ\nCông tác cách ly tại nhà\nCung ứng oxy",
    } | changes
    return briefing_plan(actor=user(by), **fields)


def held(briefing: Briefing | None = None, by: str = "district_officer") -> Briefing:
    """A briefing with its attendance and minutes recorded."""
    briefing = briefing or planned()
    return briefing_record(
        actor=user(by),
        briefing=briefing,
        attendees=[user("commune_officer"), user("district_officer")],
        bodies=[a_body()],
        minutes="Phường ghi nhận 02 ca F0 mới; 15 F0 đang điều trị tại nhà; đủ oxy cho 3 ngày.",
        absent_note="Công an phường (đi chốt kiểm soát)",
    )
