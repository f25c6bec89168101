class ApplicationsError(Exception):
    """A domain rule of organisations or bids refused the action; shown to the user."""


class NotEligible(ApplicationsError):
    pass


class EditConflict(ApplicationsError):
    """Someone saved the draft since this editor loaded it (optimistic locking)."""

    def __init__(self, message: str, *, version: int) -> None:
        super().__init__(message)
        self.version = version


class SubmissionClosed(ApplicationsError):
    """The call does not accept bids at this moment (server clock)."""


class AlreadySubmitted(ApplicationsError):
    pass


class BidIncomplete(ApplicationsError):
    def __init__(self, missing: list[str]) -> None:
        super().__init__("; ".join(missing))
        self.missing = missing
