"""The report pages and the end of a project, through the views: the organisation sends
and revises a report (`report_submit`), an officer accepts or returns it
(`report_decide`), completes the project with its final evaluation (`complete`) or
terminates it (`terminate`); who reads a report and its files; "My projects", the
signed-in home's panels and tasks, the problem page, and what the public project page
shows once a report is accepted or the project has ended.

Each state-changing view: the happy path and what it shows afterwards, outsiders 404
(anonymous visitors to the login page), weak roles 403, GET 405, out of order 409,
invalid input 400 keeping what was typed. The project is the conftest's `signed`
(interim report No. 1 due 01.05.2027 with the interim tranche, the final report due
11.11.2027), its frozen bid given a budget to report spending against.
"""

from __future__ import annotations

import datetime
import re
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from applications.models import Bid, OrganizationMember
from audit.models import AuditEvent
from competitions.models import Competition
from monitoring.exceptions import OutOfOrder
from monitoring.models import (
    IndicatorValue,
    Milestone,
    ProgressReport,
    Project,
    ReportFile,
    ReportVersion,
)
from monitoring.services.projects import (
    TrancheRow,
    record_payment,
    save_agreement,
    sign_agreement,
)
from monitoring.services.reports import (
    ReportData,
    complete_project,
    decide_report,
    submit_report,
    terminate_project,
)
from notifications.models import Notification
from tests.factories import (
    BidFactory,
    BidSubmissionFactory,
    CompetitionFactory,
    OrganizationMemberFactory,
    UserFactory,
)
from tests.files import pdf_upload
from tests.monitoring.conftest import OUR_TITLE, SIGNATORIES, THEIR_TITLE, TODAY

Kind = ProgressReport.Kind
Status = ProgressReport.Status

NARRATIVE = "Отремонтировали зал и закупили столы для занятий."
REVISED = "Отремонтировали зал, закупили столы; приложены акты приёмки."
COMMENTS = "Приложите акт приёмки работ по ремонту."
REASONS = "Центр открыт в срок, все мероприятия проведены, показатели достигнуты."
END_REASON = "Организация прекратила деятельность и не может продолжать проект."
SPENT = "123456.78"

# The frozen bid's budget: the municipality funds 180 000 + 270 000 = 450 000.
BUDGET_LINES = [
    {
        "category": "works",
        "item": "Ремонт помещения",
        "unit": "работа",
        "quantity": "1",
        "unit_cost": "200000",
        "own_contribution": "20000",
        "other_sources": "0",
    },
    {
        "category": "equipment",
        "item": "Оборудование для занятий",
        "unit": "комплект",
        "quantity": "10",
        "unit_cost": "30000",
        "own_contribution": "20000",
        "other_sources": "10000",
    },
]

OUTSIDERS = ["other_ngo_member", "officer_b", "ministry_y", "commission_member"]
PARTIES = ["ngo_member", "viewer", "officer_a", "officer_a_weak", "ministry", "site_admin"]


# --- fixtures and helpers --------------------------------------------------------------------


@pytest.fixture
def project(signed) -> Project:
    """The signed project whose frozen bid has a budget to report spending against."""
    submission = signed.submission
    submission.content = {**submission.content, "budget_lines": BUDGET_LINES}
    submission.save(update_fields=["content"])
    signed.refresh_from_db()
    return signed


@pytest.fixture
def viewer(cast):
    """A member of the cast's organisation who only reads."""
    user = UserFactory(email="viewer@cast.kg", full_name="NGO viewer")
    OrganizationMemberFactory(
        user=user, organization=cast.organization, role=OrganizationMember.Role.VIEWER
    )
    return user


def person(cast, viewer, who):
    if who is None:
        return None
    return viewer if who == "viewer" else getattr(cast, who)


def interim(project) -> ProgressReport:
    return project.reports.get(kind=Kind.INTERIM, number=1)


def final(project) -> ProgressReport:
    return project.reports.get(kind=Kind.FINAL)


def report_url(report, tail: str = "") -> str:
    return f"/projects/{report.project_id}/reports/{report.pk}/{tail}"


def ws(project, tail: str = "") -> str:
    return f"/municipalities/{project.municipality.code}/workspace/projects/{project.pk}/{tail}"


def decide_url(report) -> str:
    return ws(report.project, f"reports/{report.pk}/decide/")


def page_of(response) -> str:
    return response.content.decode()


def to_login(response) -> bool:
    return response.status_code == 302 and response["Location"].startswith("/accounts/login/")


def report_form(project, **extra) -> dict:
    """What the organisation types: the narrative, 120 reached (70 women, 12 with
    disabilities, 45 children), spending on each line, indicator values, milestones."""
    data = {
        "narrative": NARRATIVE,
        "reached": "120",
        "reached_women": "70",
        "reached_disabled": "12",
        "reached_children": "45",
        "spent_0": "175000",
        "spent_1": "90000",
    }
    for i, indicator in enumerate(project.indicators.order_by("pk")):
        data[f"value_{indicator.pk}"] = str(10 + i)
    for i, m in enumerate(project.milestones.order_by("position", "pk")):
        done = i == 0
        data[f"status_{m.pk}"] = Milestone.Status.DONE if done else Milestone.Status.UNDER_WAY
        data[f"percent_{m.pk}"] = "100" if done else "40"
    return {**data, **extra}


