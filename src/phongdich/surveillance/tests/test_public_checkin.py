import io
import re

import pytest

from phongdich.surveillance.models import CheckIn, DeclaredCheckIn
from phongdich.surveillance.services import person_card_text


@pytest.fixture
def market(world):
    return world.venue("Chợ Lái Thiêu")


def test_a_visitor_checks_in_by_phone_and_the_number_is_kept_unattached_to_anyone(client, world, market):
    page = client.get(f"/c/{market.qr_token}/")
    assert page.status_code == 200 and "Chợ Lái Thiêu" in page.content.decode()
    visit = page.context["visit"]
    response = client.post(f"/c/{market.qr_token}/", {"visit": visit, "number": "0912 345 678"})
    assert "Đã quét mã lúc" in response.content.decode()
    declared = DeclaredCheckIn.objects.get(client_id=f"web-{visit}")
    assert declared.number == "+84912345678" and declared.venue == market and declared.unit == market.unit
    assert not CheckIn.objects.filter(person=world.person("Nguyễn Thị Hằng", "25966")).exists()
    client.post(f"/c/{market.qr_token}/", {"visit": visit, "number": "0912 345 678"})  # sent twice
    assert DeclaredCheckIn.objects.filter(client_id=f"web-{visit}").count() == 1


def test_someone_typing_another_persons_cccd_plants_no_check_in_on_their_record(client, world, market):
    client.post(f"/c/{market.qr_token}/", {"visit": "v1", "number": "074186123456"})
    assert DeclaredCheckIn.objects.get(client_id="web-v1").number == "074186123456"
    assert not CheckIn.objects.exists()


def test_the_page_answers_a_registered_and_an_unknown_number_alike(client, world, market):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    answers, queries = [], []
    for visit, number in (("v-known", "0912 345 678"), ("v-unknown", "0999 000 111")):
        with CaptureQueriesContext(connection) as captured:
            response = client.post(f"/c/{market.qr_token}/", {"visit": visit, "number": number})
        text = re.sub(r'(csrfmiddlewaretoken" value=|CSRFToken": |nonce=)"[^"]+"', "", response.content.decode())
        answers.append((response.status_code, text.replace(number, "")))
        queries.append([query["sql"].replace(visit, "") for query in captured.captured_queries])
    assert answers[0][0] == answers[1][0] == 200
    assert answers[0][1].split("Đã quét mã lúc")[0] == answers[1][1].split("Đã quét mã lúc")[0]
    assert "Không có người dân nào" not in answers[1][1]
    assert len(queries[0]) == len(queries[1])  # the same work, so the same time shape
    assert "people_person" not in " ".join(queries[0])


def test_a_number_that_is_neither_a_phone_nor_a_cccd_is_refused_for_its_form(client, market):
    response = client.post(f"/c/{market.qr_token}/", {"visit": "v2", "number": "12ab"})
    assert "Nhập số điện thoại" in response.content.decode()
    assert not DeclaredCheckIn.objects.exists()


def test_one_client_is_limited_to_a_few_check_ins_in_a_window(client, market, settings):
    settings.PHONGDICH_CHECKIN_LIMIT_PER_CLIENT = 3
    numbers = ["0912345671", "0912345672", "0912345673", "0912345674"]
    statuses = [
        client.post(f"/c/{market.qr_token}/", {"visit": f"r{i}", "number": n}).status_code
        for i, n in enumerate(numbers)
    ]
    assert statuses == [200, 200, 200, 429]
    response = client.post(f"/c/{market.qr_token}/", {"visit": "r9", "number": "0912345679"})
    assert response.status_code == 429 and "Quét mã quá nhiều lần" in response.content.decode()
    assert DeclaredCheckIn.objects.count() == 3


def test_one_number_is_limited_whichever_client_sends_it(client, market, settings):
    from django.test import Client

    settings.PHONGDICH_CHECKIN_LIMIT_PER_NUMBER = 2
    for i, address in enumerate(["203.0.113.1", "203.0.113.2", "203.0.113.3"]):
        response = Client(REMOTE_ADDR=address).post(
            f"/c/{market.qr_token}/", {"visit": f"n{i}", "number": "+84 912 345 678" if i else "0912345678"}
        )
    assert response.status_code == 429
    assert DeclaredCheckIn.objects.count() == 2


