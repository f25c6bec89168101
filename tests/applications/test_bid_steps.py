"""The multi-step bid form: steps, repeating parts, autosave, preview (T44 in JSON too)."""

from __future__ import annotations

import datetime

import pytest
import time_machine
from django.conf import settings

from applications.models import Bid
from applications.services.drafting import step_version
from tests.applications.conftest import BEFORE

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("_in_time")]


@pytest.fixture
def _in_time():
    with time_machine.travel(BEFORE, tick=False):
        yield


def plan_post(bid, rows, **extra):
    data = {
        "version": str(step_version(bid, "plan")),
        "go": "plan",
        "plan-TOTAL_FORMS": str(len(rows)),
        "plan-INITIAL_FORMS": "0",
        "plan-MIN_NUM_FORMS": "0",
        "plan-MAX_NUM_FORMS": "40",
    }
    for i, row in enumerate(rows):
        for key, value in row.items():
            data[f"plan-{i}-{key}"] = value
    return data | extra


ROW = {
    "activity": "Тренинг для родителей",
    "starts_on": "2027-04-01",
    "ends_on": "2027-04-02",
    "responsible": "Психолог",
    "result": "15 родителей обучены",
}


def test_every_step_opens_for_an_editor_with_the_progress(cast, english, bid):
    client = english(cast.ngo_member)
    for step in ("project", "goal", "plan", "results", "budget", "documents"):
        response = client.get(f"/bids/{bid.pk}/edit/{step}/")
        assert response.status_code == 200, step
        html = response.content.decode()
        assert 'aria-current="step"' in html
        assert "6 of 6 steps complete" in html
    assert client.get(f"/bids/{bid.pk}/edit/nonsense/").status_code == 404


def test_outsiders_and_the_anonymous_cannot_open_a_step(cast, client_for, bid):
    url = f"/bids/{bid.pk}/edit/project/"
    assert client_for(cast.other_ngo_member).get(url).status_code == 404
    assert client_for(cast.other_ngo_member).post(url, {"version": "1"}).status_code == 404
    assert client_for(None).get(url).status_code == 302


def test_a_step_saves_only_its_own_fields_and_moves_on(cast, client_for, bid):
    client = client_for(cast.ngo_member)
    response = client.post(
        f"/bids/{bid.pk}/edit/goal/",
        {
            "version": step_version(bid, "goal"),
            "go": "plan",
            "goal": "Новая цель",
            "tasks": "1. Раз\n2. Два",
            "target_group": "Дети",
            "beneficiaries": "25",
        },
    )
    assert response.status_code == 302
    assert response["Location"] == f"/bids/{bid.pk}/edit/plan/"
    saved = Bid.objects.get(pk=bid.pk)
    assert (saved.goal, saved.beneficiaries) == ("Новая цель", 25)
    assert step_version(saved, "goal") == step_version(bid, "goal") + 1
    assert saved.title == bid.title  # not on this step: untouched
    assert saved.budget_lines.count() == 2  # nor the budget


def test_the_calendar_plan_is_replaced_by_the_rows_sent(cast, client_for, bid):
    client = client_for(cast.ngo_member)
    response = client.post(f"/bids/{bid.pk}/edit/plan/", plan_post(bid, [ROW]))
    assert response.status_code == 302
    assert list(bid.activities.values_list("activity", flat=True)) == ["Тренинг для родителей"]


def test_a_wrong_row_is_explained_and_nothing_typed_is_lost(cast, english, bid):
    client = english(cast.ngo_member)
    wrong = ROW | {"ends_on": "2027-03-01", "result": "Результат, который нельзя потерять"}
    response = client.post(f"/bids/{bid.pk}/edit/plan/", plan_post(bid, [wrong]))
    assert response.status_code == 400
    html = response.content.decode()
    assert "The end is before the start." in html
    assert "Результат, который нельзя потерять" in html
    assert bid.activities.count() == 2  # unchanged


def test_activities_outside_the_implementation_period_are_missing_items(cast, english, bid):
    client = english(cast.ngo_member)
    early = ROW | {"starts_on": "2026-12-01"}
    client.post(f"/bids/{bid.pk}/edit/plan/", plan_post(bid, [early]))
    html = client.get(f"/bids/{bid.pk}/").content.decode()
    assert "implementation period (01.02.2027 – 30.11.2027)" in html


