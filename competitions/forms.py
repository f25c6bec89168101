from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from competitions.models import Municipality, MunicipalStaff, Region


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
