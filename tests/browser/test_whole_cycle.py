"""The whole cycle of one social-order call, in the browser, as its people do it.

1. The officer of municipality A publishes a priority problem and announces a call
   answering it through the workspace forms (the programme comes from the factory; the
   commission is typed in the call form: a chair, a secretary and an ordinary member).
2. Two NGOs bid. The first goes straight through (Russian). The second reads the portal
   in Kyrgyz and is interrupted: it fills two steps, its browser context is closed; it
   logs in again through the login form in a new context, finds its draft with what it
   typed, completes and submits it.
3. The deadline passes on a controlled clock: the whole walk runs under time-machine
   (`tick=True`), which moves the portal's clock (PORTAL_CLOCK=application in tests) for
   the live server's thread too; the clock is moved past the deadline, then past the
   appeal window.
4. The secretary admits both bids and opens the scoring; the three members sign the
   confidentiality declaration, declare, and score; the ordinary member declares a
   conflict of interest on the second bid. The secretary closes the scoring; the chair
   records the meeting and approves: the results are public.
5. The second NGO (in Kyrgyz) appeals; after the appeal window the secretary dismisses
   the appeal with reasons, which makes the results final.
6. The officer makes the winning bid a project in the browser. The agreement (tranche
   schedule and signing) and the first payment go through the services, as in
   tests/browser/page_types.py `_project_under_way`: the tranche formset gains one row per
   save, so a three-tranche schedule would take three saves for nothing this walk checks
   (the agreement form is covered by tests/monitoring). The NGO sends the interim report
   in the browser and the officer accepts it.
7. National ministry staff open /ministry/ and see the call, the two bids and the
   project in the figures (and the call in the list behind them); staff of the Chüy
   oblast land on their oblast's dashboard with the same figures; the call's OCDS release
   package (fetched with the page's request context) lists the award and the contract.

Axe finds nothing serious or critical on any page visited. Controls are found by their
form's address and field names, not by their words."""

from __future__ import annotations

import contextlib
import datetime
import re
import zoneinfo
from decimal import Decimal

import pytest
import time_machine
from playwright.sync_api import expect

from tests.browser.conftest import DESKTOP, serious_violations
from tests.browser.page_types import set_language, sign_in
from tests.files import pdf_bytes

pytestmark = pytest.mark.django_db(transaction=True)

BISHKEK = zoneinfo.ZoneInfo("Asia/Bishkek")
# The walk's calendar (Bishkek time): announced on 2 March, deadline 6 March 18:00,
# results on 7 March with three days for appeals, final on 11 March.
ANNOUNCED = datetime.datetime(2031, 3, 2, 9, 0, tzinfo=BISHKEK)
AFTER_DEADLINE = datetime.datetime(2031, 3, 7, 10, 0, tzinfo=BISHKEK)
AFTER_APPEALS = datetime.datetime(2031, 3, 11, 10, 0, tzinfo=BISHKEK)

PROBLEM = "Подросткам негде заниматься после школы"
CALL = "Кружки и секции для подростков Аламүдүна"
TITLE_1 = "Робототехника и шитьё после уроков"
TITLE_2 = "Жаштар клубу: спорт жана шахмат"
GOAL_2 = "Өспүрүмдөр сабактан кийин көзөмөлсүз калбайт."
CONFLICT = "Моя сестра работает бухгалтером в этой организации."
APPEAL = "Комиссия не учла письма партнёров, приложенные к заявке."
REASONS = "Письма партнёров рассмотрены на заседании; оценки остаются в силе."
MEETING = "Утвердить рейтинг: отобрана одна заявка в пределах бюджета."
NARRATIVE = "Закуплены наборы для робототехники, занятия начались в двух школах."
SAVED = re.compile(r"\d{2}:\d{2}:\d{2}")


