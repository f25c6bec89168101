class CompetitionsError(Exception):
    """A domain rule of this app refused the action; the message is shown to the user."""


class UnknownUser(CompetitionsError):
    pass


class AlreadyStaff(CompetitionsError):
    pass


class TransitionNotAllowed(CompetitionsError):
    """The object's current state does not allow this step."""


class CallNotReady(CompetitionsError):
    """The call cannot be announced yet; `problems` lists every reason."""

    def __init__(self, problems: list[str]) -> None:
        super().__init__("; ".join(problems))
        self.problems = problems
