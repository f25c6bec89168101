from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from evaluation.forms import MultipleFileField
from monitoring.models import Milestone, Project, SiteVisit, Tranche
from monitoring.services.projects import TrancheRow
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