def report_data(project, narrative: str = NARRATIVE) -> ReportData:
    return ReportData(
        narrative=narrative,
        reached=120,
        reached_women=70,
        reached_disabled=12,
        reached_children=45,
        spent={0: Decimal("175000"), 1: Decimal("90000")},
    )


def send(cast, report, *, narrative: str = NARRATIVE, files=(), keep=()) -> ReportVersion:
    return submit_report(
        report, report_data(report.project, narrative), files=files, keep=keep, by=cast.ngo_member
    )


def accept(cast, report) -> None:
    decide_report(report, accept=True, by=cast.officer_a)


def give_back(cast, report, comments: str = COMMENTS) -> None:
    decide_report(report, accept=False, comments=comments, by=cast.officer_a)


def final_accepted(cast, project) -> ProgressReport:
    """The interim report accepted, then the final one (it comes after every interim)."""
    send(cast, interim(project))
    accept(cast, interim(project))
    report = final(project)
    send(cast, report)
    accept(cast, report)
    return report


def radio(page: str, value: str) -> str:
    """The <input> of a radio button with this value, as rendered."""
    found = re.search(rf'<input[^>]*value="{value}"[^>]*>', page)
    assert found, value
    return found.group(0)


# --- sending a report ----------------------------------------------------------------------------


def test_the_organisation_sends_a_report_with_a_file(cast, english, project):
    report = interim(project)
    client = english(cast.ngo_member)
    page = page_of(client.get(report_url(report)))
    assert "Fill in and send the report" in page and "Ремонт помещения" in page
    response = client.post(
        report_url(report, "submit/"), {**report_form(project), "files": [pdf_upload("Акт.pdf")]}
    )
    assert response.status_code == 302 and response["Location"] == report_url(report)
    report.refresh_from_db()
    assert report.status == Status.SUBMITTED and report.submitted_at is not None
    version = report.versions.get()
    assert (version.number, version.narrative, version.reached) == (1, NARRATIVE, 120)
    assert version.spent_total == Decimal("265000")
    assert version.submitted_by == cast.ngo_member
    assert [f.name for f in version.files.all()] == ["Акт.pdf"]
    assert AuditEvent.objects.filter(action="project.report_submitted").count() == 1
    assert Notification.objects.filter(event="report_submitted", user=cast.officer_a).exists()
    assert not Notification.objects.filter(event="report_submitted", user=cast.officer_b).exists()
    # Afterwards: the version is there, awaiting review, and the form is gone.
    page = page_of(client.get(report_url(report)))
    assert "The report is sent: the municipality reviews it." in page
    assert NARRATIVE in page and "Version 1, sent 11.01.2027" in page
    assert "awaiting review" in page and "Sent by NGO member" in page
    file = version.files.get()
    assert f"/projects/{project.pk}/files/{file.pk}/" in page
    assert "Send the report" not in page
    # The figures of a report are the project's only once it is accepted.
    project.refresh_from_db()
    assert project.reached is None
    # The officer finds the decision form on the same page.
    officer_page = page_of(english(cast.officer_a).get(report_url(report)))
    assert "Your decision" in officer_page and decide_url(report) in officer_page


def test_a_returned_report_is_revised_keeping_the_files_ticked(cast, english, project):
    report = interim(project)
    first = send(cast, report, files=[pdf_upload("Акт.pdf"), pdf_upload("Смета.pdf")])
    give_back(cast, report)
    kept, dropped = first.files.order_by("name")  # «Акт» before «Смета»
    client = english(cast.ngo_member)
    page = page_of(client.get(report_url(report)))
    assert "Returned for revision: the officer" in page
    assert COMMENTS in page and "Revise and send the report again" in page
    assert NARRATIVE in page  # the form starts from the previous version
    response = client.post(
        report_url(report, "submit/"),
        {**report_form(project, narrative=REVISED), "keep": [str(kept.pk)]},
    )
    assert response.status_code == 302
    report.refresh_from_db()
    assert report.status == Status.SUBMITTED
    assert list(report.versions.values_list("number", flat=True)) == [1, 2]
    second = report.versions.get(number=2)
    assert second.narrative == REVISED
    [carried] = second.files.all()
    assert carried.name == "Акт.pdf" and carried.pk != kept.pk
    assert carried.file.name == kept.file.name  # the same stored file
    assert dropped.pk and first.files.count() == 2  # the first version keeps its files
    page = page_of(client.get(report_url(report)))
    assert REVISED in page and NARRATIVE in page  # every version is kept
    assert "Version 2, sent" in page and "Version 1, sent" in page


@pytest.mark.parametrize("who", ["other_ngo_member", "officer_b", "ministry_y"])
def test_outsiders_do_not_find_a_report_to_send(cast, english, project, who):
    report = interim(project)
    response = english(getattr(cast, who)).post(report_url(report, "submit/"), report_form(project))
    assert response.status_code == 404
    assert not ReportVersion.objects.exists()


def test_an_anonymous_visitor_is_sent_to_log_in_to_send_a_report(english, project):
    report = interim(project)
    response = english(None).post(report_url(report, "submit/"), report_form(project))
    assert to_login(response)
    assert not ReportVersion.objects.exists()


@pytest.mark.parametrize("who", ["viewer", "ministry", "officer_a", "site_admin"])
def test_those_who_only_read_the_report_may_not_send_it(cast, english, project, viewer, who):
    """They see the report (sees_details) but are no admin or editor of the organisation."""
    report = interim(project)
    response = english(person(cast, viewer, who)).post(
        report_url(report, "submit/"), report_form(project)
    )
    assert response.status_code == 403
    assert not ReportVersion.objects.exists()


