"""The error summary at the top of every long form: each error a link to its field."""

from __future__ import annotations

from html.parser import HTMLParser

import pytest
import time_machine

from tests.applications.test_organizations import org_data
from tests.competitions import test_problems, test_programmes
from tests.competitions.test_calls import NOW, call_post, workspace

pytestmark = pytest.mark.django_db


class _Page(HTMLParser):
    """The summary's heading, its links (href, text) and every id on the page."""

    def __init__(self, html: str) -> None:
        super().__init__()
        self.ids: set[str] = set()
        self.summary: dict[str, str] | None = None
        self.links: list[tuple[str, str]] = []
        self.heading = ""
        self._depth = 0  # inside the summary: how many open elements deep
        self._in = ""
        self.feed(html)

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if attrs.get("id"):
            self.ids.add(attrs["id"])
        if self._depth:
            self._depth += 1
            if tag == "a":
                self.links.append((attrs["href"], ""))
                self._in = "a"
            elif tag == "h2":
                self._in = "h2"
        elif "data-error-summary" in attrs:
            self.summary = attrs
            self._depth = 1

    def handle_endtag(self, tag):
        if self._depth:
            self._depth -= 1
            self._in = ""

    def handle_data(self, data):
        if self._in == "a":
            href, text = self.links[-1]
            self.links[-1] = (href, text + data)
        elif self._in == "h2":
            self.heading += data


def summary_of(response) -> _Page:
    page = _Page(response.content.decode())
    assert page.summary is not None, "no error summary on the page"
    assert page.summary["role"] == "alert"
    assert page.summary["tabindex"] == "-1"
    assert page.heading.strip() == "There is a problem"
    for href, _text in page.links:
        assert href[1:] in page.ids, f"{href} points to nothing on the page"
    return page


def test_a_page_without_errors_has_no_summary(cast, english):
    response = english(cast.officer_a).get(test_problems.new_url(cast))
    assert _Page(response.content.decode()).summary is None


@time_machine.travel(NOW, tick=False)
def test_the_call_form_links_the_weights_error_to_the_criteria_section(cast, english):
    data = call_post(cast, **{"criteria-1-weight": "25"})
    response = english(cast.officer_a).post(workspace(cast, "new"), data)
    assert response.status_code == 400
    page = summary_of(response)
    assert page.links == [
        ("#criteria-section", "The weights add up to 95%; they must add up to 100%.")
    ]
    assert 'id="criteria-section" tabindex="-1"' in response.content.decode()


@time_machine.travel(NOW, tick=False)
def test_the_call_form_lists_field_row_and_commission_errors_in_page_order(cast, english):
    data = call_post(
        cast,
        title="",
        **{"criteria-1-weight": "abc", "commission-0-email": "not-an-address"},
    )
    response = english(cast.officer_a).post(workspace(cast, "new"), data)
    assert response.status_code == 400
    targets = [href for href, _ in summary_of(response).links]
    assert targets == ["#id_title", "#id_criteria-1-weight", "#id_commission-0-email"]
    texts = [text for _, text in summary_of(response).links]
    assert texts[1].startswith("Criterion 2 · Weight, %:")
    # The field keeps its own message, tied to it for screen readers.
    html = response.content.decode()
    assert 'aria-describedby="id_criteria-1-weight_error"' in html
    assert "is-invalid" in html


@time_machine.travel(NOW, tick=False)
def test_a_commission_listed_twice_links_to_the_commission_section(cast, english):
    data = call_post(cast, **{"commission-1-email": cast.commission_member.email})
    response = english(cast.officer_a).post(workspace(cast, "new"), data)
    assert [href for href, _ in summary_of(response).links] == ["#commission-section"]


def test_the_organisation_form_links_to_the_inn(cast, english):
    response = english(cast.commission_member).post("/organizations/new/", org_data(cast, inn="1"))
    assert response.status_code == 400
    assert [href for href, _ in summary_of(response).links] == ["#id_inn"]


def test_the_problem_form_links_a_cross_field_error(cast, english):
    data = test_problems.form_data(women_participants="60")
    response = english(cast.officer_a).post(test_problems.new_url(cast), data)
    assert response.status_code == 400
    links = summary_of(response).links
    assert links and all(href.startswith("#id_") for href, _ in links)


def test_the_programme_form_links_to_the_budget(cast, english):
    data = test_programmes.data(budget="2031: 100")
    response = english(cast.officer_a).post(test_programmes.new_url(cast), data)
    assert response.status_code == 400
    assert [href for href, _ in summary_of(response).links] == ["#id_budget"]
