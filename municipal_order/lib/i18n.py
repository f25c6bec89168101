"""Helpers for the portal's three languages and Kyrgyz-aware text handling."""

from __future__ import annotations

from django.utils.translation import get_language, gettext_noop

# Django's own list separator ("1 day, 11 hours" in timeuntil): its Kyrgyz catalogue
# has "," without the space, so "1 күн,11 саат". The portal's catalogue, searched
# first, says ", ".
gettext_noop(", ")

# Kyrgyz Cyrillic order: the Russian alphabet plus Ң after Н, Ө after О and Ү after У.
KYRGYZ_ALPHABET = "абвгдеёжзийклмнңоөпрстуүфхцчшщъыьэюя"
_RANK = {ch: i for i, ch in enumerate(KYRGYZ_ALPHABET)}


def kyrgyz_sort_key(text: str) -> tuple:
    """A sort key that puts Ң, Ө, Ү where a Kyrgyz reader expects them.

    Plain code-point order puts them after Я. Latin letters and digits sort before
    Cyrillic, as in the national statistics lists.
    """
    key = []
    for ch in (text or "").casefold():
        if ch in _RANK:
            key.append((1, _RANK[ch]))
        else:
            key.append((0, ord(ch)))
    return tuple(key)


def kyrgyz_collation_key(text: str) -> str:
    """`kyrgyz_sort_key` as a string that sorts the same way in any database.

    Each character becomes seven lowercase hex digits (its class, then its rank or
    code point), so comparing the strings compares the tuples; hex digits keep the
    order under every collation, "C" and the linguistic ones alike.
    """
    return "".join(f"{cls}{value:06x}" for cls, value in kyrgyz_sort_key(text))


def localized(obj: object, field: str = "name") -> str:
    """Pick obj.<field>_<lang> for the active language, falling back to ru then en."""
    lang = (get_language() or "ru").split("-")[0]
    for code in (lang, "ru", "ky", "en"):
        value = getattr(obj, f"{field}_{code}", "")
        if value:
            return value
    return ""


class LocalizedName:
    """Model mixin: `name` in the reader's language from `name_ru` / `name_ky`."""

    @property
    def name(self) -> str:
        return localized(self)
