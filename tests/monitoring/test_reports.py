"""Progress reports and the end of a project, through the services.

Signing schedules the reports (an interim one on the interim tranche's date, the final
one `FINAL_REPORT_DAYS` after the end); the organisation's admins and editors submit a
report, the officer returns it with comments or accepts it, and a revision is a new
version with the first kept as it was. An accepted report's milestones, indicator
values and beneficiaries become the project's; a tranche paid on a report waits for it.
The project is completed after its final report is accepted, or terminated with a
reason. Reminders go a week before the due date and once it is overdue, each once.

The project (conftest `signed`): signed 11.01.2027, ends 27.10.2027, its interim
tranche falls due on 01.05.2027, so the reports are due on 01.05 and 11.11.2027.
"""

from __future__ import annotations

import datetime
import io
from decimal import Decimal
from pathlib import Path

import pytest
import time_machine
from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import translation
from PIL import Image

from applications.models import OrganizationMember
from audit.models import AuditEvent
from monitoring import tasks
from monitoring.exceptions import MonitoringError, OutOfOrder
from monitoring.models import (
    IndicatorValue,
    Payment,
    ProgressReport,
    Project,
    ReportFile,
    ReportVersion,
    Tranche,
)
from monitoring.models.reports import FINAL_REPORT_DAYS
from monitoring.services.projects import amend_agreement, record_payment
from monitoring.services.reports import (
    ReportData,
    can_report,
    complete_project,
    completion_problems,
    decide_report,
    send_report_reminders,
    submit_report,
    terminate_project,
)
from notifications.models import Notification
from tests.factories import OrganizationMemberFactory, UserFactory
from tests.files import pdf_upload
from tests.monitoring.conftest import SCHEDULE, TODAY

END = datetime.date(2027, 10, 27)  # the call's implementation end
INTERIM_DUE = datetime.date(2027, 5, 1)  # the interim tranche's date
FINAL_DUE = datetime.date(2027, 11, 11)  # END + FINAL_REPORT_DAYS
NARRATIVE = "Помещение отремонтировано, оборудование закуплено, занятия начались."
COMMENTS = "Приложите акт приёмки работ и уточните число детей."
REASONS = "Центр работает, целевые показатели достигнуты."
REASON = "Организация прекратила деятельность."


# --- helpers ------------------------------------------------------------------------------


def png(name: str = "фото.png") -> SimpleUploadedFile:
    buffer = io.BytesIO()
    Image.new("RGB", (40, 30), (200, 120, 30)).save(buffer, format="PNG")
    return SimpleUploadedFile(name, buffer.getvalue(), content_type="image/png")


def not_allowed(name: str = "смета.pdf") -> SimpleUploadedFile:
    """Plain text under a PDF's name: refused by its content."""
    return SimpleUploadedFile(name, b"just some text, not a PDF\n", content_type="application/pdf")


def data(**extra) -> ReportData:
    fields = {
        "narrative": NARRATIVE,
        "reached": 30,
        "reached_women": 14,
        "reached_disabled": 3,
        "reached_children": 12,
        **extra,
    }
    return ReportData(**fields)


def interim(project: Project) -> ProgressReport:
    return project.reports.get(kind=ProgressReport.Kind.INTERIM, number=1)


def final(project: Project) -> ProgressReport:
    return project.reports.get(kind=ProgressReport.Kind.FINAL)


def tranche(project: Project, condition: str) -> Tranche:
    return project.tranches.get(condition=condition)


def stored_files() -> set[Path]:
    """Every file in the private storage (the tests' MEDIA_ROOT)."""
    root = Path(settings.MEDIA_ROOT)
    return {p for p in root.rglob("*") if p.is_file()} if root.exists() else set()


def at(day: datetime.date):
    """The clock at noon in Bishkek on `day`."""
    noon = datetime.datetime.combine(day, datetime.time(6, 0), tzinfo=datetime.UTC)
    return time_machine.travel(noon, tick=False)


def told(event: str) -> list:
    """Who was told of `event`, one entry per notification."""
    return sorted(Notification.objects.filter(event=event).values_list("user__email", flat=True))


