class AuditLogImmutable(Exception):
    """Audit rows are append-only: updating or deleting one is refused."""


class AnchorMismatch(Exception):
    """The chain no longer contains what an anchor recorded (shortened or rewritten)."""


class AnchorUnreadable(Exception):
    """An anchor file in the private storage is missing fields or is not JSON."""
