"""CSV and XLSX downloads of the lists behind the ministry's figures, in bounded memory.

Each dataset is a queryset of plain values (`values_list`, read with `iterator()` in
chunks) and its columns. CSV streams row by row as the database hands them over;
XLSX is written by openpyxl's write-only workbook, which keeps rows on disk, and is
then sent from that file. Either way memory holds a chunk of rows, never the export.

Only what the ministry may read leaves: bids of calls past their deadline (sealed
until then), scores of calls whose results are published. Every text cell that a
spreadsheet would run as a formula (`= + - @`) is neutralised (`safe_cell`).
"""

from __future__ import annotations

import csv
import datetime
import tempfile
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.db.models import Count, F, IntegerField, OuterRef, QuerySet, Subquery, Sum, Value
from django.db.models.functions import Coalesce, NullIf
from django.utils import timezone, translation
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from applications.models import Bid, BidSubmission
from competitions.models import Competition
from evaluation.models import BidResult
from monitoring.models import Payment, Project
from municipal_order.lib.db import reporting
from municipal_order.lib.spreadsheet import safe_cell
from opendata import dashboards
from opendata.dashboards import Filters, Scope

CHUNK = 500  # rows read from the database at a time
ORGANIZATION = ("ru", "ky")  # the languages an organisation's name is kept in


@dataclass(frozen=True)
class Column:
    header: Any  # a lazy translation
    key: str
    choices: dict[str, Any] | None = None  # code -> label, for status columns


@dataclass(frozen=True)
class Dataset:
    key: str
    title: Any
    rows: Callable[[Scope, Filters, str], QuerySet]
    columns: tuple[Column, ...]


def name(path: str, languages: tuple[str, ...] = ("ru", "ky", "en")) -> Any:
    """The name at `path` in the reader's language, else in Russian."""
    lang = (get_language() or "ru").split("-")[0]
    if lang not in languages:
        lang = "ru"
    return Coalesce(NullIf(F(f"{path}__name_{lang}"), Value("")), F(f"{path}__name_ru"))


def filtered_calls(scope: Scope, filters: Filters, state: str) -> QuerySet[Competition]:
    """The ministry's calls list: all, with results, long without, or with appeals
    undecided too long."""
    calls = dashboards.calls(scope, filters)
    if state == "results":
        return calls.filter(results_published_at__isnull=False)
    if state == "without_results":
        return calls & dashboards.calls_without_results(scope)
    if state == "open_appeals":
        overdue = dashboards.overdue_appeals(scope)
        return calls.filter(pk__in=overdue.values("submission__bid__competition"))
    return calls


PROJECT_STATES = ("on_track", "late", "completed", "terminated")


def filtered_projects(scope: Scope, filters: Filters, state: str) -> QuerySet[Project]:
    projects = dashboards.projects(scope, filters)
    if state == "on_track":
        return projects.filter(dashboards.on_track_q())
    if state == "late":
        return projects.filter(dashboards.late_q())
    if state in ("completed", "terminated"):
        return projects.filter(status=state)
    return projects


def bids_received() -> Any:
    submitted = Bid.objects.filter(competition=OuterRef("pk"), status=Bid.Status.SUBMITTED)
    return Coalesce(
        Subquery(
            submitted.values("competition").annotate(n=Count("pk")).values("n"),
            output_field=IntegerField(),
        ),
        0,
    )


def awarded_total() -> Any:
    awarded = BidResult.objects.filter(
        evaluation__competition=OuterRef("pk"),
        evaluation__competition__results_published_at__isnull=False,
    )
    return Subquery(
        awarded.values("evaluation__competition").annotate(s=Sum("awarded")).values("s")
    )


# --- the datasets ------------------------------------------------------------------------------


def _calls(scope: Scope, filters: Filters, state: str) -> QuerySet:
    return (
        filtered_calls(scope, filters, state)
        .annotate(
            municipality_name=name("municipality"),
            region_name=name("municipality__region"),
            sphere_name=name("sphere"),
            bids_received=bids_received(),
            awarded_total=awarded_total(),
        )
        .order_by("-published_at", "-id")
    )