def accepted(report: ProgressReport, cast, **extra) -> ProgressReport:
    """Submit the report and accept it: the way a report is accepted for real."""
    submit_report(report, data(**extra), by=cast.ngo_member)
    decide_report(report, accept=True, by=cast.officer_a)
    report.refresh_from_db()
    return report


def report_url(report: ProgressReport) -> str:
    return f"/projects/{report.project_id}/reports/{report.pk}/"


@pytest.fixture
def viewer(cast):
    """A member of the organisation who may only read."""
    user = UserFactory(email="viewer@cast.kg", full_name="NGO viewer")
    OrganizationMemberFactory(
        user=user, organization=cast.organization, role=OrganizationMember.Role.VIEWER
    )
    return user


@pytest.fixture
def editor(cast):
    user = UserFactory(email="editor@cast.kg", full_name="NGO editor")
    OrganizationMemberFactory(
        user=user, organization=cast.organization, role=OrganizationMember.Role.EDITOR
    )
    return user


# --- the schedule -------------------------------------------------------------------------


def test_signing_schedules_an_interim_report_on_the_tranches_date_and_the_final_after_the_end(
    signed,
):
    assert END + datetime.timedelta(days=FINAL_REPORT_DAYS) == FINAL_DUE
    assert [(r.kind, r.number, r.due_on, r.status) for r in signed.reports.all()] == [
        ("interim", 1, INTERIM_DUE, "due"),
        ("final", 1, FINAL_DUE, "due"),
    ]
    assert tranche(signed, "interim").due_on == INTERIM_DUE
    assert not ReportVersion.objects.exists()


def test_a_draft_agreement_has_no_reports_yet(ours):
    assert not ours.reports.exists()


def test_moving_the_end_moves_the_final_report_and_its_reminders_start_again(cast, signed):
    # A week before the final report is due its reminder goes (the interim report is
    # overdue by then and gets its own).
    with at(FINAL_DUE - datetime.timedelta(days=6)):
        assert send_report_reminders() == 2
    report = final(signed)
    assert report.reminded_before_at is not None
    later = datetime.date(2027, 12, 15)
    with at(FINAL_DUE - datetime.timedelta(days=6)), translation.override("en"):
        amend_agreement(
            signed, ends_on=later, tranches=SCHEDULE, reason="Задержка", by=cast.officer_a
        )
    report.refresh_from_db()
    assert report.due_on == later + datetime.timedelta(days=FINAL_REPORT_DAYS)
    assert (report.reminded_before_at, report.reminded_after_at) == (None, None)
    # The interim report's date is the tranche's, which did not move.
    assert interim(signed).due_on == INTERIM_DUE
    # The new date has its own reminder.
    with at(report.due_on - datetime.timedelta(days=7)):
        assert send_report_reminders() == 1
    assert told("report_due_soon") == ["ngo@cast.kg", "ngo@cast.kg"]


def test_a_submitted_final_report_keeps_its_date_when_the_end_moves(cast, signed):
    accepted(interim(signed), cast)
    submit_report(final(signed), data(), by=cast.ngo_member)
    amend_agreement(
        signed,
        ends_on=datetime.date(2027, 12, 15),
        tranches=SCHEDULE,
        reason="Задержка",
        by=cast.officer_a,
    )
    report = final(signed)
    assert (report.status, report.due_on) == ("submitted", FINAL_DUE)


# --- submit, return, revise, accept ------------------------------------------------------------


