"""Bar charts drawn on the server as SVG: no script, no external host, light on a phone.

Each unit gets its label on a line of its own and its bars below it, so long oblast
names never squeeze the bars, and the drawing scales with the page (viewBox). The
table beside each chart carries the same figures for screen readers and copying;
the SVG names itself (`<title>`) and is otherwise decorative to them.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal

from django.utils.formats import number_format
from django.utils.html import format_html, format_html_join
from django.utils.safestring import SafeString
from django.utils.translation import gettext as _

WIDTH = 400
LABEL = 18  # the unit's name line
BAR = 11
GAP = 10


@dataclass(frozen=True)
class Series:
    name: str
    color: str


@dataclass(frozen=True)
class Row:
    label: str
    values: Sequence[int | Decimal]


def compact(value: int | Decimal, *, money: bool = False) -> str:
    """1 250 000 → "1,3 mln" (in the reader's language); small numbers as they are."""
    if money and value >= 1_000_000:
        return _("%(n)s mln") % {"n": number_format(Decimal(value) / 1_000_000, 1)}
    if money and value >= 1_000:
        return _("%(n)s thousand") % {"n": number_format(Decimal(value) / 1_000, 0)}
    return number_format(value, 0, force_grouping=True)


def bars(
    title: str,
    series: Sequence[Series],
    rows: Sequence[Row],
    *,
    stacked: bool = False,
    money: bool = False,
) -> SafeString:
    """Grouped (one bar per series) or stacked (one bar per unit) horizontal bars.

    Units with nothing to draw are left out (the table beside lists every unit); with
    nothing at all, there is no chart: an empty string.
    """
    rows = [row for row in rows if any(row.values)]
    if not rows:
        return SafeString("")
    per_row = BAR if stacked else BAR * len(series)
    height = max(len(rows), 1) * (LABEL + per_row + GAP)
    top = max(
        (sum(row.values) if stacked else max(row.values, default=0) for row in rows),
        default=0,
    )
    scale = (WIDTH - 70) / float(top) if top else 0.0
    parts = []
    y = 0
    for row in rows:
        parts.append(
            format_html(
                '<text x="0" y="{}" class="chart-label" font-size="12" fill="#212529">{}</text>',
                y + 13,
                row.label,
            )
        )
        y += LABEL
        x = 0.0
        for n, (value, one) in enumerate(zip(row.values, series, strict=True)):
            width = float(value) * scale
            bar_y = y if stacked else y + n * BAR
            parts.append(
                format_html(
                    '<rect x="{}" y="{}" width="{}" height="{}" fill="{}"><title>{}: {}</title>'
                    "</rect>",
                    f"{x:.1f}",
                    bar_y,
                    f"{width:.1f}",
                    BAR - 2,
                    one.color,
                    one.name,
                    compact(value, money=money),
                )
            )
            if stacked:
                x += width
            elif value:
                parts.append(_value_text(width + 4, bar_y + BAR - 3, value, money))
        if stacked or not any(row.values):  # nothing at all: one "0", not a column of them
            parts.append(_value_text(x + 4, y + BAR - 3, sum(row.values), money))
        y += per_row + GAP
    return format_html(
        '<svg class="chart" viewBox="0 0 {} {}" role="img" aria-label="{}" '
        'preserveAspectRatio="xMinYMin meet">{}</svg>',
        WIDTH,
        height,
        title,
        format_html_join("", "{}", ((part,) for part in parts)),  # each part format_html's
    )


def _value_text(x: float, y: int, value: int | Decimal, money: bool) -> SafeString:
    return format_html(
        '<text x="{}" y="{}" class="chart-value" font-size="10" fill="#555">{}</text>',
        f"{x:.1f}",
        y,
        compact(value, money=money),
    )


def legend(series: Sequence[Series]) -> SafeString:
    return format_html(
        '<ul class="chart-legend list-inline small mb-2">{}</ul>',
        format_html_join(
            "",
            '<li class="list-inline-item"><svg width="12" height="12" aria-hidden="true">'
            '<rect width="12" height="12" fill="{}"/></svg> {}</li>',
            ((one.color, one.name) for one in series),
        ),
    )
