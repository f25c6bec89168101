from __future__ import annotations

import pytest
from django.db.utils import OperationalError

from tests.conftest import broker_unreachable


@pytest.mark.django_db
def test_healthz_reports_database_and_broker(client):
    response = client.get("/healthz")
    assert response.status_code == 200
    data = response.json()
    assert data["status"] == "ok"
    assert data["database"] == "ok"
    assert data["broker"] in {"ok", "eager"}
    assert response["Cache-Control"].startswith("max-age=0")


@pytest.mark.django_db
def test_healthz_worker_roundtrip_in_eager_mode(client):
    data = client.get("/healthz?worker=1").json()
    assert data["worker"] == "ok"


@pytest.mark.django_db
def test_healthz_is_503_when_the_database_fails(client, monkeypatch):
    from municipal_order import views

    def broken_cursor():
        raise OperationalError("connection refused")

    monkeypatch.setattr(views.connection, "cursor", broken_cursor)
    response = client.get("/healthz")
    assert response.status_code == 503
    assert response.json()["database"] == "error"


@pytest.mark.django_db
def test_healthz_is_503_when_the_broker_is_unreachable(client):
    from municipal_order.celery import app

    app.conf.task_always_eager = False
    try:
        with broker_unreachable(app):
            response = client.get("/healthz")
    finally:
        app.conf.task_always_eager = True
    assert response.status_code == 503
    assert response.json()["broker"] == "error"


def test_healthz_rejects_post(client):
    assert client.post("/healthz").status_code == 405
