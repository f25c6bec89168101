"""Pages that would grow with the country stay bounded: a problem's comments and a call's
questions show one batch at a time (the officer always sees every unanswered question),
and the problems list filters by region and a municipality's name instead of listing
every municipality. The same number of queries at any size; the page under a budget.
"""

from __future__ import annotations

import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from competitions.models import PriorityProblem, ProblemComment, Question, Sphere
from competitions.views.problems import THREAD_BATCH
from tests.factories import MunicipalityFactory, PriorityProblemFactory

pytestmark = pytest.mark.django_db

BUDGET = 120_000  # bytes: a phone on a slow link
# A comment or question of a real length (~600 letters, ~1.1 KB in Cyrillic).
LONG = "Жолду оңдоо керек, балдар мектепке баткак менен барышат. " * 10


@pytest.fixture
def problem(cast) -> PriorityProblem:
    return PriorityProblemFactory(
        municipality=cast.municipality_a,
        sphere=Sphere.objects.get(code="environment"),
        title="Свалка у реки",
    )


def add_comments(problem, author, n: int, start: int = 0) -> None:
    ProblemComment.objects.bulk_create(
        ProblemComment(problem=problem, author=author, text=f"Comment {i} {LONG}")
        for i in range(start + 1, start + n + 1)
    )


def add_questions(call, n: int, *, answered: bool, start: int = 0) -> None:
    now = timezone.now()
    Question.objects.bulk_create(
        Question(
            competition=call,
            text=f"Question {i} {LONG}",
            answer=f"Answer {i} {LONG}" if answered else "",
            # Answered in the past, in the order asked.
            answered_at=now - timezone.timedelta(hours=1, seconds=-i) if answered else None,
        )
        for i in range(start + 1, start + n + 1)
    )


def measure(client, url: str) -> tuple[int, str, int]:
    """(queries, page, bytes) of a GET."""
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    assert response.status_code == 200
    return len(queries), response.content.decode(), len(response.content)


def items(page: str) -> list[str]:
    """The numbers of the comments or questions shown, in page order."""
    return re.findall(r"(?:Comment|Question) (\d+) ", page)


def workspace(call) -> str:
    return f"/municipalities/{call.municipality.code}/workspace/calls/{call.pk}/"


# --- a problem's comments ----------------------------------------------------------------


@pytest.mark.parametrize("who", [None, "ngo_member", "officer_a"])
def test_the_problem_page_reads_the_same_at_3_and_80_comments(cast, english, problem, who):
    client = english(getattr(cast, who) if who else None)
    url = f"/problems/{problem.pk}/"
    add_comments(problem, cast.ngo_member, 3)
    client.get(url)  # the session's first request reads more
    small, page, _ = measure(client, url)
    assert items(page) == ["1", "2", "3"]
    assert "earlier comment" not in page

    add_comments(problem, cast.ngo_member, 77, start=3)
    queries, page, size = measure(client, url)
    assert queries == small
    assert size < BUDGET, size
    assert "(80)" in page  # the count is the total
    assert items(page) == [str(i) for i in range(61, 81)]  # the newest, oldest on top
    assert "Show 20 earlier comments" in page


def test_show_earlier_comments_gives_the_next_batch_until_the_first(cast, english, problem):
    add_comments(problem, cast.ngo_member, 45)
    client = english(None)
    url = f"/problems/{problem.pk}/"
    page = client.get(url).content.decode()
    assert len(items(page)) == THREAD_BATCH
    assert 'href="?comments=2#comments-heading"' in page

    page = client.get(url, {"comments": 2}).content.decode()
    assert items(page) == [str(i) for i in range(6, 26)]
    assert "Show 5 earlier comments" in page
    assert 'href="?comments=3#comments-heading"' in page
    assert "Show the newest comments" in page

    page = client.get(url, {"comments": 3}).content.decode()
    assert items(page) == ["1", "2", "3", "4", "5"]
    assert "earlier comment" not in page  # the last batch ends the link
    assert "(45)" in page
    # Nonsense is the newest batch, past the end the earliest.
    assert items(client.get(url, {"comments": "x"}).content.decode())[0] == "26"
    assert items(client.get(url, {"comments": 99}).content.decode())[0] == "1"


def test_a_new_comment_lands_where_its_author_sees_it(cast, client_for, problem):
    add_comments(problem, cast.other_ngo_member, 30)
    client = client_for(cast.ngo_member)
    response = client.post(f"/problems/{problem.pk}/comments/", {"text": "Comment 31 new"})
    comment = ProblemComment.objects.latest("id")
    assert response.status_code == 302
    assert response["Location"] == f"/problems/{problem.pk}/#comment-{comment.pk}"
    page = client.get(f"/problems/{problem.pk}/").content.decode()
    assert f'id="comment-{comment.pk}"' in page
    assert "(31)" in page


def test_hiding_an_earlier_comment_returns_to_its_batch(cast, client_for, problem):
    add_comments(problem, cast.ngo_member, 25)
    first = ProblemComment.objects.earliest("id")
    officer = client_for(cast.officer_a)
    page = officer.get(f"/problems/{problem.pk}/", {"comments": 2}).content.decode()
    assert '<input type="hidden" name="comments" value="2">' in page
    hide = (
        f"/municipalities/{problem.municipality.code}/workspace/problems/"
        f"{problem.pk}/comments/{first.pk}/hide/"
    )
    response = officer.post(hide, {"reason": "Спам", "comments": "2"})
    assert response["Location"] == f"/problems/{problem.pk}/?comments=2#comment-{first.pk}"
    page = client_for(None).get(f"/problems/{problem.pk}/", {"comments": 2}).content.decode()
    assert "Спам" in page  # hidden comments keep their place and their notice
    assert "(25)" in page


