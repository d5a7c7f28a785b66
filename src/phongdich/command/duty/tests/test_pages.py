"""The duty log's and briefings' pages: the board with the handover note on top and its quick entry form, the
shifts, opening one, handing over and receiving, the entries with their filters and the day's workbook; briefings,
their minutes and decisions; who may open each, and what the pages cost in queries."""

import io
from datetime import time, timedelta

import pytest
from django.utils import timezone
from openpyxl import load_workbook

from phongdich.core import clock
from phongdich.core.models import AuditEvent
from phongdich.core.testing import unit
from phongdich.people.models import Person

from ...models import Briefing, DutyEntry, DutyShift
from ..services import decision_add, shift_hand_over
from .world import HIEP_THANH, LAI_THIEU, a_body, held, hours_from_now, logged, opened, planned, tam_case, user

pytestmark = pytest.mark.django_db
BOARD = "/command/duty/"


def local(moment) -> str:
    """A datetime-local field's value."""
    return timezone.localtime(moment).strftime("%Y-%m-%dT%H:%M")


def handed_over() -> DutyShift:
    """Last night's shift handed over to the shift now on duty."""
    night = opened(starts=-10, lead="district_officer", officers=())
    current = opened()
    shift_hand_over(
        actor=user("district_officer"),
        shift=night,
        note="Còn 01 ca F0 chờ xe cấp cứu 115 tại Khu phố 1; đã báo Trung tâm Y tế.",
        to_shift=current,
    )
    return current


def test_the_board_puts_the_previous_shifts_note_on_top_then_the_entries_newest_first(client_as, world):
    current = handed_over()
    logged(current, minutes_ago=90, content="Hỏi đáp đường dây nóng về cách ly tại nhà.", category="other")
    logged(current, minutes_ago=10, content="Trạm Y tế xin thêm 10 bình oxy.", category="supplies")
    html = client_as("commune_officer").get(BOARD).content.decode()
    note, oxygen, hotline = (
        html.index("Còn 01 ca F0 chờ xe cấp cứu 115"),
        html.index("Trạm Y tế xin thêm 10 bình oxy."),
        html.index("Hỏi đáp đường dây nóng"),
    )
    assert note < oxygen < hotline
    assert f'action="/command/duty/shifts/{current.pk}/entries/new/"' in html  # the quick entry form
    assert f'action="/command/duty/shifts/{current.pk - 1}/receive/"' in html  # she leads the shift now on duty


def test_the_quick_form_logs_an_entry_and_comes_back_to_the_board(client_as, shift):
    at = clock.now() - timedelta(minutes=5)
    answer = client_as("commune_officer").post(
        f"/command/duty/shifts/{shift.pk}/entries/new/",
        {
            "at": local(at),
            "source": "hotline",
            "caller": "Người dân Khu phố 2",
            "category": "welfare",
            "content": "Gia đình 5 người đang cách ly thiếu lương thực.",
            "actions": "Chuyển Mặt trận phường hỗ trợ gạo.",
            "next": f"{BOARD}?unit={shift.unit_id}",
        },
    )
    assert answer.status_code == 302 and answer["Location"] == f"{BOARD}?unit={shift.unit_id}"
    entry = DutyEntry.objects.get()
    assert (entry.shift, entry.category, entry.source) == (shift, "welfare", "hotline")


def test_the_entry_form_refuses_a_time_outside_the_shift_and_keeps_what_was_typed(client_as, shift):
    answer = client_as("commune_officer").post(
        f"/command/duty/shifts/{shift.pk}/entries/new/",
        {"at": local(shift.starts_at - timedelta(hours=3)), "source": "phone", "category": "case", "content": "Ca F0"},
    )
    assert answer.status_code == 200 and "Ca F0" in answer.content.decode()
    assert not DutyEntry.objects.exists()


def test_the_entry_form_links_a_case_by_its_number_and_refuses_one_outside_the_jurisdiction(client_as, shift):
    client = client_as("commune_officer")
    fields = {"at": local(clock.now()), "source": "report", "category": "case", "content": "F0 mới"}
    answer = client.post(f"/command/duty/shifts/{shift.pk}/entries/new/", fields | {"case": 999_999})
    assert answer.status_code == 200 and not DutyEntry.objects.exists()
    answer = client.post(f"/command/duty/shifts/{shift.pk}/entries/new/", fields | {"case": tam_case().pk})
    assert answer.status_code == 302 and DutyEntry.objects.get().case == tam_case()


def test_without_a_shift_on_duty_the_board_offers_to_open_one(client_as, world):
    html = client_as("commune_officer").get(BOARD).content.decode()
    assert f"/command/duty/shifts/new/?unit={unit(LAI_THIEU).pk}" in html


def test_the_board_of_another_commune_is_not_found_and_an_outsider_is_refused(client_as, shift):
    assert client_as("other_commune").get(f"{BOARD}?unit={unit(LAI_THIEU).pk}").status_code == 404
    assert client_as("other_commune").get(BOARD).status_code == 200  # their own ward's board
    assert client_as("outsider").get(BOARD).status_code == 403
    assert client_as("analyst").get(BOARD).status_code == 403
    assert client_as("commune_officer").get(f"{BOARD}?unit=abc").status_code == 404


