"""A commission member's own pages for a call: the confidentiality declaration, the
list of admitted bids with the declaration and the member's sheet on each, reading a
bid's frozen submission and its documents (T6, T7) beside the member's score sheet
(T8), and, for the secretary and the chair, the scoring's progress and its closing.
Every change is a POST; an out-of-order step answers 409 (T20)."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseBadRequest, JsonResponse
from django.shortcuts import redirect, render
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django.utils.dateformat import format as date_format
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from applications.models import BidDocument, BidSubmission
from competitions.models import CommissionMember
from evaluation import confidentiality, scoring
from evaluation.exceptions import EvaluationError, OutOfOrder
from evaluation.forms import CloseScoringForm, ConfidentialityForm, ConflictForm, ScoreSheetForm
from evaluation.models import ConflictDeclaration, ScoreSheet
from evaluation.permissions import get_seat_for_user, get_submission_for_member
from evaluation.selectors import (
    admitted_submissions,
    own_sheets,
    peer_sheets,
    quorum_summary,
    scoring_progress,
)
from evaluation.services.declarations import declare_conflict, sign_confidentiality
from evaluation.services.results import ScoringIncomplete, close_scoring, closing_problems
from evaluation.services.sheets import SheetConflict, save_sheet, submit_sheet
from municipal_order.lib.downloads import private_file_response
from municipal_order.lib.edit_conflict import Conflict, field_differences

Role = CommissionMember.Role


def _call_url(seat: CommissionMember) -> str:
    return reverse("evaluation:commission_call", args=[seat.competition_id])


def _unsigned(request: HttpRequest, seat: CommissionMember) -> HttpResponse | None:
    """T7: nothing of the call's evaluation before the confidentiality declaration."""
    if seat.signed is not None:  # type: ignore[attr-defined]
        return None
    return redirect("evaluation:confidentiality", pk=seat.competition_id)


# --- confidentiality ---------------------------------------------------------------


def _render_confidentiality(
    request: HttpRequest, seat: CommissionMember, form: ConfidentialityForm, status: int = 200
) -> HttpResponse:
    call = seat.competition
    return render(
        request,
        "evaluation/confidentiality.html",
        {
            "call": call,
            "seat": seat,
            "signed": seat.signed,  # type: ignore[attr-defined]
            "paragraphs": confidentiality.paragraphs(),
            "form": form,
            "can_sign": call.phase.in_admission or call.phase.scoring,
        },
        status=status,
    )


@login_required
@require_GET
def confidentiality_form(request: HttpRequest, pk: int) -> HttpResponse:
    seat = get_seat_for_user(request, pk)
    form = ConfidentialityForm(initial={"text_sha256": confidentiality.text_sha256()})
    return _render_confidentiality(request, seat, form)


@login_required
@require_POST
def confidentiality_sign(request: HttpRequest, pk: int) -> HttpResponse:
    seat = get_seat_for_user(request, pk)
    form = ConfidentialityForm(request.POST)
    if not form.is_valid():
        return _render_confidentiality(request, seat, form, status=400)
    try:
        sign_confidentiality(seat, text_sha256=form.cleaned_data["text_sha256"], by=request)
    except EvaluationError as exc:
        form.add_error(None, str(exc))
        status = 409 if isinstance(exc, OutOfOrder) else 400
        if isinstance(exc, OutOfOrder):
            # A new wording: show it, with its own fingerprint, to read and sign again.
            form = _fresh_with_error(form, str(exc))
        return _render_confidentiality(request, seat, form, status=status)
    messages.success(request, _("The confidentiality declaration is signed."))
    return redirect(_call_url(seat))


def _fresh_with_error(form: ConfidentialityForm, error: str) -> ConfidentialityForm:
    fresh = ConfidentialityForm({"text_sha256": confidentiality.text_sha256()})
    fresh.is_valid()
    fresh.errors.clear()
    fresh.add_error(None, error)
    return fresh


# --- the member's list of bids -------------------------------------------------------