def _bids(scope: Scope, filters: Filters, state: str) -> QuerySet:
    # Sealed until the deadline: only calls whose deadline has passed.
    calls = filtered_calls(scope, filters, state).filter(closes_at__lt=timezone.now())
    return (
        BidSubmission.objects.using(reporting())
        .filter(status=BidSubmission.Status.ACTIVE, bid__competition__in=calls.values("pk"))
        .annotate(
            municipality_name=name("bid__competition__municipality"),
            organization_name=name("bid__organization", ORGANIZATION),
        )
        .order_by("bid__competition_id", "submitted_at")
    )


def _scores(scope: Scope, filters: Filters, state: str) -> QuerySet:
    calls = filtered_calls(scope, filters, state).filter(results_published_at__isnull=False)
    return (
        BidResult.objects.using(reporting())
        .filter(evaluation__competition__in=calls.values("pk"))
        .annotate(
            municipality_name=name("evaluation__competition__municipality"),
            organization_name=name("submission__bid__organization", ORGANIZATION),
        )
        .order_by("evaluation__competition_id", "rank", "pk")
    )


def _projects(scope: Scope, filters: Filters, state: str) -> QuerySet:
    return (
        filtered_projects(scope, filters, state)
        .annotate(
            municipality_name=name("municipality"),
            region_name=name("municipality__region"),
            organization_name=name("organization", ORGANIZATION),
        )
        .order_by("-signed_on", "-id")
    )


def _payments(scope: Scope, filters: Filters, state: str) -> QuerySet:
    projects = filtered_projects(scope, filters, state)
    return (
        Payment.objects.using(reporting())
        .filter(tranche__project__in=projects.values("pk"))
        .annotate(
            municipality_name=name("tranche__project__municipality"),
            organization_name=name("tranche__project__organization", ORGANIZATION),
        )
        .order_by("paid_on", "pk")
    )


DATASETS = {
    d.key: d
    for d in (
        Dataset(
            "calls",
            _("Calls"),
            _calls,
            (
                Column(_("Call No."), "id"),
                Column(_("Call"), "title"),
                Column(_("Municipality"), "municipality_name"),
                Column(_("Oblast"), "region_name"),
                Column(_("Sphere"), "sphere_name"),
                Column(_("Announced"), "published_at"),
                Column(_("Deadline"), "closes_at"),
                Column(_("Budget, KGS"), "total_budget"),
                Column(_("Maximum per bid, KGS"), "max_per_bid"),
                Column(_("Status"), "status", dict(Competition.Status.choices)),
                Column(_("Bids received"), "bids_received"),
                Column(_("Results published"), "results_published_at"),
                Column(_("Awarded, KGS"), "awarded_total"),
            ),
        ),
        Dataset(
            "bids",
            _("Bids"),
            _bids,
            (
                Column(_("Call No."), "bid__competition_id"),
                Column(_("Call"), "bid__competition__title"),
                Column(_("Municipality"), "municipality_name"),
                Column(_("Organisation"), "organization_name"),
                Column(_("Project"), "bid__title"),
                Column(_("Receipt No."), "receipt_number"),
                Column(_("Submitted"), "submitted_at"),
                Column(_("Requested, KGS"), "requested_total"),
            ),
        ),
        Dataset(
            "scores",
            _("Scores and results"),
            _scores,
            (
                Column(_("Call No."), "evaluation__competition_id"),
                Column(_("Call"), "evaluation__competition__title"),
                Column(_("Municipality"), "municipality_name"),
                Column(_("Organisation"), "organization_name"),
                Column(_("Project"), "submission__bid__title"),
                Column(_("Score"), "score"),
                Column(_("Rank"), "rank"),
                Column(_("Result"), "status", dict(BidResult.Status.choices)),
                Column(_("Requested, KGS"), "requested"),
                Column(_("Approved, KGS"), "approved"),
                Column(_("Awarded, KGS"), "awarded"),
            ),
        ),
        Dataset(
            "projects",
            _("Projects"),
            _projects,
            (
                Column(_("Agreement No."), "number"),
                Column(_("Project"), "title"),
                Column(_("Municipality"), "municipality_name"),
                Column(_("Oblast"), "region_name"),
                Column(_("Organisation"), "organization_name"),
                Column(_("Status"), "status", dict(Project.Status.choices)),
                Column(_("Signed"), "signed_on"),
                Column(_("Starts"), "starts_on"),
                Column(_("Ends"), "ends_on"),
                Column(_("Amount, KGS"), "amount"),
                Column(_("Co-financing, KGS"), "cofinancing"),
                Column(_("Paid, KGS"), "paid_total"),
                Column(_("Beneficiaries planned"), "beneficiaries"),
                Column(_("Beneficiaries reached"), "reached"),
                Column(_("Final evaluation"), "final_rating", dict(Project.Rating.choices)),
            ),
        ),
        Dataset(
            "payments",
            _("Payments"),
            _payments,
            (
                Column(_("Agreement No."), "tranche__project__number"),
                Column(_("Project"), "tranche__project__title"),
                Column(_("Municipality"), "municipality_name"),
                Column(_("Organisation"), "organization_name"),
                Column(_("Paid on"), "paid_on"),
                Column(_("Amount, KGS"), "amount"),
                Column(_("Payment order No."), "reference"),
            ),
        ),
    )
}


