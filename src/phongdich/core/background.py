"""Running a service in the background after the transaction that asked for it commits.

A service marks the functions it hands to the worker with `@in_background` and asks for a run with
`run_later(function, *args)`; the one task, `run_in_background`, calls them back by their dotted path. So an
app's services and importers need no tasks module importing them back: no import cycles between them.

The contract a background function keeps: it may be called again with the same arguments after the worker
running it died (killed, stopped, the machine restarted), so it is idempotent and resumes where its last
committed step ended. When a run is given up for good (it died too often), the function's `gave_up` hook,
if it has one, is called with the same arguments and the error, so the work's own record can say so
(`@in_background(gave_up=result_import_gave_up)`).
"""

from collections.abc import Callable
from typing import Any, overload

from django.db import transaction
from django.tasks import task
from django.utils.module_loading import import_string

MARK = "_runs_in_background"
GAVE_UP = "_background_gave_up"


@overload
def in_background[F: Callable[..., Any]](function: F) -> F: ...
@overload
def in_background[F: Callable[..., Any]](*, gave_up: Callable[..., Any] | None = None) -> Callable[[F], F]: ...
def in_background(function=None, *, gave_up=None):
    def mark(function):
        setattr(function, MARK, True)
        setattr(function, GAVE_UP, gave_up)
        return function

    return mark(function) if function is not None else mark


def run_later(function: Callable[..., Any], *args: Any) -> None:
    """Queue `function(*args)` once the current transaction commits (at once outside one)."""
    if not getattr(function, MARK, False):
        raise ValueError(f"{function.__qualname__} is not marked @in_background")
    path = f"{function.__module__}.{function.__qualname__}"

    transaction.on_commit(lambda: run_in_background.enqueue(path, list(args)))


def marked(path: str) -> Callable[..., Any]:
    """The function a queued task names; only functions the code marked can be named."""
    function = import_string(path)
    if not getattr(function, MARK, False):
        raise ValueError(f"{path} is not marked @in_background")
    return function


@task
def run_in_background(path: str, args: list[Any]) -> None:
    marked(path)(*args)
