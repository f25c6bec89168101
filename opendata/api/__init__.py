"""The public read-only JSON API at /api/v1/ (docs/opendata.md, "The API")."""
