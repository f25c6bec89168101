class MonitoringError(Exception):
    """A rule of monitoring refused the action; the message is shown to the user."""


class OutOfOrder(MonitoringError):
    """The project (or its call) is not at the step this action belongs to: 409."""


class EditConflict(MonitoringError):
    """Someone saved the agreement since this page loaded it: nothing was saved."""
