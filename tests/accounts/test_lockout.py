"""T28: guessing passwords is slowed down on both logins, by account and by address.

Ten failures for one account (from any address) or from one address (against any
accounts) refuse further logins, the right password included, for 15 minutes.
Unknown e-mails count and answer exactly like existing ones.
"""

from __future__ import annotations

import datetime
import logging
import re

import pytest
import time_machine
from axes.models import AccessAttempt
from django.test import RequestFactory

from audit.models import AuditEvent
from municipal_order.lib.requests import client_ip

pytestmark = pytest.mark.django_db

LOGIN = "/accounts/login/"
ADMIN_LOGIN = "/admin/login/"
WRONG = "Wrong-Pa55word-t28"
START = datetime.datetime(2026, 3, 2, 9, 0, tzinfo=datetime.UTC)


def attempt(client, email, password, *, ip="10.0.0.1", url=LOGIN, **extra):
    return client.post(url, {"username": email, "password": password}, REMOTE_ADDR=ip, **extra)


def fail(client, email, times=10, **kwargs):
    for _ in range(times):
        attempt(client, email, WRONG, **kwargs)


def signed_in(client) -> bool:
    return "_auth_user_id" in client.session


def test_t28_ten_wrong_passwords_refuse_the_right_one_during_the_cool_off(client, user, password):
    with time_machine.travel(START, tick=False) as clock:
        for _ in range(9):
            assert attempt(client, user.email, WRONG).status_code == 200
        assert attempt(client, user.email, WRONG).status_code == 429  # the tenth
        response = attempt(client, user.email, password)
        assert response.status_code == 429
        assert not signed_in(client)
        assert "accounts/locked_out.html" in [t.name for t in response.templates]

        clock.shift(datetime.timedelta(minutes=14, seconds=59))
        assert attempt(client, user.email, password).status_code == 429
        assert not signed_in(client)


def test_t28_after_the_cool_off_the_right_password_works(client, user, password):
    with time_machine.travel(START, tick=False) as clock:
        fail(client, user.email)
        clock.shift(datetime.timedelta(minutes=15, seconds=1))
        response = attempt(client, user.email, password)
        assert response.status_code == 302
        assert signed_in(client)


def test_t28_retrying_during_the_cool_off_does_not_prolong_it(client, user, password):
    with time_machine.travel(START, tick=False) as clock:
        fail(client, user.email)
        clock.shift(datetime.timedelta(minutes=10))
        fail(client, user.email, times=5)  # refused unchecked, not counted
        clock.shift(datetime.timedelta(minutes=5, seconds=1))
        assert attempt(client, user.email, password).status_code == 302


def test_t28_a_success_clears_the_accounts_count(client, user, password):
    fail(client, user.email, times=9)
    assert attempt(client, user.email, password).status_code == 302
    client.logout()
    fail(client, user.email, times=9)
    assert attempt(client, user.email, password).status_code == 302


def test_t28_a_locked_account_is_locked_from_every_address(client, user, password):
    fail(client, user.email, ip="10.0.0.1")
    response = attempt(client, user.email, password, ip="192.0.2.77")
    assert response.status_code == 429
    assert not signed_in(client)


def test_t28_the_count_keys_on_the_normalised_email(client, user, password):
    fail(client, "  Resident@Example.KG ", times=5)
    fail(client, user.email, times=5, ip="10.0.0.2")
    assert attempt(client, user.email, password, ip="10.0.0.3").status_code == 429


def test_t28_many_accounts_from_one_address_lock_the_address(client, user, password):
    for n in range(10):
        attempt(client, f"guess{n}@example.kg", WRONG, ip="10.0.0.9")
    assert attempt(client, user.email, password, ip="10.0.0.9").status_code == 429
    assert not signed_in(client)
    # The account itself is not locked: its owner logs in from elsewhere.
    assert attempt(client, user.email, password, ip="10.0.0.10").status_code == 302


def _comparable(response, email: str) -> str:
    html = response.content.decode()
    html = re.sub(r'name="csrfmiddlewaretoken" value="[^"]*"', "", html)
    return html.replace(email, "EMAIL")


