from __future__ import annotations

from django import forms

from notifications.models import Category


class PreferencesForm(forms.Form):
    """One checkbox per category: send me e-mail about it."""

    def __init__(self, *args, current: dict[str, bool], **kwargs) -> None:
        super().__init__(*args, **kwargs)
        for value, label in Category.choices:
            self.fields[value] = forms.BooleanField(
                label=label, required=False, initial=current.get(value, True)
            )
