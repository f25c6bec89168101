"""A resident finds a problem in Kyrgyz, logs in and supports it; an officer sees it."""

from __future__ import annotations

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from competitions.models import PriorityProblem, Sphere
from competitions.services.territories import import_territories

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def problem(cast):
    return PriorityProblem.objects.create(
        municipality=cast.municipality_a,
        title="Мектепке пандус жок",
        description="Майыптыгы бар балдар мектепке бара алышпайт.",
        sphere=Sphere.objects.get(code="disability"),
        status="published",
        published_at=timezone.now(),
    )


def test_a_resident_supports_a_problem(
    page, live_server, cast, problem, screenshot, assert_accessible
):
    import_territories()
    page.goto(live_server.url + "/problems/")
    page.get_by_role("button", name="KY").click()
    page.get_by_role("link", name="Мектепке пандус жок").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Мектепке пандус жок")
    assert_accessible(page)

    page.get_by_role("link", name="Колдоо үчүн кириңиз").click()
    page.get_by_label("E-mail").fill(cast.ngo_member.email)
    page.get_by_label("Сырсөз").fill(cast.password)
    page.locator("main form button[type=submit]").click()

    # Back on the problem after login; one click counts one supporter.
    page.get_by_role("button", name="Колдойм").click()
    expect(page.get_by_role("status").first).to_contain_text("Рахмат")
    expect(page.locator(".stat")).to_have_text("1")
    screenshot(page, "problem-supported-ky")
    problem.refresh_from_db()
    assert problem.support_count == 1
