import pytest

from .world import build_reports_world


@pytest.fixture
def week(world):
    """The command centre's week of work in the test world, its daily figures rebuilt, and the clock on the day
    after it, so every day of the week has passed its cut-off hour."""
    return build_reports_world(world)
