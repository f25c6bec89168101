from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from applications.models import Bid, BudgetLine, Organization, OrganizationMember
from applications.permissions import WRITE_ROLES
from applications.services.drafting import BID_FIELDS
from applications.services.organizations import INN_TAKEN, ORGANIZATION_FIELDS
from municipal_order.lib.dates import PlausibleDatesMixin
from municipal_order.lib.identifiers import compact, inn_validator
from municipal_order.lib.text import PlainNamesMixin
from municipal_order.lib.uploads import check_upload


class OrganizationForm(PlainNamesMixin, PlausibleDatesMixin, forms.ModelForm):
    name_fields = ("name_ru", "name_ky", "head_name", "head_position")

    # Longer than 14 so that "0120 4201 7100 11", as printed on certificates, is accepted.
    inn = forms.CharField(
        label=_("INN"),
        max_length=24,
        widget=forms.TextInput(attrs={"inputmode": "numeric"}),
        help_text=_("14 digits, as in the tax registration certificate."),
    )

    class Meta:
        model = Organization
        fields = [*ORGANIZATION_FIELDS, "charter"]
        widgets = {
            "registration_date": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
            "charter": forms.FileInput(attrs={"accept": ".pdf"}),  # stored name: template
        }
        help_texts = {
            "municipality": _(
                "Where the organisation works; its officers verify the registration."
            ),
            "charter": _("PDF, up to 10 MB."),
        }

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        from competitions.models import Municipality

        self.fields["municipality"].queryset = Municipality.objects.valid_on().select_related(
            "region"
        )

    def clean_inn(self) -> str:
        inn = compact(self.cleaned_data["inn"])
        inn_validator(inn)  # ASCII digits only: no look-alike of a registered INN
        taken = Organization.objects.filter(inn=inn).exclude(pk=self.instance.pk)
        if taken.exists():
            raise forms.ValidationError(INN_TAKEN)
        return inn

    # Bank details are printed in groups ("1280 0160 …"); stored without the spaces.
    def clean_bank_bic(self) -> str:
        return compact(self.cleaned_data["bank_bic"])

    def clean_bank_account(self) -> str:
        return compact(self.cleaned_data["bank_account"])

    def clean_charter(self):
        upload = self.cleaned_data.get("charter")
        if upload and hasattr(upload, "content_type"):
            check_upload(upload, kinds=("pdf",))
        return upload

    def clean(self):
        cleaned = super().clean()
        region, municipality = cleaned.get("region"), cleaned.get("municipality")
        if region and municipality and municipality.region_id != region.pk:
            self.add_error("municipality", _("This municipality is in another region."))
        return cleaned


class InviteForm(forms.Form):
    email = forms.EmailField(label=_("E-mail"))
    role = forms.ChoiceField(
        label=_("Role"),
        choices=OrganizationMember.Role.choices,
        initial=OrganizationMember.Role.EDITOR,
        help_text=_(
            "Administrators manage members; editors prepare and submit bids; viewers read."
        ),
    )


class RoleForm(forms.Form):
    role = forms.ChoiceField(label=_("Role"), choices=OrganizationMember.Role.choices)


class VerificationForm(forms.Form):
    verified = forms.BooleanField(required=False)
    note = forms.CharField(label=_("Note"), max_length=255, required=False)


class BidForm(forms.ModelForm):
    """One step of the bid: only the step's fields, plus the version it was loaded at."""

    version = forms.IntegerField(widget=forms.HiddenInput)

    class Meta:
        model = Bid
        fields = BID_FIELDS
        widgets = {
            "summary": forms.Textarea(attrs={"rows": 4}),
            "goal": forms.Textarea(attrs={"rows": 3}),
            "tasks": forms.Textarea(attrs={"rows": 5}),
            "target_group": forms.Textarea(attrs={"rows": 3}),
            "team": forms.Textarea(attrs={"rows": 4}),
            "partners": forms.Textarea(attrs={"rows": 3}),
        }
        help_texts = {
            "summary": _("What you will do, for whom and what will change: five sentences."),
            "tasks": _("One task a line."),
            "team": _("Who does the work: names, roles and experience."),
            "partners": _("Who else takes part and how: the ayil okmotu, schools, businesses."),
        }

    def __init__(self, *args, call, fields=None, version=None, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        if fields is not None:
            for name in set(self.fields) - {*fields, "version"}:
                del self.fields[name]
        if "problem" in self.fields:
            self.fields["problem"].queryset = call.problems.all()
            self.fields["problem"].required = False
        if not self.is_bound:
            self.initial["version"] = self.instance.version if version is None else version


class RowForm(forms.Form):
    """A row of a repeating part; empty unless one of its `key_fields` is filled."""

    key_fields: tuple[str, ...] = ()

    def has_changed(self) -> bool:
        return any(str(self.data.get(self.add_prefix(f), "")).strip() for f in self.key_fields)


class BudgetLineForm(RowForm):
    key_fields = ("item", "unit_cost")
    category = forms.ChoiceField(label=_("Category"), choices=BudgetLine.Category.choices)
    item = forms.CharField(label=_("Item"), max_length=255)
    unit = forms.CharField(label=_("Unit"), max_length=32)
    quantity = forms.DecimalField(
        label=_("Quantity"), max_digits=10, decimal_places=2, min_value=0.01
    )
    unit_cost = forms.DecimalField(
        label=_("Unit cost"), max_digits=14, decimal_places=2, min_value=0
    )
    own_contribution = forms.DecimalField(
        label=_("Own contribution"), max_digits=14, decimal_places=2, min_value=0, initial=0
    )
    other_sources = forms.DecimalField(
        label=_("Other sources"), max_digits=14, decimal_places=2, min_value=0, initial=0
    )

    def clean(self):
        cleaned = super().clean()
        q, cost = cleaned.get("quantity"), cleaned.get("unit_cost")
        own, other = cleaned.get("own_contribution") or 0, cleaned.get("other_sources") or 0
        if q is not None and cost is not None and own + other > q * cost:
            self.add_error("own_contribution", _("Own and other money exceed the line's total."))
        return cleaned


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self, attrs=None) -> None:
        super().__init__(attrs, format="%Y-%m-%d")


