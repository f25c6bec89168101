"""The declaration services: who, when (409 out of order, T20), what may change, the
database's own rules and the audit rows."""

from __future__ import annotations

import pytest
from django.db import IntegrityError, transaction
from django.utils import translation

from audit.models import AuditEvent
from competitions.models import CommissionMember
from evaluation import confidentiality
from evaluation.exceptions import EvaluationError, OutOfOrder
from evaluation.models import ConfidentialityDeclaration, ConflictDeclaration
from evaluation.services.declarations import (
    DeclarationFinal,
    declare_conflict,
    sign_confidentiality,
)


@pytest.fixture
def signed(cast, member):
    sign_confidentiality(member, by=cast.commission_member)
    return member


def test_signing_records_the_text_version_language_and_fingerprint(cast, member):
    with translation.override("ky"):
        declaration = sign_confidentiality(
            member, by=cast.commission_member, text_sha256=confidentiality.text_sha256()
        )
        expected = confidentiality.text_sha256()
    assert declaration.text_version == confidentiality.VERSION
    assert declaration.language == "ky"
    assert declaration.text_sha256 == expected
    event = AuditEvent.objects.get(action="call.confidentiality_signed")
    assert event.after["text_sha256"] == expected and event.after["seat"] == member.pk


def test_signing_twice_returns_the_first_signature_and_records_nothing(cast, signed):
    again = sign_confidentiality(signed, by=cast.commission_member)
    assert ConfidentialityDeclaration.objects.filter(seat=signed).count() == 1
    assert again.pk == signed.confidentiality.pk
    assert AuditEvent.objects.filter(action="call.confidentiality_signed").count() == 1


def test_a_changed_text_is_not_signed_unread(cast, member):
    with translation.override("en"), pytest.raises(OutOfOrder, match="text has changed"):
        sign_confidentiality(member, by=cast.commission_member, text_sha256="0" * 64)
    assert not ConfidentialityDeclaration.objects.exists()


def test_only_the_seat_s_own_user_signs_or_declares(cast, member, chair, submission):
    with translation.override("en"), pytest.raises(EvaluationError, match="themselves"):
        sign_confidentiality(member, by=chair)
    sign_confidentiality(member, by=cast.commission_member)
    with translation.override("en"), pytest.raises(EvaluationError, match="themselves"):
        declare_conflict(member, submission, has_conflict=False, by=chair)


def test_the_confidentiality_declaration_may_be_signed_during_admission(cast, call):
    seat = CommissionMember.objects.get(competition=call, user=cast.commission_member)
    assert call.phase.in_admission
    assert sign_confidentiality(seat, by=cast.commission_member).pk


def test_signing_before_the_deadline_is_out_of_order(cast, call):
    import time_machine

    from tests.evaluation.conftest import BEFORE

    seat = CommissionMember.objects.get(competition=call, user=cast.commission_member)
    with time_machine.travel(BEFORE, tick=False), pytest.raises(OutOfOrder):
        sign_confidentiality(seat, by=cast.commission_member)


def test_declaring_during_admission_is_out_of_order(cast, call, submission, secretary):
    from evaluation.services.admission import decide_admission

    decide_admission(submission, decision="admitted", by=secretary)
    seat = CommissionMember.objects.get(competition=call, user=cast.commission_member)
    sign_confidentiality(seat, by=cast.commission_member)
    with translation.override("en"), pytest.raises(OutOfOrder, match="while the commission"):
        declare_conflict(seat, submission, has_conflict=False, by=cast.commission_member)


def test_declaring_before_signing_is_out_of_order(cast, member, submission):
    with translation.override("en"), pytest.raises(OutOfOrder, match="confidentiality"):
        declare_conflict(member, submission, has_conflict=False, by=cast.commission_member)


def test_a_conflict_needs_a_statement(cast, signed, submission):
    with translation.override("en"), pytest.raises(EvaluationError, match="Describe"):
        declare_conflict(signed, submission, has_conflict=True, statement=" ", by=signed.user)


