from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from competitions.services.territories import import_territories
from tests.browser.conftest import PHONE

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def portal(live_server):
    import_territories()
    return live_server.url


def test_home_in_russian_then_kyrgyz_via_the_switcher(page, portal, screenshot, assert_accessible):
    page.goto(portal + "/")
    expect(page.locator("html")).to_have_attribute("lang", "ru")
    expect(page.get_by_role("heading", level=1)).to_contain_text("Местные проблемы")
    # Bootstrap is served from our static files (no CDN): the navbar is styled.
    assert page.locator("nav.navbar").evaluate("e => getComputedStyle(e).display") == "flex"
    assert_accessible(page)
    screenshot(page, "home-ru-desktop")

    page.get_by_role("button", name="KY").click()
    expect(page.locator("html")).to_have_attribute("lang", "ky")
    expect(page.get_by_role("heading", level=1)).to_contain_text("Жергиликтүү көйгөйлөрдү")
    expect(page.locator('.lang-switcher [aria-current="true"]')).to_have_text("KY")
    assert_accessible(page)
    screenshot(page, "home-ky-desktop")

    page.get_by_role("button", name="EN").click()
    expect(page.locator("html")).to_have_attribute("lang", "en")
    expect(page.get_by_role("heading", level=1)).to_contain_text("Local problems")


def test_phone_navigation_collapses_and_opens(page, portal, screenshot, assert_accessible):
    page.set_viewport_size(PHONE)
    page.goto(portal + "/")
    toggler = page.locator(".navbar-toggler")
    expect(toggler).to_be_visible()
    expect(page.get_by_role("link", name="Муниципалитеты", exact=True)).to_be_hidden()
    screenshot(page, "home-ru-phone")
    toggler.click()
    expect(page.get_by_role("link", name="Муниципалитеты", exact=True)).to_be_visible()
    # Nothing wider than the phone's screen.
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
    assert_accessible(page)


@pytest.mark.parametrize("path", ["/accounts/login/", "/accounts/signup/", "/municipalities/"])
def test_public_pages_are_accessible(page, portal, path, assert_accessible, screenshot):
    page.goto(portal + path)
    assert_accessible(page)
    screenshot(page, "page" + re.sub(r"[^a-z]+", "-", path).rstrip("-"))


def test_a_resident_searches_for_a_municipality_in_kyrgyz(page, portal):
    page.goto(portal + "/")
    page.get_by_role("button", name="KY").click()
    page.get_by_role("link", name="Муниципалитетиңизди табыңыз").click()
    page.get_by_label("Издөө").fill("каракол")
    page.get_by_role("button", name="Көрсөтүү").click()
    cards = page.locator(".municipality-card")
    expect(cards).to_have_count(1)
    cards.first.click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Каракол шаары")
