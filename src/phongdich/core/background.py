"""Running a service in the background after the transaction that asked for it commits.

A service marks the functions it hands to the worker with `@in_background` and asks for a run with
`run_later(function, *args)`; the one task, `run_in_background`, calls them back by their dotted path. So an
app's services and importers need no tasks module importing them back: no import cycles between them.
"""

from collections.abc import Callable
from typing import Any

from django.db import transaction
from django.tasks import task
from django.utils.module_loading import import_string

MARK = "_runs_in_background"


def in_background[F: Callable[..., Any]](function: F) -> F:
    setattr(function, MARK, True)
    return function


def run_later(function: Callable[..., Any], *args: Any) -> None:
    """Queue `function(*args)` once the current transaction commits (at once outside one)."""
    if not getattr(function, MARK, False):
        raise ValueError(f"{function.__qualname__} is not marked @in_background")
    path = f"{function.__module__}.{function.__qualname__}"

    transaction.on_commit(lambda: run_in_background.enqueue(path, list(args)))


@task
def run_in_background(path: str, args: list[Any]) -> None:
    function = import_string(path)
    if not getattr(function, MARK, False):  # the queue names only functions the code marked
        raise ValueError(f"{path} is not marked @in_background")
    function(*args)