def test_the_viewer_reads_the_report_page_without_the_form(cast, english, project, viewer):
    page = page_of(english(viewer).get(report_url(interim(project))))
    assert "administrators and editors send this report." in page
    assert "Send the report" not in page


def test_sending_a_report_is_posted_never_got(cast, english, project):
    response = english(cast.ngo_member).get(report_url(interim(project), "submit/"))
    assert response.status_code == 405


def test_a_report_awaiting_review_is_not_sent_again(cast, english, project):
    report = interim(project)
    send(cast, report)
    response = english(cast.ngo_member).post(
        report_url(report, "submit/"), report_form(project, narrative=REVISED)
    )
    assert response.status_code == 409
    assert "This report is with the officer: wait for the decision." in page_of(response)
    assert report.versions.count() == 1


def test_an_accepted_report_is_not_sent_again(cast, english, project):
    report = interim(project)
    send(cast, report)
    accept(cast, report)
    response = english(cast.ngo_member).post(report_url(report, "submit/"), report_form(project))
    assert response.status_code == 409
    assert report.versions.count() == 1


def test_the_final_report_waits_for_the_interim_reports(cast, english, project):
    response = english(cast.ngo_member).post(
        report_url(final(project), "submit/"), report_form(project)
    )
    assert response.status_code == 409
    assert "The final report comes once every interim report is accepted." in page_of(response)
    assert not ReportVersion.objects.exists()


def test_no_report_is_sent_after_the_project_ended(cast, english, project):
    terminate_project(project, reason=END_REASON, by=cast.officer_a)
    report = interim(project)
    response = english(cast.ngo_member).post(report_url(report, "submit/"), report_form(project))
    assert response.status_code == 409
    assert "Reports are sent while the project is under way." in page_of(response)
    assert not ReportVersion.objects.exists()


def test_parts_over_the_total_are_refused_and_the_typing_is_kept(cast, english, project):
    report = interim(project)
    response = english(cast.ngo_member).post(
        report_url(report, "submit/"),
        report_form(project, reached="50", reached_women="70", spent_0=SPENT),
    )
    assert response.status_code == 400
    page = page_of(response)
    assert "Cannot be more than the total reached." in page
    assert NARRATIVE in page  # the narrative is still in the form
    assert f'value="{SPENT}"' in page  # and the spent figure
    women = re.search(r'<input[^>]*name="reached_women"[^>]*>', page)
    assert women and 'value="70"' in women.group(0) and "is-invalid" in women.group(0)
    report.refresh_from_db()
    assert report.status == Status.DUE and not ReportVersion.objects.exists()


@pytest.mark.parametrize(
    "change", [{"narrative": ""}, {"spent_0": "-5"}, {"reached": ""}, {"spent_1": "много"}]
)
def test_a_report_missing_or_wrong_figures_is_refused(cast, english, project, change):
    response = english(cast.ngo_member).post(
        report_url(interim(project), "submit/"), report_form(project, **change)
    )
    assert response.status_code == 400
    assert not ReportVersion.objects.exists()


def test_a_file_that_is_not_what_it_claims_is_refused_and_nothing_is_kept(cast, english, project):
    from django.core.files.uploadedfile import SimpleUploadedFile

    fake = SimpleUploadedFile("Акт.pdf", b"MZ\x90\x00 not a pdf", content_type="application/pdf")
    response = english(cast.ngo_member).post(
        report_url(interim(project), "submit/"),
        {**report_form(project, spent_0=SPENT), "files": [fake]},
    )
    assert response.status_code == 400
    page = page_of(response)
    assert NARRATIVE in page and f'value="{SPENT}"' in page
    assert not ReportVersion.objects.exists() and not ReportFile.objects.exists()


# --- deciding a report ---------------------------------------------------------------------------


@pytest.mark.parametrize("who", ["officer_a", "officer_a_weak", "site_admin"])
def test_an_officer_accepts_a_report_and_its_figures_become_the_projects(
    cast, english, project, who
):
    report = interim(project)
    send(cast, report)
    client = english(getattr(cast, who))
    response = client.post(decide_url(report), {"decision": "accept"})
    assert response.status_code == 302 and response["Location"] == report_url(report)
    report.refresh_from_db()
    assert report.status == Status.ACCEPTED
    version = report.versions.get()
    assert version.decision == "accepted" and version.decided_by == getattr(cast, who)
    project.refresh_from_db()
    assert (project.reached, project.reached_women, project.reached_children) == (120, 70, 45)
    assert AuditEvent.objects.filter(action="project.report_accepted").count() == 1
    assert Notification.objects.filter(event="report_accepted", user=cast.ngo_member).exists()
    page = page_of(client.get(report_url(report)))
    assert "The report is accepted: its figures are on the project&#x27;s page." in page
    assert "Your decision" not in page and "awaiting review" not in page
    # The organisation's page: accepted, nothing more to send.
    member_page = page_of(english(cast.ngo_member).get(report_url(report)))
    assert "Send the report" not in member_page and "accepted" in member_page


