"""Priority problems: drafting, publishing, archiving, support and comments.

Atomic, locked, audited; notifications after commit.
"""

from __future__ import annotations

from typing import Any

from django.core.files.uploadedfile import UploadedFile
from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _

from audit.services import record, snapshot
from competitions.exceptions import CompetitionsError
from competitions.models import (
    Municipality,
    PriorityProblem,
    ProblemComment,
    ProblemSupport,
)
from municipal_order.lib.actors import By, acting_user
from municipal_order.lib.uploads import check_upload

PROBLEM_FIELDS = [
    "title",
    "description",
    "sphere",
    "beneficiaries",
    "estimated_cost",
    "assessment_method",
    "assessment_date",
    "participants",
    "women_participants",
]


def _problem_snapshot(problem: PriorityProblem) -> dict[str, Any]:
    data = snapshot(problem, [*PROBLEM_FIELDS, "status"])
    if problem.pk:
        data["target_groups"] = sorted(problem.target_groups.values_list("code", flat=True))
    data["minutes"] = problem.minutes_sha256 or None
    return data


def _attach_minutes(problem: PriorityProblem, upload: UploadedFile | None) -> None:
    if upload is None:
        return
    checked = check_upload(upload)
    problem.minutes.save(upload.name, upload, save=False)
    problem.minutes_name = checked.display_name
    problem.minutes_sha256 = checked.sha256


@transaction.atomic
def create_problem(
    municipality: Municipality,
    *,
    data: dict[str, Any],
    target_groups: Any,
    minutes: UploadedFile | None,
    by: By,
) -> PriorityProblem:
    problem = PriorityProblem(municipality=municipality, created_by=acting_user(by))
    for field in PROBLEM_FIELDS:
        setattr(problem, field, data.get(field))
    _attach_minutes(problem, minutes)
    problem.save()
    problem.target_groups.set(target_groups)
    record("problem.created", problem, by=by, after=_problem_snapshot(problem))
    return problem


@transaction.atomic
def update_problem(
    problem: PriorityProblem,
    *,
    data: dict[str, Any],
    target_groups: Any,
    minutes: UploadedFile | None,
    by: By,
) -> PriorityProblem:
    problem = PriorityProblem.objects.select_for_update().get(pk=problem.pk)
    if problem.status == PriorityProblem.Status.ARCHIVED:
        raise CompetitionsError(_("An archived problem cannot be changed."))
    before = _problem_snapshot(problem)
    for field in PROBLEM_FIELDS:
        setattr(problem, field, data.get(field))
    _attach_minutes(problem, minutes)
    problem.save()
    problem.target_groups.set(target_groups)
    after = _problem_snapshot(problem)
    if after != before:
        record("problem.updated", problem, by=by, before=before, after=after)
    return problem


def _transition(problem: PriorityProblem, method: str, action: str, by: By) -> PriorityProblem:
    with transaction.atomic():
        problem = PriorityProblem.objects.select_for_update().get(pk=problem.pk)
        before = {"status": problem.status}
        getattr(problem, method)()
        problem.save(update_fields=["status", "published_at", "archived_at", "updated_at"])
        record(action, problem, by=by, before=before, after={"status": problem.status})
    return problem


def publish_problem(problem: PriorityProblem, *, by: By) -> PriorityProblem:
    return _transition(problem, "publish", "problem.published", by)


def mark_problem_addressed(problem: PriorityProblem, *, by: By) -> PriorityProblem:
    """Within the caller's transaction when there is one (completing a project)."""
    return _transition(problem, "mark_addressed", "problem.addressed", by)


def archive_problem(problem: PriorityProblem, *, by: By) -> PriorityProblem:
    return _transition(problem, "archive", "problem.archived", by)


def support_problem(problem: PriorityProblem, *, user: Any) -> bool:
    """Count a resident's support once. Returns False if they had already supported it."""
    with transaction.atomic():
        problem = PriorityProblem.objects.select_for_update().get(pk=problem.pk)
        if not problem.accepts_support:
            raise CompetitionsError(_("This problem no longer collects support."))
        try:
            with transaction.atomic():
                ProblemSupport.objects.create(problem=problem, user=user)
        except IntegrityError:
            return False
        PriorityProblem.objects.filter(pk=problem.pk).update(support_count=F("support_count") + 1)
        record("problem.supported", problem, by=user)
    return True


@transaction.atomic
def add_comment(problem: PriorityProblem, *, user: Any, text: str) -> ProblemComment:
    if not problem.is_public:
        raise CompetitionsError(_("Comments are open once the problem is published."))
    comment = ProblemComment.objects.create(problem=problem, author=user, text=text.strip())
    record("problem.commented", problem, by=user, after={"comment": comment.pk})
    return comment


@transaction.atomic
def hide_comment(comment: ProblemComment, *, reason: str, by: By) -> ProblemComment:
    comment = ProblemComment.objects.select_for_update().get(pk=comment.pk)
    if comment.hidden_at is None:
        comment.hidden_at = timezone.now()
        comment.hidden_by = acting_user(by)
        comment.hidden_reason = reason
        comment.save(update_fields=["hidden_at", "hidden_by", "hidden_reason"])
        record(
            "problem.comment_hidden",
            comment.problem,
            by=by,
            before={"comment": comment.pk, "text": comment.text},
            after={"reason": reason},
        )
    return comment
