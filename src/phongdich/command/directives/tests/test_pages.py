"""The directives' pages as each persona meets them: lists (with their query counts), a directive with its points,
entering a directive from its text, assigning a task from a point, reporting progress with attachments and
downloading them, closing, inspecting, the bodies and their members."""

import re
from datetime import timedelta

import pytest

from phongdich.core import clock
from phongdich.core.models import AuditEvent
from phongdich.core.testing import unit

from ...models import Directive, Task, TaskAttachment
from ..services import body_members_set, progress_report, task_assign
from .files import pdf, png
from .world import DEADLINE, TEXT, fresh, user


def more_tasks(directives, n: int = 5) -> None:
    for number in range(n):
        task_assign(
            actor=user("province_commander"),
            unit=unit("74"),
            title=f"Nhiệm vụ bổ sung số {number}",
            lead=directives["thuan_an"],
            coordinating=[directives["health"], directives["police"]],
            deadline=DEADLINE,
            directive=directives["directive"],
            point=directives["point"],
        )


# -- lists --------------------------------------------------------------------------------------------------------


def test_the_task_list_costs_the_same_queries_with_more_tasks(directives, client_as, queries_do_not_grow):
    client = client_as("province_commander")
    before, after = queries_do_not_grow(
        12, lambda: client.get("/command/directives/tasks/"), lambda: more_tasks(directives)
    )
    assert before.status_code == after.status_code == 200
    assert len(after.context["page"]) == len(before.context["page"]) + 5


def test_the_directive_list_costs_the_same_queries_with_more_directives(directives, client_as, queries_do_not_grow):
    from ..services import directive_record

    def add():
        for n in range(4):
            directive_record(
                actor=user("province_commander"),
                unit=unit("74"),
                number=f"{20 + n}-CT/TU",
                issued_on=DEADLINE,
                issuing_body="Ban Thường vụ Tỉnh ủy",
                title="Chỉ thị",
                text="",
                recipients="",
                points=[("1", "Một")],
            )

    client = client_as("analyst")
    before, after = queries_do_not_grow(10, lambda: client.get("/command/directives/"), add)
    assert len(after.context["page"]) == len(before.context["page"]) + 4


def test_the_directive_list_counts_the_tasks_the_user_sees(directives, client_as):
    clock.use(DEADLINE + timedelta(days=1))
    row = client_as("province_commander").get("/command/directives/").context["page"][0]
    assert (row.n_points, row.n_tasks, row.n_open, row.n_overdue, row.n_done) == (5, 2, 2, 2, 0)
    row = client_as("district_officer").get("/command/directives/").context["page"][0]
    assert (row.n_tasks, row.n_overdue) == (1, 1)


def test_the_directive_page_shows_its_points_with_the_tasks_the_user_sees(
    directives, client_as, django_assert_max_num_queries
):
    more_tasks(directives, 3)
    client = client_as("district_officer")
    client.get(f"/command/directives/{directives['directive'].pk}/")
    with django_assert_max_num_queries(14):
        response = client.get(f"/command/directives/{directives['directive'].pk}/")
    point = next(p for p in response.context["points"] if p.number == "3.a")
    assert len(point.visible_tasks) == 4  # Sở Y tế's own task is not the district's to see
    assert response.context["can_assign"]  # in the district, under the province's directive
    assert not client_as("analyst").get(f"/command/directives/{directives['directive'].pk}/").context["can_assign"]


def test_the_task_list_filters_by_body_status_directive_and_overdue(directives, client_as):
    client = client_as("province_commander")
    progress_report(
        actor=user("district_officer"),
        task=directives["ward_task"],
        body=directives["thuan_an"],
        percent=30,
        note="Đang triển khai",
        status="in_progress",
    )

    def titles(query: str) -> set[str]:
        return {task.title for task in client.get(f"/command/directives/tasks/?{query}").context["page"]}

    ward, health = directives["ward_task"].title, directives["health_task"].title
    assert titles(f"body={directives['thuan_an'].pk}") == {ward}
    assert titles(f"body={directives['health'].pk}") == {ward, health}  # led, or coordinated
    assert titles("status=in_progress") == {ward}
    assert titles(f"directive={directives['directive'].pk}&stage=open") == {ward, health}
    clock.use(DEADLINE)
    assert titles("overdue=true") == set()
    assert titles("stage=due_soon") == {ward, health}
    clock.use(DEADLINE + timedelta(days=1))
    assert titles("overdue=true") == {ward, health}