def test_an_accepted_report_s_milestones_and_indicators_reach_the_project(cast, english, project):
    report = interim(project)
    client = english(cast.ngo_member)
    assert client.post(report_url(report, "submit/"), report_form(project)).status_code == 302
    assert not IndicatorValue.objects.exists()
    response = english(cast.officer_a).post(decide_url(report), {"decision": "accept"})
    assert response.status_code == 302
    first = project.milestones.order_by("position", "pk").first()
    assert (first.status, first.percent) == (Milestone.Status.DONE, 100)
    values = sorted(IndicatorValue.objects.values_list("value", flat=True))
    assert values == [Decimal("10"), Decimal("11")]


def test_the_interim_tranche_is_paid_only_after_its_report_is_accepted(cast, english, project):
    tranche = project.tranches.get(condition="interim")
    report = interim(project)
    send(cast, report)
    with pytest.raises(OutOfOrder):
        record_payment(
            tranche, amount=tranche.amount, paid_on=TODAY, reference="ПП-2", by=cast.officer_a
        )
    assert english(cast.officer_a).post(decide_url(report), {"decision": "accept"}).status_code == (
        302
    )
    record_payment(
        tranche, amount=tranche.amount, paid_on=TODAY, reference="ПП-2", by=cast.officer_a
    )
    assert tranche.payments.count() == 1


def test_an_officer_returns_a_report_with_comments(cast, english, project):
    report = interim(project)
    send(cast, report)
    response = english(cast.officer_a).post(
        decide_url(report), {"decision": "return", "comments": COMMENTS}
    )
    assert response.status_code == 302
    report.refresh_from_db()
    assert report.status == Status.RETURNED
    version = report.versions.get()
    assert (version.decision, version.comments) == ("returned", COMMENTS)
    project.refresh_from_db()
    assert project.reached is None  # a returned report moves nothing
    assert Notification.objects.filter(event="report_returned", user=cast.ngo_member).exists()
    page = page_of(english(cast.ngo_member).get(report_url(report)))
    assert COMMENTS in page and "returned for revision" in page
    assert "Revise and send the report again" in page


@pytest.mark.parametrize("who", ["officer_b", "ministry_y", "ngo_member", "other_ngo_member"])
def test_outsiders_do_not_find_the_decision(cast, english, project, who):
    report = interim(project)
    send(cast, report)
    response = english(getattr(cast, who)).post(decide_url(report), {"decision": "accept"})
    assert response.status_code == 404
    report.refresh_from_db()
    assert report.status == Status.SUBMITTED


def test_an_anonymous_visitor_is_sent_to_log_in_to_decide(cast, english, project):
    report = interim(project)
    send(cast, report)
    assert to_login(english(None).post(decide_url(report), {"decision": "accept"}))
    report.refresh_from_db()
    assert report.status == Status.SUBMITTED


def test_ministry_staff_overseeing_read_but_do_not_decide(cast, english, project):
    report = interim(project)
    send(cast, report)
    client = english(cast.ministry)
    assert client.post(decide_url(report), {"decision": "accept"}).status_code == 403
    report.refresh_from_db()
    assert report.status == Status.SUBMITTED
    page = page_of(client.get(report_url(report)))
    assert NARRATIVE in page and "Your decision" not in page


def test_deciding_is_posted_never_got(cast, english, project):
    report = interim(project)
    send(cast, report)
    assert english(cast.officer_a).get(decide_url(report)).status_code == 405


def test_a_report_of_another_project_is_not_decided_through_this_one(cast, english, project):
    theirs = Project.objects.get(title=THEIR_TITLE)
    save_agreement(
        theirs,
        data=SIGNATORIES,
        tranches=[TrancheRow(theirs.amount, datetime.date(2027, 1, 30), "signing")],
        expected_version=0,
        by=cast.officer_a,
    )
    sign_agreement(theirs, signed_on=TODAY, by=cast.officer_a)
    other = final(theirs)
    url = ws(project, f"reports/{other.pk}/decide/")
    assert english(cast.officer_a).post(url, {"decision": "accept"}).status_code == 404


def test_an_accepted_report_is_not_decided_again(cast, english, project):
    report = interim(project)
    send(cast, report)
    accept(cast, report)
    response = english(cast.officer_a).post(
        decide_url(report), {"decision": "return", "comments": COMMENTS}
    )
    assert response.status_code == 409
    assert "Only a submitted report of a project under way is decided." in page_of(response)
    report.refresh_from_db()
    assert report.status == Status.ACCEPTED


def test_a_report_not_sent_yet_is_not_decided(cast, english, project):
    report = interim(project)
    response = english(cast.officer_a).post(decide_url(report), {"decision": "accept"})
    assert response.status_code == 409
    report.refresh_from_db()
    assert report.status == Status.DUE


def test_returning_without_comments_is_refused(cast, english, project):
    report = interim(project)
    send(cast, report)
    response = english(cast.officer_a).post(
        decide_url(report), {"decision": "return", "comments": "  "}
    )
    assert response.status_code == 400
    page = page_of(response)
    assert "Say what the organisation should correct." in page
    assert "checked" in radio(page, "return")  # the choice is kept
    report.refresh_from_db()
    assert report.status == Status.SUBMITTED


def test_a_decision_must_be_chosen_and_the_comments_are_kept(cast, english, project):
    report = interim(project)
    send(cast, report)
    response = english(cast.officer_a).post(decide_url(report), {"comments": COMMENTS})
    assert response.status_code == 400
    assert COMMENTS in page_of(response)
    report.refresh_from_db()
    assert report.status == Status.SUBMITTED


