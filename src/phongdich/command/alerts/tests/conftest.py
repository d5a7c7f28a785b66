import pytest

from ..services import alert_rules_default
from .world import pin_clock


@pytest.fixture
def rules(world):
    """The default rules, on the domain's clock of 15/9/2021."""
    pin_clock()
    alert_rules_default()
    return world


@pytest.fixture
def in_english():
    """The services' messages as written (in English), whatever the Vietnamese catalogue holds."""
    from django.utils import translation

    with translation.override("en"):
        yield
