"""Bids: apply to a call, fill in the steps (with autosave), attach files, submit, withdraw."""

from __future__ import annotations

import datetime
import logging
import re
import uuid

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.db.models import prefetch_related_objects
from django.http import (
    Http404,
    HttpRequest,
    HttpResponse,
    HttpResponseBadRequest,
    HttpResponseNotAllowed,
    JsonResponse,
)
from django.shortcuts import get_object_or_404, redirect, render
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django.utils.dateformat import format as date_format
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from applications.budget import totals
from applications.exceptions import (
    AlreadySubmitted,
    ApplicationsError,
    BidIncomplete,
    EditConflict,
    SubmissionClosed,
)
from applications.extensions import BID_PAGE
from applications.forms import (
    ActivityFormSet,
    ApplyForm,
    BidForm,
    BudgetFormSet,
    CharterForm,
    DocumentForm,
    IndicatorFormSet,
)
from applications.models import Bid, BidSubmission
from applications.permissions import WRITE_ROLES, get_bid_document_for_user, get_bid_for_user
from applications.services.drafting import (
    collection_rows,
    edit_conflict,
    save_bid,
    start_bid,
    step_version,
)
from applications.services.files import (
    add_document,
    attach_charter,
    charter_attached,
    remove_document,
)
from applications.services.submission import discard_draft, reconfirm_bid, submit_bid, withdraw_bid
from applications.steps import STEP_KEYS, STEPS, missing_by_step
from competitions.permissions import get_public_call
from competitions.phases import Phase
from documents.models import GeneratedDocument
from municipal_order.lib.clock import arrival_time
from municipal_order.lib.downloads import private_file_response
from municipal_order.lib.edit_conflict import Conflict, field_differences, row_differences

logger = logging.getLogger(__name__)

STEP_BY_KEY = {step.key: step for step in STEPS}
IDEMPOTENCY_KEY = re.compile(r"[A-Za-z0-9_-]{1,64}")
DEADLINE_WARNING = datetime.timedelta(hours=24)
# Steps with a repeating part: step → (related name, formset class, form prefix).
STEP_PARTS = {
    "plan": ("activities", ActivityFormSet, "plan"),
    "results": ("indicators", IndicatorFormSet, "indicators"),
    "budget": ("budget_lines", BudgetFormSet, "budget"),
}


@login_required
@require_POST
def apply(request: HttpRequest, pk: int) -> HttpResponse:
    call = get_public_call(pk)
    form = ApplyForm(request.POST, user=request.user)
    if not form.is_valid():
        messages.error(request, _("Choose the organisation you apply for."))
        return redirect("competitions:call_detail", pk=call.pk)
    try:
        bid = start_bid(call, form.cleaned_data["organization"], by=request)
    except ApplicationsError as exc:
        messages.error(request, str(exc))
        return redirect("competitions:call_detail", pk=call.pk)
    return redirect("applications:bid_step", pk=bid.pk, step=STEP_KEYS[0])


def _editable(bid: Bid, phase: Phase) -> bool:
    return bid.status == Bid.Status.DRAFT and phase.before_deadline


def _can_write(bid: Bid) -> bool:
    """`bid` comes from get_bid_for_user, which sets the reader's role in its organisation."""
    return bid.member_role in WRITE_ROLES


def _context(request: HttpRequest, bid: Bid, **extra) -> dict:
    """What every bid page shows: the steps with their state, totals, receipts, actions."""
    # The missing-items check, the totals and the preview all read these: once.
    prefetch_related_objects([bid], "budget_lines", "activities")
    is_draft = bid.status == Bid.Status.DRAFT
    phase = bid.competition.phase
    missing = missing_by_step(bid) if is_draft else {}
    steps = [
        {"key": s.key, "title": s.title, "number": n, "missing": missing.get(s.key, [])}
        for n, s in enumerate(STEPS, start=1)
    ]
    flat = [item for items in missing.values() for item in items]
    return {
        "bid": bid,
        "call": bid.competition,
        "steps": steps,
        "done_count": sum(1 for s in steps if not s["missing"]),
        "missing": flat,
        "sums": totals(bid.budget_lines.all()),
        "submissions": bid.submissions.all(),
        "editable": _editable(bid, phase),
        "can_write": _can_write(bid),
        "is_member": bid.member_role is not None,
        "idempotency_key": uuid.uuid4().hex,
        "phase": phase,
        # On a slow connection a last-minute upload can cross the deadline (T16).
        "deadline_near": phase.accepting
        and bid.competition.closes_at - timezone.now() < DEADLINE_WARNING,
        **extra,
    }


