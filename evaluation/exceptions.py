class EvaluationError(Exception):
    """A domain rule of evaluation refused the action; the message is shown to the user."""


class OutOfOrder(EvaluationError):
    """The call (or the request) is not at the step this action belongs to (T20): 409."""


class ScoringNotReady(OutOfOrder):
    """Scoring cannot open yet; `problems` lists every reason."""

    def __init__(self, problems: list[str]) -> None:
        super().__init__("; ".join(problems))
        self.problems = problems
