from __future__ import annotations

import datetime
from typing import Any

from django import forms
from django.utils import timezone
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from evaluation.models import Admission
from evaluation.services.clarifications import MIN_ANSWER_TIME
from evaluation.services.files import FILES_PER_MESSAGE
from municipal_order.lib.dates import PlausibleDatesMixin

BISHKEK_DATETIME = forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M")


class DecisionForm(forms.Form):
    """Admit or not admit one bid; each bid's form has its own prefix on the page."""

    decision = forms.ChoiceField(
        label=_("Decision"),
        choices=[
            (Admission.Decision.ADMITTED, _("Admit")),
            (Admission.Decision.NOT_ADMITTED, _("Do not admit")),
        ],
        widget=forms.RadioSelect,
    )
    reason = forms.ChoiceField(
        label=_("Reason (when not admitted)"),
        choices=[("", "—"), *Admission.Reason.choices],
        required=False,
    )
    note = forms.CharField(
        label=_("Explanation for the applicant"),
        help_text=_("The applicant reads it; it is not published on the call's page."),
        widget=forms.Textarea(attrs={"rows": 2}),
        required=False,
        max_length=4000,
    )

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean()
        if cleaned.get("decision") == Admission.Decision.NOT_ADMITTED and not cleaned.get("reason"):
            self.add_error("reason", _("Choose the reason the bid is not admitted."))
        return cleaned


