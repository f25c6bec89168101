"""A form renderer that writes Django's plain widgets in Python.

Every `<input>`, `<textarea>` and `<select>` Django renders goes through a template
(and `attrs.html`, and one `select_option.html` per option): about 0.7 ms a widget
on the 2-core target. A bid's budget step with 60 lines renders 480 of them, so two
thirds of that page's time went to these templates (docs/performance.md).

`FastWidgetRenderer` writes the same markup, byte for byte, in Python for the
templates Django ships, and hands every other template (forms, fields, crispy's,
radio and checkbox lists) to the template engine as before. A template a project
overrides is not taken over: at start the renderer checks that each name resolves
to Django's own file. `tests/test_form_renderer.py` compares the two renderings.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from pathlib import Path
from typing import Any, cast

import django.forms
from django.forms.renderers import DjangoTemplates
from django.utils.formats import localize
from django.utils.functional import cached_property
from django.utils.html import conditional_escape
from django.utils.safestring import SafeData
from django.utils.timezone import template_localtime  # type: ignore[attr-defined]

_DJANGO_WIDGETS = Path(django.forms.__file__).parent / "templates" / "django" / "forms" / "widgets"
# The widgets whose template is input.html and nothing more.
_INPUTS = ["input", "checkbox", "color", "date", "datetime", "email", "file", "hidden"]
_INPUTS += ["number", "password", "search", "tel", "text", "time", "url"]
OPTION = "django/forms/widgets/select_option.html"


def _shown(value: Any) -> str:
    """`{{ value }}` with autoescape: local time, localized, escaped unless safe."""
    return conditional_escape(localize(template_localtime(value)))


def _formatted(value: Any) -> str:
    """`{{ value|stringformat:'s' }}`: str(), escaped unless the value was safe."""
    return cast(str, value) if isinstance(value, SafeData) else conditional_escape(str(value))


def _attrs(attrs: Mapping[str, Any]) -> str:
    """django/forms/widgets/attrs.html."""
    out = []
    for name, value in attrs.items():
        if value is False:
            continue
        out.append(f" {_shown(name)}")
        if value is not True:
            out.append(f'="{_formatted(value)}"')
    return "".join(out)


def _input(widget: Mapping[str, Any]) -> str:
    value = "" if widget["value"] is None else f' value="{_formatted(widget["value"])}"'
    return (
        f'<input type="{_shown(widget["type"])}" name="{_shown(widget["name"])}"'
        f"{value}{_attrs(widget['attrs'])}>"
    )


def _textarea(widget: Mapping[str, Any]) -> str:
    value = _shown(widget["value"]) if widget["value"] else ""
    return (
        f'<textarea name="{_shown(widget["name"])}"{_attrs(widget["attrs"])}>\n{value}</textarea>'
    )


def _option(option: Mapping[str, Any]) -> str:
    # select_option.html ends with a newline, which select.html keeps.
    return (
        f'<option value="{_formatted(option["value"])}"{_attrs(option["attrs"])}>'
        f"{_shown(option['label'])}</option>\n"
    )


def _select(widget: Mapping[str, Any]) -> str | None:
    out = [f'<select name="{_shown(widget["name"])}"{_attrs(widget["attrs"])}>']
    for group_name, group_choices, _index in widget["optgroups"]:
        if group_name:
            out.append(f'\n  <optgroup label="{_shown(group_name)}">')
        for option in group_choices:
            if option["template_name"] != OPTION:
                return None  # a custom option: the template engine's job
            out.append(f"\n  {_option(option)}")
        if group_name:
            out.append("\n  </optgroup>")
    out.append("\n</select>")
    return "".join(out)


_WRITERS: dict[str, Callable[[Mapping[str, Any]], str | None]] = {
    **{f"django/forms/widgets/{name}.html": _input for name in _INPUTS},
    "django/forms/widgets/textarea.html": _textarea,
    "django/forms/widgets/select.html": _select,
}


class FastWidgetRenderer(DjangoTemplates):
    """DjangoTemplates with Django's own input, textarea and select written in Python."""

    @cached_property
    def _writers(self) -> dict[str, Callable[[Mapping[str, Any]], str | None]]:
        # Only where the name resolves to Django's file (option and attrs included):
        # a project's override of one of them keeps its template.
        own = {
            name
            for name in [*_WRITERS, OPTION, "django/forms/widgets/attrs.html"]
            if Path(self.get_template(name).origin.name).parent == _DJANGO_WIDGETS
        }
        if {OPTION, "django/forms/widgets/attrs.html"} - own:
            return {}
        return {name: write for name, write in _WRITERS.items() if name in own}

    def render(self, template_name: str, context: dict[str, Any], request: Any = None) -> str:
        write = self._writers.get(template_name)
        if write is not None and "widget" in context:
            html = write(context["widget"])
            if html is not None:
                return html  # Widget._render marks it safe, as it does the template's
        return super().render(template_name, context, request=request)
