class AuditLogImmutable(Exception):
    """Audit rows are append-only: updating or deleting one is refused."""