def test_autosave_answers_in_json_and_detects_a_conflict(cast, english, bid):
    client = english(cast.ngo_member)
    url = f"/bids/{bid.pk}/edit/project/"
    data = {
        "version": step_version(bid, "project"),
        "problem": bid.problem_id,
        "title": "Автосохранено",
    }
    response = client.post(url, data, HTTP_X_AUTOSAVE="1")
    assert response.status_code == 200
    assert response.json()["saved"] is True
    assert response.json()["version"] == step_version(bid, "project") + 1
    assert Bid.objects.get(pk=bid.pk).title == "Автосохранено"
    # T44: a second tab autosaving over the old version is refused, not merged.
    response = client.post(url, data | {"title": "Из второй вкладки"}, HTTP_X_AUTOSAVE="1")
    assert response.status_code == 409
    assert response.json()["conflict"] is True
    assert "Your changes were NOT saved" in response.json()["error"]
    assert Bid.objects.get(pk=bid.pk).title == "Автосохранено"


def test_autosave_of_an_invalid_row_says_not_saved(cast, client_for, bid):
    client = client_for(cast.ngo_member)
    wrong = plan_post(bid, [ROW | {"starts_on": "not a date"}])
    response = client.post(f"/bids/{bid.pk}/edit/plan/", wrong, HTTP_X_AUTOSAVE="1")
    assert response.status_code == 400
    assert response.json()["saved"] is False


def test_a_conflicting_manual_save_keeps_the_typing_and_the_old_version(cast, client_for, bid):
    client = client_for(cast.ngo_member)
    url = f"/bids/{bid.pk}/edit/project/"
    stale = {"version": step_version(bid, "project"), "problem": bid.problem_id, "title": "Коллега"}
    client.post(url, stale)
    response = client.post(url, stale | {"title": "Мой вариант"})
    assert response.status_code == 409
    html = response.content.decode()
    assert "Мой вариант" in html
    # Saving again is refused again: only the explicit choice names the new version.
    assert f'name="version" value="{step_version(bid, "project")}"' in html
    assert f'name="conflict_version" value="{step_version(bid, "project") + 1}"' in html


def test_the_documents_step_takes_no_post(cast, client_for, bid):
    response = client_for(cast.ngo_member).post(f"/bids/{bid.pk}/edit/documents/", {})
    assert response.status_code == 405


def test_the_preview_shows_the_whole_bid_and_the_submit_button(cast, english, bid):
    html = english(cast.ngo_member).get(f"/bids/{bid.pk}/").content.decode()
    for text in (bid.title, "Ремонт и оснащение помещения", "Дети, посещающие центр", "Тренажёры"):
        assert text in html
    assert "Устав организации" in html
    assert "Submit the bid" in html
    assert "What is still missing" not in html


def test_the_preview_lists_what_is_missing_with_links_to_the_steps(cast, english, bid):
    bid.indicators.all().delete()
    bid.documents.update(removed_at=BEFORE)
    html = english(cast.ngo_member).get(f"/bids/{bid.pk}/").content.decode()
    assert "What is still missing" in html
    assert f"/bids/{bid.pk}/edit/results/" in html
    assert "Attach the required document: Смета расходов." in html
    assert 'disabled aria-describedby="still-missing"' in html


def test_saving_renews_the_session_so_a_long_writer_stays_logged_in(cast, client_for, bid):
    client = client_for(cast.ngo_member)
    url = f"/bids/{bid.pk}/edit/project/"
    data = {"version": step_version(bid, "project"), "problem": bid.problem_id, "title": "Т"}
    response = client.post(url, data, HTTP_X_AUTOSAVE="1")
    assert response.status_code == 200
    assert settings.SESSION_COOKIE_NAME in response.cookies  # a fresh expiry is sent back


def test_t16_the_last_day_is_announced_on_the_draft(cast, english, bid):
    from tests.applications.conftest import DEADLINE

    url = f"/bids/{bid.pk}/"
    assert "Less than a day is left" not in english(cast.ngo_member).get(url).content.decode()
    with time_machine.travel(DEADLINE - datetime.timedelta(hours=3), tick=False):
        html = english(cast.ngo_member).get(url).content.decode()
    assert "Less than a day is left" in html


def test_colleagues_on_different_steps_do_not_conflict(cast, client_for, bid):
    """One edits the goal while another fills in the plan: both autosaves land."""
    goal = {"version": step_version(bid, "goal"), "goal": "Цель коллеги", "tasks": "З"}
    plan = plan_post(bid, [ROW])
    client = client_for(cast.ngo_member)
    assert client.post(f"/bids/{bid.pk}/edit/goal/", goal, HTTP_X_AUTOSAVE="1").status_code == 200
    response = client.post(f"/bids/{bid.pk}/edit/plan/", plan, HTTP_X_AUTOSAVE="1")
    assert response.status_code == 200
    saved = Bid.objects.get(pk=bid.pk)
    assert saved.goal == "Цель коллеги"
    assert list(saved.activities.values_list("activity", flat=True)) == [ROW["activity"]]
    # The same step, from a stale page: a conflict naming who saved it.
    response = client.post(f"/bids/{bid.pk}/edit/goal/", goal, HTTP_X_AUTOSAVE="1")
    assert response.status_code == 409