def _rows(seat: CommissionMember) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    """The admitted bids to work on and, apart, those the member is recused from."""
    submissions = list(admitted_submissions(seat.competition))
    sheets = own_sheets(seat)
    mine = {
        d.submission_id: d
        for d in ConflictDeclaration.objects.filter(
            seat=seat, submission__in=[s.pk for s in submissions]
        )
    }
    work, recused = [], []
    for s in submissions:
        declaration = mine.get(s.pk)
        row = {
            "submission": s,
            "organization": s.bid.organization.name,
            "title": s.content.get("title", ""),
            "declaration": declaration,
            "sheet": sheets.get(s.pk),
            "url": reverse("evaluation:commission_bid", args=[seat.competition_id, s.pk]),
        }
        (recused if declaration is not None and declaration.has_conflict else work).append(row)
    return work, recused


def _quorum(seat: CommissionMember) -> dict[str, Any] | None:
    """The chair's and the secretary's view of recusals: bids short of the quorum (every
    bid's, also those they are recused from)."""
    call = seat.competition
    if seat.role not in {Role.CHAIR, Role.SECRETARY} or not call.phase.scoring:
        return None
    return quorum_summary(call)


@login_required
@require_GET
def commission_call(request: HttpRequest, pk: int) -> HttpResponse:
    seat = get_seat_for_user(request, pk)
    if (unsigned := _unsigned(request, seat)) is not None:
        return unsigned
    call = seat.competition
    phase = call.phase
    work, recused = _rows(seat) if phase.is_closed and not phase.in_admission else ([], [])
    return _render_call(request, seat, work, recused)


def _render_call(
    request: HttpRequest,
    seat: CommissionMember,
    work: list[dict[str, Any]],
    recused: list[dict[str, Any]],
    *,
    close_form: CloseScoringForm | None = None,
    status: int = 200,
) -> HttpResponse:
    call = seat.competition
    phase = call.phase
    leads = seat.role in {Role.CHAIR, Role.SECRETARY}
    quorum = _quorum(seat)
    # The secretary and the chair follow who has submitted (never a value, T8) and
    # close the scoring.
    progress = scoring_progress(call) if leads and phase.scoring else None
    problems = (
        closing_problems(
            call,
            missing=sum(r["expected"] - r["done"] for r in progress),
            short=len(quorum["short"]) if quorum else None,
        )
        if progress is not None
        else []
    )
    return render(
        request,
        "evaluation/commission_call.html",
        {
            "call": call,
            "seat": seat,
            "phase": phase,
            "rows": work,
            "recused": recused,
            "to_declare": sum(1 for r in work if r["declaration"] is None),
            "to_score": sum(
                1
                for r in work
                if r["declaration"] is not None and not (r["sheet"] and r["sheet"].is_submitted)
            ),
            "quorum": quorum,
            "declaring_open": phase.scoring,
            "progress": progress,
            "closing_problems": problems,
            "close_form": close_form or CloseScoringForm(),
        },
        status=status,
    )


# --- one bid -------------------------------------------------------------------------


def _document_rows(submission: BidSubmission) -> list[dict[str, Any]]:
    """The documents frozen in the submission, each with its download link."""
    return [
        {
            **d,
            "url": reverse(
                "evaluation:commission_document",
                args=[submission.bid.competition_id, submission.pk, d["id"]],
            ),
        }
        for d in submission.content.get("documents", [])
    ]


def _render_bid(
    request: HttpRequest,
    seat: CommissionMember,
    submission: BidSubmission,
    declaration: ConflictDeclaration | None,
    *,
    form: ConflictForm | None = None,
    sheet_form: ScoreSheetForm | None = None,
    conflict: Conflict | None = None,
    status: int = 200,
) -> HttpResponse:
    call = seat.competition
    reading = declaration is not None and not declaration.has_conflict
    sheet = None
    if reading:
        sheet = (
            ScoreSheet.objects.filter(seat=seat, submission=submission)
            .prefetch_related("scores")
            .first()
        )
    criteria = list(call.criteria.order_by("position", "pk")) if reading else []
    if reading and sheet_form is None:
        sheet_form = ScoreSheetForm(
            criteria=criteria, initial=ScoreSheetForm.initial_for(sheet, criteria)
        )
    return render(
        request,
        "evaluation/commission_bid.html",
        {
            "call": call,
            "seat": seat,
            "submission": submission,
            "organization": submission.bid.organization.name,
            "title": submission.content.get("title", ""),
            "declaration": declaration,
            # Nothing of the content reaches the page before "no conflict" (T7).
            "content": readable(submission.content) if reading else None,
            "documents": _document_rows(submission) if reading else [],
            "form": form or ConflictForm(),
            "declaring_open": call.phase.scoring,
            # Scoring: while the call is in scoring, or after an appeal reopened the sheet.
            "sheet_open": call.phase.scoring
            or (sheet is not None and sheet.reopened_at is not None and not sheet.is_submitted),
            "sheet": sheet,
            "sheet_form": sheet_form,
            "scored": _summary(sheet, criteria) if sheet and sheet.is_submitted else None,
            "conflict": conflict,
            # T8: nothing of another member's sheet before this member's own is in.
            "peers": _peers(seat, submission, criteria) if reading else None,
        },
        status=status,
    )


