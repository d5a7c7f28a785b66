from datetime import timedelta

import pytest
from django.core import signing
from django.utils import timezone

from phongdich.core.models import AuditEvent
from phongdich.surveillance.models import CheckIn
from phongdich.surveillance.services import checkin_batch_ingest


def at(minutes_ago: int) -> str:
    return (timezone.now() - timedelta(minutes=minutes_ago)).isoformat()


@pytest.fixture
def market(world):
    return world.venue("Chợ Lái Thiêu")


def item(client_id, market, **overrides):
    return {
        "client_id": client_id,
        "venue_token": market.qr_token,
        "id_number": "074186123456",
        "checked_in_at": at(30),
        **overrides,
    }


def test_a_scanner_batch_is_stored_and_each_item_answered(world, market):
    results = checkin_batch_ingest(
        actor=world.user("commune_officer"),
        items=[
            item("dev1-0001", market),
            item("dev1-0002", market, id_number="", phone="0912 345 678", checked_out_at=at(5)),
        ],
    )
    assert [r.status for r in results] == ["accepted", "accepted"]
    hang = world.person("Nguyễn Thị Hằng", "25966")
    stored = CheckIn.objects.filter(client_id__startswith="dev1-").order_by("client_id")
    assert [c.person_id for c in stored] == [hang.pk, hang.pk]
    assert stored[0].unit == market.unit and stored[1].checked_out_at is not None
    assert AuditEvent.objects.filter(object_type="surveillance.checkin", detail__accepted=2).exists()


def test_a_retried_batch_stores_nothing_twice(world, market):
    officer = world.user("commune_officer")
    one = item("dev1-0001", market)
    batch = [one, dict(one)]
    assert [r.status for r in checkin_batch_ingest(actor=officer, items=batch)] == ["accepted", "duplicate"]
    assert [r.status for r in checkin_batch_ingest(actor=officer, items=batch)] == ["duplicate", "duplicate"]
    assert CheckIn.objects.filter(client_id="dev1-0001").count() == 1


def test_every_bad_item_gets_its_own_reason_and_the_good_ones_land(world, market):
    forged = signing.Signer(salt="something else").sign(market.key)
    results = checkin_batch_ingest(
        actor=world.user("commune_officer"),
        items=[
            item("ok", market),
            item("forged", market, venue_token=forged),
            item("unknown-venue", market, venue_token=signing.Signer(salt="phongdich.places.venue").sign("nope")),
            item("nobody", market, id_number="", phone=""),
            item("unknown-person", market, id_number="074199000001"),
            item("bad-number", market, id_number="12"),
            item("future", market, checked_in_at=(timezone.now() + timedelta(hours=2)).isoformat()),
            item("ancient", market, checked_in_at=(timezone.now() - timedelta(days=90)).isoformat()),
            item("garbled", market, checked_in_at="yesterday"),
            item("out-before-in", market, checked_out_at=at(60)),
            {"venue_token": market.qr_token},
            "not an object",
        ],
    )
    assert [(r.client_id, r.code) for r in results] == [
        ("ok", ""),
        ("forged", "venue_token_forged"),
        ("unknown-venue", "venue_unknown"),
        ("nobody", "person_missing"),
        ("unknown-person", "person_unknown"),
        ("bad-number", "person_number_invalid"),
        ("future", "time_in_future"),
        ("ancient", "time_too_old"),
        ("garbled", "time_invalid"),
        ("out-before-in", "checkout_before_checkin"),
        ("", "client_id_missing"),
        ("", "client_id_missing"),
    ]
    assert list(CheckIn.objects.values_list("client_id", flat=True)) == ["ok"]


def test_a_venue_outside_the_jurisdiction_is_refused(world, market):
    results = checkin_batch_ingest(actor=world.user("other_commune"), items=[item("x", market)])
    assert results[0].code == "venue_outside_jurisdiction"
    assert not CheckIn.objects.exists()


