"""The commission's work from the score sheet to the published results, in the browser,
as the people do it: an ordinary member scores a bid (autosave, reload, submit) and
only then reads the other members' sheets; the secretary follows who has submitted and
closes the scoring; the chair records the meeting and approves; the public reads the
ranking (also on a 360 px phone, in Russian and in Kyrgyz); the applicant reads its
result and appeals; the secretary dismisses the appeal with reasons, and the public
results list the outcome. Axe finds nothing serious or critical on any page.

Controls are found by their form's address and field names, not by their words, so
that the walk holds whatever the catalogue translates (the walk reads Russian, the
default)."""

from __future__ import annotations

import datetime
import re
from decimal import Decimal

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from tests.browser.conftest import DESKTOP, PHONE, serious_violations
from tests.browser.page_types import set_language, sign_in

pytestmark = pytest.mark.django_db(transaction=True)

SECRETARY_COMMENT = "Бюджет завышен: аренда дороже рыночной."
APPEAL = "Член комиссии не учёл письма партнёров, приложенные к заявке."
REASONS = "Письма партнёров рассмотрены на заседании; оценки остаются в силе."
MEETING = "Утвердить рейтинг: обе заявки отобраны в пределах бюджета."
# Bishkek shows a time as HH:MM:SS in "Saved at …" in every language.
SAVED = re.compile(r"\d{2}:\d{2}:\d{2}")


def build(cast):
    """A call of municipality A in scoring with two admitted bids (the cast's NGO's
    first); a chair and a secretary beside the cast's commission member, all three
    having signed and declared no conflict; the chair and the secretary have submitted
    their sheets on both bids."""
    from competitions.models import CommissionMember, Competition
    from evaluation.selectors import admitted_submissions
    from evaluation.services.admission import decide_admission, open_scoring
    from tests.browser.test_commission_declarations import CONTENT
    from tests.evaluation.scoring_helpers import ready, score, seat_of
    from tests.factories import (
        BidFactory,
        BidSubmissionFactory,
        CompetitionFactory,
        OrganizationFactory,
        UserFactory,
    )

    now = timezone.now()
    chair = UserFactory(email="chair@cast.kg", full_name="Айгуль Председатель")
    secretary = UserFactory(email="secretary@cast.kg", full_name="Бакыт Секретарь")
    call = CompetitionFactory(
        municipality=cast.municipality_a,
        title="Наставники и кружки для подростков из семей трудовых мигрантов",
        status=Competition.Status.PUBLISHED,
        now=now - datetime.timedelta(days=41),
        opens_at=now - datetime.timedelta(days=40),
        closes_at=now - datetime.timedelta(days=2),
        commission=[
            (chair, CommissionMember.Role.CHAIR, "civil_society"),
            (secretary, CommissionMember.Role.SECRETARY, "state"),
            (cast.commission_member, CommissionMember.Role.MEMBER, "expert"),
        ],
    )
    organizations = [
        cast.organization,
        OrganizationFactory(name_ru="Общественное объединение «Үмүт-Келечек»"),
    ]
    titles = ["Старший друг: наставники для подростков", "Кружки робототехники и шитья"]
    submissions = []
    for i, (organization, title) in enumerate(zip(organizations, titles, strict=True)):
        bid = BidFactory(
            competition=call, organization=organization, status="submitted", title=title
        )
        submission = BidSubmissionFactory(
            bid=bid,
            receipt_number=f"9-000{i + 1}",
            submitted_at=now - datetime.timedelta(days=3),
            content={**CONTENT, "title": title},
            requested_total=Decimal("216000"),
        )
        decide_admission(submission, decision="admitted", by=secretary)
        submissions.append(submission)
    open_scoring(call, by=secretary)
    call.refresh_from_db()

    admitted = list(admitted_submissions(call))
    for user in (chair, secretary, cast.commission_member):
        ready(seat_of(call, user), user, admitted)
    ours, theirs = submissions
    score(seat_of(call, chair), chair, ours, [6, 6])  # 60.00
    score(seat_of(call, chair), chair, theirs, [9, 9])  # 90.00
    score(seat_of(call, secretary), secretary, ours, [7, 5], SECRETARY_COMMENT)  # 62.00
    score(seat_of(call, secretary), secretary, theirs, [8, 8])  # 80.00
    return call, submissions, chair, secretary