def test_a_shift_is_opened_from_its_page(client_as, world):
    start = hours_from_now(1)
    answer = client_as("commune_officer").post(
        "/command/duty/shifts/new/",
        {
            "unit": unit(LAI_THIEU).pk,
            "starts_at": local(start),
            "ends_at": local(start + timedelta(hours=8)),
            "lead": user("commune_officer").pk,
            "officers": [user("district_admin").pk],
        },
    )
    shift = DutyShift.objects.get()
    assert answer.status_code == 302 and answer["Location"] == f"/command/duty/shifts/{shift.pk}/"


def test_an_overlapping_shift_comes_back_with_the_error_and_nothing_is_opened(client_as, shift):
    answer = client_as("commune_officer").post(
        "/command/duty/shifts/new/",
        {
            "unit": unit(LAI_THIEU).pk,
            "starts_at": local(shift.starts_at + timedelta(hours=1)),
            "ends_at": local(shift.ends_at + timedelta(hours=1)),
            "lead": user("district_officer").pk,
        },
    )
    assert answer.status_code == 200 and DutyShift.objects.count() == 1


def test_the_shift_form_offers_only_people_with_a_duty_role_around_the_officers_units(client_as, world):
    html = client_as("other_commune").get("/command/duty/shifts/new/").content.decode()
    assert f'value="{user("other_commune").pk}"' in html and f'value="{user("province_commander").pk}"' in html
    assert f'value="{user("commune_officer").pk}"' not in html and f'value="{user("analyst").pk}"' not in html


def test_the_handover_page_hands_over_and_the_next_lead_receives_from_the_board(client_as, shift):
    following = opened(starts=6, lead="district_admin", officers=())
    client = client_as("commune_officer")
    page = client.get(f"/command/duty/shifts/{shift.pk}/handover/")
    assert page.status_code == 200 and f'value="{following.pk}"' in page.content.decode()
    answer = client.post(
        f"/command/duty/shifts/{shift.pk}/handover/",
        {"note": "Chờ kết quả xét nghiệm 20 mẫu gộp.", "to_shift": following.pk},
    )
    assert answer.status_code == 302
    shift.refresh_from_db()
    assert shift.handover_note == "Chờ kết quả xét nghiệm 20 mẫu gộp."
    assert client_as("commune_officer").post(f"/command/duty/shifts/{shift.pk}/receive/").status_code == 403
    assert client_as("district_admin").post(f"/command/duty/shifts/{shift.pk}/receive/").status_code == 302
    shift.refresh_from_db()
    assert shift.received_by == user("district_admin")


def test_the_shift_list_costs_the_same_queries_with_more_shifts(client_as, shift, queries_do_not_grow):
    client = client_as("district_officer")

    def more():
        for number in range(1, 6):
            opened(starts=6 + 8 * number, lead="district_officer", officers=("commune_officer",))

    before, after = queries_do_not_grow(12, lambda: client.get("/command/duty/shifts/"), more)
    assert before.status_code == after.status_code == 200
    assert after.content.decode().count("/command/duty/shifts/") >= 6


def test_the_entries_filter_by_category_and_day(client_as, shift):
    logged(shift, content="Xin 5 bình oxy", category="supplies")
    logged(shift, content="Chốt kiểm soát Cầu Ông Bố báo xe vượt chốt", category="order")
    client = client_as("district_officer")
    supplies = client.get("/command/duty/entries/?category=supplies").content.decode()
    assert "Xin 5 bình oxy" in supplies and "Cầu Ông Bố" not in supplies
    yesterday = (clock.today() - timedelta(days=2)).isoformat()
    assert "Xin 5 bình oxy" not in client.get(f"/command/duty/entries/?day={yesterday}").content.decode()


def test_the_entries_cost_the_same_queries_however_many_and_the_names_read_are_audited(
    client_as, shift, queries_do_not_grow
):
    logged(shift, case=tam_case())
    client = client_as("district_officer")

    def more():
        for minutes in range(5, 60, 10):
            logged(shift, minutes_ago=minutes, case=tam_case(), content=f"Cập nhật ca F0 lúc {minutes}")

    before, after = queries_do_not_grow(12, lambda: client.get("/command/duty/entries/"), more)
    assert "Đỗ Văn Tâm" in after.content.decode()
    read = AuditEvent.objects.filter(action="read", object_type="command.dutyentry", actor=user("district_officer"))
    assert read.exists() and read.first().detail["persons"] == [tam_case().person_id]


def test_a_case_whose_person_moved_out_of_the_ward_is_named_by_a_masked_reference(client_as, shift):
    logged(shift, case=tam_case())
    Person.objects.filter(pk=tam_case().person_id).update(unit=unit(f"{HIEP_THANH}-01"))
    html = client_as("commune_officer").get(BOARD).content.decode()
    assert "Đỗ Văn Tâm" not in html and f"#{tam_case().person_id}" in html and 'class="masked"' in html
    assert "Đỗ Văn Tâm" in client_as("province_commander").get(f"{BOARD}?unit={unit(LAI_THIEU).pk}").content.decode()


