"""Texts to people under an order: Vietnamese templates, a queued row sent once by the background worker, and the
console, file and HTTP gateway backends (the gateway a real HTTP server on this machine)."""

import json
import logging
import threading
from datetime import timedelta
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
from django.core.exceptions import ValidationError
from django.test import override_settings
from django_tasks_db.models import DBTaskResult

from phongdich.core.models import AuditEvent
from phongdich.core.testing import runs_queued

from ..choices import MessageStatus
from ..messages import LINK, RELEASE, message_deliver, message_send, message_text
from ..models import Message
from ..services.release import order_release
from .release_world import home_treatment_due, resident, today

pytestmark = pytest.mark.django_db
DELIVER = "phongdich.care.messages.message_deliver"


@pytest.fixture
def order(world):
    return home_treatment_due(resident(world, "Trần Thị Mai Anh"))


STATION = {"sender": "Trạm Y tế phường Lái Thiêu", "url": "https://pd.vn/r/abc", "call": "gọi ngay 115"}


def queue(order, template=LINK, **context) -> Message:
    return message_send(order=order, template=template, phone="0987 654 321", context=STATION | context)


def test_the_texts_are_vietnamese_with_dates_as_a_reader_writes_them(order):
    link = message_text(LINK, STATION)
    assert link.startswith("Trạm Y tế phường Lái Thiêu: ") and "https://pd.vn/r/abc" in link
    assert link.endswith("gọi ngay 115.")
    released = message_text(
        RELEASE,
        {"name": "Trần Thị Mai Anh", "what": "điều trị tại nhà", "day": order.planned_end,
         "url": "https://pd.vn/kiem-tra/x/", "monitor": order.planned_end + timedelta(days=7)},
    )  # fmt: skip
    assert released.startswith("Trần Thị Mai Anh: ") and f"{order.planned_end:%d/%m/%Y}" in released
    assert f"{order.planned_end + timedelta(days=7):%d/%m/%Y}" in released


def test_a_text_missing_what_its_template_needs_is_a_programming_error(order):
    with pytest.raises(ValueError, match="url"):
        message_send(order=order, template=RELEASE, phone="0987654321", context={})


def test_sending_writes_a_queued_row_its_audit_and_its_run_with_the_transaction(order):
    with runs_queued() as runs:
        message = queue(order)
    assert (message.status, message.phone, message.template, message.unit_id) == (
        MessageStatus.QUEUED, "+84987654321", LINK, order.unit_id,
    )  # fmt: skip
    assert runs == [(DELIVER, [message.pk])]
    event = AuditEvent.objects.get(object_type="care.message", object_id=str(message.pk))
    assert event.person_id == order.person_id and event.after["phone"] == "+84987654321"


def test_a_bad_phone_number_is_refused_and_nothing_is_written(order):
    with pytest.raises(ValidationError) as refused:
        message_send(order=order, template=LINK, phone="12345", context=STATION)
    assert set(refused.value.message_dict) == {"phone"}
    assert not Message.objects.exists() and not AuditEvent.objects.filter(object_type="care.message").exists()


@override_settings(PHONGDICH_SMS_BACKEND="console")
def test_the_console_backend_logs_the_text_once_however_often_the_run_repeats(order, caplog):
    message = queue(order)
    with caplog.at_level(logging.INFO, logger="phongdich.care.messages"):
        message_deliver(message.pk)
        message_deliver(message.pk)  # the worker died after sending: the run is repeated
    assert [r.getMessage() for r in caplog.records].count(f"SMS {message.pk} to +84987654321: {message.text}") == 1
    message.refresh_from_db()
    assert message.status == MessageStatus.SENT and message.sent_at is not None


def test_the_file_backend_appends_a_json_line_per_text(order, tmp_path):
    outbox = tmp_path / "sms" / "outbox.jsonl"
    with override_settings(PHONGDICH_SMS_BACKEND="file", PHONGDICH_SMS_FILE=outbox):
        first, second = queue(order), queue(order, link="https://pd.vn/b/def")
        for message in (first, second, first):
            message_deliver(message.pk)
    lines = [json.loads(line) for line in outbox.read_text(encoding="utf-8").splitlines()]
    assert [(line["id"], line["to"]) for line in lines] == [
        (f"phongdich-{first.pk}", "+84987654321"),
        (f"phongdich-{second.pk}", "+84987654321"),
    ]
    assert lines[1]["text"] == second.text and "https://pd.vn/r/abc" in lines[1]["text"]


