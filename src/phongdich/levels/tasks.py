"""The levels' periodic work: the weekly inputs kept fresh, and each Monday a proposal for the week just ended."""

from phongdich.core import clock
from phongdich.core.background import every, in_background
from phongdich.places.models import AdminUnit

from .inputs import inputs_refresh
from .models import Assessment
from .services import assessment_run
from .weeks import last_full_week


@every(minutes=60)
@in_background
def levels_hourly() -> None:
    """Count new cases and doses into the weekly inputs; once the week has ended, propose its levels."""
    inputs_refresh()
    today = clock.today()
    week = last_full_week(today)
    if AdminUnit.objects.exists() and not Assessment.objects.filter(week=week).exists():
        assessment_run(actor="phongdich levels", on=today)
