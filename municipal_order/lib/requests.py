"""The id of the request being served: echoed in the response, in log lines and audit rows.

Lives in the shared library (not the middleware) so that apps below the project
package can read it without importing the project.
"""

from __future__ import annotations

import contextlib
import contextvars
import re
import uuid
from collections.abc import Iterator

_request_id: contextvars.ContextVar[str] = contextvars.ContextVar("request_id", default="-")
_VALID = re.compile(r"^[A-Za-z0-9-]{8,64}$")


def current_request_id() -> str:
    """The current request's id, or "-" outside a request (tasks, commands)."""
    return _request_id.get()


def accepted_request_id(incoming: str) -> str:
    """A proxy's id when it looks like one (never echo arbitrary input), else a new one."""
    return incoming if _VALID.match(incoming) else uuid.uuid4().hex


@contextlib.contextmanager
def serving(request_id: str) -> Iterator[None]:
    token = _request_id.set(request_id)
    try:
        yield
    finally:
        _request_id.reset(token)
