from __future__ import annotations

from decimal import Decimal

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from competitions.models import (
    Municipality,
    MunicipalStaff,
    PriorityProblem,
    Programme,
    Region,
    Sphere,
)
from municipal_order.lib.uploads import check_upload


class AddStaffForm(forms.Form):
    email = forms.EmailField(
        label=_("E-mail of the person"),
        help_text=_("The person must already have a confirmed account on the portal."),
    )
    role = forms.ChoiceField(
        label=_("Role"),
        choices=MunicipalStaff.Role.choices,
        initial=MunicipalStaff.Role.OFFICER,
        help_text=_("A head also adds and removes officers."),
    )
    position = forms.CharField(label=_("Position"), max_length=160, required=False)


class MunicipalityFilterForm(forms.Form):
    q = forms.CharField(label=_("Search"), required=False, max_length=100)
    region = forms.ModelChoiceField(
        label=_("Region"), queryset=Region.objects.all(), required=False, empty_label=_("All")
    )
    kind = forms.ChoiceField(
        label=_("Kind"),
        choices=[("", _("All")), *Municipality.Kind.choices],
        required=False,
    )
    abolished = forms.BooleanField(label=_("Include abolished"), required=False)


class ProblemForm(forms.ModelForm):
    class Meta:
        model = PriorityProblem
        fields = [
            "title",
            "description",
            "sphere",
            "target_groups",
            "beneficiaries",
            "estimated_cost",
            "assessment_method",
            "assessment_date",
            "participants",
            "women_participants",
            "minutes",
        ]
        widgets = {
            "description": forms.Textarea(attrs={"rows": 6}),
            "target_groups": forms.CheckboxSelectMultiple,
            "assessment_date": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
            "minutes": forms.ClearableFileInput(attrs={"accept": ".pdf,.jpg,.jpeg,.png"}),
        }
        help_texts = {
            "minutes": _("PDF, JPEG or PNG, up to 10 MB."),
            "estimated_cost": _("In som (KGS)."),
        }

    def clean_assessment_date(self):
        day = self.cleaned_data.get("assessment_date")
        if day and day > timezone.localdate():
            raise forms.ValidationError(_("The assessment cannot be in the future."))
        return day

    def clean_minutes(self):
        upload = self.cleaned_data.get("minutes")
        if upload and hasattr(upload, "content_type"):  # a new upload, not the stored file
            check_upload(upload)
        return upload

    def clean(self):
        cleaned = super().clean()
        participants = cleaned.get("participants")
        women = cleaned.get("women_participants")
        if participants is not None and women is not None and women > participants:
            self.add_error("women_participants", _("There cannot be more women than participants."))
        return cleaned


class CommentForm(forms.Form):
    text = forms.CharField(
        label=_("Your comment"), max_length=2000, widget=forms.Textarea(attrs={"rows": 3})
    )


class HideCommentForm(forms.Form):
    reason = forms.CharField(label=_("Reason"), max_length=255)


class ProblemFilterForm(forms.Form):
    SORTS = [("support", _("most supported")), ("new", _("newest"))]

    region = forms.ModelChoiceField(
        label=_("Region"), queryset=Region.objects.all(), required=False, empty_label=_("All")
    )
    municipality = forms.ModelChoiceField(
        label=_("Municipality"),
        queryset=Municipality.objects.all(),
        required=False,
        empty_label=_("All"),
        to_field_name="code",
    )
    sphere = forms.ModelChoiceField(
        label=_("Sphere"), queryset=Sphere.objects.all(), required=False, empty_label=_("All")
    )
    status = forms.ChoiceField(
        label=_("Status"),
        required=False,
        choices=[("", _("All"))]
        + [c for c in PriorityProblem.Status.choices if c[0] != PriorityProblem.Status.DRAFT],
    )
    sort = forms.ChoiceField(label=_("Sort"), required=False, choices=SORTS)

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        for field in self.fields.values():
            field.widget.attrs["class"] = "form-select"


class ProgrammeForm(forms.ModelForm):
    class Meta:
        model = Programme
        fields = [
            "title",
            "start_year",
            "end_year",
            "kenesh_decision_number",
            "kenesh_decision_date",
            "needs_assessment",
            "problems",
        ]
        widgets = {
            "kenesh_decision_date": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
            "needs_assessment": forms.Textarea(attrs={"rows": 4}),
            "problems": forms.CheckboxSelectMultiple,
        }

    budget = forms.CharField(
        label=_("Budget by year, KGS"),
        widget=forms.Textarea(attrs={"rows": 3, "placeholder": "2026: 500000\n2027: 650000"}),
        help_text=_("One line a year: year, colon, amount in som."),
    )

    def __init__(self, *args, municipality: Municipality, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["problems"].queryset = PriorityProblem.objects.filter(
            municipality=municipality
        ).public()
        self.fields["problems"].required = False

    def clean_budget(self) -> dict[int, Decimal]:
        budget: dict[int, Decimal] = {}
        for number, line in enumerate(self.cleaned_data["budget"].splitlines(), start=1):
            if not line.strip():
                continue
            year_text, sep, amount_text = line.partition(":")
            try:
                year = int(year_text.strip())
                amount = Decimal(
                    amount_text.replace(" ", "").replace("\u00a0", "").replace(",", ".")
                )
            except (ValueError, ArithmeticError):
                raise forms.ValidationError(
                    _("Line %(n)s: write it as “2026: 500000”."), params={"n": number}
                ) from None
            if not sep or amount < 0:
                raise forms.ValidationError(
                    _("Line %(n)s: write it as “2026: 500000”."), params={"n": number}
                )
            budget[year] = amount
        if not budget:
            raise forms.ValidationError(_("Give the budget of at least one year."))
        return budget

    def clean(self):
        cleaned = super().clean()
        start, end, budget = (
            cleaned.get("start_year"),
            cleaned.get("end_year"),
            cleaned.get("budget"),
        )
        if start and end and end < start:
            self.add_error("end_year", _("The last year cannot be before the first."))
        elif start and end and budget:
            outside = sorted(y for y in budget if not start <= y <= end)
            if outside:
                self.add_error(
                    "budget",
                    _("Years outside the programme period: %(years)s.")
                    % {"years": ", ".join(map(str, outside))},
                )
        return cleaned
