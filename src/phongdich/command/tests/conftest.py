from datetime import timedelta

import pytest

from phongdich.core import clock

from ..figures import figures_rebuild
from .world import build_week


@pytest.fixture
def week(world):
    """The week entered and counted; the clock stays on its last day."""
    days = build_week(world)
    figures_rebuild(since=days[0] - timedelta(days=14), until=days[-1])
    yield days
    clock.use(None)