def test_a_report_is_submitted_returned_revised_and_accepted(cast, signed):
    report = interim(signed)
    first, second, third = signed.milestones.order_by("position")
    children, parents = signed.indicators.order_by("position")
    before = stored_files()

    # Submitted, with two files: the officers are told; nothing moves on the project yet.
    v1 = submit_report(
        report,
        data(
            milestones={first.pk: ("done", 40), second.pk: ("under_way", 50)},
            values={children.pk: Decimal("12"), parents.pk: Decimal("18")},
        ),
        files=[pdf_upload("акт.pdf"), png("фото.png")],
        by=cast.ngo_member,
    )
    report.refresh_from_db()
    assert (report.status, report.submitted_at is not None) == ("submitted", True)
    assert (v1.number, v1.narrative, v1.submitted_by) == (1, NARRATIVE, cast.ngo_member)
    assert (v1.reached, v1.reached_women, v1.reached_disabled, v1.reached_children) == (
        30,
        14,
        3,
        12,
    )
    assert [(m["activity"], m["status"], m["percent"]) for m in v1.milestones] == [
        (first.activity, "done", 100),  # done is 100 %
        (second.activity, "under_way", 50),
        (third.activity, "planned", 0),  # not reported: as it stood
    ]
    assert [(i["name"], i["value"]) for i in v1.indicators] == [
        (children.name, "12"),
        (parents.name, "18"),
    ]
    files = {f.name: f for f in v1.files.all()}
    assert set(files) == {"акт.pdf", "фото.png"}
    assert {f.kind for f in files.values()} == {"pdf", "png"}
    assert len(stored_files() - before) == 2
    assert told("report_submitted") == ["officer.a2@cast.kg", "officer.a@cast.kg"]
    event = AuditEvent.objects.get(action="project.report_submitted")
    assert event.after["version"] == 1 and event.after["reached"] == 30
    assert sorted(f["name"] for f in event.after["files"]) == ["акт.pdf", "фото.png"]
    signed.refresh_from_db()
    assert signed.reached is None and signed.progress() == 0
    assert not IndicatorValue.objects.exists()

    # Returned without comments: refused, nothing changes.
    with translation.override("en"), pytest.raises(MonitoringError, match="should correct"):
        decide_report(report, accept=False, comments="  ", by=cast.officer_a)
    report.refresh_from_db()
    assert report.status == "submitted"
    v1.refresh_from_db()
    assert v1.decision == ""

    # Returned with comments: the organisation is told; still nothing on the project.
    decide_report(report, accept=False, comments=COMMENTS, by=cast.officer_a)
    report.refresh_from_db()
    v1.refresh_from_db()
    assert report.status == "returned" and report.decided_at is not None
    assert (v1.decision, v1.comments, v1.decided_by) == ("returned", COMMENTS, cast.officer_a)
    assert told("report_returned") == ["ngo@cast.kg"]
    event = AuditEvent.objects.get(action="project.report_returned")
    assert event.after["comments"] == COMMENTS
    signed.refresh_from_db()
    assert signed.reached is None and signed.progress() == 0

    # Revised: a new version keeping the act and adding a PDF; the first is unchanged.
    act = files["акт.pdf"]
    v2 = submit_report(
        report,
        data(
            reached=40,
            reached_women=20,
            reached_disabled=4,
            reached_children=15,
            milestones={first.pk: ("done", 40), second.pk: ("under_way", 60)},
            values={children.pk: Decimal("15"), parents.pk: Decimal("22")},
        ),
        files=[pdf_upload("акт приёмки.pdf")],
        keep=[str(act.pk)],
        by=cast.ngo_member,
    )
    assert v2.number == 2 and v2.pk != v1.pk
    report.refresh_from_db()
    assert report.status == "submitted"
    v1.refresh_from_db()
    assert (v1.reached, v1.decision, v1.comments) == (30, "returned", COMMENTS)
    assert [m["percent"] for m in v1.milestones] == [100, 50, 0]
    assert {f.pk for f in v1.files.all()} == {f.pk for f in files.values()}
    kept = v2.files.get(name="акт.pdf")
    assert kept.pk != act.pk  # a row of its own…
    assert (kept.file.name, kept.sha256, kept.size, kept.kind) == (
        act.file.name,
        act.sha256,
        act.size,
        act.kind,
    )  # …pointing at the same stored file
    assert kept.file.storage.exists(kept.file.name)
    assert sorted(f.name for f in v2.files.all()) == ["акт приёмки.pdf", "акт.pdf"]
    assert len(stored_files() - before) == 3  # the kept file is not stored twice
    assert ReportVersion.objects.filter(report=report).count() == 2
    assert AuditEvent.objects.filter(action="project.report_submitted").count() == 2

    # Accepted: the second version's figures become the project's.
    decide_report(report, accept=True, by=cast.officer_a)
    report.refresh_from_db()
    v2.refresh_from_db()
    assert report.status == "accepted"
    assert (v2.decision, v2.decided_by) == ("accepted", cast.officer_a)
    signed.refresh_from_db()
    assert (
        signed.reached,
        signed.reached_women,
        signed.reached_disabled,
        signed.reached_children,
    ) == (40, 20, 4, 15)
    assert [(m.status, m.percent) for m in signed.milestones.order_by("position")] == [
        ("done", 100),
        ("under_way", 60),
        ("planned", 0),
    ]
    assert signed.progress() == 40  # (100 × 59 + 60 × 61 + 0 × 122 days) / 242
    values = IndicatorValue.objects.order_by("indicator__position")
    assert [(v.indicator, v.value, v.measured_on, v.note, v.recorded_by) for v in values] == [
        (children, Decimal("15"), TODAY, report.label, cast.officer_a),
        (parents, Decimal("22"), TODAY, report.label, cast.officer_a),
    ]
    assert told("report_accepted") == ["ngo@cast.kg"]
    assert AuditEvent.objects.filter(action="project.report_accepted").count() == 1


