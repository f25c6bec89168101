from __future__ import annotations

import re

import pytest
from django.core import mail

from accounts.models import User

pytestmark = pytest.mark.django_db

FORM = {
    "full_name": "Жаңы колдонуучу",
    "email": "New.Person@Example.KG",
    "phone": "+996 555 000 111",
    "language": "ky",
    "password1": "тоолор жана көлдөр 2026",
    "password2": "тоолор жана көлдөр 2026",
}


def activation_link(message) -> str:
    match = re.search(r"http://\S+/accounts/activate/\S+/", message.body)
    assert match, message.body
    return match.group(0).split("127.0.0.1:8000", 1)[-1]


def test_signup_confirm_login_logout(client, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post("/accounts/signup/", FORM)
    assert response.status_code == 302
    assert response["Location"] == "/accounts/signup/done/"

    user = User.objects.get()
    assert user.email == "new.person@example.kg"
    assert not user.is_active
    assert user.email_confirmed_at is None

    # The e-mail speaks the language chosen at sign-up.
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.to == ["new.person@example.kg"]
    assert "ң" in message.body or "ө" in message.body or "ү" in message.body

    # Unconfirmed accounts cannot log in.
    response = client.post(
        "/accounts/login/", {"username": "new.person@example.kg", "password": FORM["password1"]}
    )
    assert response.status_code == 200
    assert "_auth_user_id" not in client.session

    link = activation_link(message)
    # GET only shows a button: link scanners in mail clients must not activate.
    assert client.get(link).status_code == 200
    user.refresh_from_db()
    assert not user.is_active

    response = client.post(link)
    assert response.status_code == 302
    user.refresh_from_db()
    assert user.is_active
    assert user.email_confirmed_at is not None
    assert client.session["_auth_user_id"] == str(user.pk)

    client.post("/accounts/logout/")
    assert "_auth_user_id" not in client.session

    # Log in again, with the e-mail typed in another case.
    response = client.post(
        "/accounts/login/", {"username": "NEW.person@example.kg", "password": FORM["password1"]}
    )
    assert response.status_code == 302
    assert response.cookies["mo_language"].value == "ky"


def test_a_tampered_activation_link_is_refused(client, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        client.post("/accounts/signup/", FORM)
    link = activation_link(mail.outbox[0])
    response = client.post(link.replace("/activate/", "/activate/x"))
    assert response.status_code == 400
    assert not User.objects.get().is_active


def test_an_expired_activation_link_is_refused(client, django_capture_on_commit_callbacks):
    import time_machine

    with (
        time_machine.travel("2026-01-01 10:00 +06:00", tick=False),
        django_capture_on_commit_callbacks(execute=True),
    ):
        client.post("/accounts/signup/", FORM)
    link = activation_link(mail.outbox[0])
    with time_machine.travel("2026-01-05 10:00 +06:00", tick=False):
        response = client.post(link)
    assert response.status_code == 400
    assert not User.objects.get().is_active


def test_an_activation_link_works_once_and_logs_in_only_then(
    client, django_capture_on_commit_callbacks
):
    """Security item 3: the link was reusable for 3 days, even after a password change."""
    from accounts.services import set_password

    with django_capture_on_commit_callbacks(execute=True):
        client.post("/accounts/signup/", FORM)
    link = activation_link(mail.outbox[0])
    assert client.post(link).status_code == 302
    client.post("/accounts/logout/")
    user = User.objects.get()
    set_password(user, password="a brand new passphrase 2026", action="user.password_changed")

    for attempt in (client.get(link), client.post(link)):
        assert attempt.status_code == 410
        assert "_auth_user_id" not in client.session
    assert "/accounts/login/" in client.get(link).content.decode()


def test_a_link_made_before_the_address_changed_is_refused(
    client, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        client.post("/accounts/signup/", FORM)
    link = activation_link(mail.outbox[0])
    User.objects.update(email="other.person@example.kg")
    assert client.post(link).status_code == 400
    assert not User.objects.get().is_active


def test_invalid_signup_keeps_what_was_typed_and_explains(client):
    data = {**FORM, "password2": "something else entirely"}
    response = client.post("/accounts/signup/", data, HTTP_ACCEPT_LANGUAGE="ru")
    assert response.status_code == 200
    html = response.content.decode()
    assert "Жаңы колдонуучу" in html
    assert "+996 555 000 111" in html
    assert "Пароли не совпадают" in html
    assert not User.objects.exists()


def test_short_and_common_passwords_are_refused(client):
    for weak in ("short pass1", "password1234"):
        response = client.post("/accounts/signup/", {**FORM, "password1": weak, "password2": weak})
        assert response.status_code == 200
        assert response.context["form"].errors["password1"]
    assert not User.objects.exists()


def test_signup_with_an_existing_email_answers_the_same_and_tells_the_owner(
    client, user, django_capture_on_commit_callbacks
):
    """Sign-up does not reveal which addresses have accounts (security, low)."""
    with django_capture_on_commit_callbacks(execute=True):
        taken = client.post("/accounts/signup/", {**FORM, "email": "RESIDENT@example.kg"})
        free = client.post("/accounts/signup/", FORM)
    assert taken.status_code == free.status_code == 302
    assert taken["Location"] == free["Location"] == "/accounts/signup/done/"
    assert User.objects.count() == 2  # the resident and the new person, nobody else
    to_owner = [m for m in mail.outbox if m.to == ["resident@example.kg"]]
    assert len(to_owner) == 1
    assert "/accounts/password/reset/" in to_owner[0].body
    user.refresh_from_db()
    assert user.full_name == "Тестовый житель Көл-Төр"  # the account is untouched


def test_a_concurrent_signup_with_the_same_email_gives_no_error(
    client, django_capture_on_commit_callbacks, monkeypatch
):
    """Security item 8: the loser of the race got a 500; now it gets the same page."""
    from accounts import services

    real_filter = User.objects.filter

    def racing_filter(*args, **kwargs):
        # The other sign-up commits between our check and our insert.
        if kwargs.get("email") == "new.person@example.kg" and not real_filter(**kwargs).exists():
            User.objects.create_user("new.person@example.kg", "x" * 20, full_name="Other tab")
            return real_filter(pk=None)
        return real_filter(*args, **kwargs)

    monkeypatch.setattr(services.User.objects, "filter", racing_filter)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post("/accounts/signup/", FORM)
    monkeypatch.undo()
    assert response.status_code == 302
    assert User.objects.filter(email="new.person@example.kg").count() == 1


def test_resend_does_not_reveal_whether_an_account_exists(
    client, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        client.post("/accounts/signup/", FORM)
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        known = client.post("/accounts/signup/done/", {"email": FORM["email"]})
        unknown = client.post("/accounts/signup/done/", {"email": "nobody@example.kg"})
    assert known.status_code == unknown.status_code == 302
    assert len(mail.outbox) == 1
