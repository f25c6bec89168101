"""Every announced call of the demo validates, its release package and its record."""

from __future__ import annotations

import io

import pytest
from django.core.management import call_command

from competitions.models import Competition
from tests.opendata.helpers import get_json, record_url, release_url
from tests.opendata.validation import assert_valid_record_package, assert_valid_release_package


@pytest.mark.django_db
def test_every_call_of_the_demo_validates(client):
    call_command("seed_demo", stdout=io.StringIO())
    calls = list(Competition.objects.public())
    assert calls
    stages = set()
    for call in calls:
        package, _ = get_json(client, release_url(call))
        assert_valid_release_package(package)
        stages |= {tag for release in package["releases"] for tag in release["tag"]}
        record, _ = get_json(client, record_url(call))
        assert_valid_record_package(record)
    # The demo's story reaches every stage, so each of them was validated.
    assert {"planning", "tender", "tenderUpdate", "award", "contract", "implementation"} <= stages
    for draft in Competition.objects.filter(status=Competition.Status.DRAFT):
        assert client.get(release_url(draft)).status_code == 404
