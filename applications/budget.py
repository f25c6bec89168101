"""A bid's budget arithmetic: totals, the amount requested, the applicant's own share."""

from __future__ import annotations

from collections.abc import Iterable
from decimal import Decimal

from applications.models import BudgetLine


def totals(lines: Iterable[BudgetLine]) -> dict[str, Decimal]:
    lines = list(lines)
    total = sum((line.total for line in lines), Decimal("0"))
    own = sum((line.own_contribution for line in lines), Decimal("0"))
    other = sum((line.other_sources for line in lines), Decimal("0"))
    requested = sum((line.requested for line in lines), Decimal("0"))
    share = (own * 100 / total).quantize(Decimal("0.1")) if total else Decimal("0")
    return {"total": total, "own": own, "other": other, "requested": requested, "own_pct": share}
