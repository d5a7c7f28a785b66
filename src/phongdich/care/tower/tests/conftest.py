import pytest

from ...tests.reporting import warning_rules  # noqa: F401
from .world import build_tower


@pytest.fixture
def tower(world):
    return build_tower()