# --- completing and terminating ------------------------------------------------------------------


def test_the_officer_completes_the_project_and_the_public_sees_the_evaluation(
    cast, english, project
):
    final_accepted(cast, project)
    client = english(cast.officer_a)
    manage = page_of(client.get(ws(project)))
    assert ws(project, "complete/") in manage
    response = client.post(ws(project, "complete/"), {"rating": "successful", "reasons": REASONS})
    assert response.status_code == 302 and response["Location"] == ws(project)
    project.refresh_from_db()
    assert project.status == Project.Status.COMPLETED
    assert (project.final_rating, project.final_reasons) == ("successful", REASONS)
    assert project.ended_on == TODAY
    assert AuditEvent.objects.filter(action="project.completed").count() == 1
    assert Notification.objects.filter(event="project_completed", user=cast.ngo_member).exists()
    assert "The project is completed with its final evaluation." in page_of(client.get(ws(project)))
    public = page_of(english(None).get(f"/projects/{project.pk}/"))
    assert "Final evaluation: successful" in public and REASONS in public
    assert "Completed on 11.01.2027" in public
    assert "As counted in the latest accepted report." in public


def test_completing_may_mark_the_problem_the_project_answers_addressed(
    cast, english, project, call
):
    from competitions.models import PriorityProblem

    problem = call.problems.get()
    PriorityProblem.objects.filter(pk=problem.pk).update(status=PriorityProblem.Status.IN_CALL)
    submission = project.submission
    submission.content = {**submission.content, "problem": problem.pk}
    submission.save(update_fields=["content"])
    final_accepted(cast, project)
    client = english(cast.officer_a)
    manage = page_of(client.get(ws(project)))
    assert 'name="problem_addressed"' in manage and problem.title in manage
    response = client.post(
        ws(project, "complete/"),
        {"rating": "successful", "reasons": REASONS, "problem_addressed": "on"},
    )
    assert response.status_code == 302
    problem.refresh_from_db()
    assert problem.status == PriorityProblem.Status.ADDRESSED
    event = AuditEvent.objects.get(action="project.completed")
    assert event.after["problem_addressed"] == problem.pk
    assert AuditEvent.objects.filter(action="problem.addressed").count() == 1
    assert 'mb-2">addressed</span>' in page_of(english(None).get(f"/problems/{problem.pk}/"))


def test_completing_leaves_the_problem_alone_unless_asked(cast, english, project, call):

    problem = call.problems.get()
    before = problem.status
    submission = project.submission
    submission.content = {**submission.content, "problem": problem.pk}
    submission.save(update_fields=["content"])
    final_accepted(cast, project)
    english(cast.officer_a).post(
        ws(project, "complete/"), {"rating": "satisfactory", "reasons": REASONS}
    )
    problem.refresh_from_db()
    assert problem.status == before
    assert not AuditEvent.objects.filter(action="problem.addressed").exists()


@pytest.mark.parametrize("who", ["officer_b", "ministry_y", "ngo_member", "other_ngo_member"])
def test_outsiders_do_not_find_the_completion(cast, english, project, who):
    final_accepted(cast, project)
    response = english(getattr(cast, who)).post(
        ws(project, "complete/"), {"rating": "successful", "reasons": REASONS}
    )
    assert response.status_code == 404
    project.refresh_from_db()
    assert project.status == Project.Status.ACTIVE


def test_ministry_staff_do_not_complete_or_terminate(cast, english, project):
    final_accepted(cast, project)
    client = english(cast.ministry)
    data = {"rating": "successful", "reasons": REASONS}
    assert client.post(ws(project, "complete/"), data).status_code == 403
    data = {"reason": END_REASON, "confirm": "on"}
    assert client.post(ws(project, "terminate/"), data).status_code == 403
    project.refresh_from_db()
    assert project.status == Project.Status.ACTIVE


@pytest.mark.parametrize("tail", ["complete/", "terminate/"])
def test_an_anonymous_visitor_is_sent_to_log_in_to_end_a_project(english, project, tail):
    data = {"rating": "successful", "reasons": REASONS, "reason": END_REASON, "confirm": "on"}
    assert to_login(english(None).post(ws(project, tail), data))
    project.refresh_from_db()
    assert project.status == Project.Status.ACTIVE


@pytest.mark.parametrize("tail", ["complete/", "terminate/"])
def test_ending_a_project_is_posted_never_got(cast, english, project, tail):
    assert english(cast.officer_a).get(ws(project, tail)).status_code == 405


def test_no_completion_before_the_final_report_is_accepted(cast, english, project):
    send(cast, interim(project))
    accept(cast, interim(project))
    send(cast, final(project))  # sent, not accepted yet
    response = english(cast.officer_a).post(
        ws(project, "complete/"), {"rating": "successful", "reasons": REASONS}
    )
    assert response.status_code == 409
    assert "Accept the final report first." in page_of(response)
    project.refresh_from_db()
    assert project.status == Project.Status.ACTIVE and project.final_rating == ""


def test_a_draft_or_completed_project_is_not_completed(cast, english, project):
    data = {"rating": "successful", "reasons": REASONS}
    client = english(cast.officer_a)
    theirs = Project.objects.get(title=THEIR_TITLE)  # still a draft
    assert client.post(ws(theirs, "complete/"), data).status_code == 409
    final_accepted(cast, project)
    complete_project(project, rating="satisfactory", reasons=REASONS, by=cast.officer_a)
    assert client.post(ws(project, "complete/"), data).status_code == 409
    project.refresh_from_db()
    assert project.final_rating == "satisfactory"


