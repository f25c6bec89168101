"""A first visit (empty cache) of every page type transfers less than 200 KB.

The pages are served the way `make run` serves them: static files collected with their gzip and
brotli siblings into a STATIC_ROOT and answered by the project's whitenoise middleware
(lib/staticfiles.py), not by the uncompressed static handler of pytest-django's live_server.
What is summed is what Chromium received over the network for the document and every
subresource: the encoded body and the response headers (Playwright's request.sizes()).
"""

from __future__ import annotations

import pytest
from django.core.management import call_command
from django.db import connections
from django.test import override_settings
from django.test.testcases import LiveServerThread

from tests.browser.page_types import PERSONAS, build_world, pages, set_language, sign_in

pytestmark = pytest.mark.django_db(transaction=True)

BUDGET = 200 * 1024
# As make run and production: collectstatic writes .gz and .br (whitenoise[brotli]).
STATIC_STORAGE = {"BACKEND": "whitenoise.storage.CompressedStaticFilesStorage"}


@pytest.fixture(scope="session")
def collected_static(tmp_path_factory):
    """STATIC_ROOT as `make run` leaves it. The admin and source maps, which no measured page
    loads, are left out to save time; a page that did load one would get it uncompressed from
    the finders, so leaving them out can only make a page heavier, never lighter."""
    root = tmp_path_factory.mktemp("static-root")
    with override_settings(
        STATIC_ROOT=root, STORAGES={**_storages(), "staticfiles": STATIC_STORAGE}
    ):
        call_command(
            "collectstatic", interactive=False, verbosity=0, ignore_patterns=["admin", "*.map"]
        )
    return root


def _storages():
    from django.conf import settings

    return settings.STORAGES


def _not_static_handler(application):
    """LiveServerThread wraps the site in a static-files handler; here whitenoise serves."""
    return application


@pytest.fixture(scope="module")
def portal(collected_static, django_db_setup, django_db_blocker):
    """A live server of the whole WSGI stack, whitenoise included, on the collected files.
    Like pytest-django's live_server it outlives the tests (each test has its own data)."""
    storages = {**_storages(), "staticfiles": STATIC_STORAGE}
    with override_settings(
        STATIC_ROOT=collected_static,
        STORAGES=storages,
        WHITENOISE_USE_FINDERS=True,  # as under DEBUG=1
        WHITENOISE_AUTOREFRESH=True,
    ):
        with django_db_blocker.unblock():
            shared = {
                conn.alias: conn
                for conn in connections.all()
                if conn.vendor == "sqlite" and conn.is_in_memory_db()
            }
        for conn in shared.values():
            conn.inc_thread_sharing()
        server = LiveServerThread("127.0.0.1", _not_static_handler, shared, port=0)
        server.daemon = True
        server.start()
        server.is_ready.wait()
        if server.error:
            raise server.error
        try:
            yield f"http://127.0.0.1:{server.port}"
        finally:
            server.terminate()
            for conn in shared.values():
                conn.dec_thread_sharing()


def first_visit(browser, base_url: str, path: str, user) -> tuple[int, int, list[str], str]:
    """(bytes received, status, what was fetched, content-encodings) of one visit, empty cache."""
    context = browser.new_context(timezone_id="Asia/Bishkek")
    try:
        sign_in(context, base_url, user)
        set_language(context, base_url, "ru")
        page = context.new_page()
        finished = []
        page.on("requestfinished", lambda request: finished.append(request))
        response = page.goto(base_url + path, wait_until="load")
        page.wait_for_load_state("networkidle")
        total, fetched, encodings = 0, [], set()
        for request in finished:
            sizes = request.sizes()
            received = sizes["responseBodySize"] + sizes["responseHeadersSize"]
            total += received
            fetched.append(f"{request.url.removeprefix(base_url)} {received / 1024:.1f} KB")
            answer = request.response()
            if answer is not None and request.resource_type in ("stylesheet", "script"):
                encodings.add(answer.headers.get("content-encoding", "identity"))
        return total, response.status if response else 0, fetched, "/".join(sorted(encodings))
    finally:
        context.close()


def test_every_page_type_weighs_less_than_200_kb_on_a_first_visit(browser, portal):
    world = build_world()
    rows, heavy = [], []
    for persona in PERSONAS:
        for name, path in pages(world)[persona]:
            total, status, fetched, encodings = first_visit(
                browser, portal, path, world.users[persona]
            )
            assert status == 200, f"{persona} {path}: {status}"
            rows.append(f"{persona:<11} {name:<24} {total / 1024:6.1f} KB  {encodings}")
            if total >= BUDGET:
                heavy.append(
                    f"{persona} {name} ({path}): {total / 1024:.1f} KB\n  " + "\n  ".join(fetched)
                )
    print("\nFirst visit, bytes received (document + subresources, as served by make run):")
    print("\n".join(rows))
    assert not heavy, "pages of 200 KB or more on a first visit:\n" + "\n".join(heavy)
    # Compressed like production: the stylesheets and scripts came gzip- or brotli-encoded.
    assert all(row.rstrip().endswith(("br", "gzip", "br/gzip")) for row in rows), rows


def test_the_stylesheet_and_script_arrive_compressed(browser, portal):
    context = browser.new_context()
    try:
        page = context.new_page()
        encodings = {}
        page.on(
            "response",
            lambda r: encodings.__setitem__(
                r.url.rsplit("/", 1)[-1], r.headers.get("content-encoding")
            ),
        )
        page.goto(portal + "/", wait_until="load")
        page.wait_for_load_state("networkidle")
    finally:
        context.close()
    assert encodings["bootstrap.portal.min.css"] in {"br", "gzip"}, encodings
    assert encodings["bootstrap.bundle.min.js"] in {"br", "gzip"}, encodings
    assert encodings["portal.css"] in {"br", "gzip"}, encodings
