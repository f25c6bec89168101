"""Getting the OCDS packages of a call through the test client."""

from __future__ import annotations

import json
from typing import Any

from django.conf import settings

from competitions.models import Competition


def ocid(call: Competition) -> str:
    return f"{settings.OCDS_OCID_PREFIX}-{call.pk}"


def release_url(call: Competition) -> str:
    return f"/opendata/ocds/{ocid(call)}/releases.json"


def record_url(call: Competition) -> str:
    return f"/opendata/ocds/{ocid(call)}/record.json"


def get_json(client, url: str) -> tuple[dict[str, Any], str]:
    """The parsed package and its text, after checking it is inline JSON."""
    response = client.get(url)
    assert response.status_code == 200, response.content[:500]
    assert response["Content-Type"].startswith("application/json")
    assert not response.has_header("Content-Disposition")
    text = response.content.decode()
    return json.loads(text), text


def releases_tagged(package: dict[str, Any], tag: str) -> list[dict[str, Any]]:
    return [r for r in package["releases"] if tag in r["tag"]]
