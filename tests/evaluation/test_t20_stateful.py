"""T20 as a stateful test: random sequences of the commission's and the applicants'
actions — open scoring, score, close, reduce, record the meeting, approve, appeal,
decide, publish corrected results, let the appeal window pass, run the finality job —
in any order, by the right people. Whatever the order, the call's stage only ever
moves one step along "" → scoring → deliberation → results → final, an action out of
order is refused (`OutOfOrder`, the views' 409) and changes nothing, and the selected
total never exceeds the budget."""

from __future__ import annotations

import datetime
from decimal import Decimal

import pytest
import time_machine
from hypothesis import HealthCheck, settings
from hypothesis import strategies as st
from hypothesis.stateful import RuleBasedStateMachine, invariant, rule, run_state_machine_as_test

from evaluation.exceptions import EvaluationError, OutOfOrder
from evaluation.models import Appeal, BidResult, CallEvaluation
from evaluation.services.admission import decide_admission, open_scoring
from evaluation.services.appeals import (
    decide_appeal,
    file_appeal,
    finalize_due_calls,
    republish_results,
)
from evaluation.services.results import approve_results, close_scoring, reduce_amount, save_meeting
from tests.evaluation.conftest import AFTER, make_admission_call, submit
from tests.evaluation.scoring_helpers import ready, score, seat_of
from tests.factories import OrganizationFactory

ORDER = ["", "scoring", "deliberation", "results", "final"]
# Which stage each action needs, and where it leaves the call when it succeeds.
MOVES = {
    "open_scoring": ("", "scoring"),
    "close": ("scoring", "deliberation"),
    "approve": ("deliberation", "results"),
}


@pytest.mark.django_db
def test_t20_random_sequences_never_make_an_illegal_transition(cast, chair, secretary):
    users = {"chair": chair, "secretary": secretary, "member": cast.commission_member}
    reached: set[str] = set()

    class Evaluation(RuleBasedStateMachine):
        def __init__(self) -> None:
            super().__init__()
            # Ties broken by the earlier submission: a vote would be one more step.
            self.call = make_admission_call(cast, chair, secretary, tie_break="earlier")
            self.bids = [
                submit(self.call, cast.organization),
                submit(self.call, OrganizationFactory(), title="Второй", amount="600000"),
            ]
            for s in self.bids:
                decide_admission(s, decision="admitted", by=secretary)
            self.clock = None
            self.stage = ""

        def teardown(self) -> None:
            if self.clock is not None:
                self.clock.stop()

        # --- what happens after each action --------------------------------------

        def act(self, name: str, action) -> None:
            before = self.stage
            try:
                action()
            except OutOfOrder:
                self.call.refresh_from_db()
                assert self.call.stage == before, f"{name} refused but moved the call"
                return
            except EvaluationError:
                # Refused for a reason other than the order (missing sheets, no meeting…).
                self.call.refresh_from_db()
                assert self.call.stage == before
                return
            self.call.refresh_from_db()
            after = self.call.stage
            if name in MOVES:
                needs, leads_to = MOVES[name]
                assert before == needs, f"{name} succeeded at stage {before!r}"
                assert after == leads_to
            else:
                step = ORDER.index(after) - ORDER.index(before)
                assert step in (0, 1), f"{name} moved {before!r} → {after!r}"
                if after == "final" and before != "final":
                    assert before == "results" and name in {"finalize", "decide", "republish"}
            self.stage = after
            reached.add(after)

        # --- the actions -------------------------------------------------------------

        @rule()
        def open_scoring(self) -> None:
            self.act("open_scoring", lambda: open_scoring(self.call, by=secretary))

        @rule(
            who=st.sampled_from(["chair", "secretary", "member"]),
            values=st.tuples(st.integers(0, 10), st.integers(0, 10)),
        )
        def score(self, who, values) -> None:
            def action() -> None:
                user = users[who]
                seat = seat_of(self.call, user)
                ready(seat, user, self.bids)
                for s in self.bids:
                    score(seat, user, s, list(values))

            self.act("score", action)

        @rule(reason=st.sampled_from(["", "Член комиссии болен."]))
        def close(self, reason) -> None:
            self.act(
                "close", lambda: close_scoring(self.call, override_reason=reason, by=secretary)
            )

        @rule(
            amount=st.sampled_from([None, Decimal("100000"), Decimal("250000")]),
            index=st.integers(0, 1),
        )
        def reduce(self, amount, index) -> None:
            def action() -> None:
                result = BidResult.objects.filter(submission=self.bids[index]).first()
                if result is None:
                    raise OutOfOrder("no results yet")
                reduce_amount(
                    result, amount=amount, reason="Сокращено." if amount else "", by=secretary
                )

            self.act("reduce", action)

        @rule()
        def meeting(self) -> None:
            def action() -> None:
                save_meeting(
                    self.call,
                    meeting_on=AFTER.date(),
                    place="",
                    attendees=list(self.call.commission.all()),
                    decisions="Утвердить рейтинг.",
                    by=chair,
                )

            self.act("meeting", action)

        @rule()
        def approve(self) -> None:
            self.act("approve", lambda: approve_results(self.call, by=chair))

        @rule(index=st.integers(0, 1))
        def appeal(self, index) -> None:
            submission = self.bids[index]
            editor = cast.ngo_member if index == 0 else None

            def action() -> None:
                if editor is None:
                    raise OutOfOrder("this applicant has no editor in the cast")
                file_appeal(submission, text="Просим пересмотреть.", by=editor)

            self.act("appeal", action)

        @rule(uphold=st.booleans())
        def decide(self, uphold) -> None:
            def action() -> None:
                pending = Appeal.objects.filter(
                    submission__bid__competition=self.call, status="pending"
                ).first()
                if pending is None:
                    raise OutOfOrder("nothing to decide")
                decide_appeal(pending, uphold=uphold, reasons="Обосновано.", by=secretary)

            self.act("decide", action)

        @rule()
        def republish(self) -> None:
            self.act("republish", lambda: republish_results(self.call, by=chair))

        @rule()
        def window_passes(self) -> None:
            if self.clock is None:
                self.clock = time_machine.travel(AFTER + datetime.timedelta(days=10), tick=False)
                self.clock.start()

        @rule()
        def finalize(self) -> None:
            self.act("finalize", finalize_due_calls)

        @rule()
        def next_step(self) -> None:
            """The step the commission would take now, so that sequences get far enough
            for the later actions to be tried in and out of order."""
            if self.stage == "":
                self.open_scoring()
            elif self.stage == "scoring":
                for who in users:
                    self.score(who, (7, 6))
                self.close("")
            elif self.stage == "deliberation":
                self.meeting()
                self.approve()
            elif self.stage == "results":
                self.window_passes()
                self.finalize()

        # --- what always holds ---------------------------------------------------------

        @invariant()
        def within_budget(self) -> None:
            evaluation = CallEvaluation.objects.filter(competition=self.call).first()
            if evaluation is not None:
                awarded = sum(
                    (r.awarded for r in evaluation.results.all() if r.awarded), Decimal(0)
                )
                assert evaluation.selected_total == awarded <= evaluation.budget

        @invariant()
        def final_means_nothing_open(self) -> None:
            if self.stage == "final":
                assert not Appeal.objects.filter(
                    submission__bid__competition=self.call, status="pending"
                ).exists()

    run_state_machine_as_test(
        Evaluation,
        settings=settings(
            max_examples=100,
            stateful_step_count=25,
            deadline=None,
            suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture],
        ),
    )
    # The sequences did walk the whole way, not only refusals at the start.
    assert {"scoring", "deliberation", "results", "final"} <= reached, reached
