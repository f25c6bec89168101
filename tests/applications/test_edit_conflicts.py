"""Issue item 5: two members edit the same bid step. The later save is refused, says so
at the top, shows both versions and saves only on an explicit, confirmed choice."""

from __future__ import annotations

import pytest
import time_machine
from django.test import Client

from applications.exceptions import EditConflict
from applications.models import Bid
from applications.services.drafting import save_bid, step_version
from audit.models import AuditEvent
from tests.applications.conftest import BEFORE
from tests.applications.test_bid_views import step_post
from tests.factories import OrganizationMemberFactory, UserFactory

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("_in_time")]


@pytest.fixture
def _in_time():
    with time_machine.travel(BEFORE, tick=False):
        yield


@pytest.fixture
def colleague(cast):
    user = UserFactory(email="colleague@cast.kg", full_name="Colleague Editor", language="en")
    OrganizationMemberFactory(user=user, organization=cast.organization, role="editor")
    return user


def as_colleague(user):
    """A second browser: its own client, so the test's `client` stays the NGO member."""
    client = Client()
    client.force_login(user)
    client.cookies["mo_language"] = "en"
    return client


def url(bid, step="project", resolve=False):
    return f"/bids/{bid.pk}/edit/{step}/" + ("resolve/" if resolve else "")


@pytest.fixture
def conflict(cast, english, colleague, bid):
    """Both open the project step; the colleague saves first; then my save."""
    stale = step_post(bid, summary="Общий текст. Дети занимаются дважды в неделю.")
    assert as_colleague(colleague).post(url(bid), stale).status_code == 302
    mine = {**stale, "summary": "Общий текст. Дети занимаются трижды в неделю."}
    client = english(cast.ngo_member)
    response = client.post(url(bid), mine)
    return client, mine, response


def test_the_service_refuses_a_stale_step_and_says_who_and_when(cast, colleague, bid):
    version = step_version(bid, "goal")
    save_bid(bid, data={"goal": "A"}, expected_version=version, by=colleague, step="goal")
    with pytest.raises(EditConflict) as info:
        save_bid(bid, data={"goal": "B"}, expected_version=version, by=cast.ngo_member, step="goal")
    # BEFORE is 28.12.2026 12:00 UTC: 18:00 in Bishkek.
    assert str(info.value) == (
        "Your changes were NOT saved: Colleague Editor saved this step at 18:00 (Bishkek time)."
    )
    assert info.value.version == version + 1
    assert Bid.objects.get(pk=bid.pk).goal == "A"


def test_the_same_person_in_another_tab_is_told_so(cast, bid):
    version = step_version(bid, "goal")
    save_bid(bid, data={"goal": "A"}, expected_version=version, by=cast.ngo_member, step="goal")
    with pytest.raises(EditConflict) as info:
        save_bid(bid, data={"goal": "B"}, expected_version=version, by=cast.ngo_member, step="goal")
    assert "you, in another tab or window, saved this step" in str(info.value)


def test_the_conflict_is_at_the_top_with_both_versions(conflict, bid):
    _client, _mine, response = conflict
    assert response.status_code == 409
    html = response.content.decode()
    panel = html.index("data-edit-conflict")
    assert panel < html.index('id="step-form"')  # above the form, where the summary goes
    assert "Your changes were NOT saved: Colleague Editor saved this step at 18:00" in html
    assert "yours are kept below" not in html
    # The differing field, word by word, both sides.
    assert "<mark>дважды</mark>" in html
    assert "<mark>трижды</mark>" in html
    assert "Saved version (theirs)" in html and "Your version (not saved)" in html
    # The typing is on the page; the form keeps the old version, the choice names the new.
    assert "Дети занимаются трижды в неделю." in html
    assert f'name="version" value="{step_version(bid, "project")}"' in html
    current = Bid.objects.get(pk=bid.pk)
    assert f'name="conflict_version" value="{step_version(current, "project")}"' in html


def test_a_plain_second_save_is_refused_again(conflict, bid):
    client, mine, _response = conflict
    response = client.post(url(bid), mine)
    assert response.status_code == 409
    assert "трижды" not in Bid.objects.get(pk=bid.pk).summary
    assert "дважды" in Bid.objects.get(pk=bid.pk).summary


