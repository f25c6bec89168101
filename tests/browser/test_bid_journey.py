"""An NGO prepares a bid in the browser: autosave, a colleague's conflict, a file, the preview."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from applications.models import Bid
from applications.services.organizations import set_verification
from tests.browser.conftest import PHONE
from tests.competitions.conftest import make_call
from tests.files import pdf_bytes

pytestmark = pytest.mark.django_db(transaction=True)


def log_in(page, base, cast, user):
    page.goto(base + "/accounts/login/")
    page.get_by_label("E-mail").fill(user.email)
    page.get_by_label("Пароль").fill(cast.password)
    page.locator("main form button[type=submit]").click()
    page.wait_for_load_state()


def test_an_ngo_prepares_a_bid_that_saves_itself(
    browser, live_server, cast, screenshot, assert_accessible, tmp_path
):
    call = make_call(cast, status="published", required_documents="Устав организации")
    set_verification(cast.organization, verified=True, note="", by=cast.officer_a)
    cast.ngo_member.language = "ru"
    cast.ngo_member.save()

    context = browser.new_context(
        timezone_id="Asia/Bishkek", viewport={"width": 1280, "height": 900}
    )
    page = context.new_page()
    blocked = []  # the Content-Security-Policy must not block anything the portal serves
    page.on("console", lambda m: "Content Security Policy" in m.text and blocked.append(m.text))
    log_in(page, live_server.url, cast, cast.ngo_member)
    page.goto(f"{live_server.url}/calls/{call.pk}/")
    page.get_by_role("button", name="Подготовить заявку").click()
    expect(page.get_by_role("heading", level=2)).to_contain_text("Шаг 1 из 6")
    assert_accessible(page)

    # Typing, then a pause: the draft is on the server without pressing Save.
    page.get_by_label("Название проекта").fill("Центр «Күн нуру»")
    page.get_by_label("Название проекта").press("End")
    expect(page.get_by_role("status").filter(has_text="Сохранено в")).to_be_visible(timeout=15000)
    bid = Bid.objects.get()
    assert bid.title == "Центр «Күн нуру»"
    # Nothing of the bid lives in the browser.
    assert page.evaluate("localStorage.length + sessionStorage.length") == 0
    page.reload()
    expect(page.get_by_label("Название проекта")).to_have_value("Центр «Күн нуру»")

    # A colleague in another tab saves first: this tab is told, nothing is merged silently.
    other = context.new_page()
    other.goto(f"{live_server.url}/bids/{bid.pk}/edit/project/")
    other.get_by_label("Название проекта").fill("Вариант коллеги")
    expect(other.get_by_role("status").filter(has_text="Сохранено в")).to_be_visible(timeout=15000)
    page.get_by_label("Краткое описание").fill("Мой текст, который нельзя потерять")
    # The conflict panel comes to the top (tests/browser/test_edit_conflict.py has the rest).
    expect(page.locator("[data-edit-conflict]")).to_be_visible(timeout=15000)
    expect(page.get_by_label("Краткое описание")).to_have_value(
        "Мой текст, который нельзя потерять"
    )
    bid.refresh_from_db()
    assert bid.title == "Вариант коллеги"
    other.close()

    # A required document, checked on the server.
    page.goto(f"{live_server.url}/bids/{bid.pk}/edit/documents/")
    charter = tmp_path / "устав.pdf"
    charter.write_bytes(pdf_bytes("Устав"))
    page.get_by_label("Файл").set_input_files(str(charter))
    page.get_by_role("button", name="Приложить", exact=True).click()
    expect(page.get_by_role("link", name="устав.pdf")).to_be_visible()
    assert_accessible(page)

    page.get_by_role("link", name="Просмотр и подача").last.click()
    expect(page.get_by_role("heading", name="Чего ещё не хватает")).to_be_visible()
    assert_accessible(page)
    screenshot(page, "bid-preview-ru")
    page.goto(f"{live_server.url}/bids/{bid.pk}/edit/budget/")
    screenshot(page, "bid-budget-ru")
    page.set_viewport_size(PHONE)
    screenshot(page, "bid-budget-ru-phone")
    assert blocked == []
    context.close()


def test_t43_continuous_typing_is_saved_at_least_every_20_seconds(browser, live_server, cast):
    """Someone types without pausing, then the browser dies: at most ~20 s are lost.

    The page runs on Playwright's fake clock: 24 s of typing take no 24 s of real time.
    """
    import datetime
    import time

    from applications.services.drafting import start_bid

    call = make_call(cast, status="published")
    set_verification(cast.organization, verified=True, note="", by=cast.officer_a)
    cast.organization.refresh_from_db()
    cast.ngo_member.language = "ru"
    cast.ngo_member.save()
    bid = start_bid(call, cast.organization, by=cast.ngo_member)
    context = browser.new_context(timezone_id="Asia/Bishkek")
    page = context.new_page()
    log_in(page, live_server.url, cast, cast.ngo_member)
    # Installed before the form loads, so that its timers and Date.now() are fake.
    started_at = datetime.datetime.now(datetime.UTC)
    page.clock.install(time=started_at)
    page.goto(f"{live_server.url}/bids/{bid.pk}/edit/goal/")
    field = page.get_by_label("Цель")
    field.click()
    # From here the page's time moves only when the test moves it.
    page.clock.pause_at(started_at + datetime.timedelta(minutes=1))
    step_ms = 600  # 4 keys at 150 ms each: never the 4 s pause the idle save waits for
    elapsed_ms = 0  # page time since the first keystroke
    typed = 0
    typed_by_18s = 0

    def autosave(response) -> bool:
        return response.request.method == "POST" and response.url.endswith("/edit/goal/")

    # The save due at 20 s must have reached the server before the browser dies, as
    # it would in the 4 real seconds left of typing.
    with page.expect_response(autosave, timeout=15_000) as save_at_20s:
        while elapsed_ms < 24_000:
            field.press_sequentially("абв ")
            typed += 4
            if elapsed_ms < 18_000:
                typed_by_18s = typed
            page.clock.run_for(step_ms)
            elapsed_ms += step_ms
    assert save_at_20s.value.json()["saved"]
    bid.refresh_from_db()
    assert len(bid.goal) >= typed_by_18s, "the save due at 20 s came late or not at all"
    # The browser dies. Closing still fires the page's visibilitychange, which may send
    # a last save: the check above is what shows the 20 s save did not count on it.
    context.close()
    # A save sent just before may still be finishing on the server: wait until the
    # draft stops changing (also so that no request outlives the test's database).
    settle = time.monotonic() + 8
    last = None
    while time.monotonic() < settle:
        bid.refresh_from_db()
        if bid.goal and bid.updated_at == last:
            break
        last = bid.updated_at
        time.sleep(1.5)
    saved = len(bid.goal)
    # The save due 20 s after the first keystroke holds at least what was typed by 18 s.
    assert saved >= typed_by_18s > 0, f"saved {saved} of {typed} characters"
