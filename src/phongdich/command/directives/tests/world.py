"""The directives of the tests, in the shared world (core/testing.py): the province of Bình Dương (74) with two of its
departments, and the people's committees of Thuận An (725), whose district officer is a member, and of Thủ Dầu Một
(718). A province directive of September 2021 assigns a task to Thuận An's committee (Sở Y tế coordinating) and one
to Sở Y tế alone. Dates are those of 2021, long past; tests that need "today" pin the clock in September 2021."""

from datetime import date

from phongdich.accounts.models import User
from phongdich.core.testing import unit

from ...models import Body, Directive, Task
from ..services import body_add, body_members_set, directive_points_parse, directive_record, task_assign

ISSUED = date(2021, 9, 14)
DEADLINE = date(2021, 9, 30)
TEXT = """CHỈ THỊ
về phòng, chống dịch Covid-19 sau ngày 15/9/2021

Ban Thường vụ Tỉnh ủy yêu cầu tập trung thực hiện một số nhiệm vụ trọng tâm sau:

1. Tiếp tục quán triệt tinh thần “chống dịch như chống giặc”.

2. Khoá chặt “vùng đỏ”, đến ngày 20/9/2021 cơ bản xanh hóa toàn tỉnh.

3. Quán triệt, chỉ đạo tổ chức có hiệu quả hệ thống phòng, chống dịch:

a) Cấp xã: chậm nhất đến ngày 30/9/2021 đảm bảo 100% xã, phường, thị trấn có ít nhất 01 Trạm Y tế lưu động;

b) Trong các khu công nghiệp: có Quy chế phối hợp trong công tác phòng, chống dịch.

Chỉ thị này được phổ biến đến các chi bộ.

Nơi nhận:
- Ban Chỉ đạo phòng, chống dịch Covid-19 tỉnh,
- Các huyện, thị, thành ủy,
- Lưu VPTU.

T/M BAN THƯỜNG VỤ
"""


def user(name: str) -> User:
    return User.objects.get(username=name)


def build() -> dict:
    commander = user("province_commander")
    health = body_add(actor=commander, unit=unit("74"), name="Sở Y tế", short_name="SYT", kind="department")
    police = body_add(actor=commander, unit=unit("74"), name="Công an tỉnh", kind="police")
    thuan_an = body_add(
        actor=commander, unit=unit("725"), name="Ủy ban nhân dân thành phố Thuận An", kind="peoples_committee"
    )
    thu_dau_mot = body_add(
        actor=commander, unit=unit("718"), name="Ủy ban nhân dân thành phố Thủ Dầu Một", kind="peoples_committee"
    )
    body_members_set(actor=commander, body=thuan_an, members=[user("district_officer")])
    directive = directive_record(
        actor=commander,
        unit=unit("74"),
        number="17-CT/TU",
        issued_on=ISSUED,
        issuing_body="Ban Thường vụ Tỉnh ủy Bình Dương",
        title="Chỉ thị về phòng, chống dịch Covid-19 sau ngày 15/9/2021",
        text=TEXT,
        recipients="Ban Chỉ đạo phòng, chống dịch Covid-19 tỉnh",
        points=directive_points_parse(TEXT),
    )
    stations = directive.points.get(number="3.a")
    ward_task = task_assign(
        actor=commander,
        unit=unit("74"),
        title="Mỗi phường của Thuận An có ít nhất 01 trạm y tế lưu động",
        lead=thuan_an,
        coordinating=[health],
        deadline=DEADLINE,
        expected_output="10/10 phường có trạm y tế lưu động",
        directive=directive,
        point=stations,
    )
    health_task = task_assign(
        actor=commander,
        unit=unit("74"),
        title="100% xã, phường, thị trấn có ít nhất 01 trạm y tế lưu động",
        lead=health,
        deadline=DEADLINE,
        directive=directive,
        point=stations,
    )
    return {
        "health": health,
        "police": police,
        "thuan_an": thuan_an,
        "thu_dau_mot": thu_dau_mot,
        "directive": directive,
        "point": stations,
        "ward_task": ward_task,
        "health_task": health_task,
    }


def fresh(obj):
    return type(obj).objects.get(pk=obj.pk)


__all__ = ["Body", "Directive", "Task", "build", "fresh", "user"]
