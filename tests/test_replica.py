"""The read replica is opt-in: reporting reads name it only when it is configured, and
the router keeps everything else on the primary."""

from __future__ import annotations

from django.test import override_settings

from municipal_order.lib.db import PrimaryOnlyRouter, reporting


def test_reporting_reads_the_primary_without_a_replica(settings):
    assert "replica" not in settings.DATABASES
    assert reporting() == "default"


def test_reporting_reads_the_replica_when_one_is_configured(settings):
    with override_settings(
        DATABASES={**settings.DATABASES, "replica": dict(settings.DATABASES["default"])}
    ):
        assert reporting() == "replica"


def test_the_router_keeps_reads_writes_and_migrations_on_the_primary():
    router = PrimaryOnlyRouter()
    assert router.db_for_read(object) == "default"
    assert router.db_for_write(object) == "default"
    assert router.allow_migrate("default", "competitions") is True
    assert router.allow_migrate("replica", "competitions") is False


def test_the_ministrys_figures_and_downloads_read_through_reporting(monkeypatch):
    """Every queryset behind a dashboard figure and a download names `reporting()`."""
    from opendata import dashboards, exports
    from opendata.dashboards import Filters, Scope

    monkeypatch.setattr(dashboards, "reporting", lambda: "replica")
    monkeypatch.setattr(exports, "reporting", lambda: "replica")
    scope, filters = Scope(), Filters()
    for make in (dashboards.problems, dashboards.calls, dashboards.bids, dashboards.awards):
        assert make(scope, filters).db == "replica"
    assert dashboards.projects(scope, filters).db == "replica"
    assert dashboards.overdue_appeals(scope).db == "replica"
    for dataset in exports.DATASETS.values():
        assert dataset.rows(scope, filters, "").db == "replica", dataset.key


def test_the_ocds_packages_read_through_reporting(monkeypatch):
    import datetime

    from opendata import selectors

    monkeypatch.setattr(selectors, "reporting", lambda: "replica")
    assert selectors._ocds_calls().db == "replica"
    day = datetime.date(2026, 1, 1)
    assert selectors.published_between(day, day).db == "replica"