def _summary(sheet: ScoreSheet, criteria: list) -> dict[str, Any]:
    """A submitted sheet as the page lists it: each criterion's score and comment, and
    the weighted total (0–100)."""
    scores = {s.criterion_id: s for s in sheet.scores.all()}
    total = scoring.sheet_total(
        [scoring.CriterionSpec(c.pk, c.weight, c.max_score) for c in criteria],
        {c.pk: scores[c.pk].value for c in criteria if c.pk in scores},
    )
    return {
        "sheet": sheet,
        "total": scoring.to_decimal(total),
        "rows": [{"criterion": c, "score": scores.get(c.pk)} for c in criteria],
    }


def _peers(
    seat: CommissionMember, submission: BidSubmission, criteria: list
) -> list[dict[str, Any]] | None:
    sheets = peer_sheets(seat, submission)
    return None if sheets is None else [_summary(sheet, criteria) for sheet in sheets]


@login_required
@require_GET
def commission_bid(request: HttpRequest, pk: int, submission_id) -> HttpResponse:
    seat = get_seat_for_user(request, pk)
    if (unsigned := _unsigned(request, seat)) is not None:
        return unsigned
    submission, declaration = get_submission_for_member(seat, submission_id)
    return _render_bid(request, seat, submission, declaration)


@login_required
@require_POST
def declare(request: HttpRequest, pk: int, submission_id) -> HttpResponse:
    seat = get_seat_for_user(request, pk)
    if (unsigned := _unsigned(request, seat)) is not None:
        return unsigned
    submission, declaration = get_submission_for_member(seat, submission_id)
    form = ConflictForm(request.POST)
    if not form.is_valid():
        return _render_bid(request, seat, submission, declaration, form=form, status=400)
    has_conflict = form.cleaned_data["has_conflict"] == ConflictForm.YES
    try:
        declare_conflict(
            seat,
            submission,
            has_conflict=has_conflict,
            statement=form.cleaned_data["statement"],
            by=request,
        )
    except EvaluationError as exc:
        form.add_error(None, str(exc))
        status = 409 if isinstance(exc, OutOfOrder) else 400
        return _render_bid(request, seat, submission, declaration, form=form, status=status)
    if has_conflict:
        messages.success(
            request,
            _("Your conflict of interest is recorded: you take no part in this bid."),
        )
        return redirect(_call_url(seat))
    messages.success(request, _("No conflict of interest declared: the bid is open to you."))
    return redirect("evaluation:commission_bid", pk=pk, submission_id=submission.pk)


@login_required
@require_GET
def commission_document(request: HttpRequest, pk: int, submission_id, document_id) -> HttpResponse:
    """A document of the frozen submission, for a member who declared no conflict."""
    seat = get_seat_for_user(request, pk)
    if (unsigned := _unsigned(request, seat)) is not None:
        return unsigned
    submission, declaration = get_submission_for_member(seat, submission_id)
    if declaration is None:  # T7: the declaration on the bid comes first
        return redirect("evaluation:commission_bid", pk=pk, submission_id=submission.pk)
    frozen = {d["id"] for d in submission.content.get("documents", [])}
    if str(document_id) not in frozen:
        raise Http404
    document = BidDocument.objects.filter(pk=document_id, bid=submission.bid).first()
    if document is None:
        raise Http404
    return private_file_response(document.file, filename=document.name, kind=document.kind)


