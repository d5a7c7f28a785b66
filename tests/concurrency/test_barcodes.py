"""Two teams scan the same tube at the same moment: one sample or pool is registered, the other team is told to
take a new tube, and the barcode names one thing only."""

from django.utils import timezone

from phongdich.core.testing import unit
from phongdich.labs.choices import SampleKind
from phongdich.labs.models import Barcode, Pool, Sample
from phongdich.labs.services import pool_open, sample_register
from phongdich.labs.services import samples as sample_services
from phongdich.labs.tests.factories import lab, residents

CHECK = (sample_services, "_barcode_free")
TAKEN = "Mã vạch LT-2111-0042 đã được dùng; hãy lấy ống mới."


def _sample(team, person, barcode="LT-2111-0042"):
    return lambda: sample_register(
        actor=team, person=person, kind=SampleKind.RT_PCR, barcode=barcode, lab=lab(), sampled_at=timezone.now()
    )


def _pool(team, barcode="LT-2111-0042"):
    return lambda: pool_open(actor=team, barcode=barcode, lab=lab(), unit=unit("25966-01"))


def test_four_samples_scanned_with_one_barcode_at_once_register_one(seeded, race):
    team = seeded.user("community_team")
    people = residents(team, 4)
    outcome = race([_sample(team, person) for person in people], check=CHECK)
    assert len(outcome.results) == 1
    assert outcome.refusals() == [TAKEN] * 3
    assert Sample.objects.filter(barcode="LT-2111-0042").count() == 1


def test_a_sample_and_a_pool_scanned_with_one_barcode_at_once_are_not_both_created(seeded, race):
    team = seeded.user("community_team")
    (person,) = residents(team, 1)
    outcome = race([_sample(team, person), _pool(team)], check=CHECK)
    assert len(outcome.results) == 1
    assert outcome.refusals() == [TAKEN]
    created = [*Sample.objects.filter(barcode="LT-2111-0042"), *Pool.objects.filter(barcode="LT-2111-0042")]
    assert created == outcome.results
    assert Barcode.objects.get(code="LT-2111-0042").kind == type(outcome.results[0]).__name__.lower()


def test_two_pools_opened_with_one_barcode_at_once_open_one(seeded, race):
    team = seeded.user("community_team")
    outcome = race([_pool(team), _pool(team)], check=CHECK)
    assert len(outcome.results) == 1
    assert outcome.refusals() == [TAKEN]
    assert Pool.objects.filter(barcode="LT-2111-0042").count() == 1


def test_the_api_answers_the_team_that_came_second_422_not_500(seeded, race):
    from django.test import Client

    from phongdich.accounts.services import api_token_create

    team = seeded.user("community_team")
    people = residents(team, 3)
    _token, plain = api_token_create(actor=team, user=team, name="máy quét")
    body = {"kind": "rt_pcr", "barcode": "LT-2111-0042", "lab_id": lab().pk, "sampled_at": timezone.now().isoformat()}

    def post(person):
        client = Client(headers={"Authorization": f"Bearer {plain}"})
        json = body | {"person_id": person.pk}
        return lambda: client.post("/api/v1/testing/samples", json, content_type="application/json")

    outcome = race([post(person) for person in people], check=CHECK)
    assert not outcome.errors
    assert sorted(response.status_code for response in outcome.results) == [201, 422, 422]
    refused = [response.json() for response in outcome.results if response.status_code == 422]
    assert all(body["fields"] == {"barcode": [TAKEN]} for body in refused)
