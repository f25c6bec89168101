"""Names people type, without the characters nobody can see.

Bidirectional controls (U+202A–U+202E, U+2066–U+2069) and zero-width characters
(U+200B–U+200D, U+2060, U+FEFF) change how a name is shown, or make two names
that look the same differ: "ОФ «Көмөк»" and "ОФ «Кө\u200bмөк»". Names keep
letters, digits, punctuation and spaces (Unicode category Cf removed, runs of
white space folded).
"""

from __future__ import annotations

import unicodedata


def plain_name(value: str) -> str:
    """The name without invisible format characters, its spaces folded."""
    visible = "".join(ch for ch in value if unicodedata.category(ch) != "Cf")
    return " ".join(visible.split())


class PlainNamesMixin:
    """For forms: the fields in `name_fields` are cleaned with `plain_name`."""

    name_fields: tuple[str, ...] = ()

    def _clean_fields(self) -> None:
        super()._clean_fields()  # type: ignore[misc]
        cleaned = self.cleaned_data  # type: ignore[attr-defined]
        for name in self.name_fields:
            if isinstance(cleaned.get(name), str):
                cleaned[name] = plain_name(cleaned[name])