def readable(content: dict[str, Any]) -> dict[str, Any]:
    """The frozen content as the page shows it: rows as unsaved model instances (their
    labels and computed amounts), dates and amounts typed again from the JSON."""
    import datetime
    from decimal import Decimal

    from applications.models import BudgetLine, Indicator, PlanActivity
    from competitions.models import PriorityProblem

    def decimal(row: dict[str, Any], *names: str) -> dict[str, Any]:
        return {
            k: Decimal(str(v)) if k in names and v not in (None, "") else v for k, v in row.items()
        }

    activities = [
        PlanActivity(
            **{
                **row,
                "starts_on": datetime.date.fromisoformat(row["starts_on"]),
                "ends_on": datetime.date.fromisoformat(row["ends_on"]),
            }
        )
        for row in content.get("activities", [])
    ]
    indicators = [
        Indicator(**decimal(row, "baseline", "target")) for row in content.get("indicators", [])
    ]
    lines = [
        BudgetLine(**decimal(row, "quantity", "unit_cost", "own_contribution", "other_sources"))
        for row in content.get("budget_lines", [])
    ]
    totals = {k: Decimal(str(v)) for k, v in content.get("totals", {}).items()}
    problem = content.get("problem")
    return {
        **{k: content.get(k, "") for k in ("title", "summary", "goal", "tasks", "team")},
        **{k: content.get(k, "") for k in ("target_group", "beneficiaries", "partners")},
        "problem": PriorityProblem.objects.filter(pk=problem).first() if problem else None,
        "activities": activities,
        "indicators": indicators,
        "lines": lines,
        "sums": totals,
    }


# --- the member's score sheet --------------------------------------------------------


def _member_on_bid(
    request: HttpRequest, pk: int, submission_id
) -> tuple[CommissionMember, BidSubmission, ConflictDeclaration]:
    """The seat and a bid it has declared no conflict with (the sheet's precondition)."""
    seat = get_seat_for_user(request, pk)
    if seat.signed is None:  # type: ignore[attr-defined]
        raise PermissionDenied(_("Sign the confidentiality declaration first."))
    submission, declaration = get_submission_for_member(seat, submission_id)
    if declaration is None:
        raise PermissionDenied(
            _("Declare whether you have a conflict of interest with the bid first.")
        )
    return seat, submission, declaration


def _sheet_conflict(
    request: HttpRequest,
    seat: CommissionMember,
    submission: BidSubmission,
    declaration: ConflictDeclaration,
    form: ScoreSheetForm,
    exc: SheetConflict,
    *,
    autosave: bool = False,
    confirm_error: str = "",
) -> HttpResponse:
    """The sheet saved in another tab beside this page's typing, and the choice (409)."""
    saved = ScoreSheetForm.initial_for(
        ScoreSheet.objects.filter(seat=seat, submission=submission)
        .prefetch_related("scores")
        .first(),
        form.criteria,
    )
    mine = {k: v for k, v in form.cleaned_data.items() if k != "version"}
    conflict = Conflict(
        message=str(exc),
        version=exc.version,
        form_id="sheet-form",
        resolve_url=reverse("evaluation:score_resolve", args=[seat.competition_id, submission.pk]),
        fields=field_differences(form, saved, mine),
        confirm_error=confirm_error,
    )
    if autosave:
        html = render_to_string("includes/_edit_conflict.html", {"conflict": conflict}, request)
        return JsonResponse(
            {"saved": False, "conflict": True, "error": str(exc), "html": html}, status=409
        )
    return _render_bid(
        request, seat, submission, declaration, sheet_form=form, conflict=conflict, status=409
    )


def _save(
    request: HttpRequest,
    seat: CommissionMember,
    submission: BidSubmission,
    declaration: ConflictDeclaration,
    *,
    overwrite_version: int | None = None,
) -> HttpResponse:
    autosave = request.headers.get("X-Autosave") == "1"
    submitting = request.POST.get("go") == "submit" and not autosave
    criteria = list(seat.competition.criteria.order_by("position", "pk"))
    form = ScoreSheetForm(request.POST, criteria=criteria, for_submit=submitting)
    request.session.modified = True  # someone scoring stays signed in
    if not form.is_valid():
        if autosave:
            return JsonResponse(
                {"saved": False, "error": _("Not saved yet: correct the marked fields.")},
                status=400,
            )
        return _render_bid(request, seat, submission, declaration, sheet_form=form, status=400)
    expected = form.cleaned_data["version"] if overwrite_version is None else overwrite_version
    try:
        sheet = save_sheet(
            seat,
            submission,
            entries=form.entries(),
            comment=form.cleaned_data["comment"],
            expected_version=expected,
            overwrite=overwrite_version is not None,
            by=request,
        )
        if submitting:
            sheet = submit_sheet(seat, submission, expected_version=sheet.version, by=request)
    except SheetConflict as exc:
        return _sheet_conflict(request, seat, submission, declaration, form, exc, autosave=autosave)
    except EvaluationError as exc:
        status = 409 if isinstance(exc, OutOfOrder) else 400
        if autosave:
            return JsonResponse({"saved": False, "error": str(exc)}, status=status)
        form.add_error(None, str(exc))
        return _render_bid(request, seat, submission, declaration, sheet_form=form, status=status)
    if autosave:
        saved_at = date_format(timezone.localtime(sheet.updated_at), "H:i:s")
        return JsonResponse(
            {
                "saved": True,
                "version": sheet.version,
                "message": _("Saved at %(time)s") % {"time": saved_at},
            }
        )
    if submitting:
        messages.success(request, _("Your scores are submitted. Thank you."))
        return redirect(_call_url(seat))
    messages.success(request, _("Your draft is saved."))
    return redirect(
        reverse("evaluation:commission_bid", args=[seat.competition_id, submission.pk]) + "#sheet"
    )


