"""Issue item 8: the officer's menu (the fullest) fits every desktop width in every language.

Kyrgyz labels are the longest; at 1200–1280 px they pushed the user menu off the screen.
"""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from tests.browser.page_types import set_language, sign_in

pytestmark = pytest.mark.django_db(transaction=True)

# The user menu's button, its right edge and whether its text is cut, and the page's width.
MEASURE = """() => {
  const menu = document.querySelector('nav.navbar .dropdown-toggle');
  const box = menu.getBoundingClientRect();
  const clipped = [...document.querySelectorAll('nav.navbar .nav-link, nav.navbar .btn')]
    .filter(e => e.offsetParent !== null && e.scrollWidth > e.clientWidth + 1)
    .map(e => e.textContent.trim());
  return {
    visible: menu.offsetParent !== null,
    left: box.left, right: box.right,
    clipped: clipped,
    scrollWidth: document.documentElement.scrollWidth,
    navHeight: document.querySelector('nav.navbar').getBoundingClientRect().height,
  };
}"""


@pytest.fixture
def officer(cast):
    from notifications.models import Notification

    # The fullest menu: an officer with a long first name (the user menu shows it) and
    # unread notifications (the bell shows a count).
    cast.officer_a.full_name = "Айжаркынбек Токтогулов"
    cast.officer_a.save()
    Notification.objects.create(
        user=cast.officer_a, event="municipal_staff_added", category="account", title="x"
    )
    return cast.officer_a


def open_menu_if_collapsed(page) -> None:
    toggler = page.locator(".navbar-toggler")
    if toggler.is_visible() and not page.locator("#mainNav").is_visible():
        toggler.click()
        expect(page.locator("#mainNav")).to_be_visible()


def check_fits(page, width: int) -> dict:
    page.set_viewport_size({"width": width, "height": 800})
    open_menu_if_collapsed(page)
    found = page.evaluate(MEASURE)
    assert found["visible"], f"{width}px: the user menu is hidden"
    assert found["left"] >= 0 and found["right"] <= width, f"{width}px: user menu at {found}"
    assert found["scrollWidth"] <= width, f"{width}px: page is {found['scrollWidth']} px wide"
    assert not found["clipped"], f"{width}px: cut text in the menu: {found['clipped']}"
    if width >= 1200:  # expanded: one row (links wrap to a second only as a last resort)
        assert found["navHeight"] < 70, f"{width}px: the menu takes two rows"
    return found


@pytest.mark.parametrize("width", [1200, 1240, 1280])
def test_the_kyrgyz_officer_menu_is_inside_the_screen(
    browser, live_server, officer, width, screenshot, assert_accessible
):
    context = browser.new_context(viewport={"width": width, "height": 800})
    sign_in(context, live_server.url, officer)
    set_language(context, live_server.url, "ky")
    page = context.new_page()
    page.goto(live_server.url + "/accounts/")
    check_fits(page, width)
    page.locator("nav.navbar .dropdown-toggle").click()
    menu = page.locator("nav.navbar .dropdown-menu")
    expect(menu).to_be_visible()
    box = menu.bounding_box()
    assert box["x"] >= 0 and box["x"] + box["width"] <= width
    assert_accessible(page)
    screenshot(page, f"navbar-officer-ky-{width}")
    context.close()


@pytest.mark.parametrize("language", ["ru", "ky", "en"])
def test_the_officer_menu_fits_from_992_to_1400_px(browser, live_server, officer, language):
    context = browser.new_context(viewport={"width": 1400, "height": 800})
    sign_in(context, live_server.url, officer)
    set_language(context, live_server.url, language)
    page = context.new_page()
    page.goto(live_server.url + "/accounts/")
    for width in range(992, 1401, 8):
        check_fits(page, width)
    context.close()


@pytest.fixture
def ministry(cast):
    """National ministry staff: the menu gains "Figures" and keeps no "My organisations"
    (ministry staff register no NGO) — unless they are members of one."""
    cast.ministry.full_name = "Айжаркынбек Токтогулов"
    cast.ministry.save()
    return cast.ministry


@pytest.mark.parametrize("language", ["ru", "ky", "en"])
def test_the_ministry_menu_fits_from_992_to_1400_px(browser, live_server, ministry, language):
    context = browser.new_context(viewport={"width": 1400, "height": 800})
    sign_in(context, live_server.url, ministry)
    set_language(context, live_server.url, language)
    page = context.new_page()
    page.goto(live_server.url + "/accounts/")
    expect(page.locator("nav.navbar a[href='/ministry/']")).to_be_visible()
    assert page.locator("nav.navbar a[href='/organizations/']").count() == 0
    for width in range(992, 1401, 8):
        check_fits(page, width)
    context.close()
