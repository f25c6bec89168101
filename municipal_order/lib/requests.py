"""The id of the request being served (echoed in the response, in log lines and audit
rows) and the client's address (brute-force protection counts failures by it).

Lives in the shared library (not the middleware) so that apps below the project
package can read it without importing the project.
"""

from __future__ import annotations

import contextlib
import contextvars
import ipaddress
import logging
import re
import uuid
from collections.abc import Iterator

from django.conf import settings
from django.http import HttpRequest

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


def client_ip(request: HttpRequest) -> str | None:
    """The client's address: REMOTE_ADDR, or behind the reverse proxy (`BEHIND_PROXY`)
    the last X-Forwarded-For entry, the one the proxy itself appended. Entries to its
    left come from the client and are never trusted. None when it is not an address."""
    raw = request.META.get("REMOTE_ADDR") or ""
    if getattr(settings, "BEHIND_PROXY", False):
        forwarded = request.META.get("HTTP_X_FORWARDED_FOR", "")
        if forwarded.strip():
            raw = forwarded.split(",")[-1]
    try:
        return ipaddress.ip_address(raw.strip()).compressed
    except ValueError:
        return None


class RequestIdLogFilter(logging.Filter):
    """Adds the request id to every log record (configured in settings.LOGGING, which
    must not import anything that needs the app registry)."""

    def filter(self, record: logging.LogRecord) -> bool:
        record.request_id = current_request_id()
        return True


class ExpectedRefusalFilter(logging.Filter):
    """A 403 logged by Django keeps its one line but loses the traceback: refusing a
    weak role or a sealed bid is the portal working, not a fault to debug."""

    def filter(self, record: logging.LogRecord) -> bool:
        if getattr(record, "status_code", None) == 403:
            record.exc_info = None
            record.exc_text = None
        return True