def test_indicator_values_are_dated_when_the_report_was_sent(cast, signed):
    children = signed.indicators.order_by("position").first()
    submit_report(interim(signed), data(values={children.pk: Decimal("9")}), by=cast.ngo_member)
    with at(datetime.date(2027, 2, 3)):
        decide_report(interim(signed), accept=True, by=cast.officer_a)
    assert IndicatorValue.objects.get().measured_on == TODAY


def test_an_editor_of_the_organisation_submits_a_report(cast, signed, editor):
    assert can_report(editor, signed)
    version = submit_report(interim(signed), data(), by=editor)
    assert version.submitted_by == editor
    assert interim(signed).status == "submitted"


def test_a_spending_row_is_kept_for_each_budget_line(cast, signed):
    submission = signed.submission
    submission.content = {
        **submission.content,
        "budget_lines": [
            {"category": "works", "item": "Ремонт", "quantity": "1", "unit_cost": "200000"},
            {"category": "equipment", "item": "Мебель", "quantity": "2", "unit_cost": "50000"},
        ],
    }
    submission.save(update_fields=["content"])
    version = submit_report(interim(signed), data(spent={0: Decimal("150000")}), by=cast.ngo_member)
    assert [(r["item"], r["planned"], r["spent"]) for r in version.spending] == [
        ("Ремонт", "200000", "150000"),
        ("Мебель", "100000", "0"),
    ]
    assert (version.planned_total, version.spent_total) == (Decimal("300000"), Decimal("150000"))


# --- the rules ------------------------------------------------------------------------------


@pytest.mark.parametrize("part", ["reached_women", "reached_disabled", "reached_children"])
def test_each_group_is_counted_within_the_total_reached(cast, signed, part):
    with translation.override("en"), pytest.raises(MonitoringError, match="within the total"):
        submit_report(interim(signed), data(reached=10, **{part: 11}), by=cast.ngo_member)
    assert interim(signed).status == "due"
    assert not ReportVersion.objects.exists()
    assert not AuditEvent.objects.filter(action="project.report_submitted").exists()


def test_a_group_as_large_as_the_total_is_accepted(cast, signed):
    version = submit_report(
        interim(signed),
        data(reached=10, reached_women=10, reached_disabled=10, reached_children=10),
        by=cast.ngo_member,
    )
    assert version.reached_children == 10


def test_a_report_says_what_was_done(cast, signed):
    with translation.override("en"), pytest.raises(MonitoringError, match="what was done"):
        submit_report(interim(signed), data(narrative="   "), by=cast.ngo_member)
    assert not ReportVersion.objects.exists()


@pytest.mark.parametrize("who", ["viewer", "officer_a", "other_ngo_member", "site_admin"])
def test_only_the_organisations_admins_and_editors_submit(cast, signed, viewer, who):
    user = viewer if who == "viewer" else getattr(cast, who)
    assert not can_report(user, signed)
    with (
        translation.override("en"),
        pytest.raises(MonitoringError, match="administrators and editors report"),
    ):
        submit_report(interim(signed), data(), files=[pdf_upload()], by=user)
    assert interim(signed).status == "due"
    assert not ReportVersion.objects.exists() and not ReportFile.objects.exists()
    assert not stored_files()


