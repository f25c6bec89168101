"""Issue item 4 in the browser: a call saved with weights adding up to 95 opens on the
error summary, focused, and its link takes the officer to the criteria."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import PHONE
from tests.competitions.conftest import make_call

pytestmark = pytest.mark.django_db(transaction=True)


def sign_in(context, base_url: str, user) -> None:
    """The context signed in as user (second factor passed), reading English."""
    from django.test import Client

    from accounts.two_factor import requires_two_factor
    from tests.conftest import give_second_factor

    client = Client()
    client.force_login(user)
    if requires_two_factor(user):
        give_second_factor(client, user)
    cookies = [{"name": m.key, "value": m.value, "url": base_url} for m in client.cookies.values()]
    context.add_cookies([*cookies, {"name": "mo_language", "value": "en", "url": base_url}])


def in_viewport(page, selector: str) -> bool:
    return page.evaluate(
        """(selector) => {
            const box = document.querySelector(selector).getBoundingClientRect();
            return box.top >= 0 && box.top < window.innerHeight;
        }""",
        selector,
    )


def test_weights_adding_up_to_95_open_on_the_summary_that_leads_to_the_criteria(
    browser, live_server, cast, screenshot, assert_accessible
):
    call = make_call(cast, opens_in_days=5, closes_in_days=30)
    context = browser.new_context(
        timezone_id="Asia/Bishkek", viewport={"width": 1280, "height": 900}
    )
    sign_in(context, live_server.url, cast.officer_a)
    page = context.new_page()
    blocked = []  # the Content-Security-Policy must not block the summary's script
    page.on("console", lambda m: "Content Security Policy" in m.text and blocked.append(m.text))
    page.goto(
        f"{live_server.url}/municipalities/{cast.municipality_a.code}/workspace/calls/{call.pk}/edit/"
    )
    weight = page.locator("#id_criteria-0-weight")
    weight.fill(str(int(weight.input_value()) - 5))
    page.get_by_role("button", name="Save the draft").click()

    summary = page.get_by_role("alert").filter(has_text="There is a problem")
    expect(summary).to_be_visible()
    expect(summary).to_be_focused()
    assert in_viewport(page, "[data-error-summary]")
    link = summary.get_by_role("link", name="The weights add up to 95%; they must add up to 100%.")
    expect(link).to_be_visible()
    assert_accessible(page)
    screenshot(page, "error-summary-call-weights-en")

    link.click()
    expect(page.locator("#criteria-section")).to_be_focused()
    assert in_viewport(page, "#criteria-section h2")
    # Nothing typed is lost.
    expect(page.locator("#id_criteria-0-weight")).to_have_value(str(int(weight.input_value())))

    # A field's error links to the field itself.
    page.locator("#id_title").fill("")
    page.get_by_role("button", name="Save the draft").click()
    expect(page.locator("[data-error-summary]")).to_be_focused()
    page.locator("[data-error-summary] a[href='#id_title']").click()
    expect(page.locator("#id_title")).to_be_focused()
    page.set_viewport_size(PHONE)
    page.locator("[data-error-summary]").scroll_into_view_if_needed()
    screenshot(page, "error-summary-call-phone-en")
    assert blocked == []
    context.close()
