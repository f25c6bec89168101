from __future__ import annotations

import re

import pytest
from django.core import mail

from notifications.models import OutgoingEmail

pytestmark = pytest.mark.django_db


def test_login_with_wrong_password_keeps_the_email_and_explains(client, user):
    response = client.post(
        "/accounts/login/", {"username": user.email, "password": "wrong"}, HTTP_ACCEPT_LANGUAGE="ru"
    )
    assert response.status_code == 200
    html = response.content.decode()
    assert user.email in html
    assert "Неверный e-mail или пароль" in html


def test_logout_requires_post(client, user, password):
    client.force_login(user)
    assert client.get("/accounts/logout/").status_code == 405
    assert "_auth_user_id" in client.session


def test_password_change(client, user, password):
    client.force_login(user)
    new = "новый пароль для портала"
    response = client.post(
        "/accounts/password/",
        {"old_password": password, "new_password1": new, "new_password2": new},
    )
    assert response.status_code == 302
    user.refresh_from_db()
    assert user.check_password(new)
    # The session survives its own password change.
    assert client.get("/accounts/").status_code == 200


def test_password_reset_roundtrip_in_the_users_language(
    client, user, django_capture_on_commit_callbacks
):
    user.language = "ky"
    user.save()
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            "/accounts/password/reset/",
            {"email": "Resident@Example.kg"},
            HTTP_ACCEPT_LANGUAGE="ru",
        )
    assert response.status_code == 302
    assert len(mail.outbox) == 1
    body = mail.outbox[0].body
    link = re.search(r"https?://[^/]+(/accounts/password/reset/\S+/)", body).group(1)

    response = client.get(link, follow=True)
    assert response.status_code == 200
    confirm_url = response.redirect_chain[-1][0]
    new = "тоо суусу таза болот"
    response = client.post(confirm_url, {"new_password1": new, "new_password2": new})
    assert response.status_code == 302
    user.refresh_from_db()
    assert user.check_password(new)
    # A used link does not work twice.
    response = client.get(link, follow=True)
    assert response.context["validlink"] is False


def test_password_reset_answers_the_same_for_unknown_addresses(
    client, user, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        known = client.post("/accounts/password/reset/", {"email": user.email})
        unknown = client.post("/accounts/password/reset/", {"email": "nobody@example.kg"})
    assert known.status_code == unknown.status_code == 302
    assert known["Location"] == unknown["Location"]
    assert len(mail.outbox) == 1


def test_password_reset_survives_a_mail_server_outage(
    client, user, settings, django_capture_on_commit_callbacks
):
    settings.EMAIL_BACKEND = "tests.accounts.failing_backend.FailingBackend"
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post("/accounts/password/reset/", {"email": user.email})
    assert response.status_code == 302
    # Kept in the outbox for the sweeper's next attempt.
    email = OutgoingEmail.objects.get(template="password_reset")
    assert (email.status, email.attempts) == (OutgoingEmail.Status.PENDING, 1)


def test_profile_update_changes_language(client, user, password):
    client.force_login(user)
    response = client.post(
        "/accounts/profile/", {"full_name": "Жаңы ат", "phone": "", "language": "en"}
    )
    assert response.status_code == 302
    user.refresh_from_db()
    assert user.full_name == "Жаңы ат"
    assert user.language == "en"
    assert response.cookies["mo_language"].value == "en"
