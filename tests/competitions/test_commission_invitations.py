"""Commission members with no account are invited from the call form: a single-use
link that expires, e-mailed after commit; the invitee takes the seat on accepting,
after signing up if need be; the officer resends or withdraws waiting invitations."""

from __future__ import annotations

import re

import pytest
import time_machine
from django.core import mail
from django.utils import translation

from audit.models import AuditEvent
from competitions.exceptions import CompetitionsError
from competitions.models import CommissionInvitation, CommissionMember, Competition
from competitions.services.calls import publication_problems
from competitions.services.commission import accept_commission_invitation
from tests.competitions.test_calls import NOW, call_post, workspace
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

PASSWORD = "тоолор жана көлдөр 2026"
INVITEE = "new.expert@example.kg"


def _link(body: str, path: str) -> str:
    match = re.search(rf"http://[^/\s]+({path}\S*)", body)
    assert match, body
    return match.group(1)


@pytest.fixture
def invited(cast, client_for, django_capture_on_commit_callbacks):
    """A draft whose chair is invited by e-mail (no account), the secretary seated."""
    data = call_post(cast, **{"commission-0-email": INVITEE.upper()})
    with time_machine.travel(NOW, tick=False), django_capture_on_commit_callbacks(execute=True):
        response = client_for(cast.officer_a).post(workspace(cast, "new"), data)
    assert response.status_code == 302
    call = Competition.objects.get()
    return call, call.commission_invitations.get()


def test_saving_the_draft_invites_an_email_with_no_account(cast, invited, english):
    call, invitation = invited
    assert (invitation.email, invitation.role, invitation.affiliation) == (
        INVITEE,
        "chair",
        "civil_society",
    )
    assert invitation.is_open()
    assert invitation.invited_by == cast.officer_a
    assert list(call.commission.values_list("role", flat=True)) == ["secretary"]
    (message,) = mail.outbox
    assert message.to == [INVITEE]
    assert f"/commission/invitations/{invitation.token}/" in message.body
    assert AuditEvent.objects.filter(action="call.commission_invited").count() == 1

    # The call page lists it, keeps its row and says why the call cannot be announced.
    page = english(cast.officer_a).get(workspace(call, "edit"))
    html = page.content.decode()
    assert "Invitations waiting for an answer" in html
    assert INVITEE in html
    assert "has not taken the seat yet" in html
    assert page.context["commission"].initial[-1]["email"] == INVITEE


def test_saving_again_keeps_the_invitation_and_sends_nothing_new(
    cast, invited, client_for, django_capture_on_commit_callbacks
):
    call, invitation = invited
    mail.outbox.clear()
    data = call_post(cast, **{"commission-0-email": INVITEE})
    data.pop("programme")
    data["programme"] = call.programme_id
    data["problems"] = list(call.problems.values_list("pk", flat=True))
    with django_capture_on_commit_callbacks(execute=True):
        client_for(cast.officer_a).post(workspace(call, "edit"), data)
    assert list(CommissionInvitation.objects.values_list("pk", "revoked_at")) == [
        (invitation.pk, None)
    ]
    assert mail.outbox == []


def test_removing_the_row_withdraws_the_invitation(cast, invited, client_for):
    call, invitation = invited
    data = call_post(cast, **{"commission-0-DELETE": "on"})
    data["programme"] = call.programme_id
    data["problems"] = list(call.problems.values_list("pk", flat=True))
    client_for(cast.officer_a).post(workspace(call, "edit"), data)
    invitation.refresh_from_db()
    assert invitation.revoked_at is not None
    assert AuditEvent.objects.filter(action="call.commission_invitation_cancelled").exists()


