from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from evaluation.forms import MultipleFileField
from monitoring.models import Milestone, Project, ReportVersion, SiteVisit, Tranche
from monitoring.services.projects import TrancheRow
from monitoring.services.reports import ReportData
from municipal_order.lib.dates import PlausibleDatesMixin

DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


class AgreementForm(PlausibleDatesMixin, forms.ModelForm):
    version = forms.IntegerField(widget=forms.HiddenInput, min_value=0)

    class Meta:
        model = Project
        fields = ["municipality_signatory", "organization_signatory", "starts_on", "ends_on"]
        widgets = {"starts_on": DATE, "ends_on": DATE}
        help_texts = {
            "municipality_signatory": _("Name and position, e.g. the head of the ayil okmotu."),
            "organization_signatory": _("Name and position of the organisation's head."),
        }


class TrancheForm(PlausibleDatesMixin, forms.Form):
    amount = forms.DecimalField(
        label=_("Amount, KGS"), max_digits=14, decimal_places=2, min_value=0
    )
    due_on = forms.DateField(label=_("Due"), widget=DATE)
    # A blank first choice: an unused row of the schedule stays blank and is skipped.
    condition = forms.ChoiceField(
        label=_("Condition"), choices=[("", "—"), *Tranche.Condition.choices]
    )


class BaseTrancheFormSet(forms.BaseFormSet):
    def rows(self) -> list[TrancheRow]:
        """The filled-in rows (an empty row is skipped)."""
        return [
            TrancheRow(
                f.cleaned_data["amount"], f.cleaned_data["due_on"], f.cleaned_data["condition"]
            )
            for f in self.forms
            if f.cleaned_data and not f.cleaned_data.get("DELETE")
        ]


TrancheFormSet = forms.formset_factory(TrancheForm, formset=BaseTrancheFormSet, extra=1, max_num=12)


def tranche_initial(project: Project) -> list[dict[str, Any]]:
    return [
        {"amount": t.amount, "due_on": t.due_on, "condition": t.condition}
        for t in project.tranches.all()
    ]


class SignForm(PlausibleDatesMixin, forms.Form):
    signed_on = forms.DateField(label=_("Signed on"), widget=DATE)


class AmendmentForm(PlausibleDatesMixin, forms.Form):
    ends_on = forms.DateField(label=_("The project ends"), widget=DATE)
    reason = forms.CharField(
        label=_("Reason for the amendment"),
        widget=forms.Textarea(attrs={"rows": 2}),
        max_length=4000,
    )