def test_no_conflict_is_recorded_and_audited(cast, signed, submission):
    declaration = declare_conflict(signed, submission, has_conflict=False, by=signed.user)
    assert declaration.has_conflict is False and declaration.statement == ""
    event = AuditEvent.objects.get(action="call.conflict_declared")
    assert event.after == {
        "seat": signed.pk,
        "receipt": submission.receipt_number,
        "has_conflict": False,
        "statement": "",
    }


def test_no_conflict_may_become_a_conflict_found_later(cast, signed, submission):
    first = declare_conflict(signed, submission, has_conflict=False, by=signed.user)
    later = declare_conflict(
        signed, submission, has_conflict=True, statement="Брат — бухгалтер фонда.", by=signed.user
    )
    assert later.pk == first.pk and later.has_conflict and later.revised_at is not None
    assert later.declared_at == first.declared_at
    event = AuditEvent.objects.get(action="call.conflict_revised")
    assert event.before["has_conflict"] is False
    assert event.after["statement"] == "Брат — бухгалтер фонда."


def test_a_conflict_cannot_be_withdrawn(cast, signed, submission):
    declare_conflict(signed, submission, has_conflict=True, statement="Тесть.", by=signed.user)
    with translation.override("en"), pytest.raises(DeclarationFinal, match="cannot be withdrawn"):
        declare_conflict(signed, submission, has_conflict=False, by=signed.user)
    with pytest.raises(DeclarationFinal):
        declare_conflict(signed, submission, has_conflict=True, statement="Другое.", by=signed.user)
    assert ConflictDeclaration.objects.get().statement == "Тесть."
    assert not AuditEvent.objects.filter(action="call.conflict_revised").exists()


def test_declaring_the_same_again_changes_nothing(cast, signed, submission):
    declare_conflict(signed, submission, has_conflict=False, by=signed.user)
    declare_conflict(signed, submission, has_conflict=False, by=signed.user)
    assert AuditEvent.objects.filter(action="call.conflict_declared").count() == 1


def test_a_bid_not_admitted_is_not_declared_on(cast, chair, secretary):
    from tests.evaluation.conftest import admit_and_open_scoring, make_admission_call, submit
    from tests.factories import OrganizationFactory

    call = make_admission_call(cast, chair, secretary, title="Другой конкурс")
    admitted = submit(call, cast.organization)
    refused = submit(call, OrganizationFactory())
    from evaluation.services.admission import decide_admission

    decide_admission(refused, decision="not_admitted", reason="documents", by=secretary)
    admit_and_open_scoring(call, secretary, [admitted])
    seat = CommissionMember.objects.get(competition=call, user=cast.commission_member)
    sign_confidentiality(seat, by=cast.commission_member)
    with pytest.raises(OutOfOrder):
        declare_conflict(seat, refused, has_conflict=False, by=cast.commission_member)


def test_the_database_refuses_a_conflict_without_a_statement(member, submission):
    with pytest.raises(IntegrityError), transaction.atomic():
        ConflictDeclaration.objects.create(
            seat=member,
            submission=submission,
            has_conflict=True,
            statement="",
            declared_at=submission.submitted_at,
        )


def test_the_database_allows_one_declaration_per_seat_and_bid(member, submission):
    row = {"seat": member, "submission": submission, "has_conflict": False}
    ConflictDeclaration.objects.create(**row, declared_at=submission.submitted_at)
    with pytest.raises(IntegrityError), transaction.atomic():
        ConflictDeclaration.objects.create(**row, declared_at=submission.submitted_at)


def test_the_database_allows_one_confidentiality_declaration_per_seat(member, submission):
    row = {"seat": member, "text_version": "1", "language": "ru", "text_sha256": "0" * 64}
    ConfidentialityDeclaration.objects.create(**row, signed_at=submission.submitted_at)
    with pytest.raises(IntegrityError), transaction.atomic():
        ConfidentialityDeclaration.objects.create(**row, signed_at=submission.submitted_at)
