"""Releasing a person at the end of their order: what the release needs, read from the results the labs released,
and the release that a negative result recorded through the labs services brings about."""

import re
import secrets
from datetime import timedelta

import pytest
from django.core.exceptions import ValidationError
from django.utils import translation

from phongdich.core.import_flow import bytes_keep
from phongdich.core.models import AuditEvent
from phongdich.core.scoping import OutOfScope
from phongdich.core.testing import runs_queued
from phongdich.labs.choices import Result, SampleKind
from phongdich.labs.importers import UPLOAD_KIND, result_import_run, result_import_start
from phongdich.labs.services import SampleRow

from ..choices import OrderKind, OrderStatus, ReleaseTest
from ..models import IsolationOrder, IsolationRules, Message, ReportLink
from ..release import release_check
from ..services.release import order_release, orders_release_on_negatives
from .factories import HOME_TEN_DAYS, an_order
from .release_world import (
    antigen_test,
    home_treatment_due,
    lab,
    pooled_test,
    quarantine_due,
    resident,
    rt_pcr_sample,
    rt_pcr_test,
    sampled_on,
    today,
)

pytestmark = pytest.mark.django_db
CODE = re.compile(r"^[A-HJ-NP-Z2-9]{4}(-[A-HJ-NP-Z2-9]{4}){4}$")


def refusal(world, order, actor="commune_officer") -> list[str]:
    with translation.override("vi"), pytest.raises(ValidationError) as refused:
        order_release(actor=world.user(actor), order=order)
    return refused.value.messages


def assert_nothing_written(order) -> None:
    order.refresh_from_db()
    assert (order.status, order.ended_on, order.certificate_code, order.release_sample_id) == (
        OrderStatus.ACTIVE, None, "", None,
    )  # fmt: skip
    assert not AuditEvent.objects.filter(object_type="care.isolationorder", object_id=str(order.pk)).exists()
    assert not Message.objects.filter(order=order).exists()


def test_a_release_without_the_negative_antigen_test_is_refused_with_what_is_missing(world):
    order = home_treatment_due(resident(world, "Trần Thị Mai Anh"))
    assert refusal(world, order) == [
        f"Chưa có kết quả xét nghiệm kháng nguyên nhanh âm tính do nhân viên y tế thực hiện từ ngày {today():%d/%m/%Y}."
    ]
    assert_nothing_written(order)


def test_a_negative_self_test_does_not_count_when_a_health_workers_antigen_test_is_needed(world):
    person = resident(world, "Trần Thị Mai Anh")
    order = home_treatment_due(person)
    antigen_test(world, person, today(), kind=SampleKind.ANTIGEN_SELF)
    order.refresh_from_db()
    assert order.status == OrderStatus.ACTIVE  # the self-test's release released nobody
    messages = refusal(world, order)
    assert messages[1] == "Tự xét nghiệm không được tính: xét nghiệm phải do nhân viên y tế thực hiện."
    assert_nothing_written(order)


def test_a_negative_test_taken_before_the_last_test_day_does_not_count(world):
    person = resident(world, "Trần Thị Mai Anh")
    antigen_test(world, person, today() - timedelta(days=1))
    order = home_treatment_due(person)
    with translation.override("vi"):
        missing = release_check(order, today()).missing
    assert missing == [
        f"Chưa có kết quả xét nghiệm kháng nguyên nhanh âm tính do nhân viên y tế thực hiện từ ngày {today():%d/%m/%Y}."
    ]
    assert_nothing_written(order)


def test_a_version_of_the_rules_may_let_the_test_be_taken_the_day_before_the_last_test_day(world):
    plan = {"none": HOME_TEN_DAYS["none"] | {"release_test_days_early": 1}}
    rules = IsolationRules.objects.create(
        effective_from=today() - timedelta(days=300),
        source_document="Quy định thử nghiệm, xét nghiệm trước một ngày",
        document_date=today() - timedelta(days=300),
        durations={OrderKind.F0_HOME: plan},
    )
    person = resident(world, "Trần Thị Mai Anh")
    antigen_test(world, person, today() - timedelta(days=1))
    order = home_treatment_due(person, rules=rules)
    readiness = release_check(order, today())
    assert readiness.ready and readiness.test_from == today() - timedelta(days=1)


