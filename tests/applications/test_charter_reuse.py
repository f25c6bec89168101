"""The charter kept in the organisation's profile is attached to a bid without a second upload."""

from __future__ import annotations

import hashlib

import pytest
import time_machine

from applications.services.drafting import start_bid
from applications.services.organizations import set_verification, update_organization
from audit.models import AuditEvent
from tests.applications.conftest import BEFORE, REQUIRED_DOCUMENTS, fill_bid
from tests.files import pdf_bytes, pdf_upload

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _before_the_deadline():
    with time_machine.travel(BEFORE, tick=False):
        yield


CHARTER = pdf_bytes("Устав общественного объединения")


@pytest.fixture
def draft(cast, call):
    update_organization(
        cast.organization,
        data={},
        charter=pdf_upload("Устав ОО.pdf", "Устав общественного объединения"),
        by=cast.ngo_member,
    )
    set_verification(cast.organization, verified=True, note="", by=cast.officer_a)
    cast.organization.refresh_from_db()
    return fill_bid(start_bid(call, cast.organization, by=cast.ngo_member), cast)


def attach(client, bid, requirement=REQUIRED_DOCUMENTS[0]):
    return client.post(f"/bids/{bid.pk}/documents/charter/", {"requirement": requirement})


def test_the_documents_step_offers_the_profiles_charter_as_the_charter_requirement(
    cast, english, draft
):
    page = english(cast.ngo_member).get(f"/bids/{draft.pk}/edit/documents/").content.decode()
    assert "The charter from your organisation's profile" in page
    assert "“Устав ОО.pdf” is already in the profile" in page
    # The requirement whose title names a charter is chosen for the member.
    assert '<option value="Устав организации" selected>' in page


def test_a_member_attaches_the_charter_and_the_bid_keeps_its_own_copy(cast, english, draft):
    response = attach(english(cast.ngo_member), draft)
    assert response.status_code == 302
    assert response["Location"] == f"/bids/{draft.pk}/edit/documents/"
    document = draft.documents.get()
    assert (document.name, document.requirement) == ("Устав ОО.pdf", "Устав организации")
    assert document.sha256 == hashlib.sha256(CHARTER).hexdigest()
    assert document.file.name != cast.organization.charter.name
    assert document.file.read() == CHARTER
    event = AuditEvent.objects.filter(action="bid.document_added").get()
    assert event.after["sha256"] == document.sha256
    # Offered once: the step no longer shows it, and a second post is refused.
    page = english(cast.ngo_member).get(f"/bids/{draft.pk}/edit/documents/").content.decode()
    assert "Attach the charter from the profile" not in page
    again = attach(english(cast.ngo_member), draft)
    assert again.status_code == 400
    assert "already attached to this bid" in again.content.decode()
    assert draft.documents.count() == 1


def test_without_a_charter_in_the_profile_nothing_is_offered_or_attached(cast, english, call):
    set_verification(cast.organization, verified=True, note="", by=cast.officer_a)
    cast.organization.refresh_from_db()
    bid = fill_bid(start_bid(call, cast.organization, by=cast.ngo_member), cast)
    client = english(cast.ngo_member)
    assert (
        "Attach the charter" not in client.get(f"/bids/{bid.pk}/edit/documents/").content.decode()
    )
    response = attach(client, bid)
    assert response.status_code == 400
    assert "has no charter to attach" in response.content.decode()
    assert not bid.documents.exists()


def test_attaching_the_charter_needs_the_right_role_and_a_post(cast, client_for, draft):
    url = f"/bids/{draft.pk}/documents/charter/"
    assert client_for(cast.ngo_member).get(url).status_code == 405
    assert attach(client_for(cast.other_ngo_member), draft).status_code == 404
    assert attach(client_for(cast.officer_a), draft).status_code == 404
    cast.organization.members.filter(user=cast.ngo_member).update(role="viewer")
    assert attach(client_for(cast.ngo_member), draft).status_code == 403
    assert not draft.documents.exists()


def test_an_unknown_requirement_is_refused(cast, english, draft):
    response = attach(english(cast.ngo_member), draft, requirement="Паспорт")
    assert response.status_code == 400
    assert not draft.documents.exists()
