import pytest

from .world import build


@pytest.fixture
def directives(world, settings, tmp_path):
    """The bodies, the province's directive of September 2021 and its two tasks (tests/world.py); uploads go to a
    temporary folder."""
    settings.MEDIA_ROOT = tmp_path
    return build()


@pytest.fixture
def in_english():
    """The services' messages as written (in English), whatever the Vietnamese catalogue holds."""
    from django.utils import translation

    with translation.override("en"):
        yield
