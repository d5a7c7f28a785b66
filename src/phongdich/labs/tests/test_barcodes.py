"""A barcode names one sample or one pool: the registry holds it even when the pre-check ran before another
team's tube was stored (tests/concurrency races it for real on PostgreSQL)."""

import pytest
from django.core.exceptions import ValidationError

from phongdich.core.testing import unit

from ..models import Barcode, Pool
from ..services import pool_open
from ..services import samples as sample_services
from .factories import individual, lab, residents

pytestmark = pytest.mark.django_db


@pytest.fixture
def check_ran_too_early(monkeypatch):
    """The first barcode check passes as if the other team's tube were not stored yet; later ones are real."""
    real = sample_services._barcode_free
    calls = []

    def stale_then_real(barcode: str) -> None:
        calls.append(barcode)
        if len(calls) > 1:
            real(barcode)

    monkeypatch.setattr(sample_services, "_barcode_free", stale_then_real)
    return calls


def test_every_sample_and_pool_registers_its_barcode(world):
    team = world.user("community_team")
    sample = individual(team, residents(team, 1)[0], barcode="LT-2111-0001", receive=False)
    pool = pool_open(actor=team, barcode="LT-P2111-0001", lab=lab(), unit=unit("25966-01"))
    assert (sample.tube.code, sample.tube.kind) == ("LT-2111-0001", "sample")
    assert (pool.tube.code, pool.tube.kind) == ("LT-P2111-0001", "pool")


def test_a_pool_given_a_samples_barcode_after_a_stale_check_is_refused_with_the_clear_message(
    world, check_ran_too_early
):
    team = world.user("community_team")
    individual(team, residents(team, 1)[0], barcode="LT-2111-0042", receive=False)
    with pytest.raises(ValidationError) as refused:
        pool_open(actor=team, barcode="LT-2111-0042", lab=lab(), unit=unit("25966-01"))
    assert refused.value.message_dict == {"barcode": ["Mã vạch LT-2111-0042 đã được dùng; hãy lấy ống mới."]}
    assert check_ran_too_early == ["LT-2111-0042", "LT-2111-0042"]  # the check, then the re-check
    assert not Pool.objects.filter(barcode="LT-2111-0042").exists()
    assert Barcode.objects.get(code="LT-2111-0042").kind == "sample"


def test_a_sample_given_a_pools_barcode_after_a_stale_check_is_refused(world, check_ran_too_early):
    team = world.user("community_team")
    pool_open(actor=team, barcode="LT-P2111-0042", lab=lab(), unit=unit("25966-01"))
    with pytest.raises(ValidationError, match="LT-P2111-0042 đã được dùng"):
        individual(team, residents(team, 1)[0], barcode="LT-P2111-0042", receive=False)


def test_a_conflict_no_check_names_answers_409_through_the_api(world, api_as, monkeypatch):
    team = world.user("community_team")
    individual(team, residents(team, 1)[0], barcode="LT-2111-0043", receive=False)
    monkeypatch.setattr(sample_services, "_barcode_free", lambda barcode: None)
    body = {"barcode": "LT-2111-0043", "lab_id": lab().pk, "unit_id": unit("25966-01").pk}
    response = api_as("community_team").post("/api/v1/testing/pools", body, content_type="application/json")
    assert response.status_code == 409
    assert response.json() == {
        "code": "conflict",
        "message": "Một yêu cầu khác vừa ghi bản ghi này; hãy tải lại và kiểm tra.",
        "fields": {},
    }
    assert Barcode.objects.get(code="LT-2111-0043").kind == "sample"
