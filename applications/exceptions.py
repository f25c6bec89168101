class ApplicationsError(Exception):
    """A domain rule of organisations or bids refused the action; shown to the user."""
