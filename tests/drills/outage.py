"""Outages for the fault drills, simulated on this process's own connections.

A shared service (PostgreSQL, Redis, RabbitMQ, a mail server) is never stopped:
other engineers and CI runs use it at the same time. Instead a drill points this
process at a port nobody listens on, kills its own database connection, or stops a
process it started itself. `scripts/bench.py` uses `redis_down` too.
"""

from __future__ import annotations

import contextlib
import os
import runpy
import socket
import time
import uuid
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any
from unittest import mock

import pytest

REQUIRE_SERVICES = os.environ.get("REQUIRE_SERVICES") == "1"
SETTINGS_FILE = Path(__file__).resolve().parents[2] / "municipal_order" / "settings.py"


def need(condition: bool, what: str) -> None:
    """Skip a drill whose service is not configured; under REQUIRE_SERVICES=1 (CI) fail."""
    if condition:
        return
    if REQUIRE_SERVICES:
        pytest.fail(f"REQUIRE_SERVICES=1 but {what}")
    pytest.skip(f"{what} (set it to run this drill)")


def closed_port() -> int:
    """A local TCP port nobody listens on: bound by the kernel's choice, then released."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@contextlib.contextmanager
def silent_port() -> Iterator[int]:
    """A local port that accepts TCP connections and never answers: a hung Redis."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        sock.listen(64)  # the kernel completes handshakes; nobody reads or writes
        yield sock.getsockname()[1]


def production_celery_conf(broker_url: str) -> dict[str, Any]:
    """The Celery settings settings.py computes for CELERY_BROKER_URL=`broker_url`,
    as the app's lower-case keys.

    The drill must exercise what production runs (result backend, retry policies,
    timeouts), not the test settings, which run tasks eagerly without any backend.
    """
    env = {k: v for k, v in os.environ.items() if k != "CELERY_RESULT_BACKEND"}
    env["CELERY_BROKER_URL"] = broker_url
    with mock.patch.dict(os.environ, env, clear=True):
        computed = runpy.run_path(str(SETTINGS_FILE), run_name="drill_settings")
    return {
        key.removeprefix("CELERY_").lower(): value
        for key, value in computed.items()
        if key.startswith("CELERY_") and key != "CELERY_BEAT_SCHEDULE"
    }


def forget_connections(app: Any) -> None:
    """Drop the app's cached producer pools and result backend (without closing them:
    kombu shares pools process-wide), so the next send uses the current settings."""
    app._pool = None
    app.amqp._producer_pool = None
    app._backend_cache = None
    if hasattr(app._local, "backend"):
        del app._local.backend


@contextlib.contextmanager
def celery_conf(app: Any, overrides: dict[str, Any]) -> Iterator[None]:
    """Apply `overrides` to the app's configuration; put every key back on exit."""
    saved = {key: app.conf.get(key) for key in overrides}
    forget_connections(app)
    for key, value in overrides.items():
        setattr(app.conf, key, value)
    try:
        yield
    finally:
        for key, value in saved.items():
            setattr(app.conf, key, value)
        forget_connections(app)


@contextlib.contextmanager
def redis_down(app: Any, *, port: int | None = None) -> Iterator[str]:
    """This process sees Redis as down: the app configured as production would be with
    its broker (and so its result backend) at a closed local port (or `port`), tasks
    not eager.

    Only publishing is redirected: an in-process worker started before keeps its own
    connection, like a worker on another host that the web server cannot reach.
    """
    dead = f"redis://127.0.0.1:{port or closed_port()}/0"
    overrides = production_celery_conf(dead)
    # Publishing goes to the dead port; the read side stays, for a worker already running.
    del overrides["broker_url"]
    overrides.update(broker_write_url=dead, task_always_eager=False)
    # A worker fixture may have isolated the queues with a key prefix: keep it, so
    # that publishing after the outage lands where that worker listens.
    live_options = app.conf.get("broker_transport_options") or {}
    if "global_keyprefix" in live_options:
        overrides["broker_transport_options"] = {
            **overrides["broker_transport_options"],
            "global_keyprefix": live_options["global_keyprefix"],
        }
    with celery_conf(app, overrides):
        yield dead


@contextlib.contextmanager
def isolated_queues(app: Any) -> Iterator[str]:
    """Give this drill its own Redis keys (kombu's `global_keyprefix`).

    The broker's Redis database is shared by every test run on the machine; without a
    prefix another run's worker could take this drill's tasks, or this drill's worker
    theirs. The drill's keys are deleted afterwards.
    """
    prefix = f"drill-{uuid.uuid4().hex[:12]}:"
    options = {**(app.conf.get("broker_transport_options") or {}), "global_keyprefix": prefix}
    try:
        with celery_conf(app, {"broker_transport_options": options, "task_always_eager": False}):
            yield prefix
    finally:
        import redis

        client = redis.Redis.from_url(app.conf.broker_url, socket_connect_timeout=2)
        keys = list(client.scan_iter(match=f"{prefix}*", count=500))
        if keys:
            client.delete(*keys)


def wait_for(check: Callable[[], bool], *, timeout: float, what: str) -> float:
    """Poll `check` until true; the seconds it took. Fails the drill after `timeout`."""
    started = time.monotonic()
    while not check():
        if time.monotonic() - started > timeout:
            pytest.fail(f"gave up after {timeout:.0f} s waiting for {what}")
        time.sleep(0.1)
    return time.monotonic() - started


@contextlib.contextmanager
def timed() -> Iterator[list[float]]:
    """`with timed() as took: …` → took[0] is the block's wall time in seconds."""
    took: list[float] = []
    started = time.perf_counter()
    try:
        yield took
    finally:
        took.append(time.perf_counter() - started)
