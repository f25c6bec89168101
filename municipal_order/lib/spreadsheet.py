"""Cells for CSV/XLSX exports that a spreadsheet will not run as formulas (T38)."""

from __future__ import annotations

from typing import Any

FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def safe_cell(value: Any) -> Any:
    """Text that a spreadsheet would read as a formula gets a leading apostrophe.

    Numbers stay numbers: only strings are touched, so "-5" typed as text is
    quoted but a Decimal amount is not.
    """
    if isinstance(value, str) and value.startswith(FORMULA_START):
        return "'" + value
    return value
