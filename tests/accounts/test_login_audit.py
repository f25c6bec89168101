"""Logins, logouts and failed logins are in the audit trail, from the portal and the admin."""

from __future__ import annotations

import json
import logging

import pytest

from audit.models import AuditEvent

pytestmark = pytest.mark.django_db

WRONG = "Wrong-Pa55word-audit"


def actions(user) -> list[str]:
    return list(
        AuditEvent.objects.filter(object_id=str(user.pk), action__startswith="user.log")
        .order_by("id")
        .values_list("action", flat=True)
    )


def test_portal_login_and_logout_are_recorded(client, user, password):
    response = client.post("/accounts/login/", {"username": user.email, "password": password})
    assert response.status_code == 302
    client.post("/accounts/logout/")
    assert actions(user) == ["user.logged_in", "user.logged_out"]
    login = AuditEvent.objects.get(action="user.logged_in")
    assert login.actor == user
    assert login.after == {"site": "portal"}
    assert login.ip == "127.0.0.1"


def test_a_wrong_password_is_recorded_without_it(client, user):
    client.post("/accounts/login/", {"username": user.email.upper(), "password": WRONG})
    event = AuditEvent.objects.get(action="user.login_failed")
    assert event.object_id == str(user.pk)
    assert event.actor is None  # nobody signed in did it
    assert WRONG not in json.dumps([event.before, event.after, event.object_label])


def test_an_unknown_email_is_logged_without_an_audit_row(client, caplog):
    with caplog.at_level(logging.WARNING):
        client.post("/accounts/login/", {"username": "nobody@example.kg", "password": WRONG})
    assert not AuditEvent.objects.filter(action="user.login_failed").exists()
    assert any("nobody@example.kg" in r.getMessage() for r in caplog.records)


def test_admin_login_and_failures_are_recorded(client, cast):
    admin = cast.site_admin
    client.post("/admin/login/", {"username": admin.email, "password": WRONG})
    client.post("/admin/login/", {"username": admin.email, "password": cast.password})
    assert actions(admin) == ["user.login_failed", "user.logged_in"]
    assert AuditEvent.objects.get(action="user.logged_in").after == {"site": "admin"}


def test_refusals_during_a_lockout_add_no_audit_rows(client, user, password):
    for _ in range(15):
        client.post("/accounts/login/", {"username": user.email, "password": WRONG})
    # Ten counted failures; the five refused unchecked during the cool-off are only logged.
    assert actions(user) == ["user.login_failed"] * 10
