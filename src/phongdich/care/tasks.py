"""Care's periodic work, queued by the task workers (core.background.every): escalate the alerts nobody acknowledged
in time, raise the missed-report alerts, and escalate the transfers no facility accepted in time. `phongdich care
sweep` runs the same from cron."""

from phongdich.core.background import every, in_background

from .services.reports import alerts_escalate, missed_reports_sweep
from .tower.services.transfers import transfers_escalate

SWEEP_MINUTES = 5


@every(minutes=SWEEP_MINUTES)
@in_background
def care_sweep() -> dict[str, int]:
    return {
        "escalated": alerts_escalate(),
        "missed_reports": missed_reports_sweep(),
        "transfers_escalated": transfers_escalate(),
    }
