"""Priority problems: public list and page, support and comments; officers' editing."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from accounts.permissions import is_site_admin
from audit.models import AuditEvent
from competitions import extensions
from competitions.exceptions import CompetitionsError
from competitions.forms import (
    CommentForm,
    HideCommentForm,
    ProblemFilterForm,
    ProblemForm,
    ProgrammeForm,
)
from competitions.models import (
    Municipality,
    PriorityProblem,
    ProblemComment,
    ProblemSupport,
    Programme,
)
from competitions.permissions import (
    get_municipality_for_user,
    get_problem_for_user,
    get_public_problem,
    staff_membership,
)
from competitions.services.problems import (
    add_comment,
    archive_problem,
    create_problem,
    hide_comment,
    publish_problem,
    support_problem,
    update_problem,
)
from competitions.services.programmes import create_programme
from municipal_order.lib.downloads import kind_of, private_file_response
from municipal_order.lib.uploads import KINDS

# --- public -------------------------------------------------------------------------

# A thread (comments, questions) shows one batch at a time, the newest first, so that a
# page weighs the same with eight comments or eight hundred.
THREAD_BATCH = 20


def thread_batch(items, number) -> tuple:
    """The number-th batch of items counted back from the newest (items are ordered
    newest first), in reading order; with how many the next, earlier batch holds.

    Two queries at any size: the count and the batch.
    """
    page = Paginator(items, THREAD_BATCH).get_page(number)
    page.object_list = list(page.object_list)[::-1]
    earlier = min(THREAD_BATCH, page.paginator.count - page.end_index())
    return page, earlier


def _page_number(value) -> int:
    try:
        return max(1, int(value))
    except (TypeError, ValueError):
        return 1


@require_GET
def problem_list(request: HttpRequest) -> HttpResponse:
    form = ProblemFilterForm(request.GET or None)
    problems = PriorityProblem.objects.public().select_related("municipality__region", "sphere")
    data = form.cleaned_data if form.is_valid() else {}
    if data.get("region"):
        problems = problems.filter(municipality__region=data["region"])
    if data.get("municipality"):  # a municipality's own link, or an older bookmark
        problems = problems.filter(municipality=data["municipality"])
    if data.get("sphere"):
        problems = problems.filter(sphere=data["sphere"])
    if data.get("status"):
        problems = problems.filter(status=data["status"])
    else:
        problems = problems.exclude(status=PriorityProblem.Status.ARCHIVED)
    if (data.get("place") or "").strip():
        # Matched as the directory matches (Cyrillic and Ң Ө Ү fold).
        problems = problems.filter(
            municipality__in=Municipality.objects.matching(data.get("place"))
        )
    if data.get("sort") == "new":
        problems = problems.order_by("-published_at", "-id")
    else:
        problems = problems.order_by("-support_count", "-published_at", "-id")
    page = Paginator(problems, 20).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    everywhere = query.copy()
    everywhere.pop("municipality", None)
    return render(
        request,
        "competitions/problem_list.html",
        {
            "form": form,
            "page": page,
            "query": query.urlencode(),
            "municipality": data.get("municipality"),
            "everywhere": everywhere.urlencode(),
        },
    )


@require_GET
def problem_detail(request: HttpRequest, pk: int) -> HttpResponse:
    problem = get_public_problem(pk)
    context = _detail_context(request, problem, comments=request.GET.get("comments"))
    return render(request, "competitions/problem_detail.html", context)


def _page_of(problem: PriorityProblem) -> str:
    return reverse("competitions:problem_detail", kwargs={"pk": problem.pk})


def _detail_context(request: HttpRequest, problem: PriorityProblem, comments=None, **extra) -> dict:
    user = request.user
    is_officer = staff_membership(user, problem.municipality) is not None or (
        user.is_authenticated and is_site_admin(user)
    )
    newest_first = problem.comments.select_related("author").order_by("-created_at", "-id")
    comment_page, earlier = thread_batch(newest_first, comments)
    return {
        "problem": problem,
        "target_groups": problem.target_groups.all(),
        "comment_page": comment_page,
        "earlier_comments": earlier,
        "supported": user.is_authenticated
        and ProblemSupport.objects.filter(problem=problem, user=user).exists(),
        "comment_form": extra.pop("comment_form", CommentForm()),
        "is_officer": is_officer,
        "panels": extensions.PROBLEM_PAGE.collect(request, problem),
        **extra,
    }


@require_GET
def problem_minutes(request: HttpRequest, pk: int) -> HttpResponse:
    """The evidence of a published problem: the minutes of the needs study (public)."""
    return _minutes_response(get_public_problem(pk))


@login_required
@require_GET
def problem_minutes_workspace(request: HttpRequest, code: str, pk: int) -> HttpResponse:
    """The same file of a draft, for the municipality's officers."""
    return _minutes_response(get_problem_for_user(request, code, pk))


