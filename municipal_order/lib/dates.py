"""Dates people type: a year like 0001 or 9999 is a slip of the finger, not a date.

Such years pass Django's date fields, then break sorting, arithmetic or the
database (year 9999 plus a few days overflows), so every form with dates checks
them against a plausible range.
"""

from __future__ import annotations

import datetime
import zoneinfo
from typing import Any

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

# Deadlines and calendar days are counted here, whatever the server's or reader's zone.
BISHKEK = zoneinfo.ZoneInfo("Asia/Bishkek")

# Older registrations (Soviet-era organisations re-registered) go back this far.
MIN_YEAR = 1900
# Plans, deadlines and programmes reach at most this many years ahead.
YEARS_AHEAD = 10


def max_year() -> int:
    return timezone.localdate().year + YEARS_AHEAD


def year_problem(value: Any) -> str | None:
    """Why the year of a date or datetime is implausible, or None."""
    if not isinstance(value, datetime.date):
        return None
    if MIN_YEAR <= value.year <= max_year():
        return None
    return str(
        _("Enter a date between the years %(min)s and %(max)s.")
        % {"min": MIN_YEAR, "max": max_year()}
    )


class PlausibleDatesMixin:
    """For forms: every date and date-time field gets a year between 1900 and ten
    years from now."""

    def clean(self) -> dict[str, Any]:
        cleaned: dict[str, Any] = super().clean()  # type: ignore[misc]
        for name, field in self.fields.items():  # type: ignore[attr-defined]
            if isinstance(field, forms.DateField | forms.DateTimeField):
                problem = year_problem(cleaned.get(name))
                if problem:
                    self.add_error(name, problem)  # type: ignore[attr-defined]
        return cleaned
