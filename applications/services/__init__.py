"""Services of the applications app: every write with side effects, one module per sub-domain."""
