"""Views of the competitions app, one module per sub-domain."""
