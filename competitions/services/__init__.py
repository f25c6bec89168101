"""Services of the competitions app: every write with side effects, one module per sub-domain."""
