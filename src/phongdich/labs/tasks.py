"""Background work. Enqueued on commit by the services; the TASKS setting chooses where it runs."""

from django.tasks import task


@task
def run_result_import(import_id: int) -> int:
    """Import a lab's result file; returns the number of results applied."""
    from .importers import result_import_run

    return result_import_run(import_id).applied