# --- a call's questions --------------------------------------------------------------------


def test_the_call_page_reads_the_same_at_2_and_60_questions(cast, english, open_call):
    client = english(None)
    url = f"/calls/{open_call.pk}/"
    add_questions(open_call, 2, answered=True)
    client.get(url)
    small, page, _ = measure(client, url)
    assert items(page) == ["1", "2"]

    add_questions(open_call, 58, answered=True, start=2)
    add_questions(open_call, 3, answered=False, start=60)
    queries, page, size = measure(client, url)
    assert queries == small
    assert size < BUDGET, size
    assert items(page) == [str(i) for i in range(41, 61)]  # the latest answers
    assert "3 questions are waiting for an answer." in page

    page = client.get(url, {"questions": 3}).content.decode()
    assert items(page) == [str(i) for i in range(1, 21)]
    assert "earlier question" not in page
    assert "Show the latest questions and answers" in page


def test_the_officer_sees_every_unanswered_question_and_a_batch_of_answered(
    cast, english, open_call
):
    client = english(cast.officer_a)
    url = workspace(open_call)
    add_questions(open_call, 2, answered=True)
    add_questions(open_call, 1, answered=False, start=2)
    client.get(url)
    small, page, _ = measure(client, url)
    assert items(page) == ["3", "1", "2"]

    add_questions(open_call, 30, answered=False, start=3)  # more than a batch of work
    add_questions(open_call, 27, answered=True, start=33)
    queries, page, size = measure(client, url)
    assert queries == small
    assert size < BUDGET, size
    waiting = [str(i) for i in range(3, 34)]
    answered = [q.pk for q in Question.objects.exclude(answer="").order_by("answered_at")]
    assert items(page)[: len(waiting)] == waiting  # first, the oldest first
    assert page.count('name="answer"') == len(waiting)
    assert len(items(page)) == len(waiting) + THREAD_BATCH
    assert "Show 9 earlier answered questions" in page
    assert f'id="question-{answered[-1]}"' in page
    assert f'id="question-{answered[0]}"' not in page

    page = client.get(url, {"answered": 2}).content.decode()
    assert page.count('name="answer"') == len(waiting)  # still all of them
    assert f'id="question-{answered[0]}"' in page
    assert "earlier answered question" not in page


def test_an_answer_lands_the_officer_at_it(cast, client_for, open_call):
    add_questions(open_call, 25, answered=True)
    add_questions(open_call, 1, answered=False, start=25)
    question = Question.objects.get(answer="")
    client = client_for(cast.officer_a)
    answer = f"{workspace(open_call)}questions/{question.pk}/answer/"
    response = client.post(answer, {"answer": ""})
    assert response["Location"] == f"{workspace(open_call)}#answer-{question.pk}"
    response = client.post(answer, {"answer": "Да."})
    assert response["Location"] == f"{workspace(open_call)}#question-{question.pk}"
    page = client.get(workspace(open_call)).content.decode()
    assert f'id="question-{question.pk}"' in page
    assert 'name="answer"' not in page


# --- the problems list --------------------------------------------------------------------


def test_the_problems_list_reads_the_same_at_5_and_150_municipalities(cast, english):
    client = english(None)
    for _ in range(3):
        MunicipalityFactory(region=cast.region_c)
    PriorityProblemFactory(municipality=cast.municipality_a, title="Problem A")
    client.get("/problems/")
    small, _, small_size = measure(client, "/problems/")
    small_filtered, _, _ = measure(client, "/problems/?place=aimak&region=")

    MunicipalityFactory.create_batch(145, region=cast.region_c)
    queries, page, size = measure(client, "/problems/")
    assert queries == small
    assert size < small_size + 500  # nothing grows with the country
    assert "Ayil aimak 100" not in page
    assert measure(client, "/problems/?place=aimak&region=")[0] == small_filtered


def test_the_problems_list_finds_a_municipality_by_name(cast, english):
    kok_jar = MunicipalityFactory(region=cast.region_c, name_ru="Көк-Жар", name_en="Kok-Jar")
    PriorityProblemFactory(municipality=kok_jar, title="Problem of Kok-Jar")
    PriorityProblemFactory(municipality=cast.municipality_a, title="Problem A")
    client = english(None)
    page = client.get("/problems/", {"place": "КӨК"}).content.decode()
    assert "Problem of Kok-Jar" in page
    assert "Problem A" not in page
    page = client.get("/problems/", {"place": "nowhere"}).content.decode()
    assert "No published problems match the filter." in page
    assert 'type="search" name="place"' in page
    assert "<option" in page and "Ayil aimak" not in page.split("<main")[-1].split("</form>")[0]


def test_a_bookmarked_municipality_filter_still_works(cast, english):
    PriorityProblemFactory(municipality=cast.municipality_a, title="Problem A")
    PriorityProblemFactory(municipality=cast.municipality_b, title="Problem B")
    client = english(None)
    page = client.get("/problems/", {"municipality": cast.municipality_a.code}).content.decode()
    assert "Problem A" in page
    assert "Problem B" not in page
    # The form keeps it, says so, and offers the way back to every municipality.
    assert f'name="municipality" value="{cast.municipality_a.code}"' in page
    assert "Show all municipalities" in page
    page = client.get(
        "/problems/", {"municipality": cast.municipality_a.code, "sort": "new"}
    ).content.decode()
    assert 'href="?sort=new"' in page