class ClarificationForm(PlausibleDatesMixin, forms.Form):
    question = forms.CharField(
        label=_("Question to the applicant"),
        widget=forms.Textarea(attrs={"rows": 2}),
        max_length=4000,
    )
    due_at = forms.DateTimeField(
        label=_("Answer by"),
        widget=BISHKEK_DATETIME,
        help_text=_("Bishkek time (UTC+6); at least one day from now."),
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if not self.is_bound and "due_at" not in self.initial:
            # Three days at 18:00 Bishkek time: a working day's end, easy to say.
            day = timezone.localdate() + datetime.timedelta(days=3)
            self.initial["due_at"] = timezone.make_aware(
                datetime.datetime.combine(day, datetime.time(18, 0))
            )

    def clean_due_at(self) -> datetime.datetime:
        due_at = self.cleaned_data["due_at"]
        if due_at < timezone.now() + MIN_ANSWER_TIME:
            raise forms.ValidationError(_("Give the applicant at least one day to answer."))
        return due_at


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultipleFileField(forms.FileField):
    """Several files in one input (Django's documented pattern)."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault(
            "widget", MultipleFileInput(attrs={"accept": ".pdf,.jpg,.jpeg,.png,.docx,.xlsx"})
        )
        super().__init__(*args, **kwargs)

    def clean(self, data: Any, initial: Any = None) -> list[Any]:
        single = super().clean
        if isinstance(data, list | tuple):
            return [single(d, initial) for d in data]
        return [single(data, initial)] if data else []


class WithFiles(forms.Form):
    """Text and up to five files checked by content (an answer, an appeal)."""

    files = MultipleFileField(label=_("Files (optional)"), required=False)
    field_order = ["text", "files"]

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["files"].help_text = gettext(
            "PDF, JPEG, PNG, DOCX or XLSX, up to 20 MB each, at most %(n)s files."
        ) % {"n": FILES_PER_MESSAGE}

    def clean_files(self) -> list[Any]:
        files = self.cleaned_data.get("files") or []
        if len(files) > FILES_PER_MESSAGE:
            raise forms.ValidationError(
                gettext("Attach at most %(count)s files.") % {"count": FILES_PER_MESSAGE}
            )
        return files


class AnswerForm(WithFiles):
    text = forms.CharField(
        label=_("Your answer"), widget=forms.Textarea(attrs={"rows": 4}), max_length=8000
    )


class AppealForm(WithFiles):
    text = forms.CharField(
        label=_("Your appeal"),
        help_text=_(
            "Which decision you disagree with and why; the commission answers with reasons."
        ),
        widget=forms.Textarea(attrs={"rows": 5}),
        max_length=8000,
    )


class AppealDecisionForm(forms.Form):
    UPHOLD, DISMISS = "uphold", "dismiss"
    outcome = forms.ChoiceField(
        label=_("Decision"),
        choices=[
            (UPHOLD, _("Uphold: the members score the bid again")),
            (DISMISS, _("Dismiss")),
        ],
        widget=forms.RadioSelect,
    )
    reasons = forms.CharField(
        label=_("Reasons"),
        help_text=_("Published with the outcome."),
        widget=forms.Textarea(attrs={"rows": 3}),
        max_length=8000,
    )


class ConfidentialityForm(forms.Form):
    agree = forms.BooleanField(
        label=_("I have read the declaration and undertake to keep to it"),
        error_messages={"required": _("Tick the box to sign the declaration.")},
    )
    # The fingerprint of the text the page showed: a changed wording is not signed unread.
    text_sha256 = forms.CharField(widget=forms.HiddenInput, max_length=64)


class ConflictForm(forms.Form):
    """The declaration on one bid: no conflict of interest, or a conflict with a statement."""

    NO, YES = "no", "yes"
    has_conflict = forms.ChoiceField(
        label=_("Do you have a conflict of interest with this applicant?"),
        choices=[
            (NO, _("No: I have no conflict of interest with this applicant")),
            (YES, _("Yes: I have a conflict of interest and take no part in this bid")),
        ],
        widget=forms.RadioSelect,
    )
    statement = forms.CharField(
        label=_("Statement (when there is a conflict)"),
        help_text=_("What ties you to the applicant. It goes into the call's records."),
        widget=forms.Textarea(attrs={"rows": 3}),
        required=False,
        max_length=4000,
    )

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean()
        if cleaned.get("has_conflict") == self.YES and not (cleaned.get("statement") or "").strip():
            self.add_error("statement", _("Describe the conflict of interest."))
        return cleaned


# --- scoring ------------------------------------------------------------------------


class ScoreSheetForm(forms.Form):
    """A member's sheet: per criterion a score 0..maximum and a comment (`score_<id>`,
    `comment_<id>`), an overall comment, and the version the page was loaded at.

    Scores may be empty while drafting; submitting needs all of them (`for_submit`).
    """

    comment = forms.CharField(
        label=_("Overall comment"),
        help_text=_("For the commission only: applicants and the public never read comments."),
        widget=forms.Textarea(attrs={"rows": 3}),
        required=False,
        max_length=4000,
    )
    version = forms.IntegerField(widget=forms.HiddenInput, min_value=0)

    def __init__(self, *args, criteria, for_submit: bool = False, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.criteria = list(criteria)
        fields: dict[str, forms.Field] = {}
        for c in self.criteria:
            fields[f"score_{c.pk}"] = forms.IntegerField(
                label=_("Score (0–%(max)d)") % {"max": c.max_score},
                min_value=0,
                max_value=c.max_score,
                required=for_submit,
                widget=forms.NumberInput(
                    attrs={
                        "inputmode": "numeric",
                        "class": "score-input",
                        "min": 0,
                        "max": c.max_score,
                    }
                ),
                error_messages={"required": _("Score this criterion.")},
            )
            fields[f"comment_{c.pk}"] = forms.CharField(
                label=_("Comment"),
                widget=forms.Textarea(attrs={"rows": 2}),
                required=False,
                max_length=2000,
            )
        # The criteria first, in order, then the overall comment.
        self.fields = {
            **fields,
            "comment": self.fields["comment"],
            "version": self.fields["version"],
        }

    def rows(self) -> list[dict[str, Any]]:
        """Each criterion with its two bound fields, for the template."""
        return [
            {"criterion": c, "score": self[f"score_{c.pk}"], "comment": self[f"comment_{c.pk}"]}
            for c in self.criteria
        ]

    def entries(self) -> dict[int, Any]:
        from evaluation.services.sheets import Entry

        return {
            c.pk: Entry(
                self.cleaned_data.get(f"score_{c.pk}"), self.cleaned_data.get(f"comment_{c.pk}", "")
            )
            for c in self.criteria
        }

    @staticmethod
    def initial_for(sheet, criteria) -> dict[str, Any]:
        initial: dict[str, Any] = {"version": sheet.version if sheet else 0}
        if sheet is None:
            return initial
        initial["comment"] = sheet.comment
        for score in sheet.scores.all():
            initial[f"score_{score.criterion_id}"] = score.value
            initial[f"comment_{score.criterion_id}"] = score.comment
        return initial


class CloseScoringForm(forms.Form):
    reason = forms.CharField(
        label=_("Reason for closing now"),
        help_text=_(
            "Required when sheets are missing or a bid lacks a quorum; it goes into the protocol."
        ),
        widget=forms.Textarea(attrs={"rows": 2}),
        required=False,
        max_length=4000,
    )


class ReductionForm(forms.Form):
    amount = forms.DecimalField(
        label=_("Reduced amount, KGS"), max_digits=14, decimal_places=2, min_value=0, required=False
    )
    reason = forms.CharField(
        label=_("Reason for the reduction"),
        widget=forms.Textarea(attrs={"rows": 2}),
        required=False,
        max_length=2000,
    )

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean()
        if cleaned.get("amount") is not None and not (cleaned.get("reason") or "").strip():
            self.add_error("reason", _("Give the reason for reducing the amount."))
        return cleaned


class MeetingForm(PlausibleDatesMixin, forms.Form):
    meeting_on = forms.DateField(
        label=_("Date of the meeting"), widget=forms.DateInput(attrs={"type": "date"})
    )
    place = forms.CharField(label=_("Place"), max_length=255, required=False)
    attendees = forms.ModelMultipleChoiceField(
        label=_("Members present"), queryset=None, widget=forms.CheckboxSelectMultiple
    )
    decisions = forms.CharField(
        label=_("Decisions of the meeting"),
        help_text=_(
            "What the commission decided: the ranking, the selection, reductions and votes."
        ),
        widget=forms.Textarea(attrs={"rows": 4}),
        max_length=8000,
    )

    def __init__(self, *args, seats, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["attendees"]
        field.queryset = seats  # type: ignore[attr-defined]
        field.label_from_instance = lambda seat: (
            f"{seat.user.full_name or seat.user.email} · {seat.get_role_display()}"
        )  # type: ignore[attr-defined]
