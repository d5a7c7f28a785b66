"""The demo's forecasts: last night's runs for the province and each district, and three scenarios the province's
commander drew up for the days from tomorrow: distancing for four weeks, 50,000 doses a day, a third more cases
found by testing (none in a demo province too small for a reliable Rt)."""

from dataclasses import dataclass
from datetime import datetime, time, timedelta

from django.utils import timezone

from phongdich.accounts.models import User
from phongdich.command.forecast.planning import ScenarioInput, scenario_save, starting_state_for
from phongdich.command.forecast.runs import forecasts_nightly
from phongdich.command.forecast.scenarios import CONTACTS, TESTING, VACCINATION, Intervention
from phongdich.command.forecast.series import SeriesError
from phongdich.core import clock
from phongdich.places.models import AdminUnit

COMMANDER = "tinh.chihuy"


@dataclass
class ForecastsResult:
    runs: int = 0
    scenarios: int = 0


def build_forecasts() -> ForecastsResult:
    result = ForecastsResult()
    result.runs = forecasts_nightly(timezone.make_aware(datetime.combine(clock.today(), time(3))))
    tomorrow = clock.today() + timedelta(days=1)
    plans = [
        (
            "Giãn cách theo Chỉ thị 16 trong 4 tuần",
            [Intervention(CONTACTS, tomorrow, tomorrow + timedelta(days=27), -0.4)],
        ),
        ("Tiêm 50.000 liều mỗi ngày", [Intervention(VACCINATION, tomorrow, None, 50_000)]),
        ("Xét nghiệm tìm thêm 30 % ca", [Intervention(TESTING, tomorrow, None, 0.3)]),
    ]
    commander = User.objects.get(username=COMMANDER)
    province = AdminUnit.objects.get(path=AdminUnit.root_path())
    try:
        starting_state_for(province)
    except SeriesError:
        return result  # a province this small has too few recent cases for a reliable Rt to start from
    for name, interventions in plans:
        scenario_save(actor=commander, unit=province, given=ScenarioInput(name, 90, interventions))
        result.scenarios += 1
    return result
