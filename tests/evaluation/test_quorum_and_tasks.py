"""Quorum per bid after recusals, flagged to the chair (their call page and home) and
to the call's officers (their tasks and the call's page); a member's tasks at home."""

from __future__ import annotations

from competitions.models import CommissionMember
from evaluation.selectors import quorum_needed, quorum_shortfalls
from evaluation.services.declarations import declare_conflict, sign_confidentiality
from tests.evaluation.conftest import commission_url


def recuse(seat, submission, statement="Родственник в правлении."):
    sign_confidentiality(seat, by=seat.user)
    declare_conflict(seat, submission, has_conflict=True, statement=statement, by=seat.user)


def test_quorum_is_the_call_s_share_of_the_commission_rounded_up(scoring):
    assert scoring.quorum_pct == 67
    assert quorum_needed(scoring, 3) == 3  # 2 of 3 is 66.7 %: short of 67 %
    assert quorum_needed(scoring, 6) == 5
    scoring.quorum_pct = 50
    assert quorum_needed(scoring, 3) == 2


def test_a_recusal_that_leaves_too_few_members_flags_the_bid(member, submission, scoring):
    from competitions.models import Competition

    assert quorum_shortfalls(Competition.objects.filter(pk=scoring.pk)) == {}
    recuse(member, submission)
    (short,) = quorum_shortfalls(Competition.objects.filter(pk=scoring.pk))[scoring.pk]
    assert (short.submission_id, short.remaining, short.needed) == (submission.pk, 2, 3)


def test_with_a_lower_quorum_one_recusal_is_fine(member, submission, scoring):
    from competitions.models import Competition

    Competition.objects.filter(pk=scoring.pk).update(quorum_pct=50)
    recuse(member, submission)
    assert quorum_shortfalls(Competition.objects.filter(pk=scoring.pk)) == {}


def test_the_chair_sees_the_bids_lacking_a_quorum(english, chair, member, submission, scoring):
    recuse(member, submission)
    seat = CommissionMember.objects.get(competition=scoring, user=chair)
    sign_confidentiality(seat, by=chair)
    page = english(chair).get(commission_url(scoring)).content.decode()
    assert "1 bid lacks a quorum after recusals" in page
    assert "ОФ «Көмөк»" in page and "2 of 3 needed" in page
    home = english(chair).get("/accounts/").content.decode()
    assert "1 bid lacks a quorum after recusals" in home


def test_an_ordinary_member_does_not_see_the_quorum_panel(cast, english, member, submission):
    recuse(member, submission)
    page = english(cast.commission_member).get(commission_url(member.competition)).content.decode()
    assert "Quorum after recusals" not in page


def test_the_call_s_officers_get_a_task_and_a_panel(cast, english, member, submission, scoring):
    client = english(cast.officer_a)
    assert "lacks a quorum" not in client.get("/accounts/").content.decode()
    recuse(member, submission)
    home = client.get("/accounts/").content.decode()
    assert "1 bid lacks a quorum after recusals" in home
    manage = f"/municipalities/{scoring.municipality.code}/workspace/calls/{scoring.pk}/"
    assert manage in home
    page = client.get(manage).content.decode()
    assert "Quorum after recusals" in page
    assert "Confidentiality declarations signed: 1 of 3 members." in page
    # Officers of another municipality hear nothing of it.
    assert "quorum" not in english(cast.officer_b).get("/accounts/").content.decode()


def test_a_member_s_home_lists_their_tasks_per_call(cast, english, member, scoring):
    client = english(cast.commission_member)
    home = client.get("/accounts/").content.decode()
    assert "Your commission work" in home
    assert "Sign the confidentiality declaration" in home
    assert commission_url(scoring) in home
    sign_confidentiality(member, by=cast.commission_member)
    home = client.get("/accounts/").content.decode()
    assert "Sign the confidentiality declaration" not in home
    assert "2 bids to declare on" in home


def test_during_admission_the_home_asks_only_for_the_signature(cast, english, call):
    home = english(cast.commission_member).get("/accounts/").content.decode()
    assert "Sign the confidentiality declaration" in home
    assert "to declare on" not in home


def test_someone_without_a_seat_has_no_commission_work(cast, english, scoring):
    assert "Your commission work" not in english(cast.ngo_member).get("/accounts/").content.decode()


def test_a_member_s_home_does_not_urge_them_to_apply_or_call_them_a_resident(cast, english, member):
    home = english(cast.commission_member).get("/accounts/").content.decode()
    assert "Your commission work" in home
    assert "Apply with your organisation" not in home
    assert "To work for a municipality, ask its head" not in home