def test_a_completion_without_reasons_is_refused_and_the_rating_kept(cast, english, project):
    final_accepted(cast, project)
    response = english(cast.officer_a).post(
        ws(project, "complete/"), {"rating": "unsatisfactory", "reasons": ""}
    )
    assert response.status_code == 400
    page = page_of(response)
    assert "checked" in radio(page, "unsatisfactory")
    project.refresh_from_db()
    assert project.status == Project.Status.ACTIVE


def test_a_completion_without_a_rating_is_refused_and_the_reasons_kept(cast, english, project):
    final_accepted(cast, project)
    response = english(cast.officer_a).post(ws(project, "complete/"), {"reasons": REASONS})
    assert response.status_code == 400
    assert REASONS in page_of(response)
    project.refresh_from_db()
    assert project.status == Project.Status.ACTIVE


@pytest.mark.parametrize("who", ["officer_a", "officer_a_weak"])
def test_the_officer_terminates_the_agreement_and_the_public_sees_why(cast, english, project, who):
    client = english(getattr(cast, who))
    response = client.post(ws(project, "terminate/"), {"reason": END_REASON, "confirm": "on"})
    assert response.status_code == 302 and response["Location"] == ws(project)
    project.refresh_from_db()
    assert project.status == Project.Status.TERMINATED
    assert (project.end_reason, project.ended_on) == (END_REASON, TODAY)
    assert AuditEvent.objects.filter(action="project.terminated").count() == 1
    assert Notification.objects.filter(event="project_terminated", user=cast.ngo_member).exists()
    assert "The agreement is terminated." in page_of(client.get(ws(project)))
    public = page_of(english(None).get(f"/projects/{project.pk}/"))
    assert "The agreement was terminated" in public and END_REASON in public
    assert "Terminated on 11.01.2027" in public
    # Its reports are no longer sent.
    member_page = page_of(english(cast.ngo_member).get(report_url(interim(project))))
    assert "Send the report" not in member_page


@pytest.mark.parametrize("who", ["officer_b", "ministry_y", "ngo_member", "other_ngo_member"])
def test_outsiders_do_not_find_the_termination(cast, english, project, who):
    response = english(getattr(cast, who)).post(
        ws(project, "terminate/"), {"reason": END_REASON, "confirm": "on"}
    )
    assert response.status_code == 404
    project.refresh_from_db()
    assert project.status == Project.Status.ACTIVE


def test_a_draft_or_ended_project_is_not_terminated(cast, english, project):
    data = {"reason": END_REASON, "confirm": "on"}
    client = english(cast.officer_a)
    theirs = Project.objects.get(title=THEIR_TITLE)  # still a draft
    response = client.post(ws(theirs, "terminate/"), data)
    assert response.status_code == 409
    assert "Only a project under way is terminated." in page_of(response)
    terminate_project(project, reason="Первая причина", by=cast.officer_a)
    assert client.post(ws(project, "terminate/"), data).status_code == 409
    project.refresh_from_db()
    assert project.end_reason == "Первая причина"


def test_terminating_needs_the_confirmation_and_keeps_the_reason(cast, english, project):
    response = english(cast.officer_a).post(ws(project, "terminate/"), {"reason": END_REASON})
    assert response.status_code == 400
    assert END_REASON in page_of(response)
    project.refresh_from_db()
    assert project.status == Project.Status.ACTIVE


def test_terminating_needs_a_reason(cast, english, project):
    response = english(cast.officer_a).post(
        ws(project, "terminate/"), {"reason": "  ", "confirm": "on"}
    )
    assert response.status_code == 400
    project.refresh_from_db()
    assert project.status == Project.Status.ACTIVE


# --- who reads a report and its files ------------------------------------------------------------


@pytest.mark.parametrize(
    ("who", "status"), [(w, 200) for w in PARTIES] + [(w, 404) for w in OUTSIDERS]
)
def test_the_report_page_is_for_the_parties(cast, english, project, viewer, who, status):
    report = interim(project)
    send(cast, report)
    response = english(person(cast, viewer, who)).get(report_url(report))
    assert response.status_code == status
    if status == 200:
        assert NARRATIVE in page_of(response)


def test_an_anonymous_visitor_is_sent_to_log_in_to_read_a_report(english, project):
    assert to_login(english(None).get(report_url(interim(project))))


def test_a_report_is_found_only_under_its_own_project(cast, english, project):
    report = interim(project)
    client = english(cast.officer_a)
    theirs = Project.objects.get(title=THEIR_TITLE)
    assert client.get(f"/projects/{theirs.pk}/reports/{report.pk}/").status_code == 404
    assert client.get(f"/projects/{project.pk}/reports/{report.pk + 1000}/").status_code == 404


def test_the_report_page_is_read_never_posted(cast, english, project):
    assert english(cast.ngo_member).post(report_url(interim(project))).status_code == 405


