"""The monitoring tests' final call (municipality A, two selected bids) and its
projects, reused for the call's whole story in OCDS. The clock past the deadline
(`_after_the_deadline`) is not autouse here: the modules that need it import it."""

from __future__ import annotations

from tests.monitoring.conftest import (  # noqa: F401  (fixtures)
    call,
    chair,
    final_call,
    our_submission,
    ours,
    projects,
    published_call,
    secretary,
    signed,
    their_submission,
)