def test_a_phone_shared_by_two_people_is_not_enough(world, market):
    from phongdich.people.services import person_create

    person_create(
        actor=world.user("commune_officer"),
        full_name="Nguyễn Văn Tâm",
        birth_year=1984,
        phone="0912345678",
        unit=world.unit("25966-01"),
    )
    results = checkin_batch_ingest(
        actor=world.user("commune_officer"), items=[item("x", market, id_number="", phone="0912345678")]
    )
    assert results[0].code == "person_ambiguous"


def test_the_batch_api_answers_per_item_and_refuses_oversized_batches(api_as, world, market):
    client = api_as("commune_officer")
    response = client.post(
        "/api/v1/checkins/batch",
        {"items": [item("api-1", market), item("api-2", market, id_number="1")]},
        content_type="application/json",
    )
    assert response.status_code == 200
    body = response.json()
    assert (body["accepted"], body["rejected"]) == (1, 1)
    assert body["results"][1]["code"] == "person_number_invalid"
    from phongdich.surveillance.api import CheckInBatchOut

    assert CheckInBatchOut.model_validate(body).model_dump(mode="json") == body  # sent without re-validation
    too_many = client.post(
        "/api/v1/checkins/batch",
        {"items": [item(f"n{i}", market) for i in range(1001)]},
        content_type="application/json",
    )
    assert too_many.status_code == 422


def test_roles_without_the_right_to_record_check_ins_are_refused(api_as, world, market):
    response = api_as("analyst").post(
        "/api/v1/checkins/batch", {"items": [item("a", market)]}, content_type="application/json"
    )
    assert response.status_code == 403 and response.json()["code"] == "forbidden"
    assert not CheckIn.objects.exists()


def post_batch(client, items):
    response = client.post("/api/v1/checkins/batch", {"items": items}, content_type="application/json")
    assert response.status_code == 200
    return response.json()


def test_two_devices_counting_from_one_both_have_their_check_ins_stored(api_as, world, market):
    gate, kiosk = api_as("commune_officer"), api_as("commune_officer")  # a token each
    first = post_batch(gate, [item("000001", market)])
    second = post_batch(kiosk, [item("000001", market, id_number="", phone="0912 345 678", checked_in_at=at(10))])
    assert (first["accepted"], second["accepted"]) == (1, 1)
    assert CheckIn.objects.filter(client_id="000001").count() == 2


def test_a_client_id_resent_with_other_content_is_a_conflict_and_the_first_stays(api_as, world, market):
    gate = api_as("commune_officer")
    original = item("000001", market)
    post_batch(gate, [original])
    body = post_batch(gate, [dict(original), {**original, "checked_in_at": at(3)}])
    assert [r["status"] for r in body["results"]] == ["duplicate", "conflict"]
    assert body["results"][1]["code"] == "client_id_conflict" and body["conflict"] == 1
    assert body["results"][1]["message"] == "Mã của thiết bị này đã được dùng cho một lượt quét khác."
    stored = CheckIn.objects.get(client_id="000001")
    assert stored.checked_in_at.isoformat() == original["checked_in_at"]


def test_a_retry_of_a_check_in_older_than_the_age_limit_is_still_a_duplicate(world, market, settings):
    officer = world.user("commune_officer")
    old = item("dev1-0009", market, checked_in_at=at(60))
    checkin_batch_ingest(actor=officer, items=[old])
    settings.PHONGDICH_CHECKIN_MAX_AGE_DAYS = 0
    assert checkin_batch_ingest(actor=officer, items=[old])[0].status == "duplicate"


def test_a_batch_whose_items_another_upload_stored_first_is_not_told_accepted(world, market, monkeypatch):
    from phongdich.surveillance.services import checkins

    real_insert = checkins.insert_new

    def other_upload_commits_first(model, columns, rows, unique):
        real_insert(model, columns, rows, unique)  # the same batch, sent at once from a second client
        return real_insert(model, columns, rows, unique)

    monkeypatch.setattr(checkins, "insert_new", other_upload_commits_first)
    results = checkin_batch_ingest(actor=world.user("commune_officer"), items=[item("dev1-0001", market)])
    assert results[0].status == "duplicate"
    assert AuditEvent.objects.filter(object_type="surveillance.checkin", detail__duplicate=1).exists()