def test_t28_unknown_emails_get_the_same_answers(client, user, english):
    client = english(None)
    unknown = "nobody@example.kg"
    first_known = attempt(client, user.email, WRONG, ip="10.0.0.1")
    first_unknown = attempt(client, unknown, WRONG, ip="10.0.0.2")
    assert first_known.status_code == first_unknown.status_code == 200
    assert _comparable(first_known, user.email) == _comparable(first_unknown, unknown)

    fail(client, user.email, times=9, ip="10.0.0.1")
    fail(client, unknown, times=9, ip="10.0.0.2")
    known = attempt(client, user.email, WRONG, ip="10.0.0.3")
    other = attempt(client, unknown, WRONG, ip="10.0.0.4")
    assert known.status_code == other.status_code == 429
    assert _comparable(known, user.email) == _comparable(other, unknown)
    assert "Too many failed attempts" in known.content.decode()
    assert "15 minutes" in known.content.decode()


def test_t28_the_admin_login_is_protected_too(client, cast):
    admin = cast.site_admin
    fail(client, admin.email, url=ADMIN_LOGIN)
    response = attempt(client, admin.email, cast.password, url=ADMIN_LOGIN)
    assert response.status_code == 429
    assert not signed_in(client)
    # One count for both doors: the portal's login refuses the account as well.
    assert attempt(client, admin.email, cast.password, ip="10.0.0.8").status_code == 429


def test_t28_failed_logins_are_logged_never_the_password(client, user, caplog):
    secret = "Unique-Secret-Pa55-4242"
    with caplog.at_level(logging.INFO):
        attempt(client, user.email, secret)
        attempt(client, "nobody@example.kg", secret)
    lines = "\n".join(record.getMessage() for record in caplog.records)
    assert user.email in lines
    assert "nobody@example.kg" in lines
    assert "10.0.0.1" in lines
    assert secret not in lines
    stored = "".join(AccessAttempt.objects.values_list("post_data", flat=True))
    assert secret not in stored
    events = AuditEvent.objects.filter(action="user.login_failed")
    assert events.count() == 1  # the unknown e-mail has no account to attach a row to
    assert secret not in str(list(events.values()))


def test_t28_without_the_proxy_setting_a_forwarded_address_is_ignored(
    client, user, password, settings
):
    settings.BEHIND_PROXY = False
    for n in range(10):
        attempt(client, user.email, WRONG, ip="10.0.0.5", HTTP_X_FORWARDED_FOR=f"198.51.100.{n}")
    # Rotating a made-up header changes nothing: REMOTE_ADDR is what counts.
    response = attempt(client, "other@example.kg", WRONG, ip="10.0.0.5")
    assert response.status_code == 429


def test_t28_behind_the_proxy_the_address_it_appended_counts(client, user, password, settings):
    settings.BEHIND_PROXY = True
    for n in range(10):
        attempt(
            client,
            f"guess{n}@example.kg",
            WRONG,
            ip="127.0.0.1",
            HTTP_X_FORWARDED_FOR=f"198.51.100.{n}, 203.0.113.5",
        )
    locked = attempt(
        client, user.email, password, ip="127.0.0.1", HTTP_X_FORWARDED_FOR="1.2.3.4, 203.0.113.5"
    )
    assert locked.status_code == 429
    # Another client behind the same proxy is not affected.
    other = attempt(
        client, user.email, password, ip="127.0.0.1", HTTP_X_FORWARDED_FOR="203.0.113.6"
    )
    assert other.status_code == 302


@pytest.mark.parametrize(
    ("behind_proxy", "forwarded", "expected"),
    [
        (False, "", "10.1.1.1"),
        (False, "203.0.113.9", "10.1.1.1"),
        (True, "", "10.1.1.1"),
        (True, "203.0.113.9", "203.0.113.9"),
        (True, "6.6.6.6, 203.0.113.9", "203.0.113.9"),
        (True, "6.6.6.6, not-an-address", None),
        (True, "2001:DB8::1", "2001:db8::1"),
    ],
)
def test_client_ip(settings, behind_proxy, forwarded, expected):
    settings.BEHIND_PROXY = behind_proxy
    extra = {"HTTP_X_FORWARDED_FOR": forwarded} if forwarded else {}
    request = RequestFactory().get("/", REMOTE_ADDR="10.1.1.1", **extra)
    assert client_ip(request) == expected
