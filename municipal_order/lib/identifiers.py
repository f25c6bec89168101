"""Numbers that identify something (INN, bank details, phone numbers) are ASCII.

Python's `\\d` and `str.isdigit()` accept every script's digits: an INN typed in
full-width (０１２…) or Arabic-Indic (٠١٢…) digits looks like an existing one
to a person and is a different string to the database. Identifiers are therefore
checked against [0-9] only, never `\\d`.
"""

from __future__ import annotations

from django.core.validators import RegexValidator
from django.utils.translation import gettext_lazy as _

ASCII_DIGITS = "0123456789"

inn_validator = RegexValidator(
    r"\A[0-9]{14}\Z", _("The INN has exactly 14 digits (0–9)."), code="invalid_inn"
)
digits_validator = RegexValidator(
    r"\A[0-9]*\Z", _("Only the digits 0–9 are allowed here."), code="not_ascii_digits"
)
phone_validator = RegexValidator(
    r"\A\+?[0-9 ()\-]{5,32}\Z",
    _("Enter the phone number with the digits 0–9, for example +996 555 123 456."),
    code="invalid_phone",
)


def compact(value: str) -> str:
    """The value without the spaces people type between groups of digits."""
    return "".join(value.split())
