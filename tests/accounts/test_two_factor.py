"""T29: officers, commission members, ministry staff and administrators log in in two steps."""

from __future__ import annotations

import base64
import datetime
import re

import pytest
import time_machine
from django_otp.oath import TOTP
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from accounts.services import enable_authenticator
from accounts.two_factor import Step, pending_step, requires_two_factor
from audit.models import AuditEvent
from tests.competitions.conftest import make_call

pytestmark = pytest.mark.django_db

START = datetime.datetime(2026, 3, 2, 9, 0, 10, tzinfo=datetime.UTC)
VERIFY = "/accounts/login/code/"
SETUP = "/accounts/two-factor/setup/"
WORKSPACE = "/municipalities/cast-a/workspace/"


def code_of(device: TOTPDevice) -> str:
    totp = TOTP(device.bin_key, device.step, device.t0, device.digits, device.drift)
    return f"{totp.token():0{device.digits}d}"


def with_authenticator(user) -> tuple[TOTPDevice, list[str]]:
    device = TOTPDevice.objects.create(user=user, name="authenticator", confirmed=False)
    codes = enable_authenticator(user, device, by=user)
    device.refresh_from_db()
    return device, codes


def log_in(client, user, password):
    return client.post("/accounts/login/", {"username": user.email, "password": password})


def test_the_roles_that_need_a_second_factor(cast):
    make_call(cast, status="published")  # seats cast.commission_member on a commission
    needs = {name for name, user in cast.users().items() if requires_two_factor(user)}
    assert needs == {
        "officer_a",
        "officer_a_weak",
        "officer_b",
        "commission_member",
        "ministry",
        "ministry_y",
        "site_admin",
    }


def test_t29_an_officer_with_the_password_alone_does_not_reach_the_workspace(client, cast):
    with_authenticator(cast.officer_a)
    response = log_in(client, cast.officer_a, cast.password)
    assert response.status_code == 302
    assert response["Location"] == VERIFY + "?next=%2Faccounts%2F"
    response = client.get(WORKSPACE)
    assert response.status_code == 302
    assert response["Location"] == VERIFY + "?next=%2Fmunicipalities%2Fcast-a%2Fworkspace%2F"
    assert client.post(WORKSPACE + "staff/", {"email": "x@example.kg"}).status_code == 302
    # The code step itself answers.
    page = client.get(VERIFY)
    assert page.status_code == 200
    assert "one-time-code" in page.content.decode()


@time_machine.travel(START, tick=False)
def test_t29_the_right_code_opens_the_workspace(client, cast):
    device, _codes = with_authenticator(cast.officer_a)
    log_in(client, cast.officer_a, cast.password)
    response = client.post(
        VERIFY + "?next=/municipalities/cast-a/workspace/", {"code": code_of(device)}
    )
    assert response.status_code == 302
    assert response["Location"] == WORKSPACE
    assert client.get(WORKSPACE).status_code == 200
    assert AuditEvent.objects.filter(action="user.2fa_verified", actor=cast.officer_a).exists()


@time_machine.travel(START, tick=False)
def test_t29_an_unsafe_next_is_not_followed(client, cast):
    device, _codes = with_authenticator(cast.officer_a)
    log_in(client, cast.officer_a, cast.password)
    response = client.post(VERIFY, {"code": code_of(device), "next": "https://evil.example/"})
    assert response["Location"] == "/accounts/"


def test_t29_the_same_code_replayed_is_refused(client, cast):
    with time_machine.travel(START, tick=False) as clock:
        device, _codes = with_authenticator(cast.officer_a)
        code = code_of(device)
        log_in(client, cast.officer_a, cast.password)
        assert client.post(VERIFY, {"code": code}).status_code == 302
        client.post("/accounts/logout/")

        # Someone who saw the code types it again within its 30 seconds.
        clock.shift(datetime.timedelta(seconds=5))
        log_in(client, cast.officer_a, cast.password)
        response = client.post(VERIFY, {"code": code})
        assert response.status_code == 200
        assert response.context["form"].errors["code"]
        assert client.get(WORKSPACE).status_code == 302
        assert AuditEvent.objects.filter(action="user.2fa_failed").count() == 1

        # The next time step's code works.
        clock.shift(datetime.timedelta(seconds=30))
        assert client.post(VERIFY, {"code": code_of(device)}).status_code == 302
        assert client.get(WORKSPACE).status_code == 200


