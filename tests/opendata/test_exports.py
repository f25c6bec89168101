"""The ministry's CSV and XLSX downloads: filtered like their list, sealed bids kept
sealed, formulas neutralised, streamed in bounded memory."""

from __future__ import annotations

import csv
import datetime
import io
import tracemalloc
from decimal import Decimal

import pytest
import time_machine
from django.http import StreamingHttpResponse
from openpyxl import load_workbook

from competitions.models import Competition
from opendata import exports
from opendata.dashboards import Filters, Scope
from tests.evaluation.conftest import (
    BEFORE,
    _after_the_deadline,  # noqa: F401  (autouse: the call's story runs after its deadline)
)
from tests.factories import CompetitionFactory
from tests.monitoring.conftest import OUR_TITLE

pytestmark = pytest.mark.django_db


def csv_rows(response) -> list[list[str]]:
    assert isinstance(response, StreamingHttpResponse)
    body = b"".join(response.streaming_content).decode("utf-8")
    assert body.startswith("\ufeff")
    return list(csv.reader(io.StringIO(body[1:])))


def xlsx_rows(response) -> list[tuple]:
    workbook = load_workbook(io.BytesIO(b"".join(response.streaming_content)))
    return list(workbook.active.iter_rows(values_only=True))


def test_the_calls_csv_is_the_list_with_its_filters(english, cast, final_call):
    client = english(cast.ministry)
    response = client.get("/ministry/exports/calls.csv", {"region": "KG-C", "state": "results"})
    assert response["Content-Disposition"].startswith('attachment; filename="calls-KG-C-')
    header, *rows = csv_rows(response)
    assert header[:3] == ["Call No.", "Call", "Municipality"]
    [row] = rows
    values = dict(zip(header, row, strict=True))
    assert values["Call No."] == str(final_call.pk)
    assert values["Bids received"] == "2" and values["Awarded, KGS"] == "850000.00"
    assert values["Municipality"] == "Alamüdün AA" and values["Status"]
    # Another oblast's calls are not in it.
    assert csv_rows(client.get("/ministry/exports/calls.csv", {"region": "KG-Y"}))[1:] == []


def test_the_xlsx_holds_numbers_and_dates_as_such(english, cast, final_call):
    response = english(cast.ministry).get("/ministry/exports/calls.xlsx")
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    header, row = xlsx_rows(response)
    values = dict(zip(header, row, strict=True))
    assert values["Call No."] == final_call.pk
    assert values["Budget, KGS"] == final_call.total_budget
    assert isinstance(values["Deadline"], datetime.datetime)


def test_cells_a_spreadsheet_would_run_are_neutralised(english, cast, final_call):
    for start in ("=", "+", "-", "@"):
        Competition.objects.filter(pk=final_call.pk).update(title=f'{start}HYPERLINK("x")')
        client = english(cast.ministry)
        _header, row = csv_rows(client.get("/ministry/exports/calls.csv"))
        assert row[1] == f'\'{start}HYPERLINK("x")'
        _header, cells = xlsx_rows(client.get("/ministry/exports/calls.xlsx"))
        assert cells[1] == f'\'{start}HYPERLINK("x")'


def test_bids_are_exported_only_after_the_deadline(english, cast, our_submission):
    with time_machine.travel(BEFORE, tick=False):
        sealed = english(cast.ministry).get("/ministry/exports/bids.csv")
        assert sealed.status_code == 200
        assert csv_rows(sealed)[1:] == []
    header, row = csv_rows(english(cast.ministry).get("/ministry/exports/bids.csv"))
    values = dict(zip(header, row, strict=True))
    assert values["Project"] == OUR_TITLE
    assert values["Receipt No."] == our_submission.receipt_number


def test_scores_are_exported_only_once_the_results_are_published(english, cast, call, final_call):
    header, *rows = csv_rows(english(cast.ministry).get("/ministry/exports/scores.csv"))
    assert len(rows) == 2
    assert {dict(zip(header, r, strict=True))["Result"] for r in rows} == {"selected for funding"}
    Competition.objects.filter(pk=call.pk).update(results_published_at=None)
    assert csv_rows(english(cast.ministry).get("/ministry/exports/scores.csv"))[1:] == []


def test_projects_and_payments(english, cast, signed):
    client = english(cast.ministry)
    header, row = csv_rows(client.get("/ministry/exports/projects.csv", {"state": "on_track"}))
    assert dict(zip(header, row, strict=True))["Agreement No."] == signed.number
    assert csv_rows(client.get("/ministry/exports/payments.csv"))[1:] == []


def test_the_lists_offer_their_downloads(english, cast, final_call):
    page = english(cast.ministry).get("/ministry/calls/", {"region": "KG-C", "year": "2026"})
    html = page.content.decode()
    assert 'href="/ministry/exports/bids.xlsx?region=KG-C&amp;year=2026"' in html
    assert 'href="/ministry/exports/calls.csv?region=KG-C&amp;year=2026"' in html


def test_oblast_staff_export_only_their_oblast(english, cast):
    client = english(cast.ministry_y)
    assert client.get("/ministry/exports/calls.csv", {"region": "KG-C"}).status_code == 404
    assert client.get("/ministry/exports/calls.csv", {"region": "KG-Y"}).status_code == 200


@pytest.mark.parametrize("url", ["/ministry/exports/bids.csv", "/ministry/exports/calls.xlsx"])
def test_others_may_not_download(english, cast, url):
    assert english(cast.officer_a).get(url).status_code == 403
    assert english(cast.ministry).post(url).status_code == 405
    assert english(cast.ministry).get("/ministry/exports/secrets.csv").status_code == 404
    assert english(cast.ministry).get("/ministry/exports/calls.pdf").status_code == 404


def many_calls(cast, n: int) -> None:
    template = CompetitionFactory(
        municipality=cast.municipality_b,
        status=Competition.Status.PUBLISHED,
        opens_in_days=-60,
        closes_in_days=-40,
    )
    fields = [f.attname for f in Competition._meta.concrete_fields if f.attname != "id"]
    copies = [
        Competition(
            **{name: getattr(template, name) for name in fields if name != "title"},
            title=f"Конкурс №{i} " + "х" * 200,
        )
        for i in range(n)
    ]
    Competition.objects.bulk_create(copies)


def peak_while_exporting(cast) -> int:
    tracemalloc.start()
    try:
        for _chunk in exports.csv_chunks(
            exports.DATASETS["calls"], Scope(), Filters(), "", language="en"
        ):
            pass
        return tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()


def test_the_csv_streams_in_bounded_memory(cast, monkeypatch):
    monkeypatch.setattr(exports, "CHUNK", 50)
    many_calls(cast, 100)
    small = peak_while_exporting(cast)
    many_calls(cast, 900)
    large = peak_while_exporting(cast)
    # Ten times the rows, nowhere near ten times the memory: a chunk at a time.
    assert large < 2 * small, (small, large)


def test_amounts_in_the_csv_are_plain_numbers():
    assert exports._text(Decimal("1234.5")) == "1234.50"
    assert exports._text(datetime.date(2027, 1, 11)) == "11.01.2027"
