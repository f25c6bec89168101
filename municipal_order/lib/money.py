"""Money in som (KGS), written the way Kyrgyz and Russian readers expect: 1 234 567,00."""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal, InvalidOperation

NBSP = "\u00a0"


def format_som(value: object, decimals: int = 2) -> str:
    """'1 234 567,00' with non-breaking spaces; '' for None or non-numbers."""
    if value is None or value == "":
        return ""
    try:
        amount = Decimal(str(value))
    except (InvalidOperation, ValueError):
        return ""
    quantum = Decimal(1).scaleb(-decimals)
    amount = amount.quantize(quantum, rounding=ROUND_HALF_UP)
    sign = "-" if amount < 0 else ""
    whole, _, fraction = f"{abs(amount):f}".partition(".")
    groups: list[str] = []
    while whole:
        groups.insert(0, whole[-3:])
        whole = whole[:-3]
    text = NBSP.join(groups) or "0"
    return f"{sign}{text},{fraction}" if decimals else f"{sign}{text}"


# The largest amount the money columns hold (DecimalField(max_digits=14, decimal_places=2)).
MAX_SOM = Decimal("1e12")
