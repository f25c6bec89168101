"""The refusal every check raises, and reading an upload in chunks."""

from __future__ import annotations

import logging
from collections.abc import Iterator
from typing import IO, Any

from django.core.exceptions import ValidationError

MB = 1024 * 1024


CHUNK = MB


security_log = logging.getLogger("portal.security")


class UploadRejected(ValidationError):
    """A refused upload; ``detail`` says why in words for the log, never shown to users."""

    def __init__(self, message: Any, *, code: str, params: dict | None = None, detail: str = ""):
        super().__init__(message, code=code, params=params)
        self.detail = detail


def read_chunks(stream: IO[bytes]) -> Iterator[bytes]:
    stream.seek(0)
    while chunk := stream.read(CHUNK):
        yield chunk
