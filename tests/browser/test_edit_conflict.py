"""Issue item 5 in the browser: two members of the organisation edit the same step in
two browsers. The later one's autosave is refused: the conflict shows at the top with
both versions, autosave stops, and only the confirmed "Keep my version" saves."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from applications.models import Bid
from applications.services.drafting import start_bid
from applications.services.organizations import set_verification
from tests.browser.conftest import PHONE
from tests.browser.test_error_summary import in_viewport, sign_in
from tests.competitions.conftest import make_call
from tests.factories import OrganizationMemberFactory, UserFactory

pytestmark = pytest.mark.django_db(transaction=True)


def test_two_members_conflict_and_one_keeps_her_version(
    browser, live_server, cast, screenshot, assert_accessible
):
    call = make_call(cast, status="published")
    set_verification(cast.organization, verified=True, note="", by=cast.officer_a)
    cast.organization.refresh_from_db()
    bid = start_bid(call, cast.organization, by=cast.ngo_member)
    colleague = UserFactory(email="colleague@cast.kg", full_name="Colleague Editor")
    OrganizationMemberFactory(user=colleague, organization=cast.organization, role="editor")
    step_url = f"{live_server.url}/bids/{bid.pk}/edit/project/"

    def open_as(user):
        context = browser.new_context(
            timezone_id="Asia/Bishkek", viewport={"width": 1280, "height": 900}
        )
        sign_in(context, live_server.url, user)
        page = context.new_page()
        page.goto(step_url)
        return context, page

    mine_context, mine = open_as(cast.ngo_member)
    theirs_context, theirs = open_as(colleague)
    blocked = []
    mine.on("console", lambda m: "Content Security Policy" in m.text and blocked.append(m.text))

    # The colleague saves first.
    theirs.get_by_label("Summary", exact=True).fill("Children train twice a week in the hall.")
    theirs.get_by_role("button", name="Save", exact=True).click()
    expect(theirs.get_by_text("Saved.")).to_be_visible()
    theirs_context.close()

    # My autosave over the old version is refused: the panel comes to the top.
    mine.get_by_label("Summary", exact=True).fill("Children train three times a week in the hall.")
    panel = mine.locator("[data-edit-conflict]")
    expect(panel).to_be_visible(timeout=15_000)
    expect(panel).to_be_focused()
    assert in_viewport(mine, "[data-edit-conflict]")
    expect(panel).to_contain_text("Your changes were NOT saved: Colleague Editor saved this step")
    expect(panel).to_contain_text("(Bishkek time)")
    expect(panel.locator("mark").first).to_have_text("twice")
    expect(panel.locator("mark").nth(1)).to_have_text("three times")
    expect(mine.locator("[data-autosave-status]")).to_contain_text("Autosave is paused")
    # My typing is still in the field.
    expect(mine.get_by_label("Summary", exact=True)).to_have_value(
        "Children train three times a week in the hall."
    )
    assert_accessible(mine)
    screenshot(mine, "edit-conflict-autosave-en")

    # Autosave stays off while the conflict is open.
    posts = []
    mine.on("request", lambda r: r.method == "POST" and posts.append(r.url))
    mine.get_by_label("Summary", exact=True).press("End")
    mine.get_by_label("Summary", exact=True).press_sequentially(" Bring water.")
    mine.wait_for_timeout(5_500)
    assert posts == []
    assert "twice" in Bid.objects.get(pk=bid.pk).summary

    # "Keep my version" without the box ticked is refused, the panel says why.
    mine.get_by_role("button", name="Keep my version").click()
    expect(mine.locator("[data-edit-conflict]")).to_be_focused()
    expect(mine.locator("#confirm-overwrite-error")).to_contain_text("Tick the box")
    assert "twice" in Bid.objects.get(pk=bid.pk).summary
    mine.set_viewport_size(PHONE)
    assert_accessible(mine)
    screenshot(mine, "edit-conflict-phone-en")
    mine.set_viewport_size({"width": 1280, "height": 900})

    mine.get_by_label("I have compared both versions").check()
    mine.get_by_role("button", name="Keep my version").click()
    expect(mine.get_by_text("Your version is saved")).to_be_visible()
    expect(mine.locator("[data-edit-conflict]")).to_have_count(0)
    saved = Bid.objects.get(pk=bid.pk)
    assert saved.summary == "Children train three times a week in the hall. Bring water."
    assert blocked == []
    mine_context.close()
