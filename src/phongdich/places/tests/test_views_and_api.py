def test_the_tree_starts_at_the_officers_own_unit(client_as):
    assert [u.code for u in client_as("province_commander").get("/units/").context["units"]] == ["74"]
    assert [u.code for u in client_as("commune_officer").get("/units/").context["units"]] == ["25966"]
    assert [u.code for u in client_as("health_worker").get("/units/").context["units"]] == ["25966"]


def test_expanding_a_unit_lists_its_children(client_as, world):
    response = client_as("district_officer").get(f"/units/{world.unit('725').pk}/children/")
    names = [u.name for u in response.context["units"]]
    assert "Phường Lái Thiêu" in names and len(names) == 10


def test_a_unit_outside_the_jurisdiction_is_not_found(client_as, world):
    client = client_as("commune_officer")
    assert client.get(f"/units/{world.unit('25741').pk}/").status_code == 404
    assert client.get(f"/units/{world.unit('725').pk}/children/").status_code == 404


def test_the_unit_page_shows_population_and_lower_units(client_as, world):
    from phongdich.places.services import population_import

    population_import(
        actor="test",
        year=2021,
        source=(b"code,total,age_18_plus,age_65_plus,age_12_17,age_5_11\n25966-01,1200,900,100,120,150\n"),
    )
    response = client_as("commune_officer").get(f"/units/{world.unit('25966').pk}/")
    assert response.status_code == 200
    assert [p.total for p in response.context["populations"]] == [1200]
    assert [c.code for c in response.context["children"]] == ["25966-01", "25966-02"]


def test_the_units_api_lists_roots_children_and_population(api_as, world):
    client = api_as("district_officer")
    assert [u["code"] for u in client.get("/api/v1/units").json()] == ["725"]
    children = client.get("/api/v1/units", {"parent": world.unit("725").pk}).json()
    assert len(children) == 10 and all(c["level"] == "commune" for c in children)
    detail = client.get(f"/api/v1/units/{world.unit('25966-01').pk}").json()
    assert [a["code"] for a in detail["ancestors"]] == ["74", "725", "25966"]
    assert client.get(f"/api/v1/units/{world.unit('25966').pk}/population").json() == []
    assert client.get(f"/api/v1/units/{world.unit('718').pk}").status_code == 404
    assert client.get("/api/v1/units", {"parent": world.unit("718").pk}).status_code == 404


def test_searching_units_by_name_without_diacritics(api_as):
    found = api_as("province_commander").get("/api/v1/units", {"q": "lai thieu"}).json()
    assert [u["name"] for u in found] == ["Phường Lái Thiêu"]


def test_a_venue_qr_code_decodes_to_its_check_in_address_with_the_signed_token(client_as, world):
    import io

    import zxingcpp
    from PIL import Image

    from phongdich.places.models import Venue

    venue = world.venue("Chợ Lái Thiêu")
    response = client_as("commune_officer").get(f"/units/venues/{venue.pk}/qr.png")
    assert response["Content-Type"] == "image/png"
    decoded = zxingcpp.read_barcodes(Image.open(io.BytesIO(response.content)), formats=zxingcpp.BarcodeFormat.QRCode)
    assert [d.text for d in decoded] == [f"http://127.0.0.1:8000/c/{venue.qr_token}/"]
    assert Venue.from_token(Venue.token_in(decoded[0].text)) == venue
    svg = client_as("commune_officer").get(f"/units/venues/{venue.pk}/qr.svg")
    assert svg["Content-Type"] == "image/svg+xml" and b"<svg" in svg.content


def test_a_venue_qr_code_outside_the_jurisdiction_is_not_found(client_as, world):
    from phongdich.places.choices import VenueKind
    from phongdich.places.models import Venue

    venue = Venue.objects.create(name="Chợ Thủ Dầu Một", kind=VenueKind.MARKET, unit=world.unit("25741-01"))
    assert client_as("commune_officer").get(f"/units/venues/{venue.pk}/qr.png").status_code == 404
    assert client_as("other_commune").get(f"/units/venues/{venue.pk}/qr.png").status_code == 200


def test_population_figures_are_grouped_the_vietnamese_way(client_as, world):
    from phongdich.places.services import population_import

    population_import(
        actor="test",
        year=2021,
        source=(
            b"code,total,age_18_plus,age_65_plus,age_12_17,age_5_11\n25966-01,1234567,900000,100000,120000,150000\n"
        ),
    )
    page = client_as("commune_officer").get(f"/units/{world.unit('25966').pk}/").content.decode()
    assert "1.234.567" in page