@login_required
@require_GET
def bid_detail(request: HttpRequest, pk) -> HttpResponse:
    """The whole bid on one page: the preview before submitting, the record after."""
    bid = get_bid_for_user(request, pk)
    context = _context(request, bid, preview=True, document_groups=_document_groups(bid))
    # Taken after _context, whose prefetch they then read instead of querying again.
    context.update(
        activities=bid.activities.all(),
        indicators=bid.indicators.all(),
        lines=bid.budget_lines.all(),
        # Later apps' panels: admission and clarifications, results, the project.
        panels=BID_PAGE.collect(request, bid),
    )
    return render(request, "applications/bid_detail.html", context)


def _step_forms(bid: Bid, step: str, data=None) -> tuple[BidForm, object | None]:
    form = BidForm(
        data,
        instance=bid,
        call=bid.competition,
        fields=STEP_BY_KEY[step].fields,
        version=step_version(bid, step),
    )
    if step not in STEP_PARTS:
        return form, None
    related, formset_class, prefix = STEP_PARTS[step]
    if data is not None:
        return form, formset_class(data, prefix=prefix)
    initial = collection_rows(bid, related)
    return form, formset_class(initial=initial, prefix=prefix)


def _document_groups(bid: Bid) -> list[tuple[str, list]]:
    """The call's required documents in its order, each with its files; then the others."""
    documents = list(bid.documents.current())
    required = bid.competition.required_document_list
    groups = [(name, [d for d in documents if d.requirement == name]) for name in required]
    others = [d for d in documents if d.requirement not in required]
    return [*groups, ("", others)]


def _render_step(request, bid, step, form, formset, status=200, **extra) -> HttpResponse:
    context = _context(request, bid, step=STEP_BY_KEY[step], form=form, formset=formset, **extra)
    if step == "documents":
        groups = _document_groups(bid)
        # The form offers the first required document still missing.
        first_missing = next((name for name, docs in groups if name and not docs), "")
        context.setdefault(
            "document_form",
            DocumentForm(call=bid.competition, initial={"requirement": first_missing}),
        )
        context["document_groups"] = groups
        if bid.organization.charter and not charter_attached(bid):
            context.setdefault("charter_form", CharterForm(call=bid.competition))
    keys = STEP_KEYS
    index = keys.index(step)
    context["current"] = index + 1
    context["previous_step"] = keys[index - 1] if index else None
    context["next_step"] = keys[index + 1] if index + 1 < len(keys) else None
    return render(request, "applications/bid_step.html", context, status=status)


