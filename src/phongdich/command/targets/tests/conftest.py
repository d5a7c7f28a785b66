import pytest

from .world import pin_clock


@pytest.fixture
def dated(world):
    """The shared world on the domain's clock of 10/12/2021."""
    pin_clock()
    return world


@pytest.fixture
def in_english():
    """The services' messages as written (in English), whatever the Vietnamese catalogue holds."""
    from django.utils import translation

    with translation.override("en"):
        yield
