"""Calls: officers draft, announce, amend and cancel; the public reads and asks."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.db.models import F
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from accounts.permissions import is_site_admin
from audit.models import AuditEvent
from competitions.exceptions import CallNotReady, CompetitionsError
from competitions.extensions import CALL_MANAGE, CALL_PAGE
from competitions.forms import (
    AmendCallForm,
    AnswerForm,
    CallForm,
    CancelCallForm,
    CommissionFormSet,
    CriterionFormSet,
    QuestionForm,
)
from competitions.models import Competition, Question
from competitions.permissions import (
    get_call_for_user,
    get_municipality_for_user,
    get_public_call,
    staff_membership,
)
from competitions.phases import AFTER_DEADLINE, Phase
from competitions.services.calls import (
    COMMON_CRITERIA,
    amend_call,
    answer_question,
    ask_question,
    cancel_call,
    publication_problems,
    publish_call,
    save_draft,
)
from competitions.services.commission import pending_invitations
from competitions.views.problems import thread_batch
from documents.models import GeneratedDocument

# --- public -------------------------------------------------------------------------


# The tabs of the public list: which phases each shows, and in what order.
CALL_LIST_TABS = {
    "open": ((Phase.UPCOMING, Phase.ACCEPTING), "closes_at"),
    # Past the deadline, whatever stage evaluation reached (the value predates the stages).
    "closed": (tuple(AFTER_DEADLINE), "-closes_at"),
    "cancelled": ((Phase.CANCELLED,), "-cancelled_at"),
}


@require_GET
def call_list(request: HttpRequest) -> HttpResponse:
    now = timezone.now()
    tab = request.GET.get("phase", "open")
    calls = Competition.objects.public().select_related("municipality__region", "sphere")
    if tab in CALL_LIST_TABS:
        phases, order = CALL_LIST_TABS[tab]
        calls = calls.in_phase(*phases, now=now).order_by(order)
    page = Paginator(calls, 20).get_page(request.GET.get("page"))
    return render(
        request,
        "competitions/call_list.html",
        {"page": page, "tab": tab, "query": f"phase={tab}", "now": now},
    )


def _answered(call: Competition):
    """The call's answered questions, the latest answer first (a thread's order)."""
    return call.questions.exclude(answer="").order_by(
        F("answered_at").desc(nulls_last=True), "-created_at", "-id"
    )


def _call_context(request: HttpRequest, call: Competition, **extra) -> dict:
    questions, earlier = thread_batch(_answered(call), request.GET.get("questions"))
    return {
        "call": call,
        "now": timezone.now(),
        "phase": call.phase,
        "criteria": call.criteria.all(),
        "commission": call.commission.select_related("user"),
        "problems": call.problems.all(),
        "amendments": call.amendments.all(),
        "questions": questions,
        "earlier_questions": earlier,
        "open_questions": call.questions.filter(answer="").count(),
        "announcements": GeneratedDocument.objects.for_object(call, kind="call-announcement")
        .filter(status=GeneratedDocument.Status.READY)
        .order_by("language", "-created_at"),
        "question_form": extra.pop("question_form", QuestionForm()),
        # Later apps' panels: bids (sealed: only how many), results, projects.
        "panels": CALL_PAGE.collect(request, call),
        **extra,
    }


@require_GET
def call_detail(request: HttpRequest, pk: int) -> HttpResponse:
    call = get_public_call(pk)
    return render(request, "competitions/call_detail.html", _call_context(request, call))


@login_required
@require_POST
def question_ask(request: HttpRequest, pk: int) -> HttpResponse:
    call = get_public_call(pk)
    form = QuestionForm(request.POST)
    if form.is_valid():
        try:
            ask_question(call, user=request.user, text=form.cleaned_data["text"])
        except CompetitionsError as exc:
            messages.error(request, str(exc))
        else:
            messages.success(
                request, _("Your question is sent. The answer will be published on this page.")
            )
        return redirect("competitions:call_detail", pk=call.pk)
    context = _call_context(request, call, question_form=form)
    return render(request, "competitions/call_detail.html", context, status=400)


# --- officers -----------------------------------------------------------------------


@login_required
@require_GET
def workspace_calls(request: HttpRequest, code: str) -> HttpResponse:
    municipality = get_municipality_for_user(request, code)
    calls = municipality.competitions.with_counts().order_by("-created_at")
    return render(
        request,
        "competitions/workspace_calls.html",
        {
            "municipality": municipality,
            "calls": calls,
            "can_write": is_site_admin(request.user)
            or staff_membership(request.user, municipality) is not None,
        },
    )


def _call_form_response(request, municipality, call, form, criteria, commission, status=200):
    invitations = list(pending_invitations(call)) if call else []
    return render(
        request,
        "competitions/call_form.html",
        {
            "municipality": municipality,
            "call": call,
            "form": form,
            "criteria": criteria,
            "commission": commission,
            "history": AuditEvent.objects.for_object(call).select_related("actor")[:30]
            if call
            else [],
            "not_ready": publication_problems(call) if call else [],
            "invitations": invitations,
            "invited_emails": {i.email for i in invitations},
        },
        status=status,
    )


def _save_call(request: HttpRequest, municipality, call: Competition | None) -> HttpResponse:
    if request.method == "POST":
        form = CallForm(request.POST, instance=call, municipality=municipality)
        criteria = CriterionFormSet(request.POST, prefix="criteria")
        commission = CommissionFormSet(request.POST, prefix="commission")
        if form.is_valid() and criteria.is_valid() and commission.is_valid():
            try:
                saved = save_draft(
                    municipality,
                    call=call,
                    data=form.cleaned_data,
                    problems=form.cleaned_data["problems"],
                    criteria=criteria.rows(),
                    commission=commission.rows(),
                    by=request,
                )
            except CompetitionsError as exc:
                messages.error(request, str(exc))
            else:
                messages.success(request, _("The draft call is saved."))
                return redirect("competitions:call_edit", code=municipality.code, pk=saved.pk)
        return _call_form_response(
            request, municipality, call, form, criteria, commission, status=400
        )
    form = CallForm(instance=call, municipality=municipality)
    if call is None:
        initial = [{"title": str(t), "weight": w, "max_score": 10} for t, w in COMMON_CRITERIA]
        members: list[dict] = []
    else:
        initial = list(call.criteria.values("title", "guidance", "weight", "max_score"))
        members = [
            {"email": m.user.email, "role": m.role, "affiliation": m.affiliation}
            for m in call.commission.select_related("user")
        ]
        # Waiting invitees keep their rows: saving the form keeps their invitations.
        members += [
            {"email": i.email, "role": i.role, "affiliation": i.affiliation}
            for i in pending_invitations(call)
        ]
    criteria = CriterionFormSet(initial=initial, prefix="criteria")
    commission = CommissionFormSet(initial=members, prefix="commission")
    return _call_form_response(request, municipality, call, form, criteria, commission)


@login_required
@require_http_methods(["GET", "POST"])
def call_new(request: HttpRequest, code: str) -> HttpResponse:
    municipality = get_municipality_for_user(request, code, write=True)
    if not municipality.programmes.exists():
        messages.info(
            request, _("Record the social-order programme first: every call belongs to one.")
        )
        return redirect("competitions:programme_new", code=code)
    return _save_call(request, municipality, None)


@login_required
@require_http_methods(["GET", "POST"])
def call_edit(request: HttpRequest, code: str, pk: int) -> HttpResponse:
    call = get_call_for_user(request, code, pk, write=True)
    if call.status != Competition.Status.DRAFT:
        return redirect("competitions:call_manage", code=code, pk=call.pk)
    return _save_call(request, call.municipality, call)


@login_required
@require_GET
def call_manage(request: HttpRequest, code: str, pk: int) -> HttpResponse:
    """An announced call from the officer's side: state, questions, amendments, history."""
    call = get_call_for_user(request, code, pk)
    if call.status == Competition.Status.DRAFT:
        return redirect("competitions:call_edit", code=code, pk=call.pk)
    answered, earlier = thread_batch(_answered(call), request.GET.get("answered"))
    return render(
        request,
        "competitions/call_manage.html",
        {
            "call": call,
            "municipality": call.municipality,
            "phase": call.phase,
            # Questions waiting for an answer are work to do: all of them, the oldest
            # first; the answered ones a batch at a time, as on the public page.
            "open_questions": call.questions.filter(answer=""),
            "answered": answered,
            "earlier_answered": earlier,
            "amendments": call.amendments.all(),
            "history": AuditEvent.objects.for_object(call).select_related("actor")[:50],
            "answer_form": AnswerForm(),
            "panels": CALL_MANAGE.collect(request, call),
            "can_write": is_site_admin(request.user)
            or staff_membership(request.user, call.municipality) is not None,
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def call_publish(request: HttpRequest, code: str, pk: int) -> HttpResponse:
    call = get_call_for_user(request, code, pk, write=True)
    if request.method == "POST":
        try:
            publish_call(call, by=request)
        except CallNotReady as exc:
            for problem in exc.problems:
                messages.error(request, problem)
            return redirect("competitions:call_edit", code=code, pk=call.pk)
        except CompetitionsError as exc:
            messages.error(request, str(exc))
            return redirect("competitions:call_manage", code=code, pk=call.pk)
        messages.success(request, _("The call is announced. NGOs can see it now."))
        return redirect("competitions:call_manage", code=code, pk=call.pk)
    return render(
        request,
        "competitions/call_publish.html",
        {
            "call": call,
            "municipality": call.municipality,
            "not_ready": publication_problems(call),
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def call_cancel(request: HttpRequest, code: str, pk: int) -> HttpResponse:
    call = get_call_for_user(request, code, pk, write=True)
    form = CancelCallForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            cancel_call(call, reason=form.cleaned_data["reason"], by=request)
        except CompetitionsError as exc:
            messages.error(request, str(exc))
        else:
            messages.success(request, _("The call is cancelled; the reason is public."))
        return redirect("competitions:call_manage", code=code, pk=call.pk)
    return render(
        request,
        "competitions/call_cancel.html",
        {"call": call, "municipality": call.municipality, "form": form},
        status=400 if form.errors else 200,
    )


@login_required
@require_http_methods(["GET", "POST"])
def call_amend(request: HttpRequest, code: str, pk: int) -> HttpResponse:
    call = get_call_for_user(request, code, pk, write=True)
    initial = {
        "total_budget": call.total_budget,
        "max_per_bid": call.max_per_bid,
        "closes_at": timezone.localtime(call.closes_at),
    }
    form = AmendCallForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            amend_call(
                call,
                reason=data["reason"],
                changes={k: data[k] for k in ("total_budget", "max_per_bid", "closes_at")},
                by=request,
            )
        except CompetitionsError as exc:
            form.add_error(None, str(exc))
        else:
            messages.success(request, _("The amendment is published on the call's page."))
            return redirect("competitions:call_manage", code=code, pk=call.pk)
    return render(
        request,
        "competitions/call_amend.html",
        {"call": call, "municipality": call.municipality, "form": form},
        status=400 if form.errors else 200,
    )


@login_required
@require_POST
def question_answer(request: HttpRequest, code: str, pk: int, question_id: int) -> HttpResponse:
    call = get_call_for_user(request, code, pk, write=True)
    question = get_object_or_404(Question, pk=question_id, competition=call)
    form = AnswerForm(request.POST)
    if form.is_valid():
        answer_question(question, text=form.cleaned_data["answer"], by=request)
        messages.success(request, _("The answer is published."))
        # The latest answer is in the newest answered batch: the page opens at it.
        anchor = f"question-{question.pk}"
    else:
        messages.error(request, _("Write the answer first."))
        anchor = f"answer-{question.pk}"
    page = reverse("competitions:call_manage", kwargs={"code": code, "pk": call.pk})
    return redirect(f"{page}#{anchor}")