def build(cast):
    """What the walk does not type: the programme, the commission's chair and secretary,
    both organisations verified, the second NGO's member reading Kyrgyz, and staff of
    the Chüy oblast at the ministry."""
    from applications.services.organizations import set_verification
    from tests.factories import MinistryStaffFactory, ProgrammeFactory, UserFactory

    programme = ProgrammeFactory(
        municipality=cast.municipality_a,
        title="Программа 2031–2032",
        start_year=2031,
        end_year=2032,
    )
    chair = UserFactory(email="chair@cast.kg", full_name="Айгуль Председатель")
    secretary = UserFactory(email="secretary@cast.kg", full_name="Бакыт Секретарь")
    for organization in (cast.organization, cast.other_organization):
        set_verification(organization, verified=True, note="", by=cast.officer_a)
    cast.other_ngo_member.language = "ky"  # logging in sets the language cookie from it
    cast.other_ngo_member.save(update_fields=["language"])
    ministry_c = UserFactory(email="ministry.c@cast.kg", full_name="Ministry viewer, Chüy")
    MinistryStaffFactory(user=ministry_c, region=cast.region_c)
    return programme, chair, secretary, ministry_c


@pytest.fixture
def contexts():
    """The walk's browser contexts, closed at the end even when a step fails."""
    made = []
    yield made
    for context in made:  # closing twice does no harm
        with contextlib.suppress(Exception):
            context.close()