@pytest.mark.parametrize(
    ("who", "status"), [(w, 200) for w in PARTIES] + [(w, 404) for w in OUTSIDERS]
)
def test_a_reports_file_is_for_the_parties(cast, english, project, viewer, who, status):
    send(cast, interim(project), files=[pdf_upload("Акт.pdf")])
    file = ReportFile.objects.get()
    response = english(person(cast, viewer, who)).get(f"/projects/{project.pk}/files/{file.pk}/")
    assert response.status_code == status
    if status == 200:
        assert response["Content-Type"] == "application/pdf"
        assert "attachment" in response["Content-Disposition"]
        assert b"".join(response.streaming_content).startswith(b"%PDF")


def test_a_reports_file_is_not_served_to_anonymous_or_under_another_project(cast, english, project):
    send(cast, interim(project), files=[pdf_upload("Акт.pdf")])
    file = ReportFile.objects.get()
    assert to_login(english(None).get(f"/projects/{project.pk}/files/{file.pk}/"))
    theirs = Project.objects.get(title=THEIR_TITLE)
    response = english(cast.officer_a).get(f"/projects/{theirs.pk}/files/{file.pk}/")
    assert response.status_code == 404


# --- My projects ---------------------------------------------------------------------------------

START, END = datetime.date(2027, 1, 30), datetime.date(2027, 10, 27)


def another_project(cast, k: int, *, interim_due=datetime.date(2027, 3, 1), sign=True) -> Project:
    """One more project of the cast's organisation from a call of its own (one bid per
    organisation and call); signed with an interim report due `interim_due`."""
    call = CompetitionFactory(municipality=cast.municipality_a, status=Competition.Status.PUBLISHED)
    bid = BidFactory(
        competition=call,
        organization=cast.organization,
        status=Bid.Status.SUBMITTED,
        title=f"Проект {k}",
    )
    submission = BidSubmissionFactory(bid=bid, content={"title": f"Проект {k}"})
    project = Project.objects.create(
        submission=submission,
        competition=call,
        municipality=cast.municipality_a,
        organization=cast.organization,
        number=f"R-{k}",
        title=f"Проект {k}",
        amount=Decimal("1000"),
        starts_on=START,
        ends_on=END,
    )
    if sign:
        rows = [
            TrancheRow(Decimal("600"), datetime.date(2027, 1, 30), "signing"),
            TrancheRow(Decimal("400"), interim_due, "interim"),
        ]
        save_agreement(
            project, data=SIGNATORIES, tranches=rows, expected_version=0, by=cast.officer_a
        )
        sign_agreement(project, signed_on=TODAY, by=cast.officer_a)
    return project


def test_my_projects_lists_only_the_organisations_projects(cast, english, project):
    page = page_of(english(cast.ngo_member).get("/projects/mine/"))
    assert OUR_TITLE in page and THEIR_TITLE not in page
    assert report_url(interim(project)) in page and report_url(final(project)) in page
    assert "Interim report No. 1" in page and "due 01.05.2027" in page
    assert "Final report" in page
    empty = page_of(english(cast.other_ngo_member).get("/projects/mine/"))
    assert OUR_TITLE not in empty
    assert "Your organisations have no funded projects yet." in empty
    officer = page_of(english(cast.officer_a).get("/projects/mine/"))
    assert OUR_TITLE not in officer  # an officer is no member of the organisation


def test_my_projects_is_for_the_signed_in(english, project):
    assert to_login(english(None).get("/projects/mine/"))


def test_my_projects_puts_returned_and_overdue_reports_first(cast, english, project):
    """Ours (due 01.05) returned, «Проект 2» overdue, «Проект 1» due 01.03: without the
    flags «Проект 1» would come first."""
    first = another_project(cast, 1, interim_due=datetime.date(2027, 3, 1))
    late = another_project(cast, 2, interim_due=datetime.date(2027, 4, 1))
    report = interim(project)
    send(cast, report)
    give_back(cast, report)
    ProgressReport.objects.filter(project=late, kind=Kind.INTERIM).update(
        due_on=TODAY - datetime.timedelta(days=3)
    )
    page = page_of(english(cast.ngo_member).get("/projects/mine/"))
    positions = [page.index(title) for title in (OUR_TITLE, "Проект 2", "Проект 1")]
    assert positions == sorted(positions)
    assert "returned for revision" in page and "overdue" in page
    assert report_url(interim(first)) in page


def test_my_projects_puts_a_project_with_nothing_due_after_those_with_a_due_date(
    cast, english, project
):
    """ "Then by the next due date": a draft (no report yet) comes after the projects
    that have a report to send."""
    project.reports.update(due_on=datetime.date(2027, 6, 1))
    another_project(cast, 1, sign=False)  # the newest, but nothing due
    page = page_of(english(cast.ngo_member).get("/projects/mine/"))
    assert page.index(OUR_TITLE) < page.index("Проект 1")


# --- the signed-in home, the problem page, the public page ---------------------------------------


def test_the_members_home_shows_the_reports_to_send(cast, english, project):
    client = english(cast.ngo_member)
    home = page_of(client.get("/accounts/"))
    assert 'id="org-reports-heading"' in home
    assert "No report is due in the next 30 days." in home
    assert "/projects/mine/" in home
    report = interim(project)
    ProgressReport.objects.filter(pk=report.pk).update(due_on=TODAY - datetime.timedelta(days=2))
    home = page_of(client.get("/accounts/"))
    assert "Reports to send:" in home and report_url(report) in home
    assert "Interim report No. 1" in home and "overdue" in home
    # Nobody else's home has the panel.
    for other in (cast.other_ngo_member, cast.officer_a):
        assert 'id="org-reports-heading"' not in page_of(english(other).get("/accounts/"))


