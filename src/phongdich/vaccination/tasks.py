"""Background work. Enqueued on commit by the services; the TASKS setting chooses where it runs."""

from django.tasks import task


@task
def run_dose_import(import_id: int) -> int:
    """Import a file of doses from the national platform; returns the number of doses added."""
    from .importers import dose_import_run

    return dose_import_run(import_id).added


@task
def run_coverage_refresh() -> int:
    """Rebuild the coverage figures (after an import added doses); returns the residents counted."""
    from .services import coverage_refresh

    return coverage_refresh().residents
