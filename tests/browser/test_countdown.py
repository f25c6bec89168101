"""The call page counts down to the deadline, on the server's clock, not the phone's."""

from __future__ import annotations

import datetime
import re

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from competitions.models import Competition
from tests.conftest import ensure_reference_data
from tests.factories import CompetitionFactory

pytestmark = pytest.mark.django_db(transaction=True)


def test_the_countdown_ticks_on_the_servers_clock_and_says_when_the_deadline_passed(
    page, live_server, assert_accessible, screenshot
):
    ensure_reference_data()
    call = CompetitionFactory(status=Competition.Status.PUBLISHED)
    Competition.objects.filter(pk=call.pk).update(
        closes_at=timezone.now() + datetime.timedelta(hours=2)
    )
    # A phone whose clock is three days behind still sees the real time left.
    page.clock.install(time=datetime.datetime.now() - datetime.timedelta(days=3))
    page.context.add_cookies([{"name": "mo_language", "value": "en", "url": live_server.url}])
    page.goto(f"{live_server.url}/calls/{call.pk}/")

    timer = page.get_by_role("timer")
    expect(timer).to_have_text(re.compile(r"^Time left: 01\sh 5\d\smin \d\d\ss\s*$"))
    assert_accessible(page)
    screenshot(page, "call-countdown")

    page.clock.run_for("02:00:05")
    expect(timer).to_have_text(re.compile(r"The deadline has passed\. Reload the page"))


def test_more_than_a_day_left_is_counted_in_days_hours_and_minutes(page, live_server):
    ensure_reference_data()
    call = CompetitionFactory(status=Competition.Status.PUBLISHED, closes_in_days=3)
    page.context.add_cookies([{"name": "mo_language", "value": "ky", "url": live_server.url}])
    page.goto(f"{live_server.url}/calls/{call.pk}/")
    expect(page.get_by_role("timer")).to_have_text(re.compile(r"\b2\sкүн \d\d\sсаат \d\d\sмүн\s*$"))
