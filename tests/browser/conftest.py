"""Browser tests: Playwright driving Debian's chromium (never `playwright install`).

Without /usr/bin/chromium the tests are skipped with a clear message, except
under REQUIRE_SERVICES=1 (CI), where that is a failure.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from tests.conftest import REQUIRE_SERVICES

CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
HAVE_CHROMIUM = Path(CHROMIUM).exists()
MISSING = "Debian chromium is not installed (apt-get install chromium); browser tests need it"
SCREENSHOTS = Path(__file__).resolve().parents[2] / "test-artifacts" / "screenshots"

DESKTOP = {"width": 1280, "height": 900}
PHONE = {"width": 360, "height": 740}


def pytest_collection_modifyitems(config, items):
    here = Path(__file__).parent
    for item in items:
        if here in Path(item.fspath).parents:
            item.add_marker(pytest.mark.browser)
            # Under REQUIRE_SERVICES=1 the test runs and fails (see _chromium_required).
            if not HAVE_CHROMIUM and not REQUIRE_SERVICES:
                item.add_marker(pytest.mark.skip(reason=MISSING))


@pytest.fixture(autouse=True)
def _chromium_required():
    if not HAVE_CHROMIUM and REQUIRE_SERVICES:
        pytest.fail(MISSING)


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args):
    return {
        **browser_type_launch_args,
        "executable_path": CHROMIUM,
        "args": [
            "--no-sandbox",
            "--disable-gpu",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
            "--no-first-run",
            "--disable-quic",
        ],
    }


@pytest.fixture(scope="session")
def browser_context_args(browser_context_args):
    return {**browser_context_args, "timezone_id": "Asia/Bishkek", "viewport": DESKTOP}


@pytest.fixture
def screenshot():
    """screenshot(page, name): full-page PNG in test-artifacts/screenshots/."""
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)

    def take(page, name: str) -> Path:
        path = SCREENSHOTS / f"{name}.png"
        page.screenshot(path=str(path), full_page=True)
        return path

    return take


def serious_violations(page) -> list[str]:
    """axe's violations of impact serious or critical on the page, one line each."""
    from axe_playwright_python.sync_playwright import Axe

    results = Axe().run(page)
    lines = []
    for v in results.response["violations"]:
        if v.get("impact") in {"serious", "critical"}:
            targets = ", ".join(str(n["target"]) for n in v["nodes"][:5])
            lines.append(f"{v['id']} ({v['impact']}): {v['help']} → {targets}")
    return lines


@pytest.fixture
def assert_accessible():
    """Fail on any axe violation of impact serious or critical."""

    def check(page) -> None:
        if lines := serious_violations(page):
            pytest.fail("accessibility violations:\n" + "\n".join(lines))

    return check