class Gateway:
    """A real HTTP server on a free local port, answering each POST with the next of `answers` (status codes)."""

    def __init__(self, answers: list[int]):
        self.answers = list(answers)
        self.received: list[dict] = []
        gateway = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self):  # noqa: N802 - the name http.server calls
                body = self.rfile.read(int(self.headers["Content-Length"]))
                gateway.received.append({"auth": self.headers["Authorization"], "body": json.loads(body)})
                status = gateway.answers.pop(0) if gateway.answers else 200
                self.send_response(status)
                self.end_headers()
                self.wfile.write(b'{"error": "busy"}' if status >= 400 else b'{"accepted": true}')

            def log_message(self, *args):
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}/sms"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    def __enter__(self):
        self.thread.start()
        return self

    def __exit__(self, *exc):
        self.server.shutdown()
        self.server.server_close()


def http_settings(url: str, **more):
    return override_settings(
        PHONGDICH_SMS_BACKEND="http", PHONGDICH_SMS_HTTP_URL=url, PHONGDICH_SMS_HTTP_TOKEN="gw-secret",
        PHONGDICH_SMS_HTTP_TIMEOUT=5, **more,
    )  # fmt: skip


def test_the_http_backend_posts_the_text_with_its_id_and_the_token(order):
    with Gateway([200]) as gateway, http_settings(gateway.url):
        message = queue(order)
        message_deliver(message.pk)
        message_deliver(message.pk)
    assert gateway.received == [
        {
            "auth": "Bearer gw-secret",
            "body": {"id": f"phongdich-{message.pk}", "to": "+84987654321", "text": message.text},
        }
    ]
    message.refresh_from_db()
    assert message.status == MessageStatus.SENT


def test_a_busy_gateway_is_tried_again_later_by_a_new_background_run(order):
    with Gateway([503, 200]) as gateway, http_settings(gateway.url, PHONGDICH_SMS_RETRY_SECONDS=30):
        message = queue(order)
        with runs_queued() as runs:
            message_deliver(message.pk)
        message.refresh_from_db()
        assert message.status == MessageStatus.QUEUED and message.error == 'HTTP 503: {"error": "busy"}'
        assert runs == [(DELIVER, [message.pk, 2])]
        retry = DBTaskResult.objects.order_by("-enqueued_at").first()
        assert timedelta(seconds=25) < retry.run_after - retry.enqueued_at < timedelta(seconds=35)
        message_deliver(message.pk, 2)
    message.refresh_from_db()
    assert message.status == MessageStatus.SENT and message.error == "" and len(gateway.received) == 2


def test_the_last_attempt_marks_the_text_failed_with_the_reason(order):
    with Gateway([503]) as gateway, http_settings(gateway.url, PHONGDICH_SMS_ATTEMPTS=3):
        message = queue(order)
        with runs_queued() as runs:
            message_deliver(message.pk, 3)
    message.refresh_from_db()
    assert message.status == MessageStatus.FAILED and "503" in message.error and runs == []


def test_a_refusal_by_the_gateway_is_not_tried_again(order):
    with Gateway([400]) as gateway, http_settings(gateway.url):
        message = queue(order)
        with runs_queued() as runs:
            message_deliver(message.pk)
    message.refresh_from_db()
    assert message.status == MessageStatus.FAILED and message.error.startswith("HTTP 400") and runs == []
    assert len(gateway.received) == 1


def test_an_unreachable_gateway_is_tried_again(order):
    with Gateway([]) as gateway:
        url = gateway.url
    with http_settings(url):  # the server is closed: nothing listens on its port any more
        message = queue(order)
        with runs_queued() as runs:
            message_deliver(message.pk)
    message.refresh_from_db()
    assert message.status == MessageStatus.QUEUED and message.error.startswith("gateway unreachable")
    assert runs == [(DELIVER, [message.pk, 2])]


def test_a_gateway_address_left_unset_fails_the_text_with_the_reason(order):
    with http_settings(""):
        message = queue(order)
        message_deliver(message.pk)
    message.refresh_from_db()
    assert message.status == MessageStatus.FAILED and "PHONGDICH_SMS_HTTP_URL" in message.error


def test_the_release_text_names_the_day_and_the_certificates_check_address(world):
    order = home_treatment_due(resident(world, "Lê Văn Hùng"), release_test="none")
    order_release(actor=world.user("commune_officer"), order=order)
    order.refresh_from_db()
    text = Message.objects.get(order=order).text
    assert text == (
        f"Lê Văn Hùng: anh/chị đã hoàn thành điều trị tại nhà ngày {today():%d/%m/%Y}. Kiểm tra giấy xác nhận tại "
        f"http://127.0.0.1:8000/kiem-tra/{order.certificate_code}/. Tiếp tục tự theo dõi sức khỏe đến hết "
        f"{order.monitor_until:%d/%m/%Y}."
    )
