"""A commission member's pages: the confidentiality declaration, the list of admitted
bids and reading a bid (T6, T7), with 404 outside, 403 for a part without a seat, 405
on GET, 409 out of order, and a constant number of queries whatever the bids."""

from __future__ import annotations

import pytest
import time_machine

from audit.models import AuditEvent
from competitions.models import CommissionMember, Competition
from evaluation import confidentiality
from evaluation.models import ConfidentialityDeclaration, ConflictDeclaration
from evaluation.services.declarations import declare_conflict, sign_confidentiality
from tests.evaluation.conftest import BEFORE, bid_url, commission_url

SUMMARY = "Секретная часть заявки: дневной центр на 40 детей."


def sign(client, call):
    with_hash = {"agree": "on", "text_sha256": _sha("en")}
    return client.post(commission_url(call, "confidentiality/sign/"), with_hash)


def _sha(language):
    from django.utils import translation

    with translation.override(language):
        return confidentiality.text_sha256()


@pytest.fixture
def signed(cast, member):
    sign_confidentiality(member, by=cast.commission_member)
    return member


@pytest.fixture
def secret(submission):
    """The submission's content carries more than the name and title."""
    submission.content = {**submission.content, "summary": SUMMARY}
    submission.save(update_fields=["content"])
    return submission


# --- who reaches the pages -----------------------------------------------------------


@pytest.mark.parametrize(
    ("who", "status"),
    [
        ("officer_a", 403),
        ("ministry", 403),
        ("site_admin", 403),
        ("officer_b", 404),
        ("ngo_member", 404),
        ("ministry_y", 404),
    ],
)
def test_the_commission_pages_are_the_members_own(cast, english, scoring, submission, who, status):
    client = english(getattr(cast, who))
    assert client.get(commission_url(scoring)).status_code == status
    assert client.get(bid_url(submission)).status_code == status
    assert client.get(commission_url(scoring, "confidentiality/")).status_code == status
    sign = client.post(commission_url(scoring, "confidentiality/sign/"), {"agree": "on"})
    declare = client.post(bid_url(submission, "declare/"), {"has_conflict": "no"})
    assert (sign.status_code, declare.status_code) == (status, status)
    assert not ConfidentialityDeclaration.objects.exists()
    assert not ConflictDeclaration.objects.exists()


def test_a_member_of_another_call_s_commission_gets_404(
    english, scoring, submission, outsider_seat
):
    client = english(outsider_seat.user)
    assert client.get(commission_url(scoring)).status_code == 404
    assert client.get(bid_url(submission)).status_code == 404
    response = client.post(bid_url(submission, "declare/"), {"has_conflict": "no"})
    assert response.status_code == 404
    response = client.post(commission_url(scoring, "confidentiality/sign/"), {"agree": "on"})
    assert response.status_code == 404
    assert not ConfidentialityDeclaration.objects.exists()


def test_anonymous_visitors_are_sent_to_log_in(client, scoring):
    response = client.get(commission_url(scoring))
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]


# --- T7 ------------------------------------------------------------------------------


def test_t7_a_member_who_has_not_signed_is_sent_to_the_declaration_from_every_page(
    cast, english, scoring, secret
):
    client = english(cast.commission_member)
    form = commission_url(scoring, "confidentiality/")
    document = bid_url(secret, f"documents/{secret.document.pk}/")
    for response in (
        client.get(commission_url(scoring)),
        client.get(bid_url(secret)),
        client.get(document),
        client.post(bid_url(secret, "declare/"), {"has_conflict": "no"}),
    ):
        assert response.status_code == 302 and response["Location"] == form
    assert not ConflictDeclaration.objects.exists()
    page = client.get(form).content.decode()
    assert "Confidentiality declaration" in page and SUMMARY not in page


def test_t7_before_declaring_the_bid_page_shows_the_declaration_form_only(
    cast, english, signed, secret
):
    client = english(cast.commission_member)
    response = client.get(bid_url(secret))
    page = response.content.decode()
    assert response.status_code == 200
    assert "ОФ «Көмөк»" in page and "Дневной центр «Күн нуру»" in page
    assert "Do you have a conflict of interest with this applicant?" in page
    assert SUMMARY not in page and "Устав.pdf" not in page
    # The document's address answers with the declaration form, not the file.
    response = client.get(bid_url(secret, f"documents/{secret.document.pk}/"))
    assert response.status_code == 302 and response["Location"] == bid_url(secret)