@login_required
@require_POST
def score(request: HttpRequest, pk: int, submission_id) -> HttpResponse:
    """Save the member's draft sheet (`X-Autosave: 1` answers in JSON for the script),
    or with `go=submit` save and submit it."""
    seat, submission, declaration = _member_on_bid(request, pk, submission_id)
    return _save(request, seat, submission, declaration)


@login_required
@require_POST
def score_resolve(request: HttpRequest, pk: int, submission_id) -> HttpResponse:
    """The choice after a sheet conflict: `resolve=theirs` shows the saved sheet;
    `resolve=mine` (box ticked, naming the version the conflict showed) saves this
    page's typing over it."""
    seat, submission, declaration = _member_on_bid(request, pk, submission_id)
    choice = request.POST.get("resolve")
    bid_url = reverse("evaluation:commission_bid", args=[pk, submission.pk]) + "#sheet"
    if choice == "theirs":
        messages.info(
            request, _("The saved sheet is shown. What you typed on that page was discarded.")
        )
        return redirect(bid_url)
    if choice != "mine":
        return HttpResponseBadRequest()
    try:
        seen = int(request.POST.get("conflict_version", ""))
    except ValueError:
        seen = -1
    if seen < 0 or request.POST.get("confirm_overwrite") != "on":
        criteria = list(seat.competition.criteria.order_by("position", "pk"))
        form = ScoreSheetForm(request.POST, criteria=criteria)
        if not form.is_valid():
            return _render_bid(request, seat, submission, declaration, sheet_form=form, status=400)
        sheet = ScoreSheet.objects.filter(seat=seat, submission=submission).first()
        version = sheet.version if sheet else 0
        exc = SheetConflict(
            _("Tick the box to replace the saved sheet with yours."),
            version=version,
            at=timezone.now(),
        )
        return _sheet_conflict(
            request,
            seat,
            submission,
            declaration,
            form,
            exc,
            confirm_error=_("Tick the box to confirm that your version replaces the saved one."),
        )
    return _save(request, seat, submission, declaration, overwrite_version=seen)


# --- closing the scoring (secretary, chair) -------------------------------------------


@login_required
@require_POST
def scoring_close(request: HttpRequest, pk: int) -> HttpResponse:
    seat = get_seat_for_user(request, pk)
    if seat.role not in {Role.SECRETARY, Role.CHAIR}:
        raise PermissionDenied(_("Only the commission's secretary or chair closes the scoring."))
    if (unsigned := _unsigned(request, seat)) is not None:
        return unsigned
    form = CloseScoringForm(request.POST)
    form.is_valid()
    try:
        close_scoring(
            seat.competition, override_reason=form.cleaned_data.get("reason", ""), by=request
        )
    except EvaluationError as exc:
        if isinstance(exc, ScoringIncomplete):
            form.add_error(
                "reason",
                _("Sheets are missing or a bid lacks a quorum: give the reason to close now."),
            )
        else:
            form.add_error(None, str(exc))
        status = 409 if isinstance(exc, OutOfOrder) else 400
        seat.competition.refresh_from_db()
        work, recused = _rows(seat)
        return _render_call(request, seat, work, recused, close_form=form, status=status)
    messages.success(request, _("The scoring is closed: the bids are ranked."))
    return redirect("evaluation:deliberation", pk=pk)