def test_t29_a_recovery_code_works_once(client, cast):
    with time_machine.travel(START, tick=False) as clock:
        _device, codes = with_authenticator(cast.officer_a)
        assert len(codes) == 10
        log_in(client, cast.officer_a, cast.password)
        # Typed as shown (with the dash, in capitals): accepted.
        shown = f"{codes[0][:4]}-{codes[0][4:]}".upper()
        response = client.post(VERIFY, {"code": shown}, follow=True)
        assert response.status_code == 200
        assert client.get(WORKSPACE).status_code == 200
        assert StaticToken.objects.filter(device__user=cast.officer_a).count() == 9
        event = AuditEvent.objects.get(action="user.2fa_recovery_used")
        assert event.after == {"recovery_codes_left": 9}
        client.post("/accounts/logout/")

        clock.shift(datetime.timedelta(minutes=5))
        log_in(client, cast.officer_a, cast.password)
        assert client.post(VERIFY, {"code": codes[0]}).status_code == 200  # used up
        assert client.get(WORKSPACE).status_code == 302
        clock.shift(datetime.timedelta(minutes=5))  # past the throttle of the wrong code
        assert client.post(VERIFY, {"code": codes[1]}).status_code == 302
        assert client.get(WORKSPACE).status_code == 200


def test_t29_wrong_codes_slow_down_the_next_attempts(client, cast):
    with time_machine.travel(START, tick=False) as clock:
        device, _codes = with_authenticator(cast.officer_a)
        cast.officer_a.language = "en"  # logging in sets the person's own language
        cast.officer_a.save(update_fields=["language"])
        log_in(client, cast.officer_a, cast.password)
        for _ in range(3):
            client.post(VERIFY, {"code": "000000"})
        # Even the right code waits for the delay (1, 2, 4 … seconds) to pass.
        response = client.post(VERIFY, {"code": code_of(device)})
        assert response.status_code == 200
        assert "Too many wrong codes" in str(response.context["form"].errors)
        clock.shift(datetime.timedelta(seconds=31))
        assert client.post(VERIFY, {"code": code_of(device)}).status_code == 302


def test_t29_an_ngo_member_is_not_asked_for_a_second_factor(client, cast):
    response = log_in(client, cast.ngo_member, cast.password)
    assert response.status_code == 302
    assert response["Location"] == "/accounts/"
    assert client.get("/accounts/").status_code == 200
    assert client.get("/organizations/").status_code == 200
    assert pending_step(cast.ngo_member) is Step.NONE
    assert not TOTPDevice.objects.filter(user=cast.ngo_member).exists()
    # Nothing to set up either.
    assert client.get(SETUP)["Location"] == "/accounts/profile/"


@time_machine.travel(START, tick=False)
def test_t29_the_admin_requires_the_second_factor(client, cast):
    admin = cast.site_admin
    device, _codes = with_authenticator(admin)
    response = client.post("/admin/login/", {"username": admin.email, "password": cast.password})
    assert response.status_code == 302
    response = client.get("/admin/")
    assert response.status_code == 302
    assert response["Location"] == VERIFY + "?next=%2Fadmin%2F"
    assert client.get("/admin/accounts/user/").status_code == 302
    assert client.get("/admin/login/").status_code == 302
    response = client.post(VERIFY + "?next=/admin/", {"code": code_of(device)})
    assert response["Location"] == "/admin/"
    assert client.get("/admin/").status_code == 200


def test_t29_an_administrator_without_an_authenticator_must_set_one_up(client, cast):
    admin = cast.site_admin
    client.post("/admin/login/", {"username": admin.email, "password": cast.password})
    response = client.get("/admin/")
    assert response["Location"] == SETUP + "?next=%2Fadmin%2F"


def test_t29_a_staff_account_needs_it_too(client, cast):
    cast.other_ngo_member.is_staff = True
    cast.other_ngo_member.save()
    assert requires_two_factor(cast.other_ngo_member)