@pytest.mark.parametrize("who", ["ngo_member", "officer_b", "ministry"])
def test_only_an_officer_of_the_municipality_decides(cast, signed, who):
    report = interim(signed)
    submit_report(report, data(), by=cast.ngo_member)
    for accept, comments in ((True, ""), (False, COMMENTS)):
        with translation.override("en"), pytest.raises(MonitoringError, match="Only an officer"):
            decide_report(report, accept=accept, comments=comments, by=getattr(cast, who))
    report.refresh_from_db()
    assert report.status == "submitted"
    assert ReportVersion.objects.get().decision == ""
    signed.refresh_from_db()
    assert signed.reached is None


def test_a_report_awaiting_review_or_accepted_is_not_submitted_again(cast, signed):
    report = interim(signed)
    submit_report(report, data(), by=cast.ngo_member)
    with translation.override("en"), pytest.raises(OutOfOrder, match="wait for the decision"):
        submit_report(report, data(reached=99), by=cast.ngo_member)
    decide_report(report, accept=True, by=cast.officer_a)
    with translation.override("en"), pytest.raises(OutOfOrder, match="wait for the decision"):
        submit_report(report, data(reached=99), by=cast.ngo_member)
    assert ReportVersion.objects.count() == 1
    signed.refresh_from_db()
    assert signed.reached == 30


def test_files_sent_with_a_refused_submission_are_not_kept(cast, signed):
    report = interim(signed)
    submit_report(report, data(), files=[pdf_upload("акт.pdf")], by=cast.ngo_member)
    before = stored_files()
    with translation.override("en"), pytest.raises(OutOfOrder):
        submit_report(report, data(), files=[pdf_upload("ещё.pdf"), png()], by=cast.ngo_member)
    assert stored_files() == before
    assert ReportFile.objects.count() == 1


@pytest.mark.parametrize("status", ["due", "returned", "accepted"])
def test_only_a_submitted_report_is_decided(cast, signed, status):
    report = interim(signed)
    if status != "due":
        submit_report(report, data(), by=cast.ngo_member)
        decide_report(report, accept=status == "accepted", comments=COMMENTS, by=cast.officer_a)
    decided = AuditEvent.objects.filter(
        action__in=["project.report_accepted", "project.report_returned"]
    ).count()
    for accept in (True, False):
        with translation.override("en"), pytest.raises(OutOfOrder, match="submitted report"):
            decide_report(report, accept=accept, comments=COMMENTS, by=cast.officer_a)
    report.refresh_from_db()
    assert report.status == status
    assert (
        AuditEvent.objects.filter(
            action__in=["project.report_accepted", "project.report_returned"]
        ).count()
        == decided
    )


def test_no_report_is_submitted_while_the_agreement_is_a_draft(cast, ours):
    # A draft has no schedule; a report row put there by hand is refused all the same.
    report = ProgressReport.objects.create(
        project=ours, kind=ProgressReport.Kind.FINAL, due_on=FINAL_DUE
    )
    with translation.override("en"), pytest.raises(OutOfOrder, match="under way"):
        submit_report(report, data(), files=[pdf_upload()], by=cast.ngo_member)
    assert not ReportVersion.objects.exists()
    assert not stored_files()


def test_no_report_is_submitted_or_decided_once_the_project_is_completed(cast, signed):
    accepted(interim(signed), cast)
    accepted(final(signed), cast)
    complete_project(signed, rating="successful", reasons=REASONS, by=cast.officer_a)
    # Every report is accepted by then; put back by hand, they are still refused.
    ProgressReport.objects.filter(pk=interim(signed).pk).update(status="submitted")
    with translation.override("en"), pytest.raises(OutOfOrder, match="under way"):
        decide_report(interim(signed), accept=True, by=cast.officer_a)
    ProgressReport.objects.filter(pk=interim(signed).pk).update(status="returned")
    with translation.override("en"), pytest.raises(OutOfOrder, match="under way"):
        submit_report(interim(signed), data(), by=cast.ngo_member)
    assert ReportVersion.objects.count() == 2


