import pytest

from phongdich.core import clock

from .world import ASSESSED_ON, build_levels_world


@pytest.fixture
def levels_world(world):
    build_levels_world(world.user("province_commander"))
    clock.use(ASSESSED_ON)
    return world
