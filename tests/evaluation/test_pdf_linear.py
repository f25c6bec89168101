"""The documents that grow with a call's bids (the protocol's ranking, the consolidated
sheet's block per bid) grow by pages, not by anything else: rendered for real at two
sizes, the page count grows with the bids, every page is numbered "Page X / Y" against
the true total, and every bid's organisation is in the text. No timing here: speed is
measured by `scripts/bench.py` (the 200-bid protocol and consolidated sheet rows).
"""

from __future__ import annotations

import io
import re
from decimal import Decimal

import pytest
from django.utils import timezone
from pypdf import PdfReader

from competitions.models import Competition
from documents.models import GeneratedDocument
from documents.services import build_html
from evaluation.models import BidResult, CallEvaluation, ConflictDeclaration, Score, ScoreSheet
from municipal_order.lib.pdf import render_pdf
from tests.evaluation.conftest import AFTER, make_admission_call, submit
from tests.factories import OrganizationFactory

pytestmark = pytest.mark.django_db

SMALL, LARGE = 10, 40


def closed_call(cast, chair, secretary, n: int) -> CallEvaluation:
    """A closed call of `n` ranked bids written straight to the tables: a submitted sheet
    of every seat on each bid, the ordinary member recused from every tenth."""
    call = make_admission_call(cast, chair, secretary)
    Competition.objects.filter(pk=call.pk).update(stage=Competition.Stage.DELIBERATION)
    seats = list(call.commission.order_by("pk"))
    criteria = list(call.criteria.order_by("position", "pk"))
    evaluation = CallEvaluation.objects.create(
        competition=call, closed_at=timezone.now(), budget=call.total_budget
    )
    evaluation.attendees.set(seats)
    for i in range(n):
        s = submit(
            call, OrganizationFactory(name_ru=f"ОО «Линия {i}»"), title=f"Проект {i}", amount="1000"
        )
        BidResult.objects.create(
            evaluation=evaluation,
            submission=s,
            score=Decimal(90) - Decimal(i) / 4,
            sheets_counted=2 if i % 10 == 0 else 3,
            rank=i + 1,
            status=BidResult.Status.SELECTED,
            requested=Decimal("1000"),
            awarded=Decimal("1000"),
        )
        for seat in seats:
            if i % 10 == 0 and seat == seats[2]:
                ConflictDeclaration.objects.create(
                    seat=seat, submission=s, has_conflict=True, statement="x", declared_at=AFTER
                )
                continue
            sheet = ScoreSheet.objects.create(seat=seat, submission=s, submitted_at=AFTER)
            Score.objects.bulk_create(
                Score(sheet=sheet, criterion=c, value=(i + c.position) % 10 + 1) for c in criteria
            )
    return evaluation


def rendered(kind: str, evaluation: CallEvaluation) -> tuple[int, list[str]]:
    """(pages, each page's text) of the document in Russian, rendered as the task does."""
    doc = GeneratedDocument(
        kind=kind,
        object_type="evaluation.callevaluation",
        object_id=str(evaluation.pk),
        language="ru",
        title=kind,
    )
    html, _sha = build_html(doc)
    pdf = render_pdf(html)
    pages = [page.extract_text() for page in PdfReader(io.BytesIO(pdf.content)).pages]
    assert len(pages) == pdf.pages
    return pdf.pages, pages


def flat(text: str) -> str:
    return " ".join(text.replace("\u00a0", " ").split())


@pytest.mark.parametrize("kind", ["evaluation-protocol", "evaluation-consolidated"])
def test_a_document_grows_by_pages_with_the_bids_and_keeps_every_bid(cast, chair, secretary, kind):
    counts = {}
    for n in (SMALL, LARGE):
        evaluation = closed_call(cast, chair, secretary, n)
        pages, texts = rendered(kind, evaluation)
        counts[n] = pages
        text = flat("\n".join(texts))
        for i in range(n):
            assert f"ОО «Линия {i}»" in text, (kind, n, i)
        # "Page X / Y" on every page, Y the true total.
        numbers = [re.search(r"Страница (\d+) / (\d+)", flat(t)) for t in texts]
        assert all(numbers), kind
        assert [(int(m[1]), int(m[2])) for m in numbers] == [
            (p, pages) for p in range(1, pages + 1)
        ]
    # Four times the bids: more pages, and no more than four times as many (the fixed
    # part, the call and the commission, does not repeat).
    assert counts[SMALL] < counts[LARGE] <= 4 * counts[SMALL], counts