@pytest.mark.parametrize("interim_status", ["due", "submitted", "returned"])
def test_the_final_report_comes_once_every_interim_report_is_accepted(cast, signed, interim_status):
    report = interim(signed)
    if interim_status != "due":
        submit_report(report, data(), by=cast.ngo_member)
    if interim_status == "returned":
        decide_report(report, accept=False, comments=COMMENTS, by=cast.officer_a)
    with translation.override("en"), pytest.raises(OutOfOrder, match="every interim report"):
        submit_report(final(signed), data(), files=[pdf_upload()], by=cast.ngo_member)
    assert final(signed).status == "due"
    assert not final(signed).versions.exists()
    assert ReportFile.objects.count() == 0
    if interim_status != "submitted":  # sent, or sent again after the return
        submit_report(report, data(), by=cast.ngo_member)
    decide_report(report, accept=True, by=cast.officer_a)
    submit_report(final(signed), data(), by=cast.ngo_member)
    assert final(signed).status == "submitted"


# --- files ----------------------------------------------------------------------------------
# A refused file is a ValidationError naming it (the report page shows it by the field);
# every file is checked before any is stored.


def test_a_file_that_is_not_an_allowed_kind_is_refused_and_nothing_is_stored(cast, signed):
    with (
        translation.override("en"),
        pytest.raises(ValidationError, match=r"The file “смета\.pdf” is not a PDF file"),
    ):
        submit_report(
            interim(signed),
            data(),
            files=[pdf_upload("акт.pdf"), not_allowed("смета.pdf")],
            by=cast.ngo_member,
        )
    assert not ReportFile.objects.exists() and not ReportVersion.objects.exists()
    assert not stored_files()
    assert interim(signed).status == "due"
    assert not AuditEvent.objects.filter(action="project.report_submitted").exists()


def test_at_most_five_files_go_with_a_report(cast, signed):
    with translation.override("en"), pytest.raises(ValidationError, match="at most 5"):
        submit_report(
            interim(signed),
            data(),
            files=[pdf_upload(f"{n}.pdf") for n in range(6)],
            by=cast.ngo_member,
        )
    assert not ReportFile.objects.exists() and not stored_files()


# --- tranches wait for their report -------------------------------------------------------------


def pay(project: Project, condition: str, officer) -> Payment:
    t = tranche(project, condition)
    return record_payment(
        t, amount=t.amount, paid_on=TODAY, reference=f"ПП-{condition}", by=officer
    )


def test_the_interim_tranche_is_paid_once_the_interim_report_is_accepted(cast, signed):
    pay(signed, "signing", cast.officer_a)  # on signing: no report needed
    report = interim(signed)
    with (
        translation.override("en"),
        pytest.raises(OutOfOrder, match=r"once this report is accepted: Interim report No\. 1"),
    ):
        pay(signed, "interim", cast.officer_a)
    submit_report(report, data(), by=cast.ngo_member)
    with translation.override("en"), pytest.raises(OutOfOrder, match=r"Interim report No\. 1"):
        pay(signed, "interim", cast.officer_a)
    decide_report(report, accept=False, comments=COMMENTS, by=cast.officer_a)
    with translation.override("en"), pytest.raises(OutOfOrder, match=r"Interim report No\. 1"):
        pay(signed, "interim", cast.officer_a)
    assert Payment.objects.count() == 1
    submit_report(report, data(), by=cast.ngo_member)
    decide_report(report, accept=True, by=cast.officer_a)
    payment = pay(signed, "interim", cast.officer_a)
    assert payment.amount == Decimal("150000")
    signed.refresh_from_db()
    assert signed.paid_total == Decimal("350000")


def test_the_final_tranche_waits_for_the_final_report_not_the_interim(cast, signed):
    accepted(interim(signed), cast)
    with translation.override("en"), pytest.raises(OutOfOrder, match="Final report"):
        pay(signed, "final", cast.officer_a)
    accepted(final(signed), cast)
    assert pay(signed, "final", cast.officer_a).amount == Decimal("100000")


def test_a_completed_project_is_still_paid_its_final_tranche(cast, signed):
    accepted(interim(signed), cast)
    accepted(final(signed), cast)
    complete_project(signed, rating="satisfactory", reasons=REASONS, by=cast.officer_a)
    assert pay(signed, "final", cast.officer_a).amount == Decimal("100000")