def test_the_overdue_page_lists_only_overdue_tasks(directives, client_as):
    clock.use(DEADLINE + timedelta(days=1))
    client = client_as("district_officer")
    page = client.get("/command/directives/tasks/overdue/").context["page"]
    assert [task.pk for task in page] == [directives["ward_task"].pk]
    clock.use(DEADLINE)
    assert list(client.get("/command/directives/tasks/overdue/").context["page"]) == []


def test_a_member_without_the_role_to_see_tasks_sees_their_body_s_tasks(directives, client_as):
    body_members_set(actor=user("province_commander"), body=directives["health"], members=[user("commander_commune")])
    response = client_as("commander_commune").get(f"/command/directives/tasks/{directives['health_task'].pk}/")
    assert response.status_code == 200


# -- entering a directive -------------------------------------------------------------------------------------------


def directive_form(**changes) -> dict:
    return {
        "unit": unit("74").pk,
        "number": "19-CT/TU",
        "issued_on": "2021-09-20",
        "issuing_body": "Ban Thường vụ Tỉnh ủy Bình Dương",
        "title": "Chỉ thị về tiêm vắc xin",
        "text": TEXT,
        "points": "",
        "recipients": "",
    } | changes


def test_reading_the_text_proposes_its_points_and_recipients_without_saving(directives, client_as):
    response = client_as("province_commander").post("/command/directives/new/", directive_form(read="1"))
    assert response.status_code == 200
    form = response.context["form"]
    assert not form.is_bound and form.initial["points"].startswith("[1] Tiếp tục quán triệt")
    assert "[3.a] Cấp xã" in form.initial["points"]
    assert form.initial["recipients"].splitlines()[0] == "Ban Chỉ đạo phòng, chống dịch Covid-19 tỉnh,"
    assert not Directive.objects.filter(number="19-CT/TU").exists()


def test_the_edited_points_are_saved_with_the_source_file(directives, client_as):
    data = directive_form(points="[1] Tiêm vắc xin toàn dân.\n\n[2] Ưu tiên người cao tuổi;\nvà người có bệnh nền.")
    response = client_as("province_commander").post(
        "/command/directives/new/", {**data, "source_file": pdf("ct19.pdf")}
    )
    directive = Directive.objects.get(number="19-CT/TU")
    assert response.status_code == 302 and response["Location"] == f"/command/directives/{directive.pk}/"
    assert list(directive.points.values_list("number", "text")) == [
        ("1", "Tiêm vắc xin toàn dân."),
        ("2", "Ưu tiên người cao tuổi;\nvà người có bệnh nền."),
    ]
    assert directive.recipients.startswith("Ban Chỉ đạo")  # read from the text, left empty in the form
    download = client_as("district_officer").get(f"/command/directives/{directive.pk}/source/")
    assert download.status_code == 404  # not the district's directive: no task of it is the committee's
    download = client_as("analyst").get(f"/command/directives/{directive.pk}/source/")
    assert download.status_code == 200 and b"".join(download.streaming_content).startswith(b"%PDF-")


def test_points_left_empty_are_read_from_the_text_when_saving(directives, client_as):
    client_as("province_commander").post("/command/directives/new/", directive_form())
    directive = Directive.objects.get(number="19-CT/TU")
    assert list(directive.points.values_list("number", flat=True)) == ["1", "2", "3", "3.a", "3.b"]


def test_a_refused_directive_shows_the_service_s_errors_on_the_form(directives, client_as):
    response = client_as("province_commander").post(
        "/command/directives/new/", directive_form(number="17-CT/TU", points="[1] Một\n[1] Hai")
    )
    assert response.status_code == 200
    assert set(response.context["form"].errors) == {"number", "points"}


