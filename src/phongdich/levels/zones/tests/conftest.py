import pytest

from .world import declared


@pytest.fixture
def zone(world):
    """A red zone of Lái Thiêu's Khu phố 1, in force."""
    return declared()


@pytest.fixture
def in_english():
    """The services' messages as written (in English), whatever the Vietnamese catalogue holds."""
    from django.utils import translation

    with translation.override("en"):
        yield