class ActivityForm(PlausibleDatesMixin, RowForm):
    key_fields = ("activity",)
    activity = forms.CharField(label=_("Activity"), max_length=255)
    starts_on = forms.DateField(label=_("Start"), widget=DateInput)
    ends_on = forms.DateField(label=_("End"), widget=DateInput)
    responsible = forms.CharField(label=_("Responsible"), max_length=160)
    result = forms.CharField(label=_("Expected result"), max_length=255)

    def clean(self):
        cleaned = super().clean()
        start, end = cleaned.get("starts_on"), cleaned.get("ends_on")
        if start and end and end < start:
            self.add_error("ends_on", _("The end is before the start."))
        return cleaned


class IndicatorForm(RowForm):
    key_fields = ("name",)
    name = forms.CharField(label=_("Indicator"), max_length=255)
    unit = forms.CharField(label=_("Unit"), max_length=64)
    baseline = forms.DecimalField(label=_("Baseline"), max_digits=14, decimal_places=2)
    target = forms.DecimalField(label=_("Target"), max_digits=14, decimal_places=2)


class RowFormSet(forms.BaseFormSet):
    row_label = _("Row %(n)s")  # the error summary's name for a row; set per formset below

    def rows(self) -> list[dict]:
        return [
            {k: v for k, v in f.cleaned_data.items() if k != "DELETE"}
            for f in self.forms
            if f.cleaned_data and not f.cleaned_data.get("DELETE")
        ]


def _row_formset(form: type[RowForm], max_num: int) -> type[RowFormSet]:
    return forms.formset_factory(
        form,
        formset=RowFormSet,
        extra=1,
        can_delete=True,
        max_num=max_num,
        validate_max=True,
        absolute_max=max_num,
    )


BudgetFormSet = _row_formset(BudgetLineForm, 60)
ActivityFormSet = _row_formset(ActivityForm, 40)
IndicatorFormSet = _row_formset(IndicatorForm, 20)
# How the error summary names a row: as the row's legend on the page does.
BudgetFormSet.row_label = _("Line %(n)s")
ActivityFormSet.row_label = _("Activity %(n)s")
IndicatorFormSet.row_label = _("Indicator %(n)s")


class RequirementForm(forms.Form):
    """Which of the call's required documents a file is (or "other")."""

    requirement = forms.ChoiceField(label=_("Which document is it?"), required=False)

    def __init__(self, *args, call, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["requirement"].choices = [
            *((name, name) for name in call.required_document_list),
            ("", _("Other supporting document")),
        ]


class DocumentForm(RequirementForm):
    file = forms.FileField(
        label=_("File"),
        help_text=_("PDF, JPEG, PNG, DOCX or XLSX, up to 20 MB."),
        widget=forms.ClearableFileInput(attrs={"accept": ".pdf,.jpg,.jpeg,.png,.docx,.xlsx"}),
    )


class CharterForm(RequirementForm):
    """Attach the charter from the organisation's profile; `auto_id` keeps its ids apart
    from the upload form's on the same page."""

    # Words that name a charter in a required document's title ("… and charter").
    CHARTER_WORDS = ("устав", "charter")

    def __init__(self, *args, call, **kwargs) -> None:
        kwargs.setdefault("auto_id", "charter_%s")
        super().__init__(*args, call=call, **kwargs)
        self.fields["requirement"].label = _("Attach it as")
        if not self.is_bound and "requirement" not in self.initial:
            named = [
                name
                for name in call.required_document_list
                if any(word in name.lower() for word in self.CHARTER_WORDS)
            ]
            self.initial["requirement"] = named[0] if named else ""


class SealBreakForm(forms.Form):
    reason = forms.CharField(
        label=_("Reason"),
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("The reason is published on the call's page and the applicants are notified."),
    )


class ApplyForm(forms.Form):
    organization = forms.ModelChoiceField(label=_("Apply as"), queryset=Organization.objects.none())

    def __init__(self, *args, user, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["organization"].queryset = Organization.objects.filter(
            members__user=user, members__role__in=WRITE_ROLES
        )