def test_a_district_officer_enters_directives_for_their_district_only(directives, client_as):
    response = client_as("district_officer").post("/command/directives/new/", directive_form())
    assert response.status_code == 200 and "unit" in response.context["form"].errors
    response = client_as("district_officer").post("/command/directives/new/", directive_form(unit=unit("725").pk))
    assert response.status_code == 302


# -- tasks --------------------------------------------------------------------------------------------------------


def test_a_task_is_assigned_from_a_point(directives, client_as):
    client = client_as("province_commander")
    url = f"/command/directives/tasks/new/?point={directives['point'].pk}"
    form = client.get(url).context["form"]
    assert form.initial["title"].startswith("Cấp xã")
    response = client.post(
        url,
        {
            "unit": unit("74").pk,
            "title": "Bến Cát bảo đảm 100% xã có trạm y tế lưu động",
            "lead": directives["thu_dau_mot"].pk,
            "coordinating": [directives["health"].pk],
            "deadline": "2021-09-30",
        },
    )
    task = Task.objects.get(title="Bến Cát bảo đảm 100% xã có trạm y tế lưu động")
    assert response.status_code == 302 and task.point == directives["point"]


def test_a_deadline_before_the_directive_is_shown_on_the_form(directives, client_as):
    response = client_as("province_commander").post(
        f"/command/directives/tasks/new/?point={directives['point'].pk}",
        {"unit": unit("74").pk, "title": "Sớm", "lead": directives["health"].pk, "deadline": "2021-09-01"},
    )
    assert response.status_code == 200 and list(response.context["form"].errors) == ["deadline"]


def test_a_point_the_user_does_not_see_answers_404(directives, client_as):
    response = client_as("district_officer").get("/command/directives/tasks/new/?point=999999")
    assert response.status_code == 404


def test_a_member_reports_progress_with_files_and_others_who_see_the_task_download_them(directives, client_as):
    client = client_as("district_officer")
    url = f"/command/directives/tasks/{directives['ward_task'].pk}/progress/"
    form = client.get(url).context["form"]
    assert [body.pk for body in form.fields["body"].queryset] == [directives["thuan_an"].pk]
    response = client.post(
        url,
        {
            "body": directives["thuan_an"].pk,
            "status": "in_progress",
            "percent": "80",
            "note": "8/10 phường đã có trạm.",
            "files": [pdf("danh-sach.pdf"), png("anh-tram.png")],
        },
    )
    assert response.status_code == 302
    assert fresh(directives["ward_task"]).percent == 80
    attachment = TaskAttachment.objects.get(name="danh-sach.pdf")
    page = client_as("analyst").get(f"/command/directives/tasks/{directives['ward_task'].pk}/").content.decode()
    assert f"/command/directives/attachments/{attachment.pk}/" in page
    download = client_as("analyst").get(f"/command/directives/attachments/{attachment.pk}/")
    assert download.status_code == 200 and download["Content-Type"] == "application/pdf"
    assert "attachment" in download["Content-Disposition"]
    assert AuditEvent.objects.filter(object_type="command.taskattachment", action="read").count() == 1
    assert client_as("commune_officer").get(f"/command/directives/attachments/{attachment.pk}/").status_code == 404
    assert client_as("outsider").get(f"/command/directives/attachments/{attachment.pk}/").status_code == 403


def test_a_refused_file_is_named_on_the_form_and_nothing_is_saved(directives, client_as):
    response = client_as("district_officer").post(
        f"/command/directives/tasks/{directives['ward_task'].pk}/progress/",
        {
            "body": directives["thuan_an"].pk,
            "status": "in_progress",
            "percent": "50",
            "note": "Ảnh",
            "files": [png("bao-cao.pdf")],
        },
    )
    assert response.status_code == 200 and list(response.context["form"].errors) == ["files"]
    assert fresh(directives["ward_task"]).percent == 0