def test_the_invitee_signs_up_activates_and_takes_the_seat(
    client, cast, invited, django_capture_on_commit_callbacks
):
    call, invitation = invited
    link = _link(mail.outbox[-1].body, "/commission/invitations/")
    # Logged out: the link asks to log in; the login page's sign-up link keeps it.
    response = client.get(link)
    assert response.status_code == 302
    login_page = client.get(response["Location"]).content.decode()
    signup_url = re.search(r'href="(/accounts/signup/\?next=[^"]+)"', login_page).group(1)
    with django_capture_on_commit_callbacks(execute=True):
        client.post(
            signup_url,
            {
                "full_name": "New expert",
                "email": INVITEE,
                "phone": "",
                "language": "en",
                "password1": PASSWORD,
                "password2": PASSWORD,
            },
        )
    client.cookies.clear()  # the e-mail is opened in another browser
    activation = _link(mail.outbox[-1].body, "/accounts/activate/")
    response = client.post(activation)
    assert response["Location"] == link
    page = client.get(link)
    assert page.status_code == 200
    response = client.post(link)
    assert response.status_code == 302
    member = CommissionMember.objects.get(competition=call, user__email=INVITEE)
    assert (member.role, member.affiliation) == ("chair", "civil_society")
    invitation.refresh_from_db()
    assert invitation.accepted_at is not None
    assert AuditEvent.objects.filter(action="call.commission_joined").exists()
    with time_machine.travel(NOW, tick=False):
        assert not [p for p in publication_problems(call) if "seat" in p]
    # Single use.
    with pytest.raises(CompetitionsError):
        accept_commission_invitation(invitation, user=member.user)


def test_an_invitee_with_another_address_cannot_take_the_seat(cast, invited, client_for):
    call, invitation = invited
    response = client_for(cast.ngo_member).post(f"/commission/invitations/{invitation.token}/")
    assert response.status_code == 302
    assert not call.commission.filter(user=cast.ngo_member).exists()


def test_an_expired_or_cancelled_call_invitation_is_refused(cast, invited):
    call, invitation = invited
    user = UserFactory(email=INVITEE)
    with (
        translation.override("en"),
        time_machine.travel("2027-06-01 10:00 +06:00"),
        pytest.raises(CompetitionsError, match="expired"),
    ):
        accept_commission_invitation(invitation, user=user)
    Competition.objects.filter(pk=call.pk).update(status=Competition.Status.CANCELLED)
    with pytest.raises(CompetitionsError):
        accept_commission_invitation(invitation, user=user)


def test_resend_gives_a_new_link_outsider_404_weak_403_get_405(
    cast, invited, client_for, django_capture_on_commit_callbacks
):
    call, invitation = invited
    url = workspace(call, "invitations", invitation.pk, "resend")
    assert client_for(cast.officer_a).get(url).status_code == 405
    assert client_for(cast.officer_b).post(url).status_code == 404
    assert client_for(cast.ministry).post(url).status_code == 403
    old_token = invitation.token
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        response = client_for(cast.officer_a).post(url)
    assert response.status_code == 302
    assert response["Location"].endswith("/edit/#commission-invitations")
    invitation.refresh_from_db()
    assert invitation.token != old_token
    (message,) = mail.outbox
    assert invitation.token in message.body
    assert (
        client_for(cast.officer_a).get(f"/commission/invitations/{old_token}/").status_code == 404
    )


def test_cancel_withdraws_outsider_404_weak_403_get_405(cast, invited, client_for):
    call, invitation = invited
    url = workspace(call, "invitations", invitation.pk, "cancel")
    assert client_for(cast.officer_a).get(url).status_code == 405
    assert client_for(cast.officer_b).post(url).status_code == 404
    assert client_for(cast.ministry).post(url).status_code == 403
    invitation.refresh_from_db()
    assert invitation.revoked_at is None
    assert client_for(cast.officer_a).post(url).status_code == 302
    invitation.refresh_from_db()
    assert invitation.revoked_at is not None
    # The row is gone from the form: saving does not invite again.
    page = client_for(cast.officer_a).get(workspace(call, "edit"))
    assert INVITEE not in [row["email"] for row in page.context["commission"].initial]


def test_the_civil_society_share_counts_waiting_invitees(cast, invited):
    call, _invitation = invited
    call.civil_society_min_pct = 50
    call.save(update_fields=["civil_society_min_pct"])
    # The invited chair is civil society, the seated secretary is not: 50%, planned.
    with translation.override("en"), time_machine.travel(NOW, tick=False):
        problems = publication_problems(call)
    assert not [p for p in problems if "Civil society" in p]
    assert not [p for p in problems if "chair" in p]
    assert [p for p in problems if "has not taken the seat yet" in p]


def test_the_call_form_has_one_empty_row_and_a_template_to_add_more(cast, invited, english):
    call, _invitation = invited
    page = english(cast.officer_a).get(workspace(call, "edit"))
    formset = page.context["commission"]
    assert formset.total_form_count() == 3  # secretary, invitee, one empty row
    html = page.content.decode()
    assert '<template id="commission-empty-row">' in html
    assert "commission-__prefix__-email" in html
    assert 'data-formset-add="commission" hidden' in html
    assert "js/formset-add.js" in html
