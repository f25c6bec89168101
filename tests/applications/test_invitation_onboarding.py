"""An invitee who follows the link while logged out keeps the invitation through
sign-up and activation (any browser: `next` rides on the e-mailed link) or login."""

from __future__ import annotations

import re
from urllib.parse import unquote

import pytest
from django.core import mail

from applications.models import OrganizationMember
from applications.services.organizations import invite_member
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

PASSWORD = "тоолор жана көлдөр 2026"


def _link(body: str, path: str) -> str:
    match = re.search(rf"http://[^/\s]+({path}\S*)", body)
    assert match, body
    return match.group(1)


@pytest.fixture
def invitation_path(cast, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        invitation = invite_member(
            cast.organization, email="newcomer@example.kg", role="editor", by=cast.ngo_member
        )
    mail.outbox.clear()
    return f"/invitations/{invitation.token}/"


def test_a_new_invitee_signs_up_activates_and_lands_on_the_invitation(
    client, cast, invitation_path, django_capture_on_commit_callbacks
):
    # Logged out, the link asks to log in, and the login page's sign-up link keeps it.
    response = client.get(invitation_path)
    assert response.status_code == 302
    login_url = response["Location"]
    assert unquote(login_url).endswith(f"next={invitation_path}")
    page = client.get(login_url).content.decode()
    signup_url = re.search(r'href="(/accounts/signup/\?next=[^"]+)"', page).group(1)

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            signup_url.replace("&amp;", "&"),
            {
                "full_name": "Newcomer",
                "email": "Newcomer@example.kg",
                "phone": "",
                "language": "en",
                "password1": PASSWORD,
                "password2": PASSWORD,
            },
        )
    assert response.status_code == 302
    # The activation link is opened in another browser: the session knows nothing.
    client.cookies.clear()
    link = _link(mail.outbox[-1].body, "/accounts/activate/")
    assert "next=" in link
    assert client.get(link).status_code == 200
    response = client.post(link)
    assert response.status_code == 302
    assert response["Location"] == invitation_path

    assert client.get(invitation_path).status_code == 200
    response = client.post(invitation_path)
    assert response.status_code == 302
    assert OrganizationMember.objects.filter(
        organization=cast.organization, user__email="newcomer@example.kg", role="editor"
    ).exists()


def test_an_invitee_with_an_account_logs_in_and_lands_on_the_invitation(client, invitation_path):
    UserFactory(email="newcomer@example.kg", password=PASSWORD)
    response = client.get(invitation_path)
    response = client.post(
        response["Location"], {"username": "newcomer@example.kg", "password": PASSWORD}
    )
    assert response.status_code == 302
    assert response["Location"] == invitation_path


@pytest.mark.parametrize(
    "target", ["https://evil.example/", "//evil.example/x", "javascript:alert(1)"]
)
def test_a_foreign_next_is_dropped_from_the_activation_link(
    client, target, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        client.post(
            "/accounts/signup/",
            {
                "full_name": "Somebody",
                "email": "somebody@example.kg",
                "phone": "",
                "language": "en",
                "password1": PASSWORD,
                "password2": PASSWORD,
                "next": target,
            },
        )
    link = _link(mail.outbox[-1].body, "/accounts/activate/")
    assert "next=" not in link
    response = client.post(link + "?next=" + target)
    assert response["Location"] == "/accounts/"