def test_t7_after_no_conflict_the_member_reads_the_frozen_bid_and_its_documents(
    cast, english, signed, secret
):
    client = english(cast.commission_member)
    response = client.post(bid_url(secret, "declare/"), {"has_conflict": "no"})
    assert response.status_code == 302 and response["Location"] == bid_url(secret)
    declaration = ConflictDeclaration.objects.get(seat=signed, submission=secret)
    assert declaration.has_conflict is False
    assert AuditEvent.objects.filter(action="call.conflict_declared").count() == 1
    page = client.get(bid_url(secret)).content.decode()
    assert SUMMARY in page and "Устав.pdf" in page
    response = client.get(bid_url(secret, f"documents/{secret.document.pk}/"))
    assert response.status_code == 200
    assert response["Content-Disposition"].startswith("attachment")
    assert b"".join(response.streaming_content if response.streaming else [response.content])


# --- T6 ------------------------------------------------------------------------------


def test_t6_after_a_conflict_the_bid_its_documents_and_actions_answer_403(
    cast, english, signed, secret, other_submission
):
    client = english(cast.commission_member)
    response = client.post(
        bid_url(secret, "declare/"), {"has_conflict": "yes", "statement": "Брат — директор."}
    )
    assert response.status_code == 302 and response["Location"] == commission_url(
        secret.bid.competition
    )
    event = AuditEvent.objects.get(action="call.conflict_declared")
    assert event.after["has_conflict"] is True and event.after["statement"] == "Брат — директор."
    assert client.get(bid_url(secret)).status_code == 403
    document = bid_url(secret, f"documents/{secret.document.pk}/")
    assert client.get(document).status_code == 403
    # Any later action on the bid, withdrawing the conflict included, is refused.
    response = client.post(bid_url(secret, "declare/"), {"has_conflict": "no"})
    assert response.status_code == 403
    assert ConflictDeclaration.objects.get(seat=signed, submission=secret).has_conflict
    # Gone from the list of bids to work on; named apart as a recusal, without a link.
    page = client.get(commission_url(secret.bid.competition)).content.decode()
    assert bid_url(secret) not in page and bid_url(other_submission) in page
    assert "Conflict declared: you take no part in these bids" in page


def test_t6_a_conflict_found_after_reading_recuses_the_member(cast, english, signed, secret):
    client = english(cast.commission_member)
    client.post(bid_url(secret, "declare/"), {"has_conflict": "no"})
    response = client.post(
        bid_url(secret, "declare/"), {"has_conflict": "yes", "statement": "Узнал позже."}
    )
    assert response.status_code == 302
    declaration = ConflictDeclaration.objects.get()
    assert declaration.has_conflict and declaration.revised_at is not None
    assert AuditEvent.objects.filter(action="call.conflict_revised").count() == 1
    assert client.get(bid_url(secret)).status_code == 403


# --- sign: every state-changing view's tests -----------------------------------------


def test_the_member_signs_the_confidentiality_declaration(cast, english, member):
    client = english(cast.commission_member)
    response = sign(client, member.competition)
    assert response.status_code == 302 and response["Location"] == commission_url(
        member.competition
    )
    declaration = ConfidentialityDeclaration.objects.get(seat=member)
    assert declaration.language == "en" and declaration.text_version == confidentiality.VERSION
    assert AuditEvent.objects.filter(action="call.confidentiality_signed").count() == 1
    page = client.get(commission_url(member.competition)).content.decode()
    assert "2 bids to declare on" in page


def test_signing_without_the_tick_is_refused_with_the_error_summary(cast, english, member):
    response = english(cast.commission_member).post(
        commission_url(member.competition, "confidentiality/sign/"),
        {"text_sha256": _sha("en")},
    )
    assert response.status_code == 400
    assert "There is a problem" in response.content.decode()
    assert not ConfidentialityDeclaration.objects.exists()


def test_an_officer_without_a_seat_may_not_sign(cast, english, scoring):
    response = english(cast.officer_a).post(
        commission_url(scoring, "confidentiality/sign/"), {"agree": "on", "text_sha256": "x"}
    )
    assert response.status_code == 403


def test_signing_by_get_is_not_allowed(cast, english, member):
    response = english(cast.commission_member).get(
        commission_url(member.competition, "confidentiality/sign/")
    )
    assert response.status_code == 405


def test_signing_before_the_deadline_is_out_of_order(cast, english, call):
    client = english(cast.commission_member)
    with time_machine.travel(BEFORE, tick=False):
        response = sign(client, call)
        page = client.get(commission_url(call, "confidentiality/")).content.decode()
    assert response.status_code == 409
    assert not ConfidentialityDeclaration.objects.exists()
    assert "signed after the call's deadline" in page


