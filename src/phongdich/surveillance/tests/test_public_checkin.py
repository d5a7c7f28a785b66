import io

import pytest

from phongdich.surveillance.models import CheckIn
from phongdich.surveillance.services import person_card_text


@pytest.fixture
def market(world):
    return world.venue("Chợ Lái Thiêu")


def test_a_resident_checks_in_by_phone_on_the_page_the_venue_code_opens(client, world, market):
    page = client.get(f"/c/{market.qr_token}/")
    assert page.status_code == 200 and "Chợ Lái Thiêu" in page.content.decode()
    visit = page.context["visit"]
    response = client.post(f"/c/{market.qr_token}/", {"visit": visit, "number": "0912 345 678"})
    assert "Đã quét mã lúc" in response.content.decode()
    stored = CheckIn.objects.get(client_id=f"web-{visit}")
    assert stored.person == world.person("Nguyễn Thị Hằng", "25966") and stored.source == "web"
    client.post(f"/c/{market.qr_token}/", {"visit": visit, "number": "0912 345 678"})  # sent twice
    assert CheckIn.objects.filter(client_id=f"web-{visit}").count() == 1


def test_a_resident_checks_in_with_a_cccd(client, world, market):
    client.post(f"/c/{market.qr_token}/", {"visit": "v1", "number": "074186123456"})
    assert CheckIn.objects.get(client_id="web-v1").person == world.person("Nguyễn Thị Hằng", "25966")


def test_an_unknown_number_is_told_and_nothing_is_stored(client, market):
    response = client.post(f"/c/{market.qr_token}/", {"visit": "v2", "number": "0999 000 111"})
    assert "Không có người dân nào đăng ký với số này" in response.content.decode()
    assert not CheckIn.objects.filter(client_id="web-v2").exists()


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