class PaymentForm(PlausibleDatesMixin, forms.Form):
    tranche = forms.ModelChoiceField(label=_("Tranche"), queryset=Tranche.objects.none())
    amount = forms.DecimalField(
        label=_("Amount, KGS"), max_digits=14, decimal_places=2, min_value=0
    )
    paid_on = forms.DateField(label=_("Paid on"), widget=DATE)
    reference = forms.CharField(label=_("Payment order No."), max_length=64)

    def __init__(self, *args: Any, project: Project, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["tranche"]
        field.queryset = project.tranches.all()  # type: ignore[attr-defined]
        field.label_from_instance = lambda t: (  # type: ignore[attr-defined]
            f"{t.position + 1}. {t.get_condition_display()} · {t.due_on:%d.%m.%Y}"
        )


class MilestoneForm(forms.Form):
    status = forms.ChoiceField(label=_("Status"), choices=Milestone.Status.choices)
    percent = forms.IntegerField(label=_("percent complete"), min_value=0, max_value=100)


class IndicatorValueForm(PlausibleDatesMixin, forms.Form):
    value = forms.DecimalField(label=_("Actual value"), max_digits=14, decimal_places=2)
    measured_on = forms.DateField(label=_("As of"), widget=DATE)
    note = forms.CharField(label=_("Note"), max_length=255, required=False)


class VisitForm(PlausibleDatesMixin, forms.Form):
    visited_on = forms.DateField(label=_("Date of the visit"), widget=DATE)
    participants = forms.CharField(
        label=_("Participants"),
        help_text=_("Who took part: the officers, the organisation's people, others."),
        widget=forms.Textarea(attrs={"rows": 2}),
        max_length=2000,
    )
    findings = forms.CharField(
        label=_("Findings"), widget=forms.Textarea(attrs={"rows": 4}), max_length=8000
    )
    recommendations = forms.CharField(
        label=_("Recommendations"),
        widget=forms.Textarea(attrs={"rows": 2}),
        max_length=4000,
        required=False,
    )
    rating = forms.ChoiceField(
        label=_("Rating"), choices=SiteVisit.Rating.choices, widget=forms.RadioSelect
    )
    photos = MultipleFileField(
        label=_("Photos (optional)"),
        help_text=_("JPEG or PNG, up to 20 MB each, at most 5."),
        required=False,
    )

    def clean_photos(self) -> list[Any]:
        photos = self.cleaned_data.get("photos") or []
        if len(photos) > 5:
            raise forms.ValidationError(_("Attach at most 5 photos."))
        return photos


class ReportForm(forms.Form):
    """A progress report: what was done, beneficiaries reached, spending per budget line
    of the frozen bid, indicator values and milestones, files. A revision starts from
    the previous version, with its files kept unless unticked."""

    narrative = forms.CharField(
        label=_("What was done"),
        help_text=_("Activities carried out in the period, results, difficulties."),
        widget=forms.Textarea(attrs={"rows": 8}),
        max_length=20000,
    )
    reached = forms.IntegerField(label=_("Beneficiaries reached, in total"), min_value=0)
    reached_women = forms.IntegerField(label=_("of them women and girls"), min_value=0)
    reached_disabled = forms.IntegerField(label=_("of them people with disabilities"), min_value=0)
    reached_children = forms.IntegerField(label=_("of them children"), min_value=0)
    files = MultipleFileField(
        label=_("Attach files (optional)"),
        help_text=_(
            "Acts, invoices, photos, lists of participants: PDF, JPEG, PNG, DOCX or XLSX,"
            " up to 20 MB each, at most 5."
        ),
        required=False,
    )
    keep = forms.MultipleChoiceField(
        label=_("Files of the previous version to keep"),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )

    def __init__(
        self,
        *args: Any,
        project: Project,
        lines: list[dict[str, Any]],
        previous: ReportVersion | None = None,
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        self.lines = lines
        self.indicator_list = list(project.indicators.all())
        self.milestone_list = list(project.milestones.all())
        spent = {row["line"]: row["spent"] for row in previous.spending} if previous else {}
        values = {row["indicator"]: row["value"] for row in previous.indicators} if previous else {}
        reported = {row["milestone"]: row for row in previous.milestones} if previous else {}
        for i, line in enumerate(lines):
            self.fields[f"spent_{i}"] = forms.DecimalField(
                label=line.get("item", ""),
                max_digits=14,
                decimal_places=2,
                min_value=0,
                initial=spent.get(i, 0),
            )
        for ind in self.indicator_list:
            self.fields[f"value_{ind.pk}"] = forms.DecimalField(
                label=ind.name,
                max_digits=14,
                decimal_places=2,
                required=False,
                initial=values.get(ind.pk),
            )
        for m in self.milestone_list:
            row = reported.get(m.pk, {"status": m.status, "percent": m.percent})
            self.fields[f"status_{m.pk}"] = forms.ChoiceField(
                label=_("Status"),
                choices=Milestone.Status.choices,
                initial=row["status"],
                widget=forms.Select(attrs={"class": "form-select"}),
            )
            self.fields[f"percent_{m.pk}"] = forms.IntegerField(
                label=_("percent complete"),
                min_value=0,
                max_value=100,
                initial=row["percent"],
                widget=forms.NumberInput(attrs={"class": "form-control", "inputmode": "numeric"}),
            )
        if previous is not None:
            for name in (
                "narrative",
                "reached",
                "reached_women",
                "reached_disabled",
                "reached_children",
            ):
                self.fields[name].initial = getattr(previous, name)
            files = list(previous.files.all())
            self.fields["keep"].choices = [(str(f.pk), f.name) for f in files]
            self.fields["keep"].initial = [str(f.pk) for f in files]
        else:
            del self.fields["keep"]

    def clean_files(self) -> list[Any]:
        files = self.cleaned_data.get("files") or []
        if len(files) > 5:
            raise forms.ValidationError(_("Attach at most %(count)s files.") % {"count": 5})
        return files

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        total = data.get("reached")
        if total is not None:
            for name in ("reached_women", "reached_disabled", "reached_children"):
                if data.get(name) is not None and data[name] > total:
                    self.add_error(name, _("Cannot be more than the total reached."))
        return data

    def spending_rows(self) -> list[tuple[dict[str, Any], forms.BoundField]]:
        return [(line, self[f"spent_{i}"]) for i, line in enumerate(self.lines)]

    def indicator_rows(self) -> list[tuple[Any, forms.BoundField]]:
        return [(ind, self[f"value_{ind.pk}"]) for ind in self.indicator_list]

    def milestone_rows(self) -> list[tuple[Any, forms.BoundField, forms.BoundField]]:
        return [(m, self[f"status_{m.pk}"], self[f"percent_{m.pk}"]) for m in self.milestone_list]

    def report_data(self) -> ReportData:
        data = self.cleaned_data
        return ReportData(
            narrative=data["narrative"],
            reached=data["reached"],
            reached_women=data["reached_women"],
            reached_disabled=data["reached_disabled"],
            reached_children=data["reached_children"],
            spent={i: data[f"spent_{i}"] for i in range(len(self.lines))},
            values={
                ind.pk: data[f"value_{ind.pk}"]
                for ind in self.indicator_list
                if data.get(f"value_{ind.pk}") is not None
            },
            milestones={
                m.pk: (data[f"status_{m.pk}"], data[f"percent_{m.pk}"]) for m in self.milestone_list
            },
        )


class DecisionForm(forms.Form):
    decision = forms.ChoiceField(
        label=_("Decision"),
        choices=[("accept", _("Accept the report")), ("return", _("Return it for revision"))],
        widget=forms.RadioSelect,
    )
    comments = forms.CharField(
        label=_("Comments to the organisation"),
        help_text=_("Required when returning: say what to correct."),
        widget=forms.Textarea(attrs={"rows": 4}),
        max_length=8000,
        required=False,
    )

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        if data.get("decision") == "return" and not (data.get("comments") or "").strip():
            self.add_error("comments", _("Say what the organisation should correct."))
        return data


class CompleteForm(forms.Form):
    rating = forms.ChoiceField(
        label=_("Final evaluation"), choices=Project.Rating.choices, widget=forms.RadioSelect
    )
    reasons = forms.CharField(
        label=_("Reasons"),
        help_text=_("Published on the project's page."),
        widget=forms.Textarea(attrs={"rows": 4}),
        max_length=8000,
    )
    problem_addressed = forms.BooleanField(
        label=_("The priority problem this project answers is solved: mark it addressed"),
        required=False,
    )

    def __init__(self, *args: Any, problem: Any = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if problem is None:
            del self.fields["problem_addressed"]
        else:
            self.fields["problem_addressed"].help_text = _("The problem: %(title)s") % {
                "title": problem.title
            }


class TerminateForm(forms.Form):
    reason = forms.CharField(
        label=_("Reason for terminating"),
        help_text=_("Published on the project's page; the organisation is told."),
        widget=forms.Textarea(attrs={"rows": 3}),
        max_length=4000,
    )
    confirm = forms.BooleanField(label=_("I confirm the agreement is terminated early."))
