from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from competitions.models import MunicipalStaff


class AddStaffForm(forms.Form):
    email = forms.EmailField(
        label=_("E-mail of the person"),
        help_text=_("The person must already have a confirmed account on the portal."),
    )
    role = forms.ChoiceField(
        label=_("Role"), choices=MunicipalStaff.Role.choices, initial=MunicipalStaff.Role.OFFICER
    )
    position = forms.CharField(label=_("Position"), max_length=160, required=False)
