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
    batch = [item("dev1-0001", market), item("dev1-0001", market)]
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
