class CompetitionsError(Exception):
    """A domain rule of this app refused the action; the message is shown to the user."""


class UnknownUser(CompetitionsError):
    pass


class AlreadyStaff(CompetitionsError):
    pass


class TransitionNotAllowed(CompetitionsError):
    """The object's current state does not allow this step."""