def test_an_order_ending_tomorrow_is_not_released_by_a_negative_test_today(world):
    person = resident(world, "Trần Thị Mai Anh")
    order = an_order(person, OrderKind.F0_HOME, starts_on=today() - timedelta(days=8))
    antigen_test(world, person, today())
    order.refresh_from_db()
    assert order.status == OrderStatus.ACTIVE
    assert refusal(world, order) == [
        f"Lệnh kết thúc vào ngày {today() + timedelta(days=1):%d/%m/%Y}.",
        f"Chưa có kết quả xét nghiệm kháng nguyên nhanh âm tính do nhân viên y tế thực hiện từ ngày "
        f"{today() + timedelta(days=1):%d/%m/%Y}.",
    ]


def test_a_health_workers_negative_antigen_test_releases_a_due_order_at_once(world):
    person = resident(world, "Trần Thị Mai Anh")
    order = home_treatment_due(person)
    with runs_queued() as runs:
        sample = antigen_test(world, person, today())
    order.refresh_from_db()
    assert (order.status, order.ended_on, order.end_reason, order.release_sample_id) == (
        OrderStatus.RELEASED, today(), "completed", sample.pk,
    )  # fmt: skip
    assert CODE.match(order.certificate_code)
    event = AuditEvent.objects.get(object_type="care.isolationorder", object_id=str(order.pk))
    assert event.actor_label == "lab-result:health_worker" and event.person_id == person.pk
    assert event.after["status"] == "released" and event.detail["release"] == sample.barcode
    message = Message.objects.get(order=order)
    assert message.template == "release" and message.phone == "+84987654321"
    assert f"/kiem-tra/{order.certificate_code}/" in message.text and "Trần Thị Mai Anh" in message.text
    assert ("phongdich.care.messages.message_deliver", [message.pk]) in runs


def test_an_overdue_order_is_released_by_the_test_of_any_day_from_its_last_test_day(world):
    person = resident(world, "Trần Thị Mai Anh")
    order = home_treatment_due(person, days_late=2)
    antigen_test(world, person, today() - timedelta(days=1))
    order.refresh_from_db()
    assert order.status == OrderStatus.RELEASED and order.ended_on == today()


def test_a_negative_individual_rt_pcr_result_releases_a_quarantined_f1(world):
    person = resident(world, "Lê Văn Hùng")
    order = quarantine_due(person)
    rt_pcr_test(world, person, today(), "LT-RL-0001")
    order.refresh_from_db()
    assert order.status == OrderStatus.RELEASED
    assert AuditEvent.objects.get(object_id=str(order.pk), object_type="care.isolationorder").actor_label == (
        "lab-result:lab_technician"
    )


def test_a_negative_pool_releases_its_members_who_are_due_and_no_one_else(world):
    due, not_due = resident(world, "Lê Văn Hùng"), resident(world, "Lê Thị Hoa")
    due_order = quarantine_due(due)
    later = an_order(not_due, OrderKind.F1_HOME, starts_on=today() - timedelta(days=3))
    pooled_test(world, [due, not_due], today(), "LT-RL-POOL")
    due_order.refresh_from_db()
    later.refresh_from_db()
    assert due_order.status == OrderStatus.RELEASED and due_order.release_sample.pool.barcode == "LT-RL-POOL"
    assert later.status == OrderStatus.ACTIVE


def test_a_negative_result_in_a_labs_file_releases_a_due_order(world):
    person = resident(world, "Lê Văn Hùng")
    order = quarantine_due(person)
    sample = rt_pcr_sample(world, person, today(), "LT-RL-FILE")
    technician = world.user("lab_technician")
    when = sampled_on(today())
    raw = f"Mã mẫu,Kết quả,Thời gian\nLT-RL-FILE,Âm tính,{when:%d/%m/%Y %H:%M}\n".encode()
    upload = bytes_keep(actor=technician, kind=UPLOAD_KIND, raw=raw, filename=f"ket-qua-{secrets.token_hex(4)}.csv")
    mapping = {"barcode": "Mã mẫu", "result": "Kết quả", "result_at": "Thời gian"}
    job = result_import_run(result_import_start(actor=technician, lab=lab(), upload=upload, mapping=mapping).pk)
    assert job.applied == 1
    order.refresh_from_db()
    assert order.status == OrderStatus.RELEASED and order.release_sample_id == sample.pk


def test_a_positive_test_after_the_negative_holds_the_release_back(world):
    person = resident(world, "Lê Văn Hùng")
    antigen_test(world, person, today())
    order = quarantine_due(person, release_test=ReleaseTest.ANY)
    rt_pcr_test(world, person, today(), "LT-RL-POS", result=Result.POSITIVE)
    order.refresh_from_db()
    assert order.status == OrderStatus.ACTIVE
    assert refusal(world, order) == [
        f"Một xét nghiệm lấy mẫu ngày {today():%d/%m/%Y} có kết quả dương tính: chưa thể kết thúc cách ly."
    ]