def test_behind_a_proxy_the_limit_counts_the_address_the_proxy_names(client, market, settings):
    from django.test import Client

    settings.PHONGDICH_CHECKIN_LIMIT_PER_CLIENT = 1
    settings.PHONGDICH_CLIENT_IP_HEADER = "X-Real-IP"
    for i, address in enumerate(["198.51.100.1", "198.51.100.2"]):
        response = Client(headers={"X-Real-IP": address}).post(
            f"/c/{market.qr_token}/", {"visit": f"p{i}", "number": f"091234567{i}"}
        )
        assert response.status_code == 200


def test_a_forged_venue_code_opens_no_check_in(client, market):
    response = client.get(f"/c/{market.key}:forged/")
    assert response.status_code == 404
    assert client.post(f"/c/{market.key}:forged/", {"visit": "v3", "number": "0912345678"}).status_code == 404
    assert not CheckIn.objects.exists()


def test_the_personal_qr_card_checks_its_holder_in_and_a_forged_one_does_not(client_as, client, world, market):
    import zxingcpp
    from PIL import Image

    hang = world.person("Nguyễn Thị Hằng", "25966")
    text = person_card_text(hang)
    assert hang.full_name not in text and hang.id_number not in text
    card = client_as("community_team").get(f"/tracing/persons/{hang.pk}/card/").content.decode()
    assert "<svg" in card and "Nguyễn Thị Hằng" in card
    client.logout()
    client.post(f"/c/{market.qr_token}/", {"visit": "v4", "number": text})
    assert CheckIn.objects.get(client_id="web-v4").person == hang
    response = client.post(f"/c/{market.qr_token}/", {"visit": "v5", "number": text[:-3] + "abc"})
    assert "Mã QR cá nhân này không do hệ thống cấp" in response.content.decode()
    png = io.BytesIO()
    import segno

    segno.make(text, error="q").save(png, kind="png", scale=6)
    assert [d.text for d in zxingcpp.read_barcodes(Image.open(png), formats=zxingcpp.BarcodeFormat.QRCode)] == [text]


def test_printing_a_personal_card_is_audited(client_as, world):
    from phongdich.core.models import AuditEvent

    hang = world.person("Nguyễn Thị Hằng", "25966")
    client_as("commune_officer").get(f"/tracing/persons/{hang.pk}/card/")
    assert AuditEvent.objects.filter(action="export", person_id=hang.pk).exists()


def test_scanners_may_send_the_whole_scanned_address_as_the_venue_token(world, market):
    from django.utils import timezone

    from phongdich.surveillance.services import checkin_batch_ingest

    item = {
        "client_id": "gate-1",
        "venue_token": market.checkin_url,
        "phone": "0912345678",
        "checked_in_at": timezone.now().isoformat(),
    }
    assert checkin_batch_ingest(actor=world.user("commune_officer"), items=[item])[0].status == "accepted"


def test_the_case_page_lists_numbers_declared_near_the_f0s_visit_for_the_tracer_to_call(client_as, world, market):
    from datetime import timedelta

    from django.utils import timezone

    from phongdich.surveillance.models import Case
    from phongdich.surveillance.services import checkin_batch_ingest

    tam = world.person("Đỗ Văn Tâm", "25966")
    visit_at = timezone.now() - timedelta(hours=5)
    item = {
        "client_id": "gate-tam",
        "venue_token": market.qr_token,
        "person_card": person_card_text(tam),
        "checked_in_at": visit_at.isoformat(),
    }
    assert checkin_batch_ingest(actor=world.user("commune_officer"), items=[item])[0].status == "accepted"
    DeclaredCheckIn.objects.create(
        client_id="web-near", venue=market, unit=market.unit, number="+84987654321", checked_in_at=visit_at
    )
    DeclaredCheckIn.objects.create(
        client_id="web-far",
        venue=market,
        unit=market.unit,
        number="+84911111111",
        checked_in_at=visit_at - timedelta(days=1),
    )
    case = Case.objects.get(person=tam)
    page = client_as("commune_officer").get(f"/tracing/cases/{case.pk}/?exposures=1").content.decode()
    assert "+84987654321" in page and "+84911111111" not in page
