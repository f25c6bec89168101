"""{% error_summary form formset … %}: the error summary at the top of a long form.

See municipal_order/lib/error_summary.py and docs/architecture.md ("Long forms").
"""

from __future__ import annotations

from django import template

from municipal_order.lib.error_summary import collect_errors
from municipal_order.lib.error_summary import section_id as _section_id

register = template.Library()


@register.inclusion_tag("includes/_error_summary.html")
def error_summary(*parts) -> dict:
    """The page's forms and formsets, in the order the page shows them."""
    return {"errors": collect_errors(*parts)}


@register.filter
def section_id(formset) -> str:
    """{{ formset|section_id }}: the id of the element wrapping the formset."""
    return _section_id(formset)
