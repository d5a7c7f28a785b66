import pytest


@pytest.fixture
def in_english():
    """The services' messages as written (in English), whatever the Vietnamese catalogue holds."""
    from django.utils import translation

    with translation.override("en"):
        yield


@pytest.fixture
def shift(world):
    """Lái Thiêu's shift on duty now, led by its commune officer."""
    from .world import opened

    return opened()
