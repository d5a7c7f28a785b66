"""A background function for the tests that kill workers: it works in steps, each one a transaction that takes
a while and records itself, and resumes after the last recorded step."""

import time

from django.db import transaction

from phongdich.core.background import in_background
from phongdich.core.choices import AuditAction
from phongdich.core.models import AuditEvent

STEP = "slow_work_step"
GAVE_UP = "slow_work_gave_up"
PROVINCE = "74"  # Bình Dương


def steps_done(key: str, using: str = "default") -> list[int]:
    events = AuditEvent.objects.using(using).filter(object_type=STEP, object_id=key)
    return sorted(event.detail["step"] for event in events)


def slow_work_gave_up(key: str, steps: int, seconds: float, *, error: str) -> None:
    AuditEvent.objects.create(
        actor_label="worker",
        unit_path=PROVINCE,
        action=AuditAction.IMPORT,
        object_type=GAVE_UP,
        object_id=key,
        detail={"error": error},
    )


@in_background(gave_up=slow_work_gave_up)
def slow_work(key: str, steps: int, seconds: float) -> None:
    for step in range(len(steps_done(key)), steps):
        with transaction.atomic():
            time.sleep(seconds)
            AuditEvent.objects.create(
                actor_label="worker",
                unit_path=PROVINCE,
                action=AuditAction.IMPORT,
                object_type=STEP,
                object_id=key,
                detail={"step": step},
            )
