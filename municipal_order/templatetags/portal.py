from __future__ import annotations

from django import template
from django.utils.translation import gettext as _

from municipal_order.lib.money import NBSP, format_som

register = template.Library()


@register.filter
def som(value: object, decimals: int = 2) -> str:
    """{{ amount|som }} → '1 234 567,00 сом'; {{ amount|som:0 }} → '1 234 567 сом'."""
    text = format_som(value, int(decimals))
    if not text:
        return ""
    unit = _("som")  # outside the f-string, so makemessages sees it
    return f"{text}{NBSP}{unit}"
