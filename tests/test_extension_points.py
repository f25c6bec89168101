"""The registries through which later apps show themselves on earlier apps' pages."""

from __future__ import annotations

import pytest
from django.test import RequestFactory

from competitions import extensions
from competitions.models import Competition
from municipal_order.lib.panels import Panel, Slot
from notifications import events
from notifications.models import Category
from tests.competitions.conftest import make_call


def test_a_slot_orders_panels_and_skips_those_with_nothing_to_show():
    slot = Slot("test")
    slot.register(Panel("late", "late.html", lambda request, obj: {"n": obj}, order=50))
    slot.register(Panel("early", "early.html", lambda request, obj: {"n": obj * 2}, order=10))
    slot.register(Panel("silent", "silent.html", lambda request, obj: None, order=20))
    rendered = slot.collect(RequestFactory().get("/"), 21)
    assert [(p.key, p.context) for p in rendered] == [("early", {"n": 42}), ("late", {"n": 21})]


def test_registering_a_different_panel_under_a_taken_key_is_refused():
    slot = Slot("test")
    panel = Panel("bids", "a.html", lambda request, obj: {})
    slot.register(panel)
    slot.register(panel)  # the same one again (a second ready()) is harmless
    with pytest.raises(ValueError, match="registered twice"):
        slot.register(Panel("bids", "b.html", lambda request, obj: {}))


def test_the_later_apps_register_their_panels_and_handlers():
    # applications' bids; monitoring's funded projects (18); evaluation's results (19:
    # where the commission stands, then the selection) and admission (20); on the
    # officer's call page the commission's declarations and quorum (21) and the
    # projects to make (30); open data's OCDS links last on the call page (90).
    assert [p.key for p in extensions.CALL_PAGE.panels()] == [
        "bids",
        "projects",
        "results",
        "admission",
        "opendata",
    ]
    assert [p.key for p in extensions.CALL_MANAGE.panels()] == [
        "bids",
        "admission",
        "commission",
        "projects",
    ]
    assert [p.key for p in extensions.WORKSPACE.panels()] == ["organizations"]
    assert [p.key for p in extensions.WORKSPACE_LINKS.panels()] == ["organizations", "projects"]
    assert [h.key for h in extensions.amendment_handlers()] == ["bids"]
    assert set(extensions.call_counts()) == {"bids_received"}


def test_an_unregistered_notification_event_is_refused():
    with pytest.raises(LookupError, match="not registered"):
        events.get_event("no_such_event")
    assert events.get_event("bid_submitted").category == Category.BIDS


@pytest.mark.django_db
def test_an_amendment_runs_every_registered_handler_in_its_transaction(cast, monkeypatch):
    from competitions.services.calls import amend_call

    seen = []
    handler = extensions.AmendmentHandler(
        "probe",
        amended=lambda call, amendment, by: seen.append(amendment.pk) or {"probe": "told"},
    )
    monkeypatch.setitem(extensions._AMENDMENT_HANDLERS, "probe", handler)
    call = make_call(cast, status="published", closes_in_days=2)
    amendment = amend_call(
        call, reason="Бюджет увеличен", changes={"total_budget": 1_200_000}, by=cast.officer_a
    )
    assert seen == [amendment.pk]
    call.refresh_from_db()
    # Every amendment leaves at least a week before the deadline.
    assert (call.closes_at - amendment.created_at).days >= 6
    from audit.models import AuditEvent

    event = AuditEvent.objects.filter(action="call.amended").get()
    assert event.after["probe"] == "told"
    assert event.after["bids_to_reconfirm"] == 0


@pytest.mark.django_db
def test_lists_of_calls_count_registered_counts_without_join_fan_out(cast):
    call = make_call(cast, status="published")
    call.questions.create(text="Можно ли ИП?", asked_by=cast.ngo_member)
    call.questions.create(text="Сроки?", asked_by=cast.ngo_member)
    counted = Competition.objects.with_counts().get(pk=call.pk)
    assert (counted.open_questions, counted.bids_received) == (2, 0)


@pytest.mark.django_db
def test_the_officers_call_page_shows_the_bids_panel(cast, client_for):
    call = make_call(cast, status="published")
    page = client_for(cast.officer_a).get(f"/municipalities/cast-a/workspace/calls/{call.pk}/")
    assert page.status_code == 200
    (panel,) = [p for p in page.context["panels"] if p.key == "bids"]
    assert panel.context["sealed"] is True
    assert f"/municipalities/cast-a/workspace/calls/{call.pk}/bids/" in page.content.decode()


@pytest.mark.django_db
def test_the_workspace_shows_organisations_waiting_for_verification(cast, client_for):
    page = client_for(cast.officer_a).get("/municipalities/cast-a/workspace/")
    (panel,) = [p for p in page.context["panels"] if p.key == "organizations"]
    assert panel.context["unverified"] == 1  # the cast's organisation
    assert "/municipalities/cast-a/workspace/organizations/" in page.content.decode()


@pytest.mark.django_db
def test_with_every_organisation_verified_only_the_link_remains(cast, client_for):
    from applications.services.organizations import set_verification

    set_verification(cast.organization, verified=True, note="", by=cast.officer_a)
    page = client_for(cast.officer_a).get("/municipalities/cast-a/workspace/")
    assert [p.key for p in page.context["panels"]] == []
    assert [p.key for p in page.context["links"]] == ["organizations", "projects"]
    assert "/municipalities/cast-a/workspace/organizations/" in page.content.decode()
    assert "/municipalities/cast-a/workspace/projects/" in page.content.decode()