def _minutes_response(problem: PriorityProblem) -> HttpResponse:
    if not problem.minutes:
        raise Http404
    kind = kind_of(problem.minutes.name)
    name = problem.minutes_name or f"minutes{KINDS[kind].extensions[0]}"
    return private_file_response(problem.minutes, filename=name, kind=kind)


@login_required
@require_POST
def problem_support(request: HttpRequest, pk: int) -> HttpResponse:
    problem = get_public_problem(pk)
    try:
        counted = support_problem(problem, user=request.user)
    except CompetitionsError as exc:
        messages.error(request, str(exc))
    else:
        if counted:
            messages.success(request, _("Thank you: your support is counted."))
        else:
            messages.info(request, _("You have already supported this problem."))
    return redirect("competitions:problem_detail", pk=problem.pk)


@login_required
@require_POST
def problem_comment(request: HttpRequest, pk: int) -> HttpResponse:
    problem = get_public_problem(pk)
    form = CommentForm(request.POST)
    if form.is_valid():
        comment = add_comment(problem, user=request.user, text=form.cleaned_data["text"])
        messages.success(request, _("Your comment is published."))
        # The newest batch holds it: the page opens at it.
        return redirect(f"{_page_of(problem)}#comment-{comment.pk}")
    context = _detail_context(request, problem, comment_form=form)
    return render(request, "competitions/problem_detail.html", context, status=400)


# --- officers -----------------------------------------------------------------------


@login_required
@require_GET
def workspace_problems(request: HttpRequest, code: str) -> HttpResponse:
    municipality = get_municipality_for_user(request, code)
    problems = municipality.problems.select_related("sphere").order_by("status", "-updated_at")
    return render(
        request,
        "competitions/workspace_problems.html",
        {
            "municipality": municipality,
            "problems": problems,
            "can_write": _can_write(request, municipality),
        },
    )


def _can_write(request: HttpRequest, municipality) -> bool:
    return is_site_admin(request.user) or staff_membership(request.user, municipality) is not None


@login_required
@require_http_methods(["GET", "POST"])
def problem_new(request: HttpRequest, code: str) -> HttpResponse:
    municipality = get_municipality_for_user(request, code, write=True)
    form = ProblemForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        try:
            problem = create_problem(
                municipality,
                data=form.cleaned_data,
                target_groups=form.cleaned_data["target_groups"],
                minutes=request.FILES.get("minutes"),
                by=request,
            )
        except ValidationError as exc:
            form.add_error("minutes", exc)
        else:
            messages.success(request, _("The draft is saved. Publish it when it is ready."))
            return redirect("competitions:problem_edit", code=code, pk=problem.pk)
    return render(
        request,
        "competitions/problem_form.html",
        {"municipality": municipality, "form": form, "problem": None},
        status=400 if form.errors else 200,
    )