def test_from_the_score_sheet_to_the_appeal_outcome(browser, live_server, cast, screenshot):
    from evaluation.models import Appeal
    from tests.evaluation.scoring_helpers import score, seat_of

    call, (ours, theirs), chair, secretary = build(cast)
    base = live_server.url
    member = cast.commission_member
    commission = f"{base}/commission/calls/{call.pk}/"
    bid_page = f"{commission}bids/{ours.pk}/"
    results = f"{base}/calls/{call.pk}/results/"

    def as_(user, viewport=DESKTOP, language="ru"):
        context = browser.new_context(timezone_id="Asia/Bishkek", viewport=viewport)
        sign_in(context, base, user)
        set_language(context, base, language)
        return context, context.new_page()

    def look(page, name, width=DESKTOP["width"]):
        """Axe clean, nothing wider than the screen, and the step's screenshot."""
        page.wait_for_load_state("load")
        screenshot(page, f"scoring-{name}-{width}")
        assert serious_violations(page) == [], name
        assert page.evaluate("document.documentElement.scrollWidth") <= width, name

    # --- the ordinary member scores the cast's bid ------------------------------------
    context, page = as_(member)
    page.goto(commission)
    expect(page.locator(f"a[href='/commission/calls/{call.pk}/bids/{ours.pk}/']")).to_be_visible()
    look(page, "member-list")

    page.goto(bid_page)
    sheet = page.locator("form#sheet-form[data-autosave]")
    expect(sheet).to_be_visible()
    # T8: before submitting, nothing of the other members' sheets.
    expect(page.locator("#peers-heading")).to_have_count(0)
    expect(page.get_by_text(SECRETARY_COMMENT)).to_have_count(0)
    first, second = list(call.criteria.order_by("position", "pk"))
    page.locator(f"[name=score_{first.pk}]").fill("8")
    page.locator(f"[name=score_{second.pk}]").fill("6")
    page.locator(f"[name=comment_{first.pk}]").fill("Понятная цель, измеримые показатели.")
    expect(page.locator("[data-autosave-status]")).to_have_text(SAVED, timeout=15_000)
    look(page, "member-sheet-autosaved")

    page.reload()
    expect(page.locator(f"[name=score_{first.pk}]")).to_have_value("8")
    expect(page.locator(f"[name=score_{second.pk}]")).to_have_value("6")
    expect(page.locator(f"[name=comment_{first.pk}]")).to_have_value(
        "Понятная цель, измеримые показатели."
    )
    expect(page.locator("#peers-heading")).to_have_count(0)
    look(page, "member-sheet-reloaded")

    page.locator("button[form=sheet-form][name=go][value=submit]").click()
    page.wait_for_url(commission)
    row = page.locator(".commission-bids li", has_text=cast.organization.name_ru)
    expect(row.locator(".badge.text-bg-success")).to_have_count(2)  # declared, submitted
    look(page, "member-submitted")

    page.goto(bid_page)
    expect(page.locator("form#sheet-form")).to_have_count(0)
    expect(page.locator("#sheet").get_by_text(re.compile(r"72[.,]00"))).to_be_visible()
    peers = page.locator("section[aria-labelledby=peers-heading]")
    expect(peers).to_be_visible()
    expect(peers).to_contain_text(SECRETARY_COMMENT)
    expect(peers).to_contain_text(chair.full_name)
    expect(peers).to_contain_text(secretary.full_name)
    look(page, "member-peers")
    context.close()

    # The member's sheet on the other bid, through the services: every sheet is in.
    score(seat_of(call, member), member, theirs, [9, 8])  # 86.00

    # --- the secretary follows the progress and closes the scoring ----------------------
    context, page = as_(secretary)
    page.goto(commission)
    progress = page.locator("section[aria-labelledby=progress-heading]")
    expect(progress).to_be_visible()
    for person in (chair, secretary, member):
        expect(progress.locator("thead").get_by_text(person.full_name)).to_be_visible()
    expect(progress.locator("tbody .badge.text-bg-success")).to_have_count(6)
    expect(progress.locator("tbody td.text-end").first).to_have_text("3 / 3")
    look(page, "secretary-progress")

    page.locator(f"form[action='/commission/calls/{call.pk}/close-scoring/'] button").click()
    page.wait_for_url(f"{commission}results/")
    ranking = page.locator("section[aria-labelledby=ranking-heading] tbody tr")
    expect(ranking).to_have_count(2)
    # Their bid (90, 80, 86: 85.33) first, ours (60, 62, 72: 64.67) second.
    expect(ranking.nth(0)).to_contain_text(re.compile(r"85[.,]33"))
    expect(ranking.nth(1)).to_contain_text(cast.organization.name_ru)
    expect(ranking.nth(1)).to_contain_text(re.compile(r"64[.,]67"))
    look(page, "secretary-deliberation")
    context.close()

    # --- the chair records the meeting and approves ------------------------------------
    context, page = as_(chair)
    page.goto(f"{commission}results/")
    meeting = page.locator(f"form[action='/commission/calls/{call.pk}/results/meeting/']")
    today = timezone.localdate(timezone=datetime.timezone(datetime.timedelta(hours=6)))
    meeting.locator("[name=meeting_on]").fill(today.isoformat())
    meeting.locator("[name=place]").fill("Зал заседаний айыл окмоту")
    boxes = meeting.locator("[name=attendees]")
    expect(boxes).to_have_count(3)
    for i in range(3):
        boxes.nth(i).check()
    meeting.locator("[name=decisions]").fill(MEETING)
    look(page, "chair-meeting-filled")
    meeting.locator("button[type=submit]").click()
    page.wait_for_url(f"{commission}results/")
    expect(page.get_by_text(MEETING)).to_be_visible()
    look(page, "chair-meeting-recorded")

    approve = page.locator(f"form[action='/commission/calls/{call.pk}/results/approve/'] button")
    expect(approve).to_be_enabled()
    approve.click()
    page.wait_for_url(results)
    public_rows = page.locator("table.results-table tbody tr")
    expect(public_rows).to_have_count(2)
    expect(public_rows.nth(1)).to_contain_text(cast.organization.name_ru)
    expect(public_rows.nth(1)).to_contain_text(re.compile(r"64[.,]67"))
    expect(page.get_by_text(MEETING)).to_have_count(0)  # the record, not the public page
    expect(page.get_by_text(SECRETARY_COMMENT)).to_have_count(0)  # never a comment
    look(page, "chair-published")
    page.set_viewport_size(PHONE)
    look(page, "chair-published", width=PHONE["width"])
    context.close()

    # --- the public reads the ranking on a phone, in Russian and in Kyrgyz ---------------
    for language in ("ru", "ky"):
        context, page = as_(None, viewport=PHONE, language=language)
        page.goto(results)
        expect(page.locator("html")).to_have_attribute("lang", language)
        expect(page.locator("table.results-table tbody tr")).to_have_count(2)
        look(page, f"public-results-{language}", width=PHONE["width"])
        context.close()

    # --- the applicant reads its result and appeals --------------------------------------
    context, page = as_(cast.ngo_member)
    page.goto(f"{base}/bids/{ours.bid_id}/")
    panel = page.locator("section[aria-labelledby=result-heading]")
    expect(panel).to_be_visible()
    expect(panel).to_contain_text(re.compile(r"64[.,]67 / 100"))
    expect(panel.locator("#result-heading ~ .badge")).to_be_visible()  # its result
    look(page, "ngo-result")

    appeal_form = panel.locator(f"form[action='/bids/{ours.bid_id}/appeal/']")
    expect(appeal_form).to_be_hidden()  # folded in its details until asked for
    panel.locator("details > summary").click()
    appeal_form.locator("[name=text]").fill(APPEAL)
    look(page, "ngo-appeal-form")
    appeal_form.locator("button[type=submit]").click()
    page.wait_for_url(f"{base}/bids/{ours.bid_id}/")
    expect(panel.locator(".appeal")).to_contain_text(APPEAL)
    expect(panel.locator(f"form[action='/bids/{ours.bid_id}/appeal/']")).to_have_count(0)
    look(page, "ngo-appeal-filed")
    context.close()
    appeal = Appeal.objects.get(submission=ours)
    assert appeal.status == Appeal.Status.PENDING

    # --- the secretary dismisses it with reasons -----------------------------------------
    context, page = as_(secretary)
    page.goto(f"{commission}results/")
    decide = page.locator(f"form[action='/commission/calls/{call.pk}/appeals/{appeal.pk}/decide/']")
    expect(decide).to_be_visible()
    expect(page.locator("#appeals")).to_contain_text(APPEAL)
    decide.locator(f"[name=a{appeal.pk}-outcome][value=dismiss]").check()
    decide.locator(f"[name=a{appeal.pk}-reasons]").fill(REASONS)
    look(page, "secretary-appeal-decision")
    decide.locator("button[type=submit]").click()
    page.wait_for_url(f"{commission}results/")
    expect(page.locator("#appeals")).to_contain_text(REASONS)
    expect(decide).to_have_count(0)
    look(page, "secretary-appeal-dismissed")
    context.close()
    appeal.refresh_from_db()
    assert appeal.status == Appeal.Status.DISMISSED

    # --- the public results list the outcome ---------------------------------------------
    context, page = as_(None)
    page.goto(results)
    outcomes = page.locator("section[aria-labelledby=appeals-heading]")
    expect(outcomes).to_contain_text(cast.organization.name_ru)
    expect(outcomes).to_contain_text(REASONS)
    expect(outcomes.locator(".badge.text-bg-secondary")).to_be_visible()  # dismissed
    expect(outcomes).not_to_contain_text(APPEAL)  # the appeal's text stays private
    look(page, "public-appeal-outcome")
    page.set_viewport_size(PHONE)
    look(page, "public-appeal-outcome", width=PHONE["width"])
    context.close()