@login_required
@require_http_methods(["GET", "POST"])
def bid_step(request: HttpRequest, pk, step: str) -> HttpResponse:
    """One step of the bid form. With `X-Autosave: 1` a POST answers in JSON for the script."""
    if step not in STEP_BY_KEY:
        raise Http404
    if request.method == "POST" and step == "documents":
        return HttpResponseNotAllowed(["GET"])  # files go to the upload view
    bid = get_bid_for_user(request, pk, write=request.method == "POST")
    if request.method == "GET":
        if not (_editable(bid, bid.competition.phase) and _can_write(bid)):
            return redirect("applications:bid_detail", pk=bid.pk)
        form, formset = _step_forms(bid, step)
        return _render_step(request, bid, step, form, formset)

    autosave = request.headers.get("X-Autosave") == "1"
    # Someone writing a bid stays logged in: each save renews the session's expiry.
    request.session.modified = True
    form, formset = _step_forms(bid, step, request.POST)
    if not (form.is_valid() and (formset is None or formset.is_valid())):
        if autosave:
            return JsonResponse(
                {"saved": False, "error": _("Not saved yet: correct the marked fields.")},
                status=400,
            )
        # The page's error summary says it, with a link to each marked field.
        bid.refresh_from_db()
        return _render_step(request, bid, step, form, formset, status=400)
    parts = {STEP_PARTS[step][0]: formset.rows()} if formset is not None else {}
    try:
        bid = save_bid(
            bid,
            data={k: v for k, v in form.cleaned_data.items() if k != "version"},
            expected_version=form.cleaned_data["version"],
            by=request,
            step=step,
            **parts,
        )
    except EditConflict as exc:
        # Nothing is saved and the page keeps its old version: saving again is refused
        # again until the editor chooses (bid_step_resolve).
        return _conflict_response(request, bid, step, form, formset, exc, autosave=autosave)
    except ApplicationsError as exc:
        if autosave:
            return JsonResponse({"saved": False, "error": str(exc), "conflict": False}, status=409)
        messages.error(request, str(exc))
        bid.refresh_from_db()
        return _render_step(request, bid, step, form, formset, status=409)
    if autosave:
        saved_at = date_format(timezone.localtime(bid.updated_at), "H:i:s")
        return JsonResponse(
            {
                "saved": True,
                "version": step_version(bid, step),
                "message": _("Saved at %(time)s") % {"time": saved_at},
            }
        )
    messages.success(request, _("Saved."))
    target = request.POST.get("go")
    if target == "preview":
        return redirect("applications:bid_detail", pk=bid.pk)
    if target not in STEP_BY_KEY:
        target = step
    return redirect("applications:bid_step", pk=bid.pk, step=target)


def _conflict_response(
    request, bid, step, form, formset, exc: EditConflict, *, autosave=False, confirm_error=""
) -> HttpResponse:
    """The colleague's saved version beside this editor's typing, and the choice (409).

    The autosave script gets the same panel as HTML to put at the top of the page.
    """
    bid.refresh_from_db()  # the form's validation wrote the typing into the instance
    mine = {k: v for k, v in form.cleaned_data.items() if k != "version"}
    conflict = Conflict(
        message=str(exc),
        version=exc.version,
        form_id="step-form",
        resolve_url=reverse("applications:bid_step_resolve", kwargs={"pk": bid.pk, "step": step}),
        fields=field_differences(form, {name: getattr(bid, name) for name in mine}, mine),
        confirm_error=confirm_error,
    )
    if formset is not None:
        saved_rows = collection_rows(bid, STEP_PARTS[step][0])
        conflict.rows = row_differences(formset, saved_rows, formset.rows())
    if autosave:
        html = render_to_string("includes/_edit_conflict.html", {"conflict": conflict}, request)
        return JsonResponse(
            {"saved": False, "conflict": True, "error": str(exc), "html": html}, status=409
        )
    return _render_step(request, bid, step, form, formset, status=409, conflict=conflict)


@login_required
@require_POST
def bid_step_resolve(request: HttpRequest, pk, step: str) -> HttpResponse:
    """The choice after an edit conflict on a step.

    `resolve=theirs` drops the typing and shows the saved version. `resolve=mine`
    saves the typing over the colleague's version, only with the box ticked and
    `conflict_version` naming the version the conflict showed: a save made since
    is a new conflict, shown the same way.
    """
    if step not in STEP_BY_KEY or step == "documents":
        raise Http404
    bid = get_bid_for_user(request, pk, write=True)
    choice = request.POST.get("resolve")
    if choice == "theirs":
        messages.info(
            request, _("The saved version is shown. What you typed in this step was discarded.")
        )
        return redirect("applications:bid_step", pk=bid.pk, step=step)
    if choice != "mine":
        return HttpResponseBadRequest()
    request.session.modified = True
    form, formset = _step_forms(bid, step, request.POST)
    if not (form.is_valid() and (formset is None or formset.is_valid())):
        bid.refresh_from_db()
        return _render_step(request, bid, step, form, formset, status=400)
    try:
        seen = int(request.POST.get("conflict_version", ""))
    except ValueError:
        seen = -1
    if seen < 0 or request.POST.get("confirm_overwrite") != "on":
        bid.refresh_from_db()
        return _conflict_response(
            request,
            bid,
            step,
            form,
            formset,
            edit_conflict(bid, step, by=request),
            confirm_error=_("Tick the box to confirm that your version replaces the saved one."),
        )
    parts = {STEP_PARTS[step][0]: formset.rows()} if formset is not None else {}
    try:
        bid = save_bid(
            bid,
            data={k: v for k, v in form.cleaned_data.items() if k != "version"},
            expected_version=seen,
            by=request,
            step=step,
            resolve="mine",
            **parts,
        )
    except EditConflict as exc:
        return _conflict_response(request, bid, step, form, formset, exc)
    except ApplicationsError as exc:
        messages.error(request, str(exc))
        bid.refresh_from_db()
        return _render_step(request, bid, step, form, formset, status=409)
    messages.success(request, _("Your version is saved; it replaced the one saved before."))
    return redirect("applications:bid_step", pk=bid.pk, step=step)