def test_a_stale_text_is_out_of_order(cast, english, member):
    response = english(cast.commission_member).post(
        commission_url(member.competition, "confidentiality/sign/"),
        {"agree": "on", "text_sha256": "0" * 64},
    )
    assert response.status_code == 409
    assert "text has changed" in response.content.decode()


# --- declare ------------------------------------------------------------------------


def test_declaring_a_conflict_without_a_statement_is_refused(cast, english, signed, submission):
    response = english(cast.commission_member).post(
        bid_url(submission, "declare/"), {"has_conflict": "yes", "statement": ""}
    )
    assert response.status_code == 400
    assert "Describe the conflict of interest." in response.content.decode()
    assert not ConflictDeclaration.objects.exists()


def test_an_officer_without_a_seat_may_not_declare(cast, english, scoring, submission):
    response = english(cast.officer_a).post(bid_url(submission, "declare/"), {"has_conflict": "no"})
    assert response.status_code == 403
    assert not ConflictDeclaration.objects.exists()


def test_declaring_by_get_is_not_allowed(cast, english, signed, submission):
    assert english(cast.commission_member).get(bid_url(submission, "declare/")).status_code == 405


def test_declaring_after_scoring_is_out_of_order(cast, english, signed, submission):
    Competition.objects.filter(pk=signed.competition_id).update(stage="deliberation")
    response = english(cast.commission_member).post(
        bid_url(submission, "declare/"), {"has_conflict": "no"}
    )
    assert response.status_code == 409
    assert not ConflictDeclaration.objects.exists()


def test_no_one_declares_for_someone_else_s_seat(cast, english, chair, signed, submission):
    """No address names a seat: the chair posting declares for the chair's own seat."""
    client = english(chair)
    sign(client, signed.competition)
    client.post(bid_url(submission, "declare/"), {"has_conflict": "no"})
    (declaration,) = ConflictDeclaration.objects.all()
    assert declaration.seat.user == chair


def test_a_bid_not_admitted_is_not_found(cast, english, signed, scoring):
    from tests.evaluation.conftest import submit
    from tests.factories import OrganizationFactory

    late = submit(scoring, OrganizationFactory(), title="Не допущена")
    assert english(cast.commission_member).get(bid_url(late)).status_code == 404


def test_during_admission_the_list_waits_for_scoring(cast, english, call, submission):
    seat = CommissionMember.objects.get(competition=call, user=cast.commission_member)
    sign_confidentiality(seat, by=cast.commission_member)
    client = english(cast.commission_member)
    page = client.get(commission_url(call)).content.decode()
    assert "When admission closes, the admitted bids are listed here" in page
    assert client.get(bid_url(submission)).status_code == 404


# --- the list runs a constant number of queries --------------------------------------


def _admitted_bids(call, secretary, n):
    from evaluation.services.admission import decide_admission
    from tests.evaluation.conftest import submit
    from tests.factories import OrganizationFactory

    made = [submit(call, OrganizationFactory(), title=f"Проект {i}") for i in range(n)]
    for s in made:
        decide_admission(s, decision="admitted", by=secretary)
    return made


@pytest.mark.parametrize("n", [5, 40])
def test_the_commission_list_runs_a_constant_number_of_queries(
    cast, english, call, chair, secretary, n, django_assert_max_num_queries
):
    from evaluation.services.admission import open_scoring

    made = _admitted_bids(call, secretary, n)
    open_scoring(call, by=secretary)
    seat = CommissionMember.objects.get(competition=call, user=chair)
    sign_confidentiality(seat, by=chair)
    for s in made[:3]:
        declare_conflict(seat, s, has_conflict=False, by=chair)
    declare_conflict(seat, made[3], has_conflict=True, statement="Родственник.", by=chair)
    client = english(chair)
    client.get(commission_url(call))  # the session and the second factor settle
    # The chair's page: the session, the seat, the bids, the declarations, the quorum,
    # the chair's own sheets and who has submitted on which bid.
    with django_assert_max_num_queries(20):
        response = client.get(commission_url(call))
    assert response.status_code == 200
    page = response.content.decode()
    assert page.count("/bids/") == n - 1  # the recused bid has no link


def test_t12_a_deactivated_member_is_refused_at_the_next_request(cast, english, signed, submission):
    client = english(cast.commission_member)
    assert client.get(bid_url(submission)).status_code == 200
    type(cast.commission_member).objects.filter(pk=cast.commission_member.pk).update(
        is_active=False
    )
    response = client.get(bid_url(submission))
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]
