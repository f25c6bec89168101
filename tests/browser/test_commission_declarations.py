"""A commission member in the browser: the confidentiality declaration, the list of
admitted bids, the declaration on a bid and the bid opened after "no conflict", at
1280 and 360 px, with axe clean on each page."""

from __future__ import annotations

import datetime
from decimal import Decimal

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from tests.browser.conftest import DESKTOP, PHONE

pytestmark = pytest.mark.django_db(transaction=True)

CONTENT = {
    "summary": "Наставники и кружки после школы для 40 подростков из семей трудовых мигрантов.",
    "goal": "Подростки не остаются после уроков без присмотра.",
    "tasks": "1. Подобрать наставников.\n2. Открыть два кружка.",
    "target_group": "Подростки 12–17 лет.",
    "beneficiaries": 40,
    "team": "Руководитель, психолог, два руководителя кружков.",
    "partners": "Средняя школа им. Токтогула.",
    "activities": [
        {
            "activity": "Отбор и обучение наставников",
            "starts_on": "2027-02-01",
            "ends_on": "2027-03-15",
            "responsible": "Психолог",
            "result": "10 наставников обучены",
        }
    ],
    "indicators": [
        {"name": "Подростки в кружках", "unit": "человек", "baseline": "0", "target": "40"}
    ],
    "budget_lines": [
        {
            "category": "staff",
            "item": "Психолог и руководители кружков, 8 месяцев",
            "unit": "месяц",
            "quantity": "8",
            "unit_cost": "30000",
            "own_contribution": "24000",
            "other_sources": "0",
        }
    ],
    "totals": {
        "total": "240000",
        "own": "24000",
        "other": "0",
        "requested": "216000",
        "own_pct": "10.0",
    },
    "documents": [],
}


def build(cast):
    """A call of municipality A in scoring, three admitted bids, the cast's member seated."""
    from competitions.models import CommissionMember, Competition
    from evaluation.services.admission import decide_admission, open_scoring
    from tests.evaluation.conftest import attach_document
    from tests.factories import (
        BidFactory,
        BidSubmissionFactory,
        CompetitionFactory,
        OrganizationFactory,
        UserFactory,
    )

    now = timezone.now()
    secretary = UserFactory(email="secretary@cast.kg", full_name="Secretary")
    call = CompetitionFactory(
        municipality=cast.municipality_a,
        title="Наставники и кружки для подростков из семей трудовых мигрантов",
        status=Competition.Status.PUBLISHED,
        now=now - datetime.timedelta(days=41),
        opens_at=now - datetime.timedelta(days=40),
        closes_at=now - datetime.timedelta(days=2),
        commission=[
            (UserFactory(email="chair@cast.kg"), CommissionMember.Role.CHAIR, "civil_society"),
            (secretary, CommissionMember.Role.SECRETARY, "state"),
            (cast.commission_member, CommissionMember.Role.MEMBER, "expert"),
        ],
    )
    organizations = [
        cast.organization,
        OrganizationFactory(name_ru="Общественное объединение «Үмүт-Келечек»"),
        OrganizationFactory(name_ru="Учреждение «Ысык-Көл — равные возможности»"),
    ]
    titles = [
        "Старший друг: наставники для подростков",
        "Кружки робототехники и шитья после школы",
        "Подростковый клуб «Жаштык»",
    ]
    submissions = []
    for i, (organization, title) in enumerate(zip(organizations, titles, strict=True)):
        bid = BidFactory(
            competition=call, organization=organization, status="submitted", title=title
        )
        submission = BidSubmissionFactory(
            bid=bid,
            receipt_number=f"7-000{i + 1}",
            submitted_at=now - datetime.timedelta(days=3),
            content={**CONTENT, "title": title},
            requested_total=Decimal("216000"),
        )
        decide_admission(submission, decision="admitted", by=secretary)
        submissions.append(submission)
    attach_document(submissions[0], name="Устав ОФ «Көмөк».pdf")
    open_scoring(call, by=secretary)
    return call, submissions


def sign_in(context, base_url, user):
    from tests.browser.page_types import sign_in as copy_session

    copy_session(context, base_url, user)
    context.add_cookies([{"name": "mo_language", "value": "en", "url": base_url}])


def test_a_member_signs_declares_and_reads_a_bid(
    browser, live_server, cast, screenshot, assert_accessible
):
    from evaluation.services.declarations import declare_conflict

    call, submissions = build(cast)
    context = browser.new_context(timezone_id="Asia/Bishkek", viewport=DESKTOP)
    sign_in(context, live_server.url, cast.commission_member)
    page = context.new_page()

    page.goto(f"{live_server.url}/commission/calls/{call.pk}/")
    expect(page.get_by_role("heading", name="Confidentiality declaration", level=1)).to_be_visible()
    assert page.url.endswith("/confidentiality/")
    assert_accessible(page)
    screenshot(page, "commission-confidentiality-1280")
    page.set_viewport_size(PHONE)
    screenshot(page, "commission-confidentiality-360")
    page.set_viewport_size(DESKTOP)

    # The signed-in home says what is to do for the call.
    page.goto(f"{live_server.url}/accounts/")
    expect(page.get_by_text("Sign the confidentiality declaration")).to_be_visible()
    assert_accessible(page)
    screenshot(page, "commission-home-1280")
    page.set_viewport_size(PHONE)
    screenshot(page, "commission-home-360")
    page.set_viewport_size(DESKTOP)
    page.goto(f"{live_server.url}/commission/calls/{call.pk}/confidentiality/")

    page.get_by_label("I have read the declaration and undertake to keep to it").check()
    page.get_by_role("button", name="Sign the declaration").click()
    expect(page.get_by_role("heading", name="My commission work")).to_be_visible()
    expect(page.get_by_text("3 bids to declare on")).to_be_visible()

    # One bid already declared on (no conflict), one recused: every state on the list.
    seat = call.commission.get(user=cast.commission_member)
    declare_conflict(seat, submissions[1], has_conflict=False, by=cast.commission_member)
    declare_conflict(
        seat,
        submissions[2],
        has_conflict=True,
        statement="Моя дочь работает бухгалтером в этом учреждении.",
        by=cast.commission_member,
    )
    page.reload()
    assert_accessible(page)
    screenshot(page, "commission-call-1280")
    page.set_viewport_size(PHONE)
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
    screenshot(page, "commission-call-360")
    page.set_viewport_size(DESKTOP)

    page.get_by_role("link", name="Declare ОФ «Көмөк»").click()
    expect(page.get_by_role("heading", name="Your declaration on this bid")).to_be_visible()
    expect(page.get_by_text("Наставники и кружки после школы")).to_have_count(0)
    assert_accessible(page)
    screenshot(page, "commission-declare-1280")
    page.set_viewport_size(PHONE)
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
    screenshot(page, "commission-declare-360")
    page.set_viewport_size(DESKTOP)

    page.get_by_label("No: I have no conflict of interest with this applicant").check()
    page.get_by_role("button", name="Record my declaration").click()
    expect(page.get_by_text("Наставники и кружки после школы")).to_be_visible()
    expect(page.get_by_role("link", name="Устав ОФ «Көмөк».pdf")).to_be_visible()
    assert_accessible(page)
    screenshot(page, "commission-bid-1280")
    page.set_viewport_size(PHONE)
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
    screenshot(page, "commission-bid-360")
    context.close()
