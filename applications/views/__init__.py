"""Views of the applications app, one module per sub-domain."""
