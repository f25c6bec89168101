from __future__ import annotations

import datetime


class ApplicationsError(Exception):
    """A domain rule of organisations or bids refused the action; shown to the user."""


class NotEligible(ApplicationsError):
    pass


class EditConflict(ApplicationsError):
    """Someone saved the draft since this editor loaded it (optimistic locking).

    `version` is the one now saved (what "Keep my version" must name to overwrite
    it), `who` and `at` say who saved it and when.
    """

    def __init__(
        self, message: str, *, version: int, who: str = "", at: datetime.datetime | None = None
    ) -> None:
        super().__init__(message)
        self.version = version
        self.who = who
        self.at = at


class SubmissionClosed(ApplicationsError):
    """The call does not accept bids at this moment (server clock)."""


class AlreadySubmitted(ApplicationsError):
    pass


class BidIncomplete(ApplicationsError):
    def __init__(self, missing: list[str]) -> None:
        super().__init__("; ".join(missing))
        self.missing = missing