@login_required
@require_http_methods(["GET", "POST"])
def problem_edit(request: HttpRequest, code: str, pk: int) -> HttpResponse:
    problem = get_problem_for_user(request, code, pk, write=True)
    form = ProblemForm(request.POST or None, request.FILES or None, instance=problem)
    if request.method == "POST" and form.is_valid():
        try:
            update_problem(
                problem,
                data=form.cleaned_data,
                target_groups=form.cleaned_data["target_groups"],
                minutes=request.FILES.get("minutes"),
                by=request,
            )
        except (ValidationError, CompetitionsError) as exc:
            form.add_error(None, exc if isinstance(exc, ValidationError) else str(exc))
        else:
            messages.success(request, _("The problem is saved."))
            return redirect("competitions:problem_edit", code=code, pk=problem.pk)
    problem.refresh_from_db()
    return render(
        request,
        "competitions/problem_form.html",
        {
            "municipality": problem.municipality,
            "form": form,
            "problem": problem,
            "history": AuditEvent.objects.for_object(problem).select_related("actor")[:30],
        },
        status=400 if form.errors else 200,
    )


def _confirm_transition(request, code, pk, *, service, template, done):
    problem = get_problem_for_user(request, code, pk, write=True)
    if request.method == "POST":
        try:
            service(problem, by=request)
        except CompetitionsError as exc:
            messages.error(request, str(exc))
        else:
            messages.success(request, done)
        return redirect("competitions:problem_edit", code=code, pk=problem.pk)
    return render(request, template, {"problem": problem, "municipality": problem.municipality})


@login_required
@require_http_methods(["GET", "POST"])
def problem_publish(request: HttpRequest, code: str, pk: int) -> HttpResponse:
    return _confirm_transition(
        request,
        code,
        pk,
        service=publish_problem,
        template="competitions/problem_publish.html",
        done=_("The problem is published. Residents can now see and support it."),
    )


@login_required
@require_http_methods(["GET", "POST"])
def problem_archive(request: HttpRequest, code: str, pk: int) -> HttpResponse:
    return _confirm_transition(
        request,
        code,
        pk,
        service=archive_problem,
        template="competitions/problem_archive.html",
        done=_("The problem is archived."),
    )


@login_required
@require_POST
def comment_hide(request: HttpRequest, code: str, pk: int, comment_id: int) -> HttpResponse:
    problem = get_problem_for_user(request, code, pk, write=True)
    comment = get_object_or_404(ProblemComment, pk=comment_id, problem=problem)
    form = HideCommentForm(request.POST)
    if form.is_valid():
        hide_comment(comment, reason=form.cleaned_data["reason"], by=request)
        messages.success(request, _("The comment is hidden."))
    else:
        messages.error(request, _("Give a reason for hiding the comment."))
    # Back to the batch the officer was reading, at the comment.
    batch = _page_number(request.POST.get("comments"))
    query = f"?comments={batch}" if batch > 1 else ""
    return redirect(f"{_page_of(problem)}{query}#comment-{comment.pk}")


# --- programmes -----------------------------------------------------------------------


@login_required
@require_http_methods(["GET", "POST"])
def programme_new(request: HttpRequest, code: str) -> HttpResponse:
    municipality = get_municipality_for_user(request, code, write=True)
    form = ProgrammeForm(request.POST or None, municipality=municipality)
    if request.method == "POST" and form.is_valid():
        data = {k: v for k, v in form.cleaned_data.items() if k not in {"budget", "problems"}}
        programme = create_programme(
            municipality,
            data=data,
            budget=form.cleaned_data["budget"],
            problems=form.cleaned_data["problems"],
            by=request,
        )
        messages.success(request, _("The programme is recorded and public."))
        return redirect("competitions:programme_detail", pk=programme.pk)
    return render(
        request,
        "competitions/programme_form.html",
        {"municipality": municipality, "form": form},
        status=400 if form.errors else 200,
    )


@require_GET
def programme_detail(request: HttpRequest, pk: int) -> HttpResponse:
    programme = get_object_or_404(
        Programme.objects.select_related("municipality__region").prefetch_related("years"), pk=pk
    )
    return render(
        request,
        "competitions/programme_detail.html",
        {
            "programme": programme,
            "problems": programme.problems.public().select_related("sphere"),
        },
    )