def test_keep_mine_needs_the_box_ticked(conflict, bid):
    client, mine, response = conflict
    current = step_version(Bid.objects.get(pk=bid.pk), "project")
    choice = {**mine, "resolve": "mine", "conflict_version": str(current)}
    response = client.post(url(bid, resolve=True), choice)
    assert response.status_code == 409
    assert "Tick the box to confirm" in response.content.decode()
    assert "дважды" in Bid.objects.get(pk=bid.pk).summary


def test_keep_mine_with_the_flag_overwrites_and_is_audited(conflict, bid):
    client, mine, _response = conflict
    current = step_version(Bid.objects.get(pk=bid.pk), "project")
    choice = {
        **mine,
        "resolve": "mine",
        "conflict_version": str(current),
        "confirm_overwrite": "on",
    }
    response = client.post(url(bid, resolve=True), choice)
    assert response.status_code == 302
    assert response["Location"] == url(bid)
    saved = Bid.objects.get(pk=bid.pk)
    assert "трижды" in saved.summary
    assert step_version(saved, "project") == current + 1
    event = AuditEvent.objects.filter(action="bid.saved").latest("pk")
    assert event.after["resolved_conflict"] == "mine"
    assert event.before == {"step_version": current, "saved_by": "Colleague Editor"}


def test_keep_mine_over_a_newer_save_is_a_new_conflict(conflict, colleague, bid):
    client, mine, _response = conflict
    seen = step_version(Bid.objects.get(pk=bid.pk), "project")
    again = step_post(Bid.objects.get(pk=bid.pk), summary="Третья версия коллеги.")
    assert as_colleague(colleague).post(url(bid), again).status_code == 302
    choice = {**mine, "resolve": "mine", "conflict_version": str(seen), "confirm_overwrite": "on"}
    response = client.post(url(bid, resolve=True), choice)
    assert response.status_code == 409
    html = response.content.decode()
    assert "Colleague Editor saved this step" in html
    assert "<mark>Третья версия коллеги.</mark>" in html
    assert Bid.objects.get(pk=bid.pk).summary == "Третья версия коллеги."


def test_take_theirs_shows_the_saved_version(conflict, bid):
    client, mine, _response = conflict
    response = client.post(url(bid, resolve=True), {**mine, "resolve": "theirs"}, follow=True)
    assert response.redirect_chain == [(url(bid), 302)]
    html = response.content.decode()
    assert "What you typed in this step was discarded." in html
    assert "Дети занимаются дважды в неделю." in html
    assert "трижды" not in html
    assert "data-edit-conflict" not in html


def test_budget_rows_that_differ_are_shown(cast, english, colleague, bid):
    stale = step_post(bid, "budget")
    theirs = {**stale, "budget-0-quantity": "3"}
    assert as_colleague(colleague).post(url(bid, "budget"), theirs).status_code == 302
    response = english(cast.ngo_member).post(url(bid, "budget"), {**stale, "budget-0-item": "Маты"})
    assert response.status_code == 409
    html = response.content.decode()
    assert "Rows that differ" in html
    assert "Line 1 · saved version (theirs)" in html
    assert "<mark>Маты</mark>" in html
    assert "Line 2 ·" not in html  # rows that are the same are not repeated


def test_autosave_gets_the_panel_in_json(conflict, bid):
    client, mine, _response = conflict
    response = client.post(url(bid), mine, HTTP_X_AUTOSAVE="1")
    assert response.status_code == 409
    body = response.json()
    assert body["conflict"] is True and body["saved"] is False
    assert "data-edit-conflict" in body["html"]
    assert "<mark>трижды</mark>" in body["html"]


def test_resolving_outsider_404_weak_403_get_405(cast, client_for, bid):
    data = {**step_post(bid), "resolve": "mine", "confirm_overwrite": "on", "conflict_version": "1"}
    assert client_for(cast.other_ngo_member).post(url(bid, resolve=True), data).status_code == 404
    assert client_for(cast.officer_a).post(url(bid, resolve=True), data).status_code == 404
    assert client_for(cast.ngo_member).get(url(bid, resolve=True)).status_code == 405
    cast.organization.members.filter(user=cast.ngo_member).update(role="viewer")
    assert client_for(cast.ngo_member).post(url(bid, resolve=True), data).status_code == 403
    assert client_for(cast.ngo_member).post(url(bid, "documents", True), data).status_code == 404