@login_required
@require_POST
def document_upload(request: HttpRequest, pk) -> HttpResponse:
    bid = get_bid_for_user(request, pk, write=True)
    script = request.headers.get("X-Upload") == "1"  # sent with a progress bar
    form = DocumentForm(request.POST, request.FILES, call=bid.competition)
    if form.is_valid():
        try:
            document = add_document(
                bid,
                upload=form.cleaned_data["file"],
                requirement=form.cleaned_data["requirement"],
                by=request,
            )
        except ValidationError as exc:
            form.add_error("file", exc)
        except ApplicationsError as exc:
            form.add_error(None, str(exc))
        else:
            messages.success(request, _("“%(name)s” is attached.") % {"name": document.name})
            target = reverse("applications:bid_step", kwargs={"pk": bid.pk, "step": "documents"})
            if script:
                return JsonResponse({"attached": True, "redirect": target})
            return redirect(target)
    if script:
        # The page's upload script shows these next to the form, without a reload.
        errors = [str(e) for errors in form.errors.values() for e in errors]
        return JsonResponse({"attached": False, "errors": errors}, status=400)
    return _render_step(request, bid, "documents", None, None, status=400, document_form=form)


@login_required
@require_POST
def document_charter(request: HttpRequest, pk) -> HttpResponse:
    """Attach the charter kept in the organisation's profile (no second upload)."""
    bid = get_bid_for_user(request, pk, write=True)
    form = CharterForm(request.POST, call=bid.competition)
    if form.is_valid():
        try:
            document = attach_charter(bid, requirement=form.cleaned_data["requirement"], by=request)
        except ValidationError as exc:
            form.add_error(None, exc)
        except ApplicationsError as exc:
            form.add_error(None, str(exc))
        else:
            messages.success(request, _("“%(name)s” is attached.") % {"name": document.name})
            return redirect("applications:bid_step", pk=bid.pk, step="documents")
    return _render_step(request, bid, "documents", None, None, status=400, charter_form=form)


@login_required
@require_POST
def document_remove(request: HttpRequest, pk, document_id) -> HttpResponse:
    document = get_bid_document_for_user(request, pk, document_id, write=True)
    try:
        remove_document(document, by=request)
    except ApplicationsError as exc:
        messages.error(request, str(exc))
    else:
        messages.success(request, _("“%(name)s” is removed.") % {"name": document.name})
    return redirect("applications:bid_step", pk=pk, step="documents")


@login_required
@require_GET
def document_download(request: HttpRequest, pk, document_id) -> HttpResponse:
    document = get_bid_document_for_user(request, pk, document_id)
    return private_file_response(document.file, filename=document.name, kind=document.kind)