def test_a_terminated_project_is_paid_nothing_more(cast, signed):
    terminate_project(signed, reason=REASON, by=cast.officer_a)
    with translation.override("en"), pytest.raises(OutOfOrder):
        pay(signed, "signing", cast.officer_a)
    assert not Payment.objects.exists()


# --- the end of a project ---------------------------------------------------------------------


def test_a_project_is_completed_after_its_final_report_is_accepted(cast, signed):
    with translation.override("en"):
        assert completion_problems(signed) == ["Accept the final report first."]
        with pytest.raises(OutOfOrder, match="Accept the final report first"):
            complete_project(signed, rating="successful", reasons=REASONS, by=cast.officer_a)
    accepted(interim(signed), cast)
    with translation.override("en"), pytest.raises(OutOfOrder, match="final report first"):
        complete_project(signed, rating="successful", reasons=REASONS, by=cast.officer_a)
    submit_report(final(signed), data(), by=cast.ngo_member)
    with translation.override("en"), pytest.raises(OutOfOrder, match="final report first"):
        complete_project(signed, rating="successful", reasons=REASONS, by=cast.officer_a)
    decide_report(final(signed), accept=True, by=cast.officer_a)
    signed.refresh_from_db()
    assert completion_problems(signed) == []
    day = datetime.date(2027, 11, 20)
    with at(day):
        complete_project(signed, rating="successful", reasons=f"  {REASONS} ", by=cast.officer_a)
    signed.refresh_from_db()
    assert (signed.status, signed.ended_on) == (Project.Status.COMPLETED, day)
    assert (signed.final_rating, signed.final_reasons) == ("successful", REASONS)
    event = AuditEvent.objects.get(action="project.completed")
    assert event.after["rating"] == "successful" and event.after["reasons"] == REASONS
    assert told("project_completed") == ["ngo@cast.kg"]
    with translation.override("en"):
        assert completion_problems(signed) == ["Only a project under way is completed."]
        with pytest.raises(OutOfOrder, match="under way"):
            complete_project(signed, rating="satisfactory", reasons=REASONS, by=cast.officer_a)
        with pytest.raises(OutOfOrder, match="under way"):
            terminate_project(signed, reason=REASON, by=cast.officer_a)
    assert AuditEvent.objects.filter(action="project.completed").count() == 1


@pytest.mark.parametrize(
    ("rating", "reasons"), [("", REASONS), ("great", REASONS), ("successful", " ")]
)
def test_completing_needs_a_rating_and_its_reasons(cast, signed, rating, reasons):
    accepted(interim(signed), cast)
    accepted(final(signed), cast)
    with translation.override("en"), pytest.raises(MonitoringError, match="give its reasons"):
        complete_project(signed, rating=rating, reasons=reasons, by=cast.officer_a)
    signed.refresh_from_db()
    assert signed.status == Project.Status.ACTIVE and signed.final_rating == ""
    assert not AuditEvent.objects.filter(action="project.completed").exists()


@pytest.mark.parametrize("who", ["ngo_member", "officer_b"])
def test_only_an_officer_of_the_municipality_ends_a_project(cast, signed, who):
    accepted(interim(signed), cast)
    accepted(final(signed), cast)
    with translation.override("en"), pytest.raises(MonitoringError, match="Only an officer"):
        complete_project(signed, rating="successful", reasons=REASONS, by=getattr(cast, who))
    with translation.override("en"), pytest.raises(MonitoringError, match="Only an officer"):
        terminate_project(signed, reason=REASON, by=getattr(cast, who))
    signed.refresh_from_db()
    assert signed.status == Project.Status.ACTIVE and signed.ended_on is None


