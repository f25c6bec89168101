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
