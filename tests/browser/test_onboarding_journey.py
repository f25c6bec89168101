"""Issue item 6 in the browser: "Add a member" clones an empty commission row (static
JS under the CSP), an address with no account is invited; the officer's landing
page lists tasks; a newcomer is shown how to apply. Screenshots at 1280 and 360 px."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from competitions.models import CommissionInvitation
from tests.browser.conftest import DESKTOP, PHONE
from tests.browser.page_types import set_language, sign_in
from tests.competitions.conftest import make_call
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db(transaction=True)


def _no_overflow(page, width: int) -> None:
    assert page.evaluate("document.documentElement.scrollWidth") <= width


@pytest.mark.parametrize("viewport", [DESKTOP, PHONE], ids=["1280", "360"])
def test_an_officer_adds_two_members_in_one_save_and_invites_one(
    browser, live_server, cast, viewport, screenshot, assert_accessible
):
    width = viewport["width"]
    call = make_call(cast, opens_in_days=5, closes_in_days=30)
    context = browser.new_context(timezone_id="Asia/Bishkek", viewport=viewport)
    sign_in(context, live_server.url, cast.officer_a)
    set_language(context, live_server.url, "en")
    page = context.new_page()
    blocked = []
    page.on("console", lambda m: "Content Security Policy" in m.text and blocked.append(m.text))
    page.goto(f"{live_server.url}/municipalities/cast-a/workspace/calls/{call.pk}/edit/")

    rows = page.locator("[data-formset-rows=commission] > .row")
    expect(rows).to_have_count(3)  # chair, secretary, one empty row
    add = page.get_by_role("button", name="Add a member")
    expect(add).to_be_visible()
    add.click()
    add.click()
    expect(rows).to_have_count(5)
    expect(page.locator("#id_commission-4-email")).to_be_focused()  # the last one added
    page.locator("#id_commission-2-email").fill(cast.ngo_member.email)
    page.locator("#id_commission-2-affiliation").select_option("civil_society")
    page.locator("#id_commission-4-email").fill("new.expert@example.kg")
    page.locator("#id_commission-4-affiliation").select_option("expert")
    page.get_by_role("button", name="Save the draft").click()

    expect(page.get_by_role("heading", name="Invitations waiting for an answer")).to_be_visible()
    expect(page.locator("#commission-invitations")).to_contain_text("new.expert@example.kg")
    assert call.commission.filter(user=cast.ngo_member).exists()
    assert CommissionInvitation.objects.filter(competition=call).count() == 1
    _no_overflow(page, width)
    assert_accessible(page)
    page.locator("#commission-invitations").scroll_into_view_if_needed()
    screenshot(page, f"onboarding-call-commission-{width}")

    page.get_by_role("button", name="Send again new.expert@example.kg").click()
    expect(page.get_by_text("The invitation is sent again")).to_be_visible()
    assert not blocked, blocked


@pytest.mark.parametrize("language", ["en", "ru"])
@pytest.mark.parametrize("viewport", [DESKTOP, PHONE], ids=["1280", "360"])
def test_the_signed_in_home_shows_tasks_and_next_steps(
    browser, live_server, cast, viewport, language, screenshot, assert_accessible
):
    width = viewport["width"]
    make_call(cast)
    make_call(cast, status="published", opens_in_days=-30, closes_in_days=-1)
    newcomer = UserFactory(email="newcomer@example.kg", full_name="Айгүл Асанова")
    context = browser.new_context(timezone_id="Asia/Bishkek", viewport=viewport)
    page = context.new_page()

    set_language(context, live_server.url, language)
    page.goto(live_server.url + "/")
    _no_overflow(page, width)
    screenshot(page, f"onboarding-home-visitor-{language}-{width}")

    sign_in(context, live_server.url, cast.officer_a)
    set_language(context, live_server.url, language)
    page.goto(live_server.url + "/accounts/")
    tasks = page.locator("#needs-attention").locator("xpath=..")
    expect(tasks.get_by_role("link")).not_to_have_count(0)
    if language == "en":
        expect(page.get_by_role("link", name="1 organisation awaits verification")).to_be_visible()
        page.get_by_role("link", name="1 organisation awaits verification").click()
        expect(page).to_have_url(
            f"{live_server.url}/municipalities/cast-a/workspace/organizations/"
        )
        page.go_back()
    _no_overflow(page, width)
    assert_accessible(page)
    screenshot(page, f"onboarding-officer-home-{language}-{width}")

    sign_in(context, live_server.url, newcomer)
    set_language(context, live_server.url, language)
    page.goto(live_server.url + "/accounts/")
    if language == "en":
        page.get_by_role("link", name="Register an organisation").click()
        expect(page).to_have_url(f"{live_server.url}/organizations/new/")
        page.go_back()
    _no_overflow(page, width)
    assert_accessible(page)
    screenshot(page, f"onboarding-newcomer-home-{language}-{width}")


@pytest.mark.parametrize("viewport", [DESKTOP, PHONE], ids=["1280", "360"])
def test_an_invitee_signs_up_from_the_link_and_takes_the_seat(
    browser, live_server, cast, viewport, screenshot, assert_accessible
):
    import re

    from django.core import mail
    from django.db import transaction

    from competitions.services.commission import sync_invitations

    width = viewport["width"]
    call = make_call(cast, opens_in_days=5, closes_in_days=30)
    with transaction.atomic():  # as inside save_draft
        sync_invitations(
            call,
            [{"email": "new.expert@example.kg", "role": "member", "affiliation": "expert"}],
            by=cast.officer_a,
        )
    invitation = CommissionInvitation.objects.get()
    context = browser.new_context(timezone_id="Asia/Bishkek", viewport=viewport)
    set_language(context, live_server.url, "en")
    page = context.new_page()

    page.goto(f"{live_server.url}/commission/invitations/{invitation.token}/")
    expect(page.get_by_role("heading", name="Log in")).to_be_visible()
    page.get_by_role("link", name="No account yet? Sign up").click()
    page.get_by_label("Full name").fill("New expert")
    page.get_by_label("E-mail").fill("new.expert@example.kg")
    page.locator("#id_password1").fill("тоолор жана көлдөр 2026")
    page.locator("#id_password2").fill("тоолор жана көлдөр 2026")
    page.locator("main form button[type=submit]").click()
    page.wait_for_load_state()

    body = mail.outbox[-1].body
    link = re.search(r"http://\S+(/accounts/activate/\S+)", body).group(1)
    page.goto(live_server.url + link)
    page.get_by_role("button", name="Activate my account").click()
    expect(page.get_by_role("heading", name="Invitation to a commission")).to_be_visible()
    _no_overflow(page, width)
    assert_accessible(page)
    screenshot(page, f"onboarding-commission-invitation-{width}")
    page.get_by_role("button", name="Accept the seat").click()
    page.wait_for_load_state()
    assert call.commission.filter(user__email="new.expert@example.kg").exists()