@time_machine.travel(START, tick=False)
def test_t29_setup_confirms_the_device_only_after_a_correct_code(client, cast):
    officer = cast.officer_b
    response = log_in(client, officer, cast.password)
    assert response["Location"] == SETUP + "?next=%2Faccounts%2F"
    assert client.get("/municipalities/cast-b/workspace/")["Location"].startswith(SETUP)

    # GET changes nothing: the secret is made by the button.
    start = client.get(SETUP)
    assert start.status_code == 200
    assert not TOTPDevice.objects.filter(user=officer).exists()
    assert client.post(SETUP + "?next=/accounts/", {"start": "1"}).status_code == 302
    device = TOTPDevice.objects.get(user=officer)
    assert not device.confirmed

    page = client.get(SETUP).content.decode()
    assert 'src="data:image/svg+xml;base64,' in page  # the QR code, drawn by the server
    secret = re.search(r'class="secret-key[^"]*"[^>]*>([A-Z2-7 ]+)<', page).group(1)
    assert base64.b32decode(secret.replace(" ", "")) == device.bin_key

    wrong = client.post(SETUP, {"code": "123456" if code_of(device) != "123456" else "654321"})
    assert wrong.status_code == 200
    device.refresh_from_db()
    assert not device.confirmed
    assert not StaticDevice.objects.filter(user=officer).exists()
    assert client.get("/municipalities/cast-b/workspace/").status_code == 302

    with time_machine.travel(START + datetime.timedelta(seconds=40), tick=False):
        shown = client.post(
            SETUP + "?next=/municipalities/cast-b/workspace/", {"code": code_of(device)}
        )
        assert shown.status_code == 200
        codes = shown.context["codes"]
        assert len(codes) == 10
        assert all(code in shown.content.decode() for code in codes)
        device.refresh_from_db()
        assert device.confirmed
        assert StaticToken.objects.filter(device__user=officer).count() == 10
        assert 'href="/municipalities/cast-b/workspace/"' in shown.content.decode()
        assert client.get("/municipalities/cast-b/workspace/").status_code == 200
    event = AuditEvent.objects.get(action="user.2fa_enabled")
    assert event.object_id == str(officer.pk)
    assert device.key not in str(event.after)


@time_machine.travel(START, tick=False)
def test_t29_half_logged_in_the_authenticator_cannot_be_replaced(client, cast):
    with_authenticator(cast.officer_a)
    log_in(client, cast.officer_a, cast.password)
    response = client.post(SETUP, {"start": "1"})
    assert response.status_code == 302
    assert response["Location"].startswith(VERIFY)
    assert TOTPDevice.objects.filter(user=cast.officer_a).count() == 1
    assert client.get("/accounts/two-factor/recovery-codes/")["Location"].startswith(VERIFY)


def test_t29_recovery_codes_are_made_anew_after_confirmation(client_for, cast):
    _device, old = with_authenticator(cast.officer_a)
    client = client_for(cast.officer_a)
    profile = client.get("/accounts/profile/").content.decode()
    assert "/accounts/two-factor/recovery-codes/" in profile
    confirm = client.get("/accounts/two-factor/recovery-codes/")
    assert confirm.status_code == 200
    assert set(StaticToken.objects.values_list("token", flat=True)) == set(old)  # GET: nothing
    response = client.post("/accounts/two-factor/recovery-codes/")
    assert response.status_code == 200
    new = {code.replace("-", "") for code in response.context["codes"]}
    assert len(new) == 10
    assert set(StaticToken.objects.values_list("token", flat=True)) == new
    assert not new & set(old)
    assert AuditEvent.objects.filter(action="user.2fa_recovery_regenerated").exists()
    # The session stays verified.
    assert client.get(WORKSPACE).status_code == 200


@time_machine.travel(START, tick=False)
def test_t29_a_lost_phone_is_replaced_after_a_recovery_code(client, cast):
    old_device, codes = with_authenticator(cast.officer_a)
    log_in(client, cast.officer_a, cast.password)
    client.post(VERIFY, {"code": codes[0]})
    client.post(SETUP, {"start": "1"})
    new_device = TOTPDevice.objects.get(user=cast.officer_a, confirmed=False)
    with time_machine.travel(START + datetime.timedelta(seconds=30), tick=False):
        shown = client.post(SETUP, {"code": code_of(new_device)})
    assert shown.status_code == 200
    assert list(TOTPDevice.objects.filter(user=cast.officer_a)) == [new_device]
    assert not TOTPDevice.objects.filter(pk=old_device.pk).exists()
    assert client.get(WORKSPACE).status_code == 200
    assert AuditEvent.objects.get(action="user.2fa_enabled", after__authenticator_replaced=True)


def test_t29_an_administrator_resets_a_lost_phone_audited(client_for, cast):
    with_authenticator(cast.officer_a)
    client = client_for(cast.site_admin)
    response = client.post(
        "/admin/accounts/user/",
        {"action": "reset_second_factor", "_selected_action": [cast.officer_a.pk]},
    )
    assert response.status_code == 302
    assert not TOTPDevice.objects.filter(user=cast.officer_a).exists()
    assert not StaticDevice.objects.filter(user=cast.officer_a).exists()
    event = AuditEvent.objects.get(action="user.2fa_reset")
    assert event.actor == cast.site_admin
    assert pending_step(cast.officer_a) is Step.SETUP


def test_the_admin_shows_no_authenticator_secrets(client_for, cast):
    client = client_for(cast.site_admin)
    assert client.get("/admin/otp_totp/totpdevice/").status_code == 404
    assert client.get("/admin/otp_static/staticdevice/").status_code == 404
