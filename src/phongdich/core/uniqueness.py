"""Unique rules: a service checks them first for a clear message, and the database holds them when two requests
pass that check at the same moment."""

from collections.abc import Callable, Iterator
from contextlib import contextmanager

from django.db import IntegrityError, transaction


@contextmanager
def first_writer_wins(recheck: Callable[[], None]) -> Iterator[None]:
    """Run the inserts in the block under a savepoint; `recheck` is the service's own pre-check.

    Two writers can both pass a pre-check before either commits; the database then refuses the second insert
    on its unique constraint. That writer's pre-check is run again, after the winner's commit, so it now raises
    the same ValidationError as a writer who came second by seconds instead of milliseconds. If the re-check
    still passes, the conflict is one it does not know about and the IntegrityError stands (the API answers 409).
    """
    try:
        with transaction.atomic():
            yield
    except IntegrityError:
        recheck()
        raise


def created_once[T](create: Callable[[], T], existing: Callable[[], T | None]) -> tuple[T, bool]:
    """`create()` under a savepoint -> (row, True); when the database refuses it because another writer has
    just stored the same idempotency key (a retry racing its original), that writer's row -> (row, False)."""
    try:
        with transaction.atomic():
            return create(), True
    except IntegrityError:
        found = existing()
        if found is None:
            raise
        return found, False