def rows(dataset: Dataset, scope: Scope, filters: Filters, state: str) -> Iterator[list[Any]]:
    """The dataset's rows as Python values (labels for codes), a chunk at a time."""
    keys = [column.key for column in dataset.columns]
    choices = [column.choices for column in dataset.columns]
    queryset = dataset.rows(scope, filters, state).values_list(*keys)
    for values in queryset.iterator(chunk_size=CHUNK):
        yield [
            (str(labels.get(value, value)) if labels and value else value)
            for value, labels in zip(values, choices, strict=True)
        ]


def headers(dataset: Dataset) -> list[str]:
    return [str(column.header) for column in dataset.columns]


# --- the writers ------------------------------------------------------------------------------


def _text(value: Any) -> Any:
    """A CSV cell: local date and time as "dd.mm.yyyy HH:MM", amounts with two places."""
    if isinstance(value, datetime.datetime):
        return timezone.localtime(value).strftime("%d.%m.%Y %H:%M")
    if isinstance(value, datetime.date):
        return value.strftime("%d.%m.%Y")
    if isinstance(value, Decimal):
        return f"{value:.2f}"  # money and scores: two places, a point, as machines read
    if value is None:
        return ""
    return safe_cell(value)


class _Echo:
    def write(self, value: str) -> str:
        return value


def csv_chunks(
    dataset: Dataset, scope: Scope, filters: Filters, state: str, *, language: str | None
) -> Iterator[str]:
    """The CSV, a line at a time; a BOM first so that spreadsheets read UTF-8.

    The server runs this after the view has returned, when the request's language is
    no longer active: `language` keeps the headers and labels in the reader's.
    """
    writer = csv.writer(_Echo())
    with translation.override(language):
        yield "\ufeff"
        yield writer.writerow(headers(dataset))
        for row in rows(dataset, scope, filters, state):
            yield writer.writerow([_text(value) for value in row])


def _cell(value: Any) -> Any:
    """An XLSX cell: dates as dates (local time, no zone), money as numbers."""
    if isinstance(value, datetime.datetime):
        return timezone.localtime(value).replace(tzinfo=None)
    if isinstance(value, Decimal):
        return value
    return safe_cell(value)


def xlsx_file(dataset: Dataset, scope: Scope, filters: Filters, state: str) -> Any:
    """The workbook in a temporary file (deleted when closed), positioned at its start."""
    from openpyxl import Workbook
    from openpyxl.cell import WriteOnlyCell

    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet(str(dataset.title)[:31])
    sheet.append(headers(dataset))
    for row in rows(dataset, scope, filters, state):
        cells = []
        for value in row:
            cell = WriteOnlyCell(sheet, value=_cell(value))
            if isinstance(value, datetime.datetime):
                cell.number_format = "dd.mm.yyyy hh:mm"
            elif isinstance(value, datetime.date):
                cell.number_format = "dd.mm.yyyy"
            elif isinstance(value, Decimal):
                cell.number_format = "#,##0.00"
            cells.append(cell)
        sheet.append(cells)
    out = tempfile.TemporaryFile()  # noqa: SIM115 - FileResponse closes it after sending
    workbook.save(out)
    out.seek(0)
    return out