def test_the_task_page_offers_what_the_user_may_do(directives, client_as):
    url = f"/command/directives/tasks/{directives['ward_task'].pk}/"
    officer = client_as("district_officer").get(url).context
    assert officer["can_report"] and not officer["can_inspect"] and officer["close_form"] is None
    commander = client_as("province_commander").get(url).context
    assert commander["can_report"] and commander["can_inspect"] and commander["close_form"] is not None
    analyst = client_as("analyst").get(url).context
    assert not analyst["can_report"] and not analyst["can_inspect"]


def test_the_province_closes_a_task_from_its_page(directives, client_as):
    client = client_as("province_commander")
    response = client.post(
        f"/command/directives/tasks/{directives['ward_task'].pk}/close/", {"status": "cancelled", "note": ""}
    )
    assert response.status_code == 302 and fresh(directives["ward_task"]).status == "open"  # a reason is needed
    client.post(f"/command/directives/tasks/{directives['ward_task'].pk}/close/", {"status": "done"})
    assert fresh(directives["ward_task"]).status == "done"
    page = client.get(f"/command/directives/tasks/{directives['ward_task'].pk}/progress/")
    assert page.status_code == 302  # a closed task takes no more reports


def test_the_province_records_an_inspection_from_the_task_page(directives, client_as):
    response = client_as("province_commander").post(
        f"/command/directives/tasks/{directives['ward_task'].pk}/inspection/",
        {
            "inspected_on": clock.today().isoformat(),
            "inspectors": "Đoàn kiểm tra tỉnh",
            "rating": "good",
            "findings": "Đủ trạm",
        },
    )
    assert response.status_code == 302 and directives["ward_task"].inspections.count() == 1


# -- bodies -------------------------------------------------------------------------------------------------------


def test_the_body_list_counts_members_and_open_tasks_in_few_queries(directives, client_as, queries_do_not_grow):
    client = client_as("province_commander")
    before, after = queries_do_not_grow(
        10, lambda: client.get("/command/directives/bodies/"), lambda: more_tasks(directives)
    )
    row = next(body for body in after.context["page"] if body.pk == directives["thuan_an"].pk)
    assert (row.n_members, row.n_open) == (1, 6)


def test_a_body_is_added_and_its_members_chosen_among_its_unit_s_users(directives, client_as):
    client = client_as("district_officer")
    response = client.post(
        "/command/directives/bodies/new/",
        {"unit": unit("725").pk, "name": "Công an thành phố Thuận An", "kind": "police"},
    )
    body = directives["thuan_an"].__class__.objects.get(name="Công an thành phố Thuận An")
    assert response.status_code == 302
    form = client.get(f"/command/directives/bodies/{body.pk}/members/").context["form"]
    choices = set(form.fields["members"].queryset.values_list("username", flat=True))
    assert {"district_officer", "commune_officer", "community_team"} <= choices
    assert not choices & {"other_commune", "outsider", "province_commander"}
    client.post(f"/command/directives/bodies/{body.pk}/members/", {"members": [user("commune_officer").pk]})
    assert list(body.members.values_list("username", flat=True)) == ["commune_officer"]


def test_a_body_page_lists_its_members_and_open_tasks(directives, client_as):
    context = client_as("district_officer").get(f"/command/directives/bodies/{directives['thuan_an'].pk}/").context
    assert [member.username for member in context["members"]] == ["district_officer"]
    assert [task.pk for task in context["tasks"]] == [directives["ward_task"].pk]
    assert context["can_change"]


@pytest.mark.parametrize(
    "path",
    [
        "/command/directives/",
        "/command/directives/tasks/",
        "/command/directives/tasks/overdue/",
        "/command/directives/bodies/",
    ],
)
def test_the_lists_turn_into_labelled_cards_on_a_narrow_screen(directives, client_as, path):
    html = client_as("province_commander").get(path).content.decode()
    rows = re.findall(r"<tr data-card-row>(.*?)</tr>", html, re.S)
    assert rows and all('data-card="title"' in row and "data-label=" in row for row in rows)