def test_the_days_log_downloads_as_a_workbook_and_the_export_is_audited_with_the_unit(client_as, world):
    clock.use(clock.today(), at=time(10, 0))  # the entries of half an hour ago are today's, whenever the test runs
    shift = opened()
    logged(shift, content='=HYPERLINK("http://x")', category="other")
    logged(shift, case=tam_case(), minutes_ago=20)
    answer = client_as("district_officer").get(f"/command/duty/entries/export.xlsx?unit={unit(LAI_THIEU).pk}")
    assert answer.status_code == 200 and answer["Content-Type"].startswith("application/vnd.openxmlformats")
    rows = list(load_workbook(io.BytesIO(answer.content)).active.iter_rows(values_only=True))
    assert len(rows) == 3 and rows[1][6] == '\'=HYPERLINK("http://x")' and rows[2][8] == "Đỗ Văn Tâm"
    event = AuditEvent.objects.get(action="export", object_type="command.dutyentry")
    assert event.unit_path == unit(LAI_THIEU).path and event.detail["entries"] == 2
    assert event.detail["day"] == clock.today().isoformat()


def test_the_briefing_is_planned_minuted_given_a_decision_and_closed_from_its_pages(client_as, world):
    client = client_as("commune_officer")
    answer = client.post(
        "/command/duty/briefings/new/",
        {
            "unit": unit(LAI_THIEU).pk,
            "held_at": local(hours_from_now(-1)),
            "title": "Giao ban Ban Chỉ đạo phường",
            "chair": "Chủ tịch UBND phường",
            "agenda": "Tình hình dịch\nCung ứng oxy",
        },
    )
    briefing = Briefing.objects.get()
    assert answer.status_code == 302 and answer["Location"] == f"/command/duty/briefings/{briefing.pk}/"
    body = a_body()
    answer = client.post(
        f"/command/duty/briefings/{briefing.pk}/minutes/",
        {
            "attendees": [user("commune_officer").pk, user("district_admin").pk],
            "bodies": [body.pk],
            "minutes": "Ghi nhận 03 ca F0 mới.",
            "absent_note": "",
        },
    )
    assert answer.status_code == 302
    client.post(f"/command/duty/briefings/{briefing.pk}/decisions/", {"text": "Phong tỏa tạm thời Khu phố 1."})
    client.post(f"/command/duty/briefings/{briefing.pk}/close/")
    briefing.refresh_from_db()
    assert briefing.status == "closed" and list(briefing.decisions.values_list("text", flat=True)) == [
        "Phong tỏa tạm thời Khu phố 1."
    ]
    html = client.get(f"/command/duty/briefings/{briefing.pk}/").content.decode()
    assert "Phong tỏa tạm thời Khu phố 1." in html and "Ghi nhận 03 ca F0 mới." in html and "Cung ứng oxy" in html


def test_the_briefings_list_costs_the_same_queries_with_more_briefings(client_as, world, queries_do_not_grow):
    briefing = held()
    decision_add(actor=user("district_officer"), briefing=briefing, text="Tăng cường xét nghiệm.")
    client = client_as("district_officer")

    def more():
        for number in range(5):
            planned(title=f"Giao ban số {number}")

    before, after = queries_do_not_grow(10, lambda: client.get("/command/duty/briefings/"), more)
    assert "Giao ban số 4" in after.content.decode()


def test_another_communes_officer_finds_no_such_briefing_and_an_outsider_is_refused(client_as, world):
    briefing = held()
    assert client_as("other_commune").get(f"/command/duty/briefings/{briefing.pk}/").status_code == 404
    assert client_as("outsider").get("/command/duty/briefings/").status_code == 403
    assert client_as("other_commune").post(f"/command/duty/briefings/{briefing.pk}/close/").status_code == 404


def test_a_decision_is_made_a_task_from_its_page_and_the_briefing_shows_the_tasks_status(client_as, world):
    briefing = held()
    decision = decision_add(actor=user("district_officer"), briefing=briefing, text="Lập chốt kiểm soát Khu phố 1.")
    client = client_as("district_officer")
    page = client.get(f"/command/duty/decisions/{decision.pk}/task/")
    assert page.status_code == 200 and "Lập chốt kiểm soát Khu phố 1." in page.content.decode()
    deadline = clock.today() + timedelta(days=2)
    answer = client.post(
        f"/command/duty/decisions/{decision.pk}/task/",
        {"lead": a_body().pk, "deadline": deadline.isoformat(), "expected_output": "Chốt hoạt động 24/7"},
    )
    assert answer.status_code == 302
    task = decision.tasks.get()
    assert task.lead == a_body() and task.deadline == deadline
    html = client.get(f"/command/duty/briefings/{briefing.pk}/").content.decode()
    assert f"/command/duty/decisions/{decision.pk}/task/" in html and deadline.strftime("%d/%m/%Y") in html
    assert client_as("commune_officer").get(f"/command/duty/decisions/{decision.pk}/task/").status_code == 403
    assert client_as("other_commune").get(f"/command/duty/decisions/{decision.pk}/task/").status_code == 403
