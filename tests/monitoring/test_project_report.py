"""The project report PDF: the parties and the money, the final evaluation, progress,
indicators, beneficiaries, payments, spending per budget line from the latest accepted
report, the reports and the site visits — rendered for real and read back with pypdf,
for those who see the agreement and nobody else."""

from __future__ import annotations

import os
from decimal import Decimal
from pathlib import Path

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone, translation

from documents.models import GeneratedDocument
from documents.services import render_and_store, request_document
from monitoring.documents import _report_context
from monitoring.models import Milestone, ProgressReport, Project, Tranche
from monitoring.services.projects import record_payment
from monitoring.services.reports import (
    ReportData,
    complete_project,
    decide_report,
    submit_report,
    terminate_project,
)
from monitoring.services.visits import record_visit
from tests.documents.conftest import pdf_text

Kind = ProgressReport.Kind

# The frozen bid's budget: the municipality funds 180 000 + 220 000 + 50 000 = 450 000.
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
        "unit_cost": "25000",
        "own_contribution": "20000",
        "other_sources": "10000",
    },
    {
        "category": "rent",
        "item": "Аренда зала",
        "unit": "месяц",
        "quantity": "5",
        "unit_cost": "10000",
        "own_contribution": "0",
        "other_sources": "0",
    },
]
INTERIM_SPENT = {0: Decimal("175000"), 1: Decimal("90000"), 2: Decimal("20000")}
# The final report: +10 000 (+5,6%), −11 000 (−5,0%), 0; in all −1 000 (−0,2%).
FINAL_SPENT = {0: Decimal("190000"), 1: Decimal("209000"), 2: Decimal("50000")}
REASONS = "Центр открыт в срок, все мероприятия проведены, целевые показатели достигнуты."
FINDINGS = "Помещение отремонтировано, занятия идут по расписанию; журнал посещений ведётся."


def flat(text: str) -> str:
    """The PDF's text on one line, non-breaking spaces as spaces."""
    return " ".join(text.split())


def report_data(project: Project, spent, *, done: int, reached=(120, 70, 12, 45)) -> ReportData:
    milestones = list(project.milestones.all())
    indicators = list(project.indicators.all())
    total, women, disabled, children = reached
    return ReportData(
        narrative="Отремонтировали помещение и закупили оборудование.",
        reached=total,
        reached_women=women,
        reached_disabled=disabled,
        reached_children=children,
        spent=spent,
        values={indicators[0].pk: Decimal("18"), indicators[1].pk: Decimal("36")},
        milestones={
            m.pk: (Milestone.Status.DONE, 100) if i < done else (Milestone.Status.UNDER_WAY, 40)
            for i, m in enumerate(milestones)
        },
    )


def report_and_accept(cast, project: Project, kind: str, spent, *, done: int) -> None:
    report = project.reports.get(kind=kind)
    submit_report(report, report_data(project, spent, done=done), by=cast.ngo_member)
    decide_report(report, accept=True, by=cast.officer_a)


def pay(cast, project: Project, position: int, reference: str) -> None:
    tranche = project.tranches.get(position=position)
    record_payment(
        tranche,
        amount=tranche.amount,
        paid_on=timezone.localdate(),
        reference=reference,
        by=cast.officer_a,
    )


@pytest.fixture
def budgeted(signed) -> Project:
    """The signed project whose frozen bid has a budget to report spending against."""
    submission = signed.submission
    submission.content = {**submission.content, "budget_lines": BUDGET_LINES}
    submission.save(update_fields=["content"])
    signed.refresh_from_db()
    return signed


@pytest.fixture
def under_way(cast, budgeted) -> Project:
    """The interim report accepted, the first two tranches paid, a site visit."""
    pay(cast, budgeted, 0, "ПП-101")
    report_and_accept(cast, budgeted, Kind.INTERIM, INTERIM_SPENT, done=1)
    pay(cast, budgeted, 1, "ПП-202")
    record_visit(
        budgeted,
        visited_on=timezone.localdate(),
        participants="Специалист айыл окмоту",
        findings=FINDINGS,
        rating="good",
        by=cast.officer_a,
    )
    budgeted.refresh_from_db()
    return budgeted


@pytest.fixture
def completed(cast, under_way) -> Project:
    """The final report accepted, the last tranche paid, completed as successful."""
    report_and_accept(cast, under_way, Kind.FINAL, FINAL_SPENT, done=3)
    pay(cast, under_way, 2, "ПП-303")
    complete_project(under_way, rating="successful", reasons=REASONS, by=cast.officer_a)
    under_way.refresh_from_db()
    return under_way


def keep(data: bytes, language: str) -> None:
    """PROJECT_REPORT_PDF=/tmp/project_report keeps the PDFs for a look at the pages
    (`pdftoppm -png -r 60 /tmp/project_report-en.pdf /tmp/project_report`)."""
    stem = os.environ.get("PROJECT_REPORT_PDF")
    if stem:
        Path(f"{stem}-{language}.pdf").write_bytes(data)


def render(project: Project, language: str, django_capture_on_commit_callbacks) -> bytes:
    with django_capture_on_commit_callbacks(execute=True):
        doc = request_document("project-report", project, language=language, by=None)
    doc.refresh_from_db()
    if doc.status == GeneratedDocument.Status.PENDING:
        render_and_store(doc.pk)
        doc.refresh_from_db()
    assert doc.status == GeneratedDocument.Status.READY, doc.error
    return doc.file.read()


