from __future__ import annotations

import io

import pytest


def pdf_text(data: bytes) -> str:
    from pypdf import PdfReader

    reader = PdfReader(io.BytesIO(data))
    return "\n".join(page.extract_text() for page in reader.pages)


@pytest.fixture
def broker_down():
    """Celery as in production (not eager) with a broker nobody listens on."""
    from municipal_order.celery import app

    old = app.conf.broker_url
    app.conf.task_always_eager = False
    app.conf.broker_url = "redis://127.0.0.1:1/0"
    yield app
    app.conf.broker_url = old
    app.conf.task_always_eager = True
