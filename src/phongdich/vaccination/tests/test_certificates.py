"""Issuing, printing, verifying and revoking certificates; keys and their rotation."""

import io
import json
import subprocess
from datetime import UTC, datetime, timedelta

import pytest
import zxingcpp
from django.core.exceptions import ValidationError
from django.core.management import call_command
from PIL import Image

from phongdich.core.models import AuditEvent
from phongdich.vaccination.dcc import codec
from phongdich.vaccination.models import Certificate, SigningKey
from phongdich.vaccination.selectors import trusted_keys
from phongdich.vaccination.services import certificate_issue, certificate_revoke, signing_key_create


@pytest.fixture
def certificate(world):
    return Certificate.objects.get()


def verify_cli(*args) -> dict:
    out = io.StringIO()
    call_command("dcc", "verify", *args, stdout=out)
    return json.loads(out.getvalue())


def test_the_certificate_carries_hangs_name_birth_date_and_second_dose(certificate):
    verdict = codec.verify(certificate.text, keys=trusted_keys(), at=datetime.now(UTC))
    assert verdict.valid
    payload = verdict.payload
    assert payload["nam"] == {"fn": "Nguyễn", "fnt": "NGUYEN", "gn": "Thị Hằng", "gnt": "THI<HANG"}
    assert payload["dob"] == "1986-03-14"
    entry = payload["v"][0]
    assert (entry["mp"], entry["dn"], entry["sd"], entry["dt"], entry["ci"]) == (
        "EU/1/20/1528",
        2,
        2,
        "2021-08-30",
        certificate.uvci,
    )
    assert certificate.expires_at - certificate.issued_at == timedelta(days=365)


def test_issuing_is_audited_and_asking_again_returns_the_same_certificate(world, certificate):
    again = certificate_issue(actor=world.user("commune_officer"), person=certificate.person)
    assert again == certificate
    event = AuditEvent.objects.get(object_type="vaccination.certificate", action="issue")
    assert event.person_id == certificate.person_id and event.after["uvci"] == certificate.uvci


def test_someone_without_a_dose_gets_no_certificate(world):
    with pytest.raises(ValidationError):
        certificate_issue(actor=world.user("province_commander"), person=world.person("Lê Hoàng Phúc", "25741"))


def test_the_qr_code_decodes_back_to_the_signed_text(client_as, certificate):
    png = client_as("commune_officer").get(f"/vaccination/certificates/{certificate.pk}/qr.png").content
    found = zxingcpp.read_barcodes(Image.open(io.BytesIO(png)), formats=zxingcpp.BarcodeFormat.QRCode)
    assert [code.text for code in found] == [certificate.text]


def test_the_a6_card_is_a_pdf_in_vietnamese_and_english(client_as, certificate, tmp_path):
    response = client_as("commune_officer").get(f"/vaccination/certificates/{certificate.pk}/card.pdf")
    path = tmp_path / "card.pdf"
    path.write_bytes(response.content)
    text = subprocess.run(["pdftotext", "-layout", str(path), "-"], capture_output=True, text=True, check=True).stdout
    assert "Nguyễn Thị Hằng" in text and "CHỨNG NHẬN TIÊM CHỦNG" in text and "vaccination certificate" in text
    assert "2/2" in text and "14/03/1986" in text
    info = subprocess.run(["pdfinfo", str(path)], capture_output=True, text=True, check=True).stdout
    assert "297.638 x 419.528 pts" in info  # A6: 105 × 148 mm


def test_the_cli_verifies_with_a_trust_file_in_each_shape(certificate, tmp_path, client):
    now = datetime.now(UTC).isoformat()
    pem = tmp_path / "trust.pem"
    call_command("dcc", "trust-list", "--out", str(pem), stdout=io.StringIO())
    assert verify_cli(certificate.text, "--trust", str(pem), "--at", now)["valid"] is True
    der = tmp_path / "trust.der"
    der.write_bytes(bytes(SigningKey.objects.get().certificate))
    assert verify_cli(certificate.text, "--trust", str(der), "--at", now)["valid"] is True
    listing = tmp_path / "trust.json"
    listing.write_text(client.get("/api/v1/dcc/trust-list").content.decode())
    result = verify_cli(certificate.text, "--trust", str(listing), "--at", now)
    assert result["verified"] and result["payload"]["nam"]["fnt"] == "NGUYEN" and result["kid"]
    assert verify_cli(certificate.text, "--at", "2099-01-01T00:00:00Z")["error"] == "expired"


def test_the_cli_reads_a_qr_image_and_says_when_it_cannot(certificate, tmp_path, client_as):
    image = tmp_path / "qr.png"
    image.write_bytes(client_as("commune_officer").get(f"/vaccination/certificates/{certificate.pk}/qr.png").content)
    assert verify_cli("--image", str(image))["valid"] is True
    not_an_image = tmp_path / "note.png"
    not_an_image.write_text("xin chào")
    assert verify_cli("--image", str(not_an_image)) == {
        "decoded": False,
        "verified": False,
        "valid": False,
        "kid": None,
        "payload": None,
        "error": "unreadable_image",
    }