def test_a_project_is_terminated_with_a_reason(cast, signed):
    with translation.override("en"), pytest.raises(MonitoringError, match="reason"):
        terminate_project(signed, reason="  ", by=cast.officer_a)
    signed.refresh_from_db()
    assert signed.status == Project.Status.ACTIVE
    terminate_project(signed, reason=REASON, by=cast.officer_a)
    signed.refresh_from_db()
    assert (signed.status, signed.end_reason, signed.ended_on) == (
        Project.Status.TERMINATED,
        REASON,
        TODAY,
    )
    event = AuditEvent.objects.get(action="project.terminated")
    assert event.before == {"status": "active"} and event.after["reason"] == REASON
    assert told("project_terminated") == ["ngo@cast.kg"]
    with translation.override("en"), pytest.raises(OutOfOrder, match="under way"):
        terminate_project(signed, reason=REASON, by=cast.officer_a)
    with translation.override("en"), pytest.raises(OutOfOrder, match="under way"):
        submit_report(interim(signed), data(), by=cast.ngo_member)
    assert AuditEvent.objects.filter(action="project.terminated").count() == 1


def test_a_draft_is_not_terminated(cast, ours):
    with translation.override("en"), pytest.raises(OutOfOrder, match="under way"):
        terminate_project(ours, reason=REASON, by=cast.officer_a)
    ours.refresh_from_db()
    assert ours.status == Project.Status.DRAFT


def test_a_terminated_project_gets_no_reminders(cast, signed):
    terminate_project(signed, reason=REASON, by=cast.officer_a)
    for day in (INTERIM_DUE - datetime.timedelta(days=3), INTERIM_DUE + datetime.timedelta(days=3)):
        with at(day):
            assert send_report_reminders() == 0
    assert not Notification.objects.filter(event__in=["report_due_soon", "report_overdue"]).exists()


# --- reminders ------------------------------------------------------------------------------


def test_a_week_before_the_due_date_each_member_of_the_organisation_is_reminded_once(
    cast, signed, viewer
):
    with at(INTERIM_DUE - datetime.timedelta(days=8)):
        assert send_report_reminders() == 0
    assert told("report_due_soon") == []
    with at(INTERIM_DUE - datetime.timedelta(days=7)):
        assert send_report_reminders() == 1
        assert send_report_reminders() == 0
    assert told("report_due_soon") == ["ngo@cast.kg", "viewer@cast.kg"]
    assert {n.url for n in Notification.objects.filter(event="report_due_soon")} == {
        report_url(interim(signed))
    }
    # Later in the week, still nothing new.
    with at(INTERIM_DUE):
        assert send_report_reminders() == 0
    assert Notification.objects.filter(event="report_due_soon").count() == 2
    assert interim(signed).reminded_before_at is not None


def test_an_overdue_report_is_told_once_to_the_organisation_and_the_officers(cast, signed, viewer):
    with at(INTERIM_DUE + datetime.timedelta(days=1)):
        assert send_report_reminders() == 1
    with at(INTERIM_DUE + datetime.timedelta(days=9)):
        assert send_report_reminders() == 0
    assert told("report_overdue") == [
        "ngo@cast.kg",
        "officer.a2@cast.kg",
        "officer.a@cast.kg",
        "viewer@cast.kg",
    ]  # never officer B, of another municipality
    assert told("report_due_soon") == []  # the week before was missed, not made up
    assert interim(signed).reminded_after_at is not None


def test_a_submitted_report_gets_no_overdue_reminder(cast, signed):
    submit_report(interim(signed), data(), by=cast.ngo_member)
    with at(INTERIM_DUE - datetime.timedelta(days=3)):
        assert send_report_reminders() == 0
    with at(INTERIM_DUE + datetime.timedelta(days=3)):
        assert send_report_reminders() == 0
    assert not Notification.objects.filter(event__in=["report_due_soon", "report_overdue"]).exists()


def test_a_returned_report_past_its_date_is_overdue(cast, signed):
    report = interim(signed)
    submit_report(report, data(), by=cast.ngo_member)
    decide_report(report, accept=False, comments=COMMENTS, by=cast.officer_a)
    with at(INTERIM_DUE + datetime.timedelta(days=2)):
        assert send_report_reminders() == 1
        assert send_report_reminders() == 0
    assert told("report_overdue").count("ngo@cast.kg") == 1


def test_the_periodic_task_sends_the_reminders(cast, signed):
    with at(INTERIM_DUE - datetime.timedelta(days=5)):
        assert tasks.send_report_reminders.run() == 1
        assert tasks.send_report_reminders() == 0
    assert told("report_due_soon") == ["ngo@cast.kg"]
