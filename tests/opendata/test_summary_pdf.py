"""The ministry summary PDF: the country or an oblast for a year, with the charts."""

from __future__ import annotations

import os
import re
from pathlib import Path

import pytest
from django.utils import timezone

from documents.models import GeneratedDocument
from documents.services import render_and_store
from opendata.models import Summary
from tests.documents.conftest import pdf_text
from tests.evaluation.conftest import _after_the_deadline  # noqa: F401  (autouse)

pytestmark = pytest.mark.django_db

SUMMARY = "/ministry/summary/"


def flat(text: str) -> str:
    return re.sub(r"\s+", " ", text)


def ask(client, django_capture_on_commit_callbacks, **data) -> GeneratedDocument:
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(SUMMARY, {"language": "en", **data})
    assert response.status_code == 302
    doc = GeneratedDocument.objects.get(pk=response["Location"].split("/")[-2])
    if doc.status == GeneratedDocument.Status.PENDING:
        render_and_store(doc.pk)
    doc.refresh_from_db()
    assert doc.status == GeneratedDocument.Status.READY, doc.error
    return doc


def test_the_country_summary_carries_the_figures_and_the_charts(
    english, cast, signed, final_call, django_capture_on_commit_callbacks
):
    year = final_call.published_at.year
    doc = ask(english(cast.ministry), django_capture_on_commit_callbacks, year=str(year))
    data = doc.file.read()
    stem = os.environ.get("SUMMARY_PDF")  # keep it for a look: pdftoppm -png -r 60 …
    if stem:
        Path(f"{stem}.pdf").write_bytes(data)
    text = flat(pdf_text(data))
    assert f"Social order in figures: Kyrgyz Republic, {year}" in doc.title
    assert "Calls announced 1" in text and "Funds awarded 850 000 som" in text
    assert "Chüy" in text and "Issyk-Kul" in text  # a row and a chart bar per oblast
    # The charts: their legends, and their bars' labels ("850 thousand" is the awarded).
    assert "Announced Awarded Disbursed" in text and "On track Late Completed" in text
    assert "850 thousand" in text
    assert Summary.objects.get().year == year


def test_an_oblast_summary_is_for_that_oblasts_staff(
    english, cast, final_call, django_capture_on_commit_callbacks
):
    client = english(cast.ministry_y)
    doc = ask(client, django_capture_on_commit_callbacks, region="KG-Y")
    assert "Issyk-Kul" in doc.title
    assert client.post(SUMMARY, {"region": "KG-C", "language": "en"}).status_code == 404
    assert client.post(SUMMARY, {"language": "en"}).status_code == 404  # not the country
    other = GeneratedDocument.objects.create(
        kind="ministry-summary",
        object_type=doc.object_type,
        object_id=str(Summary.objects.create(key="r-|y-|s-").pk),
        language="en",
        title="x",
    )
    assert client.get(f"/documents/{other.pk}/").status_code == 404


def test_asking_twice_keeps_one_set_of_parameters(
    english, cast, django_capture_on_commit_callbacks
):
    client = english(cast.ministry)
    year = str(timezone.localdate().year)  # the only year on offer without calls
    ask(client, django_capture_on_commit_callbacks, year=year)
    ask(client, django_capture_on_commit_callbacks, year=year)
    assert Summary.objects.count() == 1
    assert client.post(SUMMARY, {"year": "1999", "language": "en"}).status_code == 400


@pytest.mark.parametrize("who", ["officer_a", "ngo_member"])
def test_others_may_not_ask(english, cast, who):
    assert english(getattr(cast, who)).post(SUMMARY, {"language": "en"}).status_code == 403


def test_it_is_asked_by_post_only(english, cast):
    assert english(cast.ministry).get(SUMMARY).status_code == 405


def test_the_dashboard_offers_it_for_the_country_and_oblasts_only(english, cast):
    client = english(cast.ministry)
    assert 'action="/ministry/summary/"' in client.get("/ministry/").content.decode()
    region = client.get("/ministry/regions/KG-C/").content.decode()
    assert 'name="region" value="KG-C"' in region
    municipality = client.get(f"/ministry/municipalities/{cast.municipality_a.code}/")
    assert 'action="/ministry/summary/"' not in municipality.content.decode()