def test_a_certificate_signed_before_a_key_rotation_keeps_verifying(world, certificate):
    signing_key_create(actor="test")
    assert SigningKey.objects.filter(active=True).count() == 1
    assert verify_cli(certificate.text)["valid"] is True
    phuc = world.person("Lê Hoàng Phúc", "25741")
    from datetime import date

    from phongdich.vaccination.models import VaccineProduct
    from phongdich.vaccination.services import dose_record

    dose_record(
        actor=world.user("other_commune"),
        person=phuc,
        product=VaccineProduct.objects.get(code="EU/1/20/1525"),
        given_on=date(2021, 9, 1),
    )
    newer = certificate_issue(actor=world.user("other_commune"), person=phuc)
    assert newer.signing_key != certificate.signing_key and verify_cli(newer.text)["valid"] is True


def test_a_revoked_certificate_verifies_but_is_not_valid_and_the_list_names_its_hash(world, certificate, client):
    certificate_revoke(actor=world.user("commune_officer"), certificate=certificate, reason="Cấp nhầm người")
    result = verify_cli(certificate.text)
    assert (result["verified"], result["valid"], result["error"]) == (True, False, "revoked")
    assert certificate.uvci_hash in client.get("/api/v1/dcc/revocations").json()["revoked"]
    event = AuditEvent.objects.get(object_type="vaccination.certificate", action="revoke")
    assert event.after["reason"] == "Cấp nhầm người"


def test_the_other_commune_cannot_revoke_hangs_certificate(world, certificate):
    from phongdich.core.scoping import OutOfScope

    with pytest.raises(OutOfScope):
        certificate_revoke(actor=world.user("other_commune"), certificate=certificate, reason="?")


def test_the_public_page_shows_only_validity_name_birth_date_and_doses(client, certificate):
    response = client.post("/verify", {"text": certificate.text})
    page = response.content.decode()
    assert response.status_code == 200 and "Nguyễn Thị Hằng" in page and "14/03/1986" in page and "2/2" in page
    assert certificate.uvci not in page and "FF2382" not in page and "074186123456" not in page


def test_the_public_page_reads_an_uploaded_photo_of_the_code(client, client_as, certificate):
    png = client_as("commune_officer").get(f"/vaccination/certificates/{certificate.pk}/qr.png").content
    client.logout()
    upload = io.BytesIO(png)
    upload.name = "anh.png"
    page = client.post("/verify", {"image": upload}).content.decode()
    assert "Nguyễn Thị Hằng" in page and "✔" in page


def test_the_public_api_verifier_says_why_a_text_is_refused(db, client):
    body = client.post("/api/v1/dcc/verify", {"text": "HC1:%%%"}, content_type="application/json").json()
    assert (body["valid"], body["error"]) == (False, "bad_base45")


def test_the_public_api_verifier_answers_a_genuine_certificate_with_its_holder_and_doses(client, certificate):
    response = client.post("/api/v1/dcc/verify", {"text": certificate.text}, content_type="application/json")
    assert response.status_code == 200
    body = response.json()
    assert (body["valid"], body["error"], body["name"], body["dob"]) == (True, None, "Nguyễn Thị Hằng", "1986-03-14")
    assert [(dose["dn"], dose["sd"]) for dose in body["doses"]] == [(2, 2)]
    assert body["expires_at"].startswith(certificate.expires_at.date().isoformat()[:4])


def test_a_sites_staff_certify_a_visitor_vaccinated_there_but_not_others(world):
    from datetime import date

    from phongdich.accounts.models import User
    from phongdich.accounts.roles import Role
    from phongdich.accounts.services import role_assign
    from phongdich.core.scoping import OutOfScope
    from phongdich.places.models import Facility
    from phongdich.vaccination.models import VaccineProduct
    from phongdich.vaccination.services import dose_record

    site = Facility.objects.get(name="Điểm tiêm chủng Phường Lái Thiêu")
    staff = User.objects.create_user(username="tiem_chung", password="x")
    role_assign(actor="test", user=staff, role=Role.VACCINATION_STAFF, facility=site)
    phuc = world.person("Lê Hoàng Phúc", "25741")
    janssen = VaccineProduct.objects.get(code="EU/1/20/1525")
    dose_record(actor=staff, person=phuc, product=janssen, given_on=date(2021, 9, 1), site=site)
    assert certificate_issue(actor=staff, person=phuc).dose.site == site
    with pytest.raises(OutOfScope):
        certificate_issue(actor=staff, person=world.person("Nguyễn Thị Hằng", "25741"))


def test_the_public_page_says_in_vietnamese_why_a_text_is_refused_without_the_code(db, client):
    page = client.post("/verify", {"text": "HC1:%%%"}).content.decode()
    assert "Nội dung chứng nhận bị hỏng." in page
    assert "bad_base45" not in page and "Base45" not in page


def test_the_public_page_says_in_vietnamese_that_a_photo_holds_no_qr_code(db, client):
    buffer = io.BytesIO()
    Image.new("RGB", (64, 64), "white").save(buffer, format="PNG")
    buffer.seek(0)
    buffer.name = "trang.png"
    page = client.post("/verify", {"image": buffer}).content.decode()
    assert "Không tìm thấy mã QR trong ảnh." in page and "no_qr" not in page
