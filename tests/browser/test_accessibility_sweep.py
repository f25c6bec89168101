"""Issue item 8's done-when: every page type, logged out, as an NGO member and as an
officer, at 1280 and 360 px: axe finds nothing serious or critical and nothing is
wider than the screen."""

from __future__ import annotations

import pytest

from tests.browser.conftest import DESKTOP, PHONE, serious_violations
from tests.browser.page_types import build_world, page_ids, pages, set_language, sign_in

pytestmark = pytest.mark.django_db(transaction=True)

WIDTHS = {"1280": DESKTOP, "360": PHONE}
# Every sideways-scrolling table box: focusable and named, whether it overflows now or not.
UNNAMED_SCROLL_REGIONS = """() => [...document.querySelectorAll('.table-responsive')]
  .filter(e => e.getAttribute('tabindex') !== '0' || e.getAttribute('role') !== 'region'
    || !(e.getAttribute('aria-label')
         || document.getElementById(e.getAttribute('aria-labelledby'))))
  .map(e => e.outerHTML.slice(0, 120))"""


@pytest.mark.parametrize("width", list(WIDTHS))
@pytest.mark.parametrize("persona", list(page_ids()))
def test_every_page_is_accessible_and_fits_the_screen(
    browser, live_server, persona, width, screenshot
):
    """One data set and one signed-in context per persona and width (building the data
    for each page took most of the time); every page's problems are listed together."""
    world = build_world()
    context = browser.new_context(timezone_id="Asia/Bishkek", viewport=WIDTHS[width])
    sign_in(context, live_server.url, world.users[persona])
    set_language(context, live_server.url, "ru")
    page = context.new_page()
    problems: list[str] = []
    for name, path in pages(world)[persona]:
        response = page.goto(live_server.url + path)
        if response is None or response.status != 200:
            problems.append(f"{path}: {response.status if response else 'no response'}")
            continue
        page.wait_for_load_state("load")
        screenshot(page, f"sweep-{persona}-{name}-{width}")
        scroll_width = page.evaluate("document.documentElement.scrollWidth")
        if scroll_width > WIDTHS[width]["width"]:
            problems.append(f"{path} is {scroll_width} px wide")
        if unnamed := page.evaluate(UNNAMED_SCROLL_REGIONS):
            problems.append(f"{path}: a table region lacks its name: {unnamed}")
        problems.extend(f"{path}: {line}" for line in serious_violations(page))
    context.close()
    assert problems == []


@pytest.mark.parametrize("persona", list(page_ids()))
def test_every_page_fits_a_phone_in_kyrgyz(browser, live_server, persona, screenshot):
    """Kyrgyz words are the longest: each page of the persona, one context, widths only."""
    world = build_world()
    context = browser.new_context(timezone_id="Asia/Bishkek", viewport=PHONE)
    sign_in(context, live_server.url, world.users[persona])
    set_language(context, live_server.url, "ky")
    page = context.new_page()
    too_wide = []
    for name, path in pages(world)[persona]:
        page.goto(live_server.url + path)
        scroll_width = page.evaluate("document.documentElement.scrollWidth")
        if scroll_width > PHONE["width"]:
            screenshot(page, f"sweep-ky-{persona}-{name}-360")
            too_wide.append(f"{path}: {scroll_width} px")
    context.close()
    assert too_wide == []


def test_every_table_region_in_the_templates_is_focusable_and_named():
    """The pattern for tables wider than a phone, checked where no sweep page reaches."""
    import re
    from pathlib import Path

    templates = Path(__file__).resolve().parents[2] / "templates"
    missing = []
    for template in templates.rglob("*.html"):
        for tag in re.findall(r"<div[^>]*table-responsive[^>]*>", template.read_text()):
            if not all(a in tag for a in ('tabindex="0"', 'role="region"', "aria-label")):
                missing.append(f"{template.relative_to(templates)}: {tag}")
    assert missing == []
