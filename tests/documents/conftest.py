from __future__ import annotations

import io

import pytest

from tests.conftest import broker_unreachable


def pdf_text(data: bytes) -> str:
    from pypdf import PdfReader

    reader = PdfReader(io.BytesIO(data))
    return "\n".join(page.extract_text() for page in reader.pages)


@pytest.fixture
def broker_down():
    """Celery as in production (not eager) with a broker nobody listens on."""
    from municipal_order.celery import app

    app.conf.task_always_eager = False
    try:
        with broker_unreachable(app):
            yield app
    finally:
        app.conf.task_always_eager = True
