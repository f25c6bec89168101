"""A progress report from the organisation to the public page, in the browser, as the
people do it: the NGO's administrator finds the report through the signed-in home, fills it
in (narrative, beneficiaries, spending per budget line, an indicator, a milestone done,
a file) and sends it; the officer returns it with comments; the NGO reads them, revises
(the form starts from the first version, the file kept) and sends again — on a phone,
in Kyrgyz; the officer accepts; the public project page shows the new progress and the
beneficiaries reached. Axe finds nothing serious or critical on any page.

Controls are found by their form's address and field names, not by their words."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import DESKTOP, PHONE, serious_violations
from tests.browser.page_types import _project_under_way, set_language, sign_in
from tests.files import pdf_bytes

pytestmark = pytest.mark.django_db(transaction=True)

NARRATIVE = "Помещение отремонтировано, закуплено оборудование, занятия начались."
COMMENTS = "Приложите акт приёмки ремонта и уточните число детей с инвалидностью."
REVISED = "Число детей с инвалидностью уточнено по журналу посещений."


def build(cast):
    """The cast's verified NGO's bid to a call answering a problem, made a project with
    a tranche on signing (paid), one on an interim report and one on the final."""
    import datetime

    from applications.services.organizations import set_verification
    from tests.competitions.conftest import make_call
    from tests.factories import PriorityProblemFactory

    set_verification(cast.organization, verified=True, note="", by=cast.officer_a)
    cast.organization.refresh_from_db()
    problem = PriorityProblemFactory(
        municipality=cast.municipality_a, title="Детям негде заниматься после школы"
    )
    call = make_call(
        cast,
        status="published",
        problems=[problem],
        title="Кружки для детей",
        # The calendar plan fill_bid writes runs from February to November 2027.
        implementation_start=datetime.date(2027, 2, 1),
        implementation_end=datetime.date(2027, 11, 30),
    )
    return _project_under_way(cast, call, interim=True)


def test_a_report_is_sent_returned_revised_and_accepted(browser, live_server, cast, screenshot):
    from monitoring.models import ProgressReport

    project = build(cast)
    report = project.reports.get(kind=ProgressReport.Kind.INTERIM)
    base = live_server.url
    report_url = f"/projects/{project.pk}/reports/{report.pk}/"
    submit = f"form[action='{report_url}submit/']"
    decide = (
        f"form[action='/municipalities/{project.municipality.code}/workspace/projects/"
        f"{project.pk}/reports/{report.pk}/decide/']"
    )
    milestones = list(project.milestones.order_by("position"))
    lines = len(project.submission.content.get("budget_lines", []))
    indicator = project.indicators.order_by("position").first()

    def as_(user, viewport=DESKTOP, language="ru"):
        context = browser.new_context(timezone_id="Asia/Bishkek", viewport=viewport)
        sign_in(context, base, user)
        set_language(context, base, language)
        return context, context.new_page()

    def look(page, name, width=DESKTOP["width"]):
        page.wait_for_load_state("load")
        screenshot(page, f"report-{name}-{width}")
        assert serious_violations(page) == [], name
        assert page.evaluate("document.documentElement.scrollWidth") <= width, name

    # --- the NGO finds the report on its home and sends it ------------------------------
    context, page = as_(cast.ngo_member)
    page.goto(f"{base}/accounts/")
    # Due in months: the home says nothing is due soon and leads to the projects.
    panel = page.locator("section[aria-labelledby=org-reports-heading]")
    panel.locator("a[href='/projects/mine/']").click()
    page.wait_for_url(f"{base}/projects/mine/")
    look(page, "ngo-my-projects")
    page.locator(f"a[href='{report_url}']").click()
    page.wait_for_url(f"{base}{report_url}")
    form = page.locator(submit)
    form.locator("[name=narrative]").fill(NARRATIVE)
    form.locator("[name=reached]").fill("18")
    form.locator("[name=reached_women]").fill("9")
    form.locator("[name=reached_disabled]").fill("30")  # more than the total: refused
    form.locator("[name=reached_children]").fill("16")
    for i in range(lines):
        form.locator(f"[name=spent_{i}]").fill("1000")
    if indicator is not None:
        form.locator(f"[name=value_{indicator.pk}]").fill("12")
    form.locator(f"[name=status_{milestones[0].pk}]").select_option("done")
    form.locator("[name=files]").set_input_files(
        {"name": "акт.pdf", "mimeType": "application/pdf", "buffer": pdf_bytes("Акт")}
    )
    form.locator("button[type=submit]").click()
    # Refused with the field's error; everything typed is still there.
    expect(page.locator("[data-error-summary]")).to_be_visible()
    expect(form.locator("[name=narrative]")).to_have_value(NARRATIVE)
    expect(form.locator("[name=reached]")).to_have_value("18")
    look(page, "ngo-refused")
    form.locator("[name=reached_disabled]").fill("3")
    form.locator("[name=files]").set_input_files(
        {"name": "акт.pdf", "mimeType": "application/pdf", "buffer": pdf_bytes("Акт")}
    )
    form.locator("button[type=submit]").click()
    page.wait_for_url(f"{base}{report_url}")
    expect(page.locator(submit)).to_have_count(0)
    expect(page.locator("details").first).to_contain_text(NARRATIVE)
    expect(page.locator("details").first).to_contain_text("акт.pdf")
    look(page, "ngo-sent")
    context.close()

    # --- the officer returns it with comments -------------------------------------------
    context, page = as_(cast.officer_a)
    page.goto(f"{base}/accounts/")
    task = page.locator("a[data-task=reports_to_review]")
    expect(task).to_contain_text("1")
    task.click()
    page.wait_for_url(f"{base}/municipalities/{project.municipality.code}/workspace/projects/")
    expect(page.locator("tbody tr").first.locator(".badge.text-bg-info")).to_be_visible()
    look(page, "officer-projects")
    page.goto(f"{base}{report_url}")
    form = page.locator(decide)
    form.locator("[name=decision][value=return]").check()
    form.locator("button[type=submit]").click()
    expect(page.locator("[data-error-summary]")).to_be_visible()  # comments required
    look(page, "officer-comments-required")
    form.locator("[name=decision][value=return]").check()
    form.locator("[name=comments]").fill(COMMENTS)
    form.locator("button[type=submit]").click()
    page.wait_for_url(f"{base}{report_url}")
    expect(page.locator(decide)).to_have_count(0)
    expect(page.locator("details").first).to_contain_text(COMMENTS)
    look(page, "officer-returned")
    context.close()

    # --- the NGO revises on a phone, in Kyrgyz ------------------------------------------
    context, page = as_(cast.ngo_member, viewport=PHONE, language="ky")
    page.goto(f"{base}{report_url}")
    expect(page.locator(".alert-warning").first).to_contain_text(COMMENTS)
    form = page.locator(submit)
    expect(form.locator("[name=narrative]")).to_have_value(NARRATIVE)
    expect(form.locator("[name=reached]")).to_have_value("18")
    expect(form.locator("[name=keep]")).to_be_checked()
    look(page, "ngo-revise-phone-ky", PHONE["width"])
    form.locator("[name=narrative]").fill(f"{NARRATIVE}\n{REVISED}")
    form.locator("[name=reached_disabled]").fill("4")
    form.locator("button[type=submit]").click()
    page.wait_for_url(f"{base}{report_url}")
    versions = page.locator("details")
    expect(versions).to_have_count(2)
    expect(versions.first).to_contain_text(REVISED)
    expect(versions.first).to_contain_text("акт.pdf")
    look(page, "ngo-revised-phone-ky", PHONE["width"])
    context.close()

    # --- the officer accepts ------------------------------------------------------------
    context, page = as_(cast.officer_a)
    page.goto(f"{base}{report_url}")
    form = page.locator(decide)
    form.locator("[name=decision][value=accept]").check()
    form.locator("button[type=submit]").click()
    page.wait_for_url(f"{base}{report_url}")
    look(page, "officer-accepted")
    context.close()

    # --- the public sees the new progress -----------------------------------------------
    # The first milestone done, the others at 0: its share of the plan's days.
    days = [(m.ends_on - m.starts_on).days + 1 for m in milestones]
    expected = round(100 * days[0] / sum(days))
    context, page = as_(None)
    page.goto(f"{base}/projects/{project.pk}/")
    bar = page.locator("[role=progressbar]")
    expect(bar).to_have_attribute("aria-valuenow", str(expected))
    reached = page.locator("section[aria-labelledby=reached-heading]")
    expect(reached).to_contain_text("18")
    expect(reached).to_contain_text("4")
    expect(page.locator(f"a[href='{report_url}']")).to_have_count(0)  # details are the parties'
    look(page, "public-progress")
    page.set_viewport_size(PHONE)
    look(page, "public-progress-phone", PHONE["width"])
    context.close()
