"""FastWidgetRenderer writes exactly what Django's widget templates write.

Each case renders one widget through Django's own renderer and through the portal's,
in two languages (numbers and dates are localized in labels), and compares the bytes.
"""

from __future__ import annotations

import datetime
from decimal import Decimal

import pytest
from django import forms
from django.forms.renderers import DjangoTemplates, get_default_renderer
from django.utils import translation
from django.utils.safestring import mark_safe
from hypothesis import given, settings
from hypothesis import strategies as st

from municipal_order.lib.renderers import FastWidgetRenderer

DJANGO = DjangoTemplates()
FAST = FastWidgetRenderer()

CHOICES = [
    ("", "---------"),
    ("a", "Ашкана & <кухня>"),
    ("Группа «1»", [("b", "Б"), (2, "Два"), (Decimal("2.5"), 1.5)]),
    (None, "Пусто"),
]

CASES = [
    (forms.TextInput(), "Бишкек", {}),
    (forms.TextInput(), None, {"required": True, "disabled": False}),
    (forms.TextInput(), "", {"placeholder": 'say "hi" <now>', "data-x": None}),
    (forms.TextInput(), mark_safe("<b>safe</b>"), {}),
    (forms.TextInput(attrs={"class": "form-control"}), "x", {"aria-invalid": "true"}),
    (forms.NumberInput(), Decimal("1234.50"), {"step": "0.01", "min": 0}),
    (forms.NumberInput(), 7, {}),
    (forms.EmailInput(), "ngo@example.kg", {}),
    (forms.URLInput(), "https://a.kg/?q=1&r=2", {}),
    (forms.PasswordInput(), "secret", {}),
    (forms.HiddenInput(), 42, {}),
    (forms.DateInput(), datetime.date(2026, 11, 28), {"type": "date"}),
    (forms.DateTimeInput(), datetime.datetime(2026, 11, 28, 9, 5), {}),
    (forms.CheckboxInput(), True, {}),
    (forms.CheckboxInput(), False, {"class": "form-check-input"}),
    (forms.Textarea(), "Строка 1\nСтрока <2> & «3»", {"rows": 3}),
    (forms.Textarea(), "", {}),
    (forms.Textarea(), None, {}),
    (forms.Textarea(), 12.5, {}),
    (forms.Select(choices=CHOICES), "a", {"class": "form-select"}),
    (forms.Select(choices=CHOICES), 2, {}),
    (forms.Select(choices=CHOICES), None, {"required": True}),
    (forms.Select(choices=[]), None, {}),
    (forms.SelectMultiple(choices=CHOICES), ["a", "b"], {}),
    (forms.NullBooleanSelect(), True, {}),
]


def rendered(renderer, widget: forms.Widget, value, attrs) -> str:
    return widget.render("field-1", value, attrs={"id": "id_field-1", **attrs}, renderer=renderer)


@pytest.mark.parametrize("language", ["ru", "en"])
@pytest.mark.parametrize(("widget", "value", "attrs"), CASES)
def test_the_same_markup_as_the_templates(widget, value, attrs, language):
    with translation.override(language):
        assert rendered(FAST, widget, value, attrs) == rendered(DJANGO, widget, value, attrs)


@settings(max_examples=60, deadline=None)
@given(
    value=st.one_of(st.none(), st.text(max_size=20), st.integers()),
    label=st.text(max_size=10),
    extra=st.dictionaries(
        st.sampled_from(["class", "title", "data-a", "maxlength"]),
        st.one_of(st.booleans(), st.text(max_size=8), st.integers()),
        max_size=3,
    ),
)
def test_any_text_and_attributes_render_alike(value, label, extra):
    widgets = [
        forms.TextInput(),
        forms.Textarea(),
        forms.Select(choices=[(str(value), label), ("other", label)]),
    ]
    for widget in widgets:
        assert rendered(FAST, widget, value, extra) == rendered(DJANGO, widget, value, extra)


def test_radio_lists_and_other_templates_still_use_the_engine():
    widget = forms.RadioSelect(choices=[("a", "A"), ("b", "B")])
    assert rendered(FAST, widget, "a", {}) == rendered(DJANGO, widget, "a", {})
    assert "django/forms/widgets/radio.html" not in FAST._writers


def test_the_portal_renders_forms_with_it():
    assert isinstance(get_default_renderer(), FastWidgetRenderer)
    # Django's own files: every plain widget is written in Python.
    assert "django/forms/widgets/select.html" in FAST._writers
    assert "django/forms/widgets/text.html" in FAST._writers
