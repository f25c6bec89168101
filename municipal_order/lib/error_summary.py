"""The error summary of long forms (GOV.UK pattern): every error of a page, in page
order, each as a link to the field it is about.

A page passes its form and formsets in the order they appear:
``{% error_summary form criteria commission %}`` (templatetags/error_summary.py)
renders ``templates/includes/_error_summary.html``; ``static/js/error-summary.js``
moves the focus to it on load and from its links to the fields.

Where a link points:
- a field's error → the field's input (``id_title``, ``id_criteria-1-weight``);
- a form's own (non-field) error, or an error of a hidden field → the form's first
  visible field (a row's first field in a formset);
- a formset's own error (weights that do not add up) → its section, the element
  with ``id="<prefix>-section"`` (``section_id``) that the page wraps it in.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from django import forms
from django.forms.formsets import BaseFormSet
from django.utils.translation import gettext as _


@dataclass(frozen=True)
class ErrorLink:
    message: str
    target: str  # an element id, without "#"


def section_id(formset: BaseFormSet) -> str:
    """The id of the element a page wraps a formset in (its formset-level errors link here)."""
    return f"{formset.prefix}-section"


def collect_errors(*parts: object) -> list[ErrorLink]:
    """The errors of `parts` (forms and formsets, in page order) as summary links.

    Unbound forms and anything that is not a form (a template's missing variable)
    contribute nothing, so a page may pass every part it may have.
    """
    links: list[ErrorLink] = []
    for part in parts:
        if not isinstance(part, forms.BaseForm | BaseFormSet) or not part.is_bound:
            continue
        if isinstance(part, BaseFormSet):
            links.extend(_formset_errors(part))
        else:
            links.extend(_form_errors(part))
    return links


def _formset_errors(formset: BaseFormSet) -> Iterable[ErrorLink]:
    for message in formset.non_form_errors():
        yield ErrorLink(str(message), section_id(formset))
    # A formset may name its rows as its page does ("Criterion %(n)s").
    row_label = getattr(formset, "row_label", None) or _("Row %(n)s")
    for number, form in enumerate(formset.forms, start=1):
        if formset.can_delete and getattr(form, "cleaned_data", {}).get("DELETE"):
            continue  # a row marked for removal is not saved, whatever it holds
        yield from _form_errors(form, row=str(row_label) % {"n": number})


def _form_errors(form: forms.BaseForm, *, row: str = "") -> Iterable[ErrorLink]:
    visible = form.visible_fields()
    first = _field_id(visible[0]) if visible else ""

    def label(name: str = "") -> str:
        field_label = str(form.fields[name].label or name) if name else ""
        return " · ".join(p for p in (row, field_label) if p)

    def link(message: object, target: str, name: str = "") -> ErrorLink:
        prefix = label(name)
        return ErrorLink(f"{prefix}: {message}" if prefix else str(message), target)

    for message in form.non_field_errors():
        yield link(message, first)
    for bound in form:
        for message in bound.errors:
            if bound.is_hidden:
                yield link(message, first)
            else:
                yield link(message, _field_id(bound), bound.name)


def _field_id(bound: forms.BoundField) -> str:
    # Radio buttons and multiple checkboxes have no single input: link to the first one.
    return bound.id_for_label or f"{bound.auto_id}_0"
