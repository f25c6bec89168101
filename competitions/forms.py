from __future__ import annotations

from decimal import Decimal

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from competitions.models import (
    CommissionMember,
    Competition,
    LegalForm,
    Municipality,
    MunicipalStaff,
    PriorityProblem,
    Programme,
    Region,
    Sphere,
)
from competitions.services.calls import CALL_FIELDS
from municipal_order.lib.dates import MIN_YEAR, PlausibleDatesMixin, max_year
from municipal_order.lib.money import MAX_SOM
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


class ProblemForm(PlausibleDatesMixin, forms.ModelForm):
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
            # A plain input: the stored file is shown by its original name with a
            # permission-checked link (the template), never its storage path.
            "minutes": forms.FileInput(attrs={"accept": ".pdf,.jpg,.jpeg,.png"}),
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
    # A name to look for rather than a list of every municipality of the country.
    place = forms.CharField(
        label=_("Municipality"),
        required=False,
        max_length=100,
        widget=forms.TextInput(
            attrs={"type": "search", "placeholder": _("Name"), "autocomplete": "off"}
        ),
    )
    # One municipality by its code: links and bookmarks from before the search keep working.
    municipality = forms.ModelChoiceField(
        queryset=Municipality.objects.all(),
        required=False,
        to_field_name="code",
        widget=forms.HiddenInput,
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
            if isinstance(field.widget, forms.Select):
                field.widget.attrs["class"] = "form-select"
            elif not field.widget.is_hidden:
                field.widget.attrs["class"] = "form-control"


class ProgrammeForm(PlausibleDatesMixin, forms.ModelForm):
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
            # NaN, infinities and amounts past the column's 14 digits are no budget.
            if not sep or not amount.is_finite() or not 0 <= amount < MAX_SOM:
                raise forms.ValidationError(
                    _("Line %(n)s: write it as “2026: 500000”."), params={"n": number}
                )
            if not MIN_YEAR <= year <= max_year():
                raise forms.ValidationError(
                    _("Line %(n)s: the year must be between %(min)s and %(max)s."),
                    params={"n": number, "min": MIN_YEAR, "max": max_year()},
                )
            budget[year] = amount.quantize(Decimal("0.01"))
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


BISHKEK_DATETIME = forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M")
DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


class CallForm(PlausibleDatesMixin, forms.ModelForm):
    """The call itself. Times are typed and shown in Bishkek time (the site's TIME_ZONE)."""

    eligible_forms = forms.MultipleChoiceField(
        label=_("Who may apply"),
        choices=LegalForm.choices,
        widget=forms.CheckboxSelectMultiple,
        initial=LegalForm.non_commercial,
    )

    class Meta:
        model = Competition
        # The service's fields, the headline ones first, plus the problems addressed.
        fields = [
            "title",
            "programme",
            "problems",
            "sphere",
            *(f for f in CALL_FIELDS if f not in {"title", "programme", "sphere"}),
        ]
        widgets = {
            "problems": forms.CheckboxSelectMultiple,
            "goal": forms.Textarea(attrs={"rows": 3}),
            "tasks": forms.Textarea(attrs={"rows": 3}),
            "target_group": forms.Textarea(attrs={"rows": 2}),
            "required_documents": forms.Textarea(attrs={"rows": 4}),
            "implementation_start": DATE,
            "implementation_end": DATE,
            "opens_at": BISHKEK_DATETIME,
            "closes_at": BISHKEK_DATETIME,
        }
        help_texts = {
            "opens_at": _("Bishkek time (UTC+6)."),
            "closes_at": _("Bishkek time (UTC+6). Bids are accepted strictly before this minute."),
        }

    def __init__(self, *args, municipality: Municipality, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["programme"].queryset = municipality.programmes.all()
        self.fields["problems"].queryset = municipality.problems.filter(
            status__in=[PriorityProblem.Status.PUBLISHED, PriorityProblem.Status.IN_CALL]
        )
        if not self.instance.pk and not self.initial.get("required_documents"):
            self.initial["required_documents"] = "\n".join(
                str(d) for d in DEFAULT_REQUIRED_DOCUMENTS
            )

    def clean(self):
        cleaned = super().clean()
        budget, maximum = cleaned.get("total_budget"), cleaned.get("max_per_bid")
        if budget is not None and maximum is not None and maximum > budget:
            self.add_error("max_per_bid", _("The maximum per bid cannot exceed the total budget."))
        opens, closes = cleaned.get("opens_at"), cleaned.get("closes_at")
        if opens and closes and opens >= closes:
            self.add_error("closes_at", _("The deadline must come after the opening."))
        if closes and closes <= timezone.now():
            self.add_error("closes_at", _("The deadline must be in the future."))
        start, end = cleaned.get("implementation_start"), cleaned.get("implementation_end")
        if start and end and end < start:
            self.add_error(
                "implementation_end", _("The implementation cannot end before it starts.")
            )
        if start and closes and start < timezone.localtime(closes).date():
            self.add_error(
                "implementation_start",
                _("The implementation cannot start before the deadline for bids."),
            )
        for field in (
            "pass_threshold",
            "min_cofinancing_pct",
            "quorum_pct",
            "civil_society_min_pct",
        ):
            value = cleaned.get(field)
            if value is not None and value > 100:
                self.add_error(field, _("At most 100."))
        return cleaned


DEFAULT_REQUIRED_DOCUMENTS = [
    _("Application form"),
    _("Certificate of state registration and charter"),
    _("Project description with calendar plan"),
    _("Budget"),
    _("Letters of commitment and proof of own contribution"),
]


class CriterionForm(forms.Form):
    title = forms.CharField(label=_("Criterion"), max_length=255)
    guidance = forms.CharField(
        label=_("Guidance for the commission"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 1}),
    )
    weight = forms.IntegerField(label=_("Weight, %"), min_value=1, max_value=100)
    max_score = forms.IntegerField(label=_("Maximum score"), min_value=1, max_value=100, initial=10)

    def has_changed(self) -> bool:
        # A row with neither title nor weight is an unused blank row, whatever the defaults.
        return any(self.data.get(self.add_prefix(f), "").strip() for f in ("title", "weight"))


class BaseCriterionFormSet(forms.BaseFormSet):
    row_label = _("Criterion %(n)s")  # the error summary's name for a row, as its legend

    def clean(self) -> None:
        if any(self.errors):
            return
        rows = [
            f.cleaned_data
            for f in self.forms
            if f.cleaned_data and not f.cleaned_data.get("DELETE")
        ]
        if not rows:
            raise forms.ValidationError(_("Add at least one criterion."))
        total = sum(r["weight"] for r in rows)
        if total != 100:
            raise forms.ValidationError(
                _("The weights add up to %(total)s%%; they must add up to 100%%."),
                params={"total": total},
            )

    def rows(self) -> list[dict]:
        return [
            {k: f.cleaned_data[k] for k in ("title", "guidance", "weight", "max_score")}
            for f in self.forms
            if f.cleaned_data and not f.cleaned_data.get("DELETE")
        ]


CriterionFormSet = forms.formset_factory(
    CriterionForm, formset=BaseCriterionFormSet, extra=2, can_delete=True
)


class CommissionMemberForm(forms.Form):
    email = forms.EmailField(label=_("E-mail of the member"))
    role = forms.ChoiceField(
        label=_("Role"), choices=CommissionMember.Role.choices, initial=CommissionMember.Role.MEMBER
    )
    affiliation = forms.ChoiceField(
        label=_("Affiliation"), choices=CommissionMember.Affiliation.choices
    )

    def has_changed(self) -> bool:
        # Role and affiliation have defaults; only a typed e-mail makes a row.
        return bool(self.data.get(self.add_prefix("email"), "").strip())

    def clean_email(self) -> str:
        from accounts.models import User, normalize_email

        email = normalize_email(self.cleaned_data["email"])
        # An address with no active account is invited: the person takes the seat
        # on accepting (competitions.services.commission).
        self.user = User.objects.filter(email=email, is_active=True).first()
        return email


class BaseCommissionFormSet(forms.BaseFormSet):
    def clean(self) -> None:
        if any(self.errors):
            return
        emails, roles = set(), []
        for form in self.forms:
            data = form.cleaned_data
            if not data or data.get("DELETE"):
                continue
            if data["email"] in emails:
                raise forms.ValidationError(
                    _("%(email)s is listed twice."), params={"email": data["email"]}
                )
            emails.add(data["email"])
            roles.append(data["role"])
        for role in (CommissionMember.Role.CHAIR, CommissionMember.Role.SECRETARY):
            if roles.count(role) > 1:
                raise forms.ValidationError(
                    _("The commission has one %(role)s."), params={"role": role.label}
                )

    def rows(self) -> list[dict]:
        return [
            {
                "user": f.user,
                "email": f.cleaned_data["email"],
                "role": f.cleaned_data["role"],
                "affiliation": f.cleaned_data["affiliation"],
            }
            for f in self.forms
            if f.cleaned_data and not f.cleaned_data.get("DELETE")
        ]


# One empty row: "Add a member" clones the formset's empty form in the browser
# (static/js/formset-add.js); without JavaScript each save adds one more empty row.
CommissionFormSet = forms.formset_factory(
    CommissionMemberForm, formset=BaseCommissionFormSet, extra=1, can_delete=True
)


class CancelCallForm(forms.Form):
    reason = forms.CharField(
        label=_("Public reason for cancelling"), widget=forms.Textarea(attrs={"rows": 3})
    )


class AmendCallForm(PlausibleDatesMixin, forms.Form):
    reason = forms.CharField(
        label=_("Public reason for the amendment"), widget=forms.Textarea(attrs={"rows": 3})
    )
    total_budget = forms.DecimalField(
        label=_("Total budget, KGS"), max_digits=14, decimal_places=2, min_value=1
    )
    max_per_bid = forms.DecimalField(
        label=_("Maximum per bid, KGS"), max_digits=14, decimal_places=2, min_value=1
    )
    closes_at = forms.DateTimeField(
        label=_("Deadline for bids"), widget=BISHKEK_DATETIME, help_text=_("Bishkek time (UTC+6).")
    )


class QuestionForm(forms.Form):
    text = forms.CharField(
        label=_("Your question"), max_length=2000, widget=forms.Textarea(attrs={"rows": 3})
    )


class AnswerForm(forms.Form):
    answer = forms.CharField(label=_("Answer"), widget=forms.Textarea(attrs={"rows": 3}))
