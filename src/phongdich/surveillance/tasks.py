"""Background work. Enqueued on commit by the services; the TASKS setting chooses where it runs."""

from django.tasks import task

from .models import Case


@task
def match_exposures(case_id: int) -> int:
    """Match a new case's check-ins against everyone else's; proposed contacts and levels follow."""
    from .services import SYSTEM_MATCHER, exposure_match_record

    case = Case.objects.select_related("person").filter(pk=case_id).first()
    if case is None:
        return 0
    return exposure_match_record(actor=SYSTEM_MATCHER, case=case)