def test_a_commune_officer_registers_a_market_and_gets_its_qr_code(client_as, world):
    from phongdich.core.models import AuditEvent
    from phongdich.places.models import Venue

    client = client_as("commune_officer")
    response = client.post(
        "/units/venues/new/",
        {"name": "Chợ đêm Lái Thiêu", "kind": "market", "unit": world.unit("25966-02").pk, "active": "on"},
    )
    assert response.status_code == 302
    venue = Venue.objects.get(name="Chợ đêm Lái Thiêu")
    assert venue.key and Venue.from_token(venue.qr_token) == venue
    assert AuditEvent.objects.filter(action="create", object_type="places.venue", object_id=str(venue.pk)).exists()
    listed = [v.name for v in client.get("/units/venues/").context["table"].data.data]
    assert "Chợ đêm Lái Thiêu" in listed


def test_a_venue_cannot_be_registered_or_moved_outside_the_jurisdiction(client_as, world):
    from phongdich.places.models import Venue

    client = client_as("commune_officer")
    response = client.post(
        "/units/venues/new/", {"name": "Chợ Thủ Dầu Một", "kind": "market", "unit": world.unit("25741-01").pk}
    )
    assert response.status_code == 200 and "unit" in response.context["form"].errors
    venue = world.venue("Chợ Lái Thiêu")
    response = client.post(
        f"/units/venues/{venue.pk}/",
        {"name": venue.name, "kind": "market", "unit": world.unit("25741-01").pk, "active": "on"},
    )
    assert response.status_code == 200
    assert Venue.objects.get(pk=venue.pk).unit == world.unit("25966-01")


def test_a_district_officer_registers_a_mobile_medical_station(client_as, world):
    from phongdich.places.models import Facility

    response = client_as("district_officer").post(
        "/units/facilities/new/",
        {"name": "Trạm y tế lưu động số 3", "kind": "mobile_station", "unit": world.unit("25963").pk},
    )
    assert response.status_code == 302
    assert Facility.objects.filter(name="Trạm y tế lưu động số 3", unit__code="25963").exists()


def venue_names(client) -> list[str]:
    response = client.get("/units/venues/")
    assert response.status_code == 200
    return [venue.name for venue in response.context["table"].data.data]


def test_venue_and_facility_lists_are_scoped(client_as):
    assert "Chợ Lái Thiêu" in venue_names(client_as("commune_officer"))
    assert "Chợ Lái Thiêu" not in venue_names(client_as("other_commune"))
    facilities = [f.name for f in client_as("district_officer").get("/units/facilities/").context["table"].data.data]
    assert sorted(facilities) == ["Trạm Y tế Phường Lái Thiêu", "Điểm tiêm chủng Phường Lái Thiêu"]


def test_a_venue_poster_pdf_reads_in_vietnamese_and_its_code_opens_the_check_in_page(client_as, world, tmp_path):
    import subprocess

    import zxingcpp
    from PIL import Image

    venue = world.venue("Chợ Lái Thiêu")
    response = client_as("commune_officer").get(f"/units/venues/{venue.pk}/poster.pdf")
    assert response["Content-Type"] == "application/pdf"
    pdf = tmp_path / "poster.pdf"
    pdf.write_bytes(response.content)
    text = subprocess.run(["pdftotext", "-layout", str(pdf), "-"], capture_output=True, text=True, check=True).stdout
    assert "QUÉT MÃ QR ĐỂ KHAI BÁO" in text and "Chợ Lái Thiêu" in text and "Mở camera điện thoại" in text
    subprocess.run(["pdftoppm", "-png", "-r", "150", "-singlefile", str(pdf), str(tmp_path / "page")], check=True)
    decoded = zxingcpp.read_barcodes(Image.open(tmp_path / "page.png"), formats=zxingcpp.BarcodeFormat.QRCode)
    assert [d.text for d in decoded] == [venue.checkin_url]


def test_a_venue_poster_png_carries_the_same_code(client_as, world):
    import io

    import zxingcpp
    from PIL import Image

    venue = world.venue("Chợ Lái Thiêu")
    response = client_as("community_team").get(f"/units/venues/{venue.pk}/poster.png")
    image = Image.open(io.BytesIO(response.content))
    assert image.size == (1240, 1748)
    assert [d.text for d in zxingcpp.read_barcodes(image, formats=zxingcpp.BarcodeFormat.QRCode)] == [venue.checkin_url]
