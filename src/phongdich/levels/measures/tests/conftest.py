import pytest

from phongdich.levels.models import MeasureRules

from .world import PRE_128, RESOLUTION_128


@pytest.fixture
def pre_128(db):
    """Quảng Ninh's directive of 3/2020 (seed 003): the same rules at every level."""
    return MeasureRules.objects.get(effective_from=PRE_128)


@pytest.fixture
def resolution_128(db):
    """Resolution 128/NQ-CP's annex with the province's numbers, in force since 11/10/2021."""
    return MeasureRules.objects.get(effective_from=RESOLUTION_128)
