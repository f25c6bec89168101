"""The edit conflict panel: what a colleague saved beside what this editor typed.

When an optimistic-locking save is refused (someone saved the same thing since
the page was loaded), the page shows, where the error summary would be, which
fields differ: the saved version and the typed one side by side (stacked on a
phone), text compared word by word, repeating rows compared row by row. Then the
editor chooses: keep mine (a confirmed, explicit overwrite naming the version
seen), take theirs (reload), or edit and then keep mine.

``Conflict`` is what ``templates/includes/_edit_conflict.html`` renders; a view
builds it with ``field_differences`` and ``row_differences``. See
docs/architecture.md ("Edit conflicts").
"""

from __future__ import annotations

import datetime
import difflib
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django import forms
from django.utils.dateformat import format as date_format

from municipal_order.lib.money import format_som


@dataclass(frozen=True)
class Segment:
    text: str
    changed: bool = False


@dataclass(frozen=True)
class FieldDifference:
    label: str
    theirs: list[Segment]
    mine: list[Segment]


@dataclass(frozen=True)
class RowValue:
    label: str
    value: str
    changed: bool


@dataclass(frozen=True)
class RowDifference:
    label: str  # "Line 2"
    theirs: list[RowValue]  # empty: the row is not in that version
    mine: list[RowValue]

    @property
    def sides(self) -> list[tuple[str, list[RowValue]]]:
        return [("theirs", self.theirs), ("mine", self.mine)]


@dataclass
class Conflict:
    """What the panel shows. `version` is the saved version "Keep my version" posts."""

    message: str
    version: int
    form_id: str  # the form whose fields the choice buttons submit
    resolve_url: str
    fields: list[FieldDifference] = field(default_factory=list)
    rows: list[RowDifference] = field(default_factory=list)
    confirm_error: str = ""

    @property
    def differs(self) -> bool:
        return bool(self.fields or self.rows)


def display(form_field: forms.Field | None, value: Any) -> str:
    """A value as the form shows it: a choice's label, a date as 31.12.2027, money as 1 234,00."""
    if value is None or value == "":
        return ""
    if isinstance(form_field, forms.ModelChoiceField) or hasattr(value, "_meta"):
        return str(value)
    if isinstance(form_field, forms.ChoiceField):
        choices: Any = form_field.choices  # a list of pairs by the time a form is bound
        labels = {str(k): v for k, v in choices}
        return str(labels.get(str(value), value))
    if isinstance(value, datetime.datetime):
        return date_format(value, "d.m.Y H:i")
    if isinstance(value, datetime.date):
        return date_format(value, "d.m.Y")
    if isinstance(value, Decimal):
        return format_som(value, 2)
    return str(value)


def _same(a: Any, b: Any) -> bool:
    if a in (None, "") and b in (None, ""):
        return True
    return bool(a == b)


def word_diff(theirs: str, mine: str) -> tuple[list[Segment], list[Segment]]:
    """Both texts in full, the runs of words only one of them has marked `changed`.

    Words are compared without their spacing, so a changed line break alone does
    not light up a paragraph; each side keeps its own spacing.
    """
    a, b = _words(theirs), _words(mine)
    left: list[Segment] = []
    right: list[Segment] = []
    matcher = difflib.SequenceMatcher(
        None, [w.strip() for w in a], [w.strip() for w in b], autojunk=False
    )
    for tag, i1, i2, j1, j2 in matcher.get_opcodes():
        _append(left, "".join(a[i1:i2]), tag != "equal")
        _append(right, "".join(b[j1:j2]), tag != "equal")
    return left, right


def _words(text: str) -> list[str]:
    """Each word with the spacing after it (and the text's leading spacing on its own)."""
    return re.findall(r"^\s+|\S+\s*", text)


def _append(segments: list[Segment], text: str, changed: bool) -> None:
    if not changed:
        _add(segments, text, False)
        return
    # Spacing is never what changed: keep it out of the highlight.
    core = text.strip()
    lead = text[: len(text) - len(text.lstrip())]
    _add(segments, lead, False)
    _add(segments, core, True)
    _add(segments, text[len(lead) + len(core) :] if core else "", False)


def _add(segments: list[Segment], text: str, changed: bool) -> None:
    if not text:
        return
    if segments and segments[-1].changed == changed:
        segments[-1] = Segment(segments[-1].text + text, changed)
    else:
        segments.append(Segment(text, changed))


def field_differences(
    form: forms.BaseForm, saved: Mapping[str, Any], mine: Mapping[str, Any]
) -> list[FieldDifference]:
    """The form's visible fields whose saved value differs from the typed one, in form order."""
    found = []
    for bound in form.visible_fields():
        name = bound.name
        if name not in saved or name not in mine or _same(saved[name], mine[name]):
            continue
        form_field = form.fields[name]
        theirs, typed = display(form_field, saved[name]), display(form_field, mine[name])
        if isinstance(form_field.widget, forms.Textarea | forms.TextInput):
            left, right = word_diff(theirs, typed)
        else:
            left, right = [Segment(theirs, True)], [Segment(typed, True)]
        found.append(FieldDifference(str(form_field.label or name), left, right))
    return found


def row_differences(
    formset: forms.BaseFormSet,
    saved: Sequence[Mapping[str, Any]],
    mine: Sequence[Mapping[str, Any]],
    *,
    row_label: str = "",
) -> list[RowDifference]:
    """The rows (by position) that differ between the saved and the typed version."""
    fields = formset.form.base_fields
    label = row_label or str(getattr(formset, "row_label", "") or "%(n)s")
    names = [n for n in fields if n != "DELETE"]
    found = []
    for index in range(max(len(saved), len(mine))):
        theirs = saved[index] if index < len(saved) else None
        typed = mine[index] if index < len(mine) else None
        if (
            theirs is not None
            and typed is not None
            and all(_same(theirs.get(n), typed.get(n)) for n in names)
        ):
            continue

        def values(
            row: Mapping[str, Any] | None, other: Mapping[str, Any] | None
        ) -> list[RowValue]:
            if row is None:
                return []
            return [
                RowValue(
                    str(fields[n].label or n),
                    display(fields[n], row.get(n)),
                    other is None or not _same(row.get(n), other.get(n)),
                )
                for n in names
            ]

        found.append(
            RowDifference(label % {"n": index + 1}, values(theirs, typed), values(typed, theirs))
        )
    return found