def test_a_returned_report_is_on_the_members_home(cast, english, project):
    report = interim(project)
    ProgressReport.objects.filter(pk=report.pk).update(due_on=TODAY + datetime.timedelta(days=10))
    send(cast, report)
    give_back(cast, report)
    home = page_of(english(cast.ngo_member).get("/accounts/"))
    assert report_url(report) in home and "returned for revision" in home


def test_the_members_home_lists_a_returned_report_before_one_due_sooner(cast, english, project):
    first, last = interim(project), final(project)
    ProgressReport.objects.filter(pk=first.pk).update(due_on=TODAY + datetime.timedelta(days=20))
    ProgressReport.objects.filter(pk=last.pk).update(due_on=TODAY + datetime.timedelta(days=5))
    send(cast, first)
    give_back(cast, first)
    home = page_of(english(cast.ngo_member).get("/accounts/"))
    assert home.index(report_url(first)) < home.index(report_url(last))


def test_the_officers_tasks_are_reports_to_review_and_overdue(cast, english, project):
    report = interim(project)
    send(cast, report)
    ProgressReport.objects.filter(pk=final(project).pk).update(
        due_on=TODAY - datetime.timedelta(days=1)
    )
    workspace = f"/municipalities/{cast.municipality_a.code}/workspace/projects/"
    for officer in (cast.officer_a, cast.officer_a_weak):
        home = page_of(english(officer).get("/accounts/"))
        assert "1 report to review" in home and "1 report overdue" in home
        assert workspace in home
    home = page_of(english(cast.officer_b).get("/accounts/"))
    assert "report to review" not in home and "report overdue" not in home
    member = page_of(english(cast.ngo_member).get("/accounts/"))
    assert "report to review" not in member
    accept(cast, report)
    home = page_of(english(cast.officer_a).get("/accounts/"))
    assert "report to review" not in home and "1 report overdue" in home


def test_the_problem_page_lists_the_project_answering_it(cast, english, project, call):
    problem = call.problems.get()
    url = f"/problems/{problem.pk}/"
    assert "Funded projects" not in page_of(english(None).get(url))
    Bid.objects.filter(pk=project.submission.bid_id).update(problem=problem)
    page = page_of(english(None).get(url))
    assert "Funded projects" in page
    assert f'href="/projects/{project.pk}/"' in page and OUR_TITLE in page
    assert THEIR_TITLE not in page


def test_the_public_page_shows_the_beneficiaries_of_the_accepted_report(cast, english, project):
    report = interim(project)
    send(cast, report)
    public = page_of(english(None).get(f"/projects/{project.pk}/"))
    assert "As counted in the latest accepted report." not in public
    assert NARRATIVE not in public
    english(cast.officer_a).post(decide_url(report), {"decision": "accept"})
    public = page_of(english(None).get(f"/projects/{project.pk}/"))
    assert "As counted in the latest accepted report." in public
    assert re.search(r">120<span[^>]*> / 20</span>", public)
    assert ">70<" in public and ">12<" in public and ">45<" in public
    assert "Final evaluation" not in public and "was terminated" not in public
    # The reports are listed for everyone, linked for the parties only.
    assert "Progress reports" in public and report_url(report) not in public
    member = page_of(english(cast.ngo_member).get(f"/projects/{project.pk}/"))
    assert report_url(report) in member


# --- query counts --------------------------------------------------------------------------------


def count_queries(client, url: str) -> int:
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    assert response.status_code == 200
    return len(queries)


def test_my_projects_reads_in_fixed_queries(cast, english, project):
    client = english(cast.ngo_member)
    count_queries(client, "/projects/mine/")  # the session's first request reads more
    small = count_queries(client, "/projects/mine/")  # 1 project
    another_project(cast, 1)
    another_project(cast, 2)
    another_project(cast, 3, sign=False)
    assert count_queries(client, "/projects/mine/") == small  # 4 projects
    page = page_of(client.get("/projects/mine/"))
    assert all(f"Проект {k}" in page for k in (1, 2, 3))


def add_versions(cast, report, n: int) -> None:
    """n more versions of the report, each with a new file and the earlier ones kept,
    each returned."""
    for _ in range(n):
        latest = report.versions.order_by("-number").first()
        k = latest.number if latest else 0
        keep = [str(f.pk) for f in latest.files.all()] if latest else []
        send(
            cast,
            report,
            narrative=f"{NARRATIVE} ({k})",
            files=[pdf_upload(f"Акт {k}.pdf")],
            keep=keep,
        )
        give_back(cast, report, f"{COMMENTS} ({k})")


@pytest.mark.parametrize("who", ["ngo_member", "officer_a"])
def test_the_report_page_reads_in_fixed_queries(cast, english, project, who):
    report = interim(project)
    add_versions(cast, report, 1)
    client = english(getattr(cast, who))
    count_queries(client, report_url(report))  # the session's first request reads more
    small = count_queries(client, report_url(report))  # 1 version, 1 file
    add_versions(cast, report, 3)
    assert count_queries(client, report_url(report)) == small  # 4 versions, 1 + 2 + 3 + 4 files
    page = page_of(client.get(report_url(report)))
    assert "Version 4, sent" in page and "Version 1, sent" in page and "Акт 3.pdf" in page
