from __future__ import annotations

from typing import Any

from django import forms, template
from django.utils.html import format_html, format_html_join
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _

from municipal_order.lib.money import NBSP, format_som

register = template.Library()


@register.filter
def percent(value: object, decimals: int = 1) -> str:
    """{{ share|percent }} → '12,5%': one way in every language, on pages and in PDFs
    (Django's own number formats differ between Russian and Kyrgyz)."""
    text = format_som(value, int(decimals))
    return f"{text}%" if text else ""


@register.filter
def som(value: object, decimals: int = 2) -> str:
    """{{ amount|som }} → '1 234 567,00 сом'; {{ amount|som:0 }} → '1 234 567 сом'."""
    text = format_som(value, int(decimals))
    if not text:
        return ""
    unit = _("som")  # outside the f-string, so makemessages sees it
    return f"{text}{NBSP}{unit}"


@register.simple_tag
def amended_value(field: str, value: object) -> str:
    """Amendment values are stored as JSON (ISO times in UTC, decimals as strings)."""
    import datetime

    from django.utils import timezone
    from django.utils.dateformat import format as date_format

    if field == "closes_at" and isinstance(value, str):
        try:
            moment = datetime.datetime.fromisoformat(value.replace("Z", "+00:00"))
        except ValueError:
            return value
        return date_format(timezone.localtime(moment), "d.m.Y H:i")
    if field in {"total_budget", "max_per_bid"}:
        return som(value)
    return "" if value is None else str(value)


@register.filter
def css_string(value: object) -> str:
    """Text for a CSS string literal inside <style> (PDF page headers).

    <style> is raw text, so HTML escaping would print entities: escape for CSS
    instead (backslash, quote, and angle brackets so "</style>" cannot close it).
    """
    text = " ".join(str(value).split())
    for raw, escaped in (("\\", "\\\\"), ('"', '\\"'), ("<", "\\3C "), (">", "\\3E ")):
        text = text.replace(raw, escaped)
    # Safe: every character that could end the CSS string or the <style> element was
    # escaped above (tests/documents/test_pdf_fetcher.py), and HTML escaping would be wrong.
    return mark_safe(text)  # nosec B308, B703


@register.simple_tag
def pdf_static(path: str) -> str:
    """A static file's URL for a PDF template, by its source name.

    `{% static %}` asks the storage, and the manifest storage of DEBUG=0 raises for
    every name until collectstatic has run; the PDF fetcher reads the file from
    STATIC_ROOT or, before collectstatic, from the finders (lib/pdf.py), so the
    name need not be hashed and a document renders either way.
    """
    from django.conf import settings

    return settings.STATIC_URL + path.lstrip("/")


REQUIRED_MARK = mark_safe('<span class="asteriskField">*</span>')  # nosec B308, B703


@register.filter
def row_field(field: Any) -> str:
    """{{ f.item|row_field }}: a field of a repeated row (budget lines, calendar plan,
    indicators) with the markup crispy's Bootstrap 5 pack gives it — label, required
    mark, widget, errors and help, the same ids and ARIA links — built in Python: a bid
    step with 60 budget lines renders 480 of them, and crispy's templates cost ~0.5 ms
    each (docs/performance.md)."""
    widget = field.field.widget
    fid = field.id_for_label or field.auto_id
    check = isinstance(widget, forms.CheckboxInput)
    css = (
        "form-check-input"
        if check
        else ("form-select" if isinstance(widget, forms.Select) else "form-control")
    )
    described = []
    if field.errors:
        css += " is-invalid"
        described.append(f"{fid}_error")
    if field.help_text:
        described.append(f"{fid}_helptext")
    attrs = {"class": css}
    if field.errors:
        attrs["aria-invalid"] = "true"
    if described:
        attrs["aria-describedby"] = " ".join(described)
    control = field.as_widget(attrs=attrs)
    errors = ""
    if field.errors:
        items = format_html_join(
            "",
            '<p id="error_{}_{}"><strong>{}</strong></p>',
            ((n, fid, e) for n, e in enumerate(field.errors, start=1)),
        )
        errors = format_html('<div id="{}_error" class="invalid-feedback">{}</div>', fid, items)
    help_text = (
        format_html('<div id="{}_helptext" class="form-text">{}</div>', fid, field.help_text)
        if field.help_text
        else ""
    )
    if check:
        return format_html(
            '<div class="mb-3"><div id="div_id_{}" class="form-check">{}'
            '<label for="{}" class="form-check-label">{}</label>{}{}</div></div>',
            field.html_name,
            control,
            fid,
            field.label,
            errors,
            help_text,
        )
    required = field.field.required
    return format_html(
        '<div id="div_id_{}" class="mb-3"><label for="{}" class="form-label{}">{}{}</label>'
        "{}{}{}</div>",
        field.html_name,
        fid,
        " requiredField" if required else "",
        field.label,
        REQUIRED_MARK if required else "",
        control,
        errors,
        help_text,
    )
