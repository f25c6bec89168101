from __future__ import annotations

from typing import Any, cast

from django import forms
from django.utils.translation import gettext_lazy as _

from competitions.models import Sphere
from opendata import dashboards


class DashboardFilterForm(forms.Form):
    """The year and sphere a dashboard, and every list behind it, are narrowed to."""

    year = forms.TypedChoiceField(
        label=_("Year"),
        required=False,
        coerce=int,
        empty_value=None,
        widget=forms.Select(attrs={"class": "form-select"}),
    )
    sphere = forms.ModelChoiceField(
        label=_("Sphere"),
        queryset=Sphere.objects.all(),
        required=False,
        empty_label=_("All spheres"),
        widget=forms.Select(attrs={"class": "form-select"}),
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        years = [(str(y), str(y)) for y in dashboards.years()]
        year = cast(forms.TypedChoiceField, self.fields["year"])
        year.choices = [("", _("All years")), *years]
