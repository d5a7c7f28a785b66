"""Who is acting and in which request, for audit rows written anywhere below a view, command or task."""

import contextlib
import contextvars
import uuid
from dataclasses import dataclass


@dataclass(frozen=True)
class RequestContext:
    request_id: str
    ip: str | None


_current: contextvars.ContextVar[RequestContext | None] = contextvars.ContextVar("phongdich_request", default=None)


def current() -> RequestContext | None:
    return _current.get()


@contextlib.contextmanager
def request_context(ip: str | None = None, request_id: str | None = None):
    token = _current.set(RequestContext(request_id=request_id or str(uuid.uuid4()), ip=ip))
    try:
        yield _current.get()
    finally:
        _current.reset(token)
