"""T29 in the browser: an officer sets up the authenticator app, then logs in with a code."""

from __future__ import annotations

import base64

import pytest
from django_otp.oath import TOTP
from playwright.sync_api import expect

from tests.browser.conftest import DESKTOP

pytestmark = pytest.mark.django_db(transaction=True)

PHONE_390 = {"width": 390, "height": 844}


def log_in(page, base, user, password):
    page.goto(base + "/accounts/login/")
    page.get_by_label("E-mail").fill(user.email)
    page.get_by_label("Password").fill(password)
    page.locator("main form button[type=submit]").click()
    page.wait_for_load_state()


@pytest.mark.parametrize("viewport", [PHONE_390, DESKTOP], ids=["390", "1280"])
def test_an_officer_sets_up_two_step_login_and_logs_in_with_a_code(
    browser, live_server, cast, viewport, screenshot, assert_accessible
):
    width = viewport["width"]
    cast.officer_b.language = "en"  # logging in sets the person's language
    cast.officer_b.save()
    context = browser.new_context(timezone_id="Asia/Bishkek", viewport=viewport)
    context.add_cookies([{"name": "mo_language", "value": "en", "url": live_server.url}])
    page = context.new_page()
    blocked = []  # the Content-Security-Policy must not block the QR code or anything else
    page.on("console", lambda m: "Content Security Policy" in m.text and blocked.append(m.text))

    log_in(page, live_server.url, cast.officer_b, cast.password)
    expect(page.get_by_role("heading", level=1)).to_have_text("Set up two-step login")
    # Half logged in: the menu offers nothing but logging out.
    expect(page.get_by_role("link", name="My organisations")).to_have_count(0)
    assert_accessible(page)
    screenshot(page, f"two-factor-setup-start-{width}")
    page.get_by_role("button", name="Set up the app").click()

    qr = page.get_by_role("img", name="QR code for the authenticator app")
    expect(qr).to_be_visible()
    assert qr.evaluate("img => img.naturalWidth") > 0
    assert page.evaluate("document.documentElement.scrollWidth") <= width
    assert_accessible(page)
    screenshot(page, f"two-factor-setup-{width}")

    secret = page.locator(".secret-key").inner_text().replace(" ", "")
    code = TOTP(base64.b32decode(secret)).token()
    page.get_by_label("6-digit code from the app").fill(f"{code:06d}")
    page.get_by_role("button", name="Confirm and turn on").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Your recovery codes")
    codes = page.locator(".recovery-codes li").all_inner_texts()
    assert len(codes) == 10
    assert page.evaluate("document.documentElement.scrollWidth") <= width
    assert_accessible(page)
    screenshot(page, f"two-factor-recovery-codes-{width}")
    page.get_by_role("link", name="I have saved the codes").click()
    expect(page).to_have_url(live_server.url + "/accounts/")

    # Next time: the password, then the code step (a recovery code here: the app's code
    # of this half-minute was used already and would be refused as a replay).
    context.clear_cookies()
    context.add_cookies([{"name": "mo_language", "value": "en", "url": live_server.url}])
    log_in(page, live_server.url, cast.officer_b, cast.password)
    expect(page.get_by_role("heading", level=1)).to_have_text("Enter the 6-digit code")
    assert page.evaluate("document.documentElement.scrollWidth") <= width
    assert_accessible(page)
    screenshot(page, f"two-factor-code-step-{width}")
    page.get_by_label("Code").fill(codes[0].strip())
    page.get_by_role("button", name="Confirm").click()
    expect(page).to_have_url(live_server.url + "/accounts/")
    expect(page.get_by_role("status").first).to_contain_text("You used a recovery code; 9 are left")
    assert blocked == []
    context.close()