def test_the_whole_cycle_from_problem_to_open_data(
    browser, live_server, cast, screenshot, contexts
):
    from applications.models import Bid, BidSubmission
    from competitions.models import Competition, PriorityProblem
    from evaluation.models import Appeal
    from monitoring.models import ProgressReport, Project, Tranche
    from monitoring.services.projects import (
        TrancheRow,
        record_payment,
        save_agreement,
        sign_agreement,
    )
    from opendata.selectors import ocid_for

    base = live_server.url
    code = cast.municipality_a.code
    workspace = f"{base}/municipalities/{code}/workspace/"

    def as_(user, language="ru"):
        context = browser.new_context(timezone_id="Asia/Bishkek", viewport=DESKTOP)
        contexts.append(context)
        sign_in(context, base, user)
        set_language(context, base, language)
        return context, context.new_page()

    def look(page, name, shot=False):
        """Every page visited: axe finds nothing serious or critical; a screenshot at
        the key steps."""
        page.wait_for_load_state("load")
        if shot:
            screenshot(page, f"cycle-{name}")
        assert serious_violations(page) == [], name

    def log_in(page, user):
        """The login form, as someone coming back does (the language follows the user)."""
        page.goto(f"{base}/accounts/login/")
        look(page, f"login-{user.pk}")
        page.locator("main form [name=username]").fill(user.email)
        page.locator("main form [name=password]").fill(cast.password)
        page.locator("main form button[type=submit]").click()
        page.wait_for_url(f"{base}/accounts/")
        look(page, f"home-{user.pk}")

    def save_step(page, bid, go):
        page.locator(f"button[form=step-form][name=go][value={go}]").click()
        target = f"{base}/bids/{bid.pk}/" if go == "preview" else f"{base}/bids/{bid.pk}/edit/{go}/"
        page.wait_for_url(target)
        look(page, f"bid-{bid.pk}-{go}")

    def fill_project(page, bid, problem, title):
        page.locator("[name=problem]").select_option(str(problem.pk))
        page.locator("[name=title]").fill(title)
        page.locator("[name=summary]").fill("Занятия после уроков для 30 подростков.")
        save_step(page, bid, "goal")

    def fill_goal(page, goal):
        page.locator("[name=goal]").fill(goal)
        page.locator("[name=tasks]").fill("Набрать группы.\nПровести занятия.")
        page.locator("[name=target_group]").fill("Подростки 12–17 лет.")

    def fill_rest(page, bid, *, unit_cost, own):
        page.locator("[name=beneficiaries]").fill("30")
        save_step(page, bid, "plan")
        page.locator("[name=plan-0-activity]").fill("Занятия в кружках")
        page.locator("[name=plan-0-starts_on]").fill("2031-04-01")
        page.locator("[name=plan-0-ends_on]").fill("2031-11-30")
        page.locator("[name=plan-0-responsible]").fill("Руководитель кружков")
        page.locator("[name=plan-0-result]").fill("30 подростков занимаются")
        save_step(page, bid, "results")
        page.locator("[name=team]").fill("Руководитель, два педагога.")
        page.locator("[name=partners]").fill("Средняя школа им. Токтогула.")
        page.locator("[name=indicators-0-name]").fill("Подростки в кружках")
        page.locator("[name=indicators-0-unit]").fill("человек")
        page.locator("[name=indicators-0-baseline]").fill("0")
        page.locator("[name=indicators-0-target]").fill("30")
        save_step(page, bid, "budget")
        page.locator("[name=budget-0-category]").select_option(index=0)
        page.locator("[name=budget-0-item]").fill("Оборудование и педагоги")
        page.locator("[name=budget-0-unit]").fill("комплект")
        page.locator("[name=budget-0-quantity]").fill("1")
        page.locator("[name=budget-0-unit_cost]").fill(unit_cost)
        page.locator("[name=budget-0-own_contribution]").fill(own)
        page.locator("[name=budget-0-other_sources]").fill("0")
        save_step(page, bid, "documents")
        upload = page.locator(f"form[action='/bids/{bid.pk}/documents/']")
        upload.locator("[name=file]").set_input_files(
            {"name": "устав.pdf", "mimeType": "application/pdf", "buffer": pdf_bytes("Устав")}
        )
        upload.locator("button[type=submit]").click()
        expect(page.locator("a", has_text="устав.pdf").first).to_be_visible()
        look(page, f"bid-{bid.pk}-documents-attached")
        page.goto(f"{base}/bids/{bid.pk}/")
        look(page, f"bid-{bid.pk}-preview")

    def submit(page, bid, name):
        page.locator(f"form[action='/bids/{bid.pk}/submit/'] button[type=submit]").click()
        page.wait_for_url(re.compile(rf".*/bids/{bid.pk}/receipts/[0-9a-f-]+/$"))
        look(page, name, shot=True)

    programme, chair, secretary, ministry_c = build(cast)
    with time_machine.travel(ANNOUNCED, tick=True) as clock:
        # --- 1. the officer publishes a problem, then a call answering it ----------------
        context, page = as_(cast.officer_a)
        page.goto(workspace)
        look(page, "officer-workspace")
        page.locator(f"a[href='/municipalities/{code}/workspace/problems/']").first.click()
        look(page, "officer-problems")
        page.locator(f"a[href='/municipalities/{code}/workspace/problems/new/']").click()
        look(page, "officer-problem-new")
        form = page.locator("main form[method=post]")
        form.locator("[name=title]").fill(PROBLEM)
        form.locator("[name=description]").fill(
            "После уроков подростки из семей трудовых мигрантов остаются без присмотра."
        )
        form.locator("[name=sphere]").select_option(index=1)
        form.locator("[name=beneficiaries]").fill("120")
        form.locator("[name=assessment_method]").select_option("hearing")
        form.locator("[name=assessment_date]").fill("2031-02-15")
        form.locator("[name=participants]").fill("45")
        form.locator("[name=women_participants]").fill("25")
        form.locator("button[type=submit]").click()
        page.wait_for_url(re.compile(r".*/workspace/problems/\d+/$"))
        look(page, "officer-problem-draft")
        problem = PriorityProblem.objects.get(title=PROBLEM)
        page.locator(f"a[href$='/problems/{problem.pk}/publish/']").click()
        look(page, "officer-problem-publish")
        page.locator("main form[method=post] button[type=submit]").click()
        page.wait_for_url(re.compile(rf".*/workspace/problems/{problem.pk}/$"))
        look(page, "officer-problem-published")
        problem.refresh_from_db()
        assert problem.status == PriorityProblem.Status.PUBLISHED

        page.goto(f"{workspace}calls/")
        look(page, "officer-calls")
        page.locator(f"a[href='/municipalities/{code}/workspace/calls/new/']").click()
        page.wait_for_url(f"{workspace}calls/new/")
        look(page, "officer-call-new")
        form = page.locator("form:has(#id_title)")
        form.locator("[name=title]").fill(CALL)
        form.locator("[name=programme]").select_option(str(programme.pk))
        form.locator(f"[name=problems][value='{problem.pk}']").check()
        form.locator("[name=sphere]").select_option(str(problem.sphere_id))
        form.locator("[name=goal]").fill("Занять подростков после уроков.")
        form.locator("[name=tasks]").fill("Кружки, секции, наставники.")
        form.locator("[name=target_group]").fill("Подростки 12–17 лет.")
        form.locator("[name=total_budget]").fill("300000")
        form.locator("[name=max_per_bid]").fill("300000")
        form.locator("[name=min_cofinancing_pct]").fill("10")
        form.locator("[name=implementation_start]").fill("2031-04-01")
        form.locator("[name=implementation_end]").fill("2031-12-31")
        form.locator("[name=opens_at]").fill("2031-03-02T08:00")
        form.locator("[name=closes_at]").fill("2031-03-06T18:00")
        form.locator("[name=required_documents]").fill("Устав организации")
        form.locator("[name=appeal_days]").fill("3")
        # Three seats: a member recused on a bid still leaves two, a quorum of 60 %.
        form.locator("[name=quorum_pct]").fill("60")
        for i, (title, weight) in enumerate([("Значимость", "60"), ("Бюджет", "40")]):
            form.locator(f"[name=criteria-{i}-title]").fill(title)
            form.locator(f"[name=criteria-{i}-weight]").fill(weight)
        for i in range(2, 5):  # the other common criteria deleted
            form.locator(f"[name=criteria-{i}-DELETE]").check()
        add = form.locator("button[data-formset-add=commission]")
        add.click()
        add.click()
        seats = [
            (chair, "chair", "civil_society"),
            (secretary, "secretary", "state"),
            (cast.commission_member, "member", "civil_society"),
        ]
        for i, (user, role, affiliation) in enumerate(seats):
            form.locator(f"[name=commission-{i}-email]").fill(user.email)
            form.locator(f"[name=commission-{i}-role]").select_option(role)
            form.locator(f"[name=commission-{i}-affiliation]").select_option(affiliation)
        look(page, "officer-call-filled", shot=True)
        page.locator("form:has(#id_title) > button[type=submit]").click()
        page.wait_for_url(re.compile(r".*/workspace/calls/\d+/edit/$"))
        look(page, "officer-call-draft")
        call = Competition.objects.get(title=CALL)
        page.locator(f"a[href$='/calls/{call.pk}/publish/']").click()
        look(page, "officer-call-announce")
        page.locator("main form[method=post] button[type=submit]").click()
        page.wait_for_url(f"{workspace}calls/{call.pk}/")
        look(page, "officer-call-announced", shot=True)
        call.refresh_from_db()
        assert call.status == Competition.Status.PUBLISHED
        assert call.phase.accepting
        context.close()

        # --- 2a. the first NGO bids straight through (Russian) ---------------------------
        context, page = as_(cast.ngo_member)
        page.goto(f"{base}/calls/{call.pk}/")
        look(page, "ngo1-call")
        page.locator(f"form[action='/calls/{call.pk}/apply/'] button[type=submit]").click()
        page.wait_for_url(re.compile(r".*/edit/project/$"))
        look(page, "ngo1-step-project")
        bid_1 = Bid.objects.get(organization=cast.organization)
        fill_project(page, bid_1, problem, TITLE_1)
        fill_goal(page, "Подростки заняты после уроков.")
        fill_rest(page, bid_1, unit_cost="280000", own="30000")  # 250 000 requested
        submit(page, bid_1, "ngo1-receipt")
        context.close()

        # --- 2b. the second NGO (Kyrgyz) is interrupted, comes back and submits ----------
        context, page = as_(None, language="ky")
        log_in(page, cast.other_ngo_member)
        expect(page.locator("html")).to_have_attribute("lang", "ky")
        page.goto(f"{base}/calls/{call.pk}/")
        look(page, "ngo2-call-ky")
        page.locator(f"form[action='/calls/{call.pk}/apply/'] button[type=submit]").click()
        page.wait_for_url(re.compile(r".*/edit/project/$"))
        look(page, "ngo2-step-project-ky")
        bid_2 = Bid.objects.get(organization=cast.other_organization)
        fill_project(page, bid_2, problem, TITLE_2)
        fill_goal(page, GOAL_2)
        # The form saves itself after a pause: the typing is on the server...
        expect(page.locator("[data-autosave-status]")).to_have_text(SAVED, timeout=15_000)
        look(page, "ngo2-goal-autosaved-ky", shot=True)
        context.close()  # ... and the browser is gone.

        context = browser.new_context(timezone_id="Asia/Bishkek", viewport=DESKTOP)
        contexts.append(context)
        page = context.new_page()
        log_in(page, cast.other_ngo_member)
        expect(page.locator("html")).to_have_attribute("lang", "ky")
        page.goto(f"{base}/organizations/")
        look(page, "ngo2-my-organisations-ky")
        page.locator(f"a[href='/bids/{bid_2.pk}/']").click()
        page.wait_for_url(f"{base}/bids/{bid_2.pk}/")
        look(page, "ngo2-draft-found-ky", shot=True)
        page.locator(f"a[href='/bids/{bid_2.pk}/edit/goal/']").first.click()
        page.wait_for_url(f"{base}/bids/{bid_2.pk}/edit/goal/")
        look(page, "ngo2-goal-again-ky")
        expect(page.locator("[name=goal]")).to_have_value(GOAL_2)
        expect(page.locator("[name=target_group]")).to_have_value("Подростки 12–17 лет.")
        page.goto(f"{base}/bids/{bid_2.pk}/edit/project/")
        look(page, "ngo2-project-again-ky")
        expect(page.locator("[name=title]")).to_have_value(TITLE_2)
        page.goto(f"{base}/bids/{bid_2.pk}/edit/goal/")
        look(page, "ngo2-goal-continue-ky")
        fill_rest(page, bid_2, unit_cost="275000", own="27500")  # 247 500 requested
        submit(page, bid_2, "ngo2-receipt-ky")
        context.close()
        assert Bid.objects.filter(competition=call, status=Bid.Status.SUBMITTED).count() == 2

        # --- 3. the deadline passes --------------------------------------------------------
        clock.move_to(AFTER_DEADLINE)
        call.refresh_from_db()
        assert call.phase.in_admission
        ours = BidSubmission.objects.get(bid=bid_1)
        theirs = BidSubmission.objects.get(bid=bid_2)
        commission = f"{base}/commission/calls/{call.pk}/"
        first, second = list(call.criteria.order_by("position", "pk"))

        def sign_confidentiality(page, who):
            page.goto(commission)
            page.wait_for_url(f"{commission}confidentiality/")
            look(page, f"{who}-confidentiality")
            page.locator("[name=agree]").check()
            page.locator(
                f"form[action='/commission/calls/{call.pk}/confidentiality/sign/'] "
                "button[type=submit]"
            ).click()
            page.wait_for_url(commission)
            look(page, f"{who}-commission")

        def declare_and_score(page, who, submission, scores):
            url = f"{commission}bids/{submission.pk}/"
            page.goto(url)
            look(page, f"{who}-declare-{submission.receipt_number}")
            declare = page.locator(
                f"form[action='/commission/calls/{call.pk}/bids/{submission.pk}/declare/']"
            )
            declare.locator("[name=has_conflict][value=no]").check()
            declare.locator("button[type=submit]").click()
            page.wait_for_url(re.compile(re.escape(url) + ".*"))
            expect(page.locator("form#sheet-form")).to_be_visible()
            look(page, f"{who}-sheet-{submission.receipt_number}")
            page.locator(f"[name=score_{first.pk}]").fill(str(scores[0]))
            page.locator(f"[name=score_{second.pk}]").fill(str(scores[1]))
            page.locator("button[form=sheet-form][name=go][value=submit]").click()
            page.wait_for_url(commission)
            look(page, f"{who}-scored-{submission.receipt_number}")

        # --- 4. admission, declarations, scoring, results ----------------------------------
        context, page = as_(secretary)
        sign_confidentiality(page, "secretary")
        admission = f"{workspace}calls/{call.pk}/admission/"
        page.goto(admission)
        look(page, "secretary-admission", shot=True)
        for submission in (ours, theirs):
            decide = page.locator(
                f"form[action='/municipalities/{code}/workspace/calls/{call.pk}/admission/"
                f"{submission.pk}/decide/']"
            )
            decide.locator("xpath=..").locator("summary").click()
            decide.locator(
                f"[name=decide-{submission.receipt_number}-decision][value=admitted]"
            ).check()
            decide.locator("button[type=submit]").click()
            page.wait_for_url(re.compile(re.escape(admission) + ".*"))
            look(page, f"secretary-admitted-{submission.receipt_number}")
        page.locator(
            f"form[action='{admission.removeprefix(base)}open-scoring/'] button[type=submit]"
        ).click()
        page.wait_for_load_state()
        look(page, "secretary-scoring-open")
        call.refresh_from_db()
        assert call.phase.scoring
        declare_and_score(page, "secretary", ours, (9, 7))  # 82
        declare_and_score(page, "secretary", theirs, (6, 7))  # 64
        context.close()

        context, page = as_(chair)
        sign_confidentiality(page, "chair")
        declare_and_score(page, "chair", ours, (8, 8))  # 80
        declare_and_score(page, "chair", theirs, (7, 6))  # 66
        context.close()

        # The ordinary member scores the first bid and recuses from the second.
        context, page = as_(cast.commission_member)
        sign_confidentiality(page, "member")
        declare_and_score(page, "member", ours, (8, 7))  # 76
        page.goto(f"{commission}bids/{theirs.pk}/")
        look(page, "member-declare-conflict")
        declare = page.locator(
            f"form[action='/commission/calls/{call.pk}/bids/{theirs.pk}/declare/']"
        )
        declare.locator("[name=has_conflict][value=yes]").check()
        declare.locator("[name=statement]").fill(CONFLICT)
        declare.locator("button[type=submit]").click()
        page.wait_for_load_state()
        look(page, "member-conflict-declared")
        page.goto(commission)
        recused = page.locator("section[aria-labelledby=recused-heading]")
        expect(recused).to_contain_text(cast.other_organization.name_ru)
        look(page, "member-recused", shot=True)
        context.close()

        # The secretary closes the scoring: every sheet is in, the quorum holds.
        context, page = as_(secretary)
        page.goto(commission)
        look(page, "secretary-progress")
        page.locator(f"form[action='/commission/calls/{call.pk}/close-scoring/'] button").click()
        page.wait_for_url(f"{commission}results/")
        ranking = page.locator("section[aria-labelledby=ranking-heading] tbody tr")
        expect(ranking).to_have_count(2)
        # Ours (82, 80, 76: 79.33) first; theirs (64, 66; the member recused: 65.00) second.
        expect(ranking.nth(0)).to_contain_text(re.compile(r"79[.,]33"))
        expect(ranking.nth(1)).to_contain_text(re.compile(r"65[.,]00"))
        look(page, "secretary-deliberation", shot=True)
        context.close()

        context, page = as_(chair)
        page.goto(f"{commission}results/")
        look(page, "chair-deliberation")
        meeting = page.locator(f"form[action='/commission/calls/{call.pk}/results/meeting/']")
        meeting.locator("[name=meeting_on]").fill(AFTER_DEADLINE.date().isoformat())
        meeting.locator("[name=place]").fill("Зал заседаний айыл окмоту")
        boxes = meeting.locator("[name=attendees]")
        expect(boxes).to_have_count(3)
        for i in range(3):
            boxes.nth(i).check()
        meeting.locator("[name=decisions]").fill(MEETING)
        meeting.locator("button[type=submit]").click()
        page.wait_for_url(f"{commission}results/")
        look(page, "chair-meeting-recorded")
        page.locator(f"form[action='/commission/calls/{call.pk}/results/approve/'] button").click()
        results = f"{base}/calls/{call.pk}/results/"
        page.wait_for_url(results)
        rows = page.locator("table.results-table tbody tr")
        expect(rows).to_have_count(2)
        expect(rows.nth(0)).to_contain_text(cast.organization.name_ru)
        look(page, "public-results", shot=True)
        context.close()

        # --- 5. the second NGO appeals, in Kyrgyz; dismissed after the window ------------
        context, page = as_(cast.other_ngo_member, language="ky")
        page.goto(f"{base}/bids/{bid_2.pk}/")
        panel = page.locator("section[aria-labelledby=result-heading]")
        expect(panel).to_contain_text(re.compile(r"65[.,]00 / 100"))
        look(page, "ngo2-result-ky")
        panel.locator("details > summary").click()
        appeal_form = panel.locator(f"form[action='/bids/{bid_2.pk}/appeal/']")
        appeal_form.locator("[name=text]").fill(APPEAL)
        appeal_form.locator("button[type=submit]").click()
        page.wait_for_url(f"{base}/bids/{bid_2.pk}/")
        expect(panel.locator(".appeal")).to_contain_text(APPEAL)
        look(page, "ngo2-appeal-filed-ky", shot=True)
        context.close()
        appeal = Appeal.objects.get(submission=theirs)

        clock.move_to(AFTER_APPEALS)
        context, page = as_(secretary)
        page.goto(f"{commission}results/")
        look(page, "secretary-appeal")
        decide = page.locator(
            f"form[action='/commission/calls/{call.pk}/appeals/{appeal.pk}/decide/']"
        )
        decide.locator(f"[name=a{appeal.pk}-outcome][value=dismiss]").check()
        decide.locator(f"[name=a{appeal.pk}-reasons]").fill(REASONS)
        decide.locator("button[type=submit]").click()
        page.wait_for_url(f"{commission}results/")
        expect(page.locator("#appeals")).to_contain_text(REASONS)
        look(page, "secretary-appeal-dismissed")
        context.close()
        appeal.refresh_from_db()
        assert appeal.status == Appeal.Status.DISMISSED
        call.refresh_from_db()
        assert call.phase.is_final  # the window is over and no appeal is open

        # --- 6. the winning bid becomes a project; a report is sent and accepted ---------
        context, page = as_(cast.officer_a)
        page.goto(f"{workspace}calls/{call.pk}/")
        look(page, "officer-call-final")
        page.locator(
            f"form[action='/municipalities/{code}/workspace/calls/{call.pk}/projects/'] button"
        ).click()
        page.wait_for_url(f"{workspace}projects/")
        look(page, "officer-projects")
        project = Project.objects.get(competition=call)
        assert project.organization == cast.organization
        assert project.amount == Decimal("250000")
        # The agreement and the first payment through the services (see the docstring).
        half = (project.amount / 2).quantize(Decimal("0.01"))
        quarter = (project.amount / 4).quantize(Decimal("0.01"))
        halfway = project.starts_on + (project.ends_on - project.starts_on) / 2
        project = save_agreement(
            project,
            data={
                "municipality_signatory": "Глава айыл окмоту",
                "organization_signatory": "Директор фонда",
            },
            tranches=[
                TrancheRow(half, project.starts_on, Tranche.Condition.SIGNING),
                TrancheRow(quarter, halfway, Tranche.Condition.INTERIM),
                TrancheRow(
                    project.amount - half - quarter, project.ends_on, Tranche.Condition.FINAL
                ),
            ],
            expected_version=project.version,
            by=cast.officer_a,
        )
        sign_agreement(project, signed_on=AFTER_APPEALS.date(), by=cast.officer_a)
        tranche = project.tranches.order_by("position").first()
        record_payment(
            tranche,
            amount=tranche.amount,
            paid_on=AFTER_APPEALS.date(),
            reference="ПП-31",
            by=cast.officer_a,
        )
        page.goto(f"{workspace}projects/{project.pk}/")
        look(page, "officer-project-signed", shot=True)
        context.close()

        report = project.reports.get(kind=ProgressReport.Kind.INTERIM)
        report_url = f"/projects/{project.pk}/reports/{report.pk}/"
        context, page = as_(cast.ngo_member)
        page.goto(f"{base}/projects/mine/")
        look(page, "ngo1-my-projects")
        page.locator(f"a[href='{report_url}']").click()
        page.wait_for_url(f"{base}{report_url}")
        look(page, "ngo1-report-form")
        form = page.locator(f"form[action='{report_url}submit/']")
        form.locator("[name=narrative]").fill(NARRATIVE)
        form.locator("[name=reached]").fill("18")
        form.locator("[name=reached_women]").fill("9")
        form.locator("[name=reached_disabled]").fill("2")
        form.locator("[name=reached_children]").fill("18")
        form.locator("[name=spent_0]").fill("100000")
        indicator = project.indicators.order_by("position").first()
        form.locator(f"[name=value_{indicator.pk}]").fill("18")
        form.locator("button[type=submit]").click()
        page.wait_for_url(f"{base}{report_url}")
        expect(page.locator(f"form[action='{report_url}submit/']")).to_have_count(0)
        expect(page.locator("details").first).to_contain_text(NARRATIVE)
        look(page, "ngo1-report-sent", shot=True)
        context.close()

        context, page = as_(cast.officer_a)
        page.goto(f"{base}{report_url}")
        look(page, "officer-report")
        decide = page.locator(
            f"form[action='/municipalities/{code}/workspace/projects/{project.pk}/reports/"
            f"{report.pk}/decide/']"
        )
        decide.locator("[name=decision][value=accept]").check()
        decide.locator("button[type=submit]").click()
        page.wait_for_url(f"{base}{report_url}")
        expect(decide).to_have_count(0)
        look(page, "officer-report-accepted")
        context.close()
        report.refresh_from_db()
        assert report.status == ProgressReport.Status.ACCEPTED

        # --- 7. the ministry's figures and the open data ---------------------------------
        def figures(page):
            cards = page.locator("section[aria-labelledby=totals-heading] .figure-card")
            expect(cards.nth(1).locator(".fs-4")).to_have_text("1")  # calls announced
            expect(cards.nth(2).locator(".fs-4")).to_have_text("2")  # bids submitted
            expect(cards.nth(3).locator(".fs-4")).to_have_text("1")  # projects

        context, page = as_(cast.ministry)
        page.goto(f"{base}/ministry/")
        look(page, "ministry-country", shot=True)
        figures(page)
        activity = page.locator(
            "section[aria-labelledby=activity-heading] tbody tr", has_text=cast.region_c.name_ru
        )
        expect(activity.locator("td").nth(1)).to_have_text("1")  # the oblast's calls
        expect(activity.locator("td").nth(2)).to_have_text("2")  # and bids
        page.locator("section[aria-labelledby=totals-heading] .figure-card").nth(1).click()
        page.wait_for_url(re.compile(r".*/ministry/calls/.*"))
        expect(page.get_by_text(CALL).first).to_be_visible()
        look(page, "ministry-calls")
        context.close()

        context, page = as_(ministry_c)
        page.goto(f"{base}/ministry/")
        page.wait_for_url(f"{base}/ministry/regions/{cast.region_c.code}/")
        look(page, "ministry-oblast", shot=True)
        expect(page.locator("h1")).to_contain_text(cast.region_c.name_ru)
        figures(page)

        ocid = ocid_for(call)
        response = page.request.get(f"{base}/opendata/ocds/{ocid}/releases.json")
        assert response.ok
        package = response.json()
        releases = package["releases"]
        assert all(r["ocid"] == ocid for r in releases)
        awards = [a for r in releases for a in r.get("awards", [])]
        contracts = [c for r in releases for c in r.get("contracts", [])]
        award = next(a for a in awards if a.get("suppliers"))
        assert award["suppliers"][0]["name"] == cast.organization.name_ru
        assert {a["id"] for a in awards} == {award["id"]}  # the one selected bid
        signed = next(c for c in contracts if "dateSigned" in c)
        assert signed["id"] == project.number
        assert signed["awardID"] == award["id"]
        assert signed["value"]["amount"] == 250000
        context.close()
