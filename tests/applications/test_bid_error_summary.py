"""The error summary on the bid's steps: a row's error links to the row's field."""

from __future__ import annotations

import pytest
import time_machine

from applications.services.drafting import step_version
from tests.applications.conftest import BEFORE
from tests.test_error_summary import summary_of

pytestmark = pytest.mark.django_db


def test_a_budget_row_error_links_to_the_rows_field(cast, english, bid):
    data = {
        "version": step_version(bid, "budget"),
        "go": "budget",
        "budget-TOTAL_FORMS": "2",
        "budget-INITIAL_FORMS": "0",
        "budget-MIN_NUM_FORMS": "0",
        "budget-MAX_NUM_FORMS": "60",
        "budget-0-category": "equipment",
        "budget-0-item": "Тренажёры",
        "budget-0-unit": "шт.",
        "budget-0-quantity": "2",
        "budget-0-unit_cost": "1000",
        "budget-0-own_contribution": "0",
        "budget-0-other_sources": "0",
        "budget-1-category": "equipment",
        "budget-1-item": "Маты",
        "budget-1-unit": "шт.",
        "budget-1-quantity": "many",
        "budget-1-unit_cost": "500",
        "budget-1-own_contribution": "0",
        "budget-1-other_sources": "0",
    }
    with time_machine.travel(BEFORE, tick=False):
        response = english(cast.ngo_member).post(f"/bids/{bid.pk}/edit/budget/", data)
    assert response.status_code == 400
    page = summary_of(response)
    assert [href for href, _ in page.links] == ["#id_budget-1-quantity"]
    assert page.links[0][1].startswith("Line 2 · ")
    assert "Маты" in response.content.decode()  # nothing typed is lost


def test_a_bid_step_field_error_links_to_the_field(cast, english, bid):
    data = {"version": step_version(bid, "project"), "go": "project", "title": "x" * 300}
    with time_machine.travel(BEFORE, tick=False):
        response = english(cast.ngo_member).post(f"/bids/{bid.pk}/edit/project/", data)
    assert response.status_code == 400
    assert [href for href, _ in summary_of(response).links] == ["#id_title"]