@login_required
@require_POST
def bid_submit(request: HttpRequest, pk) -> HttpResponse:
    bid = get_bid_for_user(request, pk, write=True)
    key = request.POST.get("idempotency_key", "")
    if not IDEMPOTENCY_KEY.fullmatch(key):
        # The page sends a hex key; anything else (a NUL byte, a megabyte) is no retry.
        key = uuid.uuid4().hex
    try:
        submission = submit_bid(
            bid, idempotency_key=key, by=request, received_at=arrival_time(request)
        )
    except BidIncomplete as exc:
        for item in exc.missing:
            messages.error(request, item)
        return redirect("applications:bid_detail", pk=bid.pk)
    except AlreadySubmitted:
        # A stale tab (or a colleague) submitting again: the bid is in, show its receipt.
        active = bid.submissions.filter(status=BidSubmission.Status.ACTIVE).first()
        if active is None:  # withdrawn meanwhile: say so on the bid's page
            return redirect("applications:bid_detail", pk=bid.pk)
        messages.info(request, _("This bid is already submitted: here is its receipt."))
        return redirect("applications:receipt", pk=bid.pk, submission_id=active.pk)
    except SubmissionClosed as exc:
        return _not_submitted(request, bid, str(exc), status=409)
    except Exception:
        # Whatever broke, the transaction rolled back: no submission, the draft intact (T45).
        logger.exception("bid submission failed", extra={"bid": str(bid.pk)})
        return _not_submitted(
            request,
            bid,
            _("The bid was not submitted because of a fault on our side. Please try again."),
            status=503,
            retry=True,
        )
    return redirect("applications:receipt", pk=bid.pk, submission_id=submission.pk)


def _not_submitted(request, bid, reason: str, *, status: int, retry: bool = False) -> HttpResponse:
    # A retry reuses the key: if the first attempt did land after all, it returns its receipt.
    return render(
        request,
        "applications/bid_not_submitted.html",
        {
            "bid": bid,
            "reason": reason,
            "retry": retry,
            "idempotency_key": request.POST.get("idempotency_key", ""),
        },
        status=status,
    )


@login_required
@require_POST
def bid_withdraw(request: HttpRequest, pk) -> HttpResponse:
    bid = get_bid_for_user(request, pk, write=True)
    try:
        withdraw_bid(bid, by=request)
    except ApplicationsError as exc:
        messages.error(request, str(exc))
    else:
        messages.success(
            request,
            _("The bid is withdrawn and back to draft. Submit it again before the deadline."),
        )
    return redirect("applications:bid_detail", pk=bid.pk)


@login_required
@require_POST
def bid_discard(request: HttpRequest, pk) -> HttpResponse:
    bid = get_bid_for_user(request, pk, write=True)
    try:
        discard_draft(bid, by=request)
    except ApplicationsError as exc:
        messages.error(request, str(exc))
        return redirect("applications:bid_detail", pk=bid.pk)
    messages.success(request, _("The draft is deleted."))
    return redirect("applications:my_organizations")


@login_required
@require_POST
def bid_reconfirm(request: HttpRequest, pk) -> HttpResponse:
    bid = get_bid_for_user(request, pk, write=True)
    try:
        reconfirm_bid(bid, by=request)
    except BidIncomplete as exc:
        for item in exc.missing:
            messages.error(request, item)
    except ApplicationsError as exc:
        messages.error(request, str(exc))
    else:
        messages.success(request, _("Confirmed: the bid stands under the amended conditions."))
    return redirect("applications:bid_detail", pk=bid.pk)


def _receipts(submission: BidSubmission) -> list[GeneratedDocument]:
    """The newest receipt PDF in each language."""
    documents = GeneratedDocument.objects.for_object(submission, kind="bid-receipt").order_by(
        "language", "-created_at"
    )
    newest: dict[str, GeneratedDocument] = {}
    for document in documents:
        newest.setdefault(document.language, document)
    return list(newest.values())


@login_required
@require_GET
def receipt(request: HttpRequest, pk, submission_id) -> HttpResponse:
    bid = get_bid_for_user(request, pk)
    submission = get_object_or_404(BidSubmission, pk=submission_id, bid=bid)
    return render(
        request,
        "applications/receipt.html",
        {"bid": bid, "submission": submission, "receipts": _receipts(submission)},
    )


@login_required
@require_GET
def receipt_pdf(request: HttpRequest, pk) -> HttpResponse:
    """The latest receipt as PDF, in the reader's language when there is one."""
    bid = get_bid_for_user(request, pk)
    submission = bid.submissions.first()
    if submission is None:
        raise Http404
    ready = [d for d in _receipts(submission) if d.is_ready]
    document = next((d for d in ready if d.language == request.LANGUAGE_CODE), None) or next(
        iter(ready), None
    )
    if document is None:
        return redirect("applications:receipt", pk=bid.pk, submission_id=submission.pk)
    return private_file_response(document.file, filename=document.download_name)