def test_an_rt_pcr_result_does_not_release_an_order_that_needs_an_antigen_test(world):
    person = resident(world, "Trần Thị Mai Anh")
    order = home_treatment_due(person)
    rt_pcr_test(world, person, today(), "LT-RL-0002")
    order.refresh_from_db()
    assert order.status == OrderStatus.ACTIVE


def test_an_order_that_needs_no_test_is_released_by_hand_on_its_last_day(world):
    order = home_treatment_due(resident(world, "Trần Thị Mai Anh", phone=""), release_test=ReleaseTest.NONE)
    released = order_release(actor=world.user("health_worker"), order=order)
    assert released.status == OrderStatus.RELEASED and released.release_sample_id is None
    assert not Message.objects.filter(order=order).exists()  # no phone in the register: no text


def test_a_release_day_in_the_future_is_refused(world):
    order = home_treatment_due(resident(world, "Trần Thị Mai Anh"), release_test=ReleaseTest.NONE)
    with translation.override("vi"), pytest.raises(ValidationError) as refused:
        order_release(actor=world.user("commune_officer"), order=order, released_on=today() + timedelta(days=1))
    assert refused.value.message_dict == {"released_on": ["Ngày kết thúc không thể ở tương lai."]}
    assert_nothing_written(order)


def test_an_order_outside_the_actors_jurisdiction_is_missing_before_anything_is_checked(world):
    order = home_treatment_due(resident(world, "Trần Thị Mai Anh"), release_test=ReleaseTest.NONE)
    for actor in ("other_commune", "community_team", "outsider"):
        with pytest.raises(OutOfScope):
            order_release(actor=world.user(actor), order=order, released_on=today() + timedelta(days=5))
    assert_nothing_written(order)


def test_the_self_report_link_ends_with_the_last_active_order_on_it(world):
    mother, son = resident(world, "Trần Thị Mai Anh"), resident(world, "Nguyễn Minh Khôi")
    link = ReportLink.objects.create(token=secrets.token_urlsafe(32), unit=mother.unit)
    first = home_treatment_due(mother, link=link, release_test=ReleaseTest.NONE)
    second = home_treatment_due(son, link=link, release_test=ReleaseTest.NONE)
    order_release(actor=world.user("commune_officer"), order=first)
    link.refresh_from_db()
    assert link.revoked_at is None  # the son still reports through it
    order_release(actor=world.user("commune_officer"), order=second)
    link.refresh_from_db()
    assert link.revoked_at is not None
    assert (
        AuditEvent.objects.get(object_id=str(second.pk), object_type="care.isolationorder").detail["link_revoked"]
        == link.pk
    )


def test_the_test_days_a_person_gave_no_sample_on_are_listed_as_missed(world):
    person = resident(world, "Lê Văn Hùng")
    order = an_order(person, OrderKind.F1_HOME, starts_on=today() - timedelta(days=8))  # test days 1 and 7
    rt_pcr_test(world, person, today() - timedelta(days=5), "LT-RL-DAY4")
    readiness = release_check(order, today())
    assert readiness.missed_test_days == [today() - timedelta(days=8), today() - timedelta(days=2)]
    assert not readiness.ready and readiness.overdue_days == 2


def test_a_batch_of_results_with_nobody_under_an_order_costs_the_release_one_query(world, django_assert_num_queries):
    person = resident(world, "Lê Văn Hùng")
    rows = [
        (SampleRow(n, f"B{n}", person.pk + n, person.unit_id, "rt_pcr", sampled_on(today()), "released", "negative",
                   None, False), None)
        for n in range(5000)
    ]  # fmt: skip
    with django_assert_num_queries(1):
        assert orders_release_on_negatives(actor="lab-result:test", results=rows) == []


def test_orders_that_ended_otherwise_stay_as_they_are(world):
    person = resident(world, "Lê Văn Hùng")
    order = quarantine_due(person)
    IsolationOrder.objects.filter(pk=order.pk).update(status=OrderStatus.MOVED_AWAY)
    rt_pcr_test(world, person, today(), "LT-RL-0003")
    order.refresh_from_db()
    assert order.status == OrderStatus.MOVED_AWAY and order.certificate_code == ""