def test_the_report_of_a_completed_project_in_english(
    cast, completed, django_capture_on_commit_callbacks
):
    data = render(completed, "en", django_capture_on_commit_callbacks)
    text = flat(pdf_text(data))
    keep(data, "en")
    assert completed.number in text and "Alamüdün AA" in text
    # The final evaluation
    assert "Final evaluation Rating Successful Reasons " + REASONS in text
    # Money: agreed, paid in all, nothing left
    assert "450 000,00 som" in text and "Left to pay 0,00 som" in text
    assert "ПП-101" in text and "ПП-303" in text and "Total paid 450 000,00 som" in text
    # Progress and milestones: all done
    assert "100% complete" in text and "Открытие центра" in text
    # Indicators: the latest value
    assert "Дети в центре" in text and "18" in text
    # Beneficiaries planned vs reached, with the breakdown
    assert (
        "Planned Reached Women and girls People with disabilities Children "
        "20 120 70 (58,3%) 12 (10,0%) 45 (37,5%)"
    ) in text
    # Spending from the final report, the latest accepted: variance and its %
    assert "latest accepted report: Final report, version 1" in text
    assert "Ремонт помещения 180 000,00 som 190 000,00 som +10 000,00 som +5,6%" in text
    assert "Оборудование для занятий 220 000,00 som 209 000,00 som -11 000,00 som -5,0%" in text
    assert "Аренда зала 50 000,00 som 50 000,00 som 0,00 som 0,0%" in text
    assert "Total 450 000,00 som 449 000,00 som -1 000,00 som -0,2%" in text
    # The reports and the site visit
    assert "Interim report No. 1 01.05.2027 Accepted 1" in text
    assert "Final report 11.11.2027 Accepted 1" in text
    assert FINDINGS[:40] in text and "As planned" in text
    assert "Председатель Бекова Б." in text


def test_the_report_in_russian_carries_the_same_figures(
    cast, completed, django_capture_on_commit_callbacks
):
    data = render(completed, "ru", django_capture_on_commit_callbacks)
    keep(data, "ru")
    text = flat(pdf_text(data))
    with translation.override("ru"):
        rating = str(Project.Rating.SUCCESSFUL.label).capitalize()
    assert completed.number in text and "Аламудунский АА" in text and "ОФ «Көмөк»" in text
    assert rating in text and REASONS in text
    assert "+10 000,00" in text and "+5,6%" in text and "-11 000,00" in text and "-5,0%" in text
    assert "449 000,00" in text and "-1 000,00" in text and "-0,2%" in text
    assert "20 120 70 (58,3%) 12 (10,0%) 45 (37,5%)" in text
    assert "ПП-303" in text and "Ремонт помещения" in text


def test_before_the_end_spending_comes_from_the_interim_report_and_there_is_no_rating(
    cast, under_way, django_capture_on_commit_callbacks
):
    text = flat(pdf_text(render(under_way, "en", django_capture_on_commit_callbacks)))
    assert "Final evaluation" not in text
    assert "latest accepted report: Interim report No. 1, version 1" in text
    assert "Ремонт помещения 180 000,00 som 175 000,00 som -5 000,00 som -2,8%" in text
    assert "Left to pay 100 000,00 som" in text


def test_without_an_accepted_report_a_sentence_stands_for_the_spending(
    cast, budgeted, django_capture_on_commit_callbacks
):
    text = flat(pdf_text(render(budgeted, "en", django_capture_on_commit_callbacks)))
    assert "No report has been accepted yet" in text
    assert "Nothing has been paid yet." in text and "No site visits" in text


def test_a_terminated_project_shows_the_reason_instead_of_an_evaluation(
    cast, budgeted, django_capture_on_commit_callbacks
):
    reason = "Организация прекратила деятельность."
    terminate_project(budgeted, reason=reason, by=cast.officer_a)
    budgeted.refresh_from_db()
    text = flat(pdf_text(render(budgeted, "en", django_capture_on_commit_callbacks)))
    assert "The agreement was terminated Terminated on 11.01.2027 Reason " + reason in text
    assert "Final evaluation" not in text and "Terminated, ended on 11.01.2027" in text


def test_the_context_takes_the_same_number_of_queries_however_big_the_project(
    cast, under_way, completed
):
    def count() -> int:
        with CaptureQueriesContext(connection) as queries:
            _report_context(Project.objects.get(pk=completed.pk))
        return len(queries)

    before = count()
    # More of everything the report lists: values, visits, payments (rows made directly:
    # the services take no more once the project is completed).
    for indicator in completed.indicators.all():
        indicator.values.create(value=Decimal("19"), measured_on=timezone.localdate())
    completed.visits.create(
        visited_on=timezone.localdate(), participants="—", findings="Ещё визит", rating="good"
    )
    extra = Tranche.objects.create(
        project=completed, position=3, amount=1, due_on=timezone.localdate(), condition="final"
    )
    extra.payments.create(amount=1, paid_on=timezone.localdate(), reference="ПП-404")
    assert count() == before


@pytest.mark.parametrize(
    ("who", "status"),
    [
        ("officer_a", 302),
        ("ngo_member", 302),
        ("ministry", 302),
        ("officer_b", 404),
        ("other_ngo_member", 404),
    ],
)
def test_only_the_parties_and_those_who_oversee_them_ask_for_it(
    cast, client_for, signed, who, status
):
    client = client_for(cast.users()[who])
    response = client.post(f"/documents/request/project-report/{signed.pk}/", {"language": "ru"})
    assert response.status_code == status


def test_an_outsider_cannot_open_a_report_someone_asked_for(cast, client_for, signed):
    doc = request_document("project-report", signed, language="ru", by=cast.officer_a)
    outsider = client_for(cast.other_ngo_member)
    assert outsider.get(f"/documents/{doc.pk}/").status_code == 404
    assert outsider.get(f"/documents/{doc.pk}/download/").status_code == 404
