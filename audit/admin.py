"""The Django admin writes the audit trail too: no edit leaves no trace.

Apps register their domain models with `AuditedModelAdmin` (every add, change and
delete is an audit row naming the administrator, the fields and their values
before and after) or `ReadOnlyModelAdmin` (what changes only through the
portal's own audited services, such as memberships).
"""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.core import checks
from django.db import models, transaction
from django.forms import ModelForm
from django.http import HttpRequest

from audit.services import record, snapshot

# Values never written into the trail, only the fact that they changed.
SECRET_FIELDS = frozenset({"password"})


def _recordable(obj: models.Model, names: list[str]) -> tuple[list[str], list[str]]:
    """Split changed form fields into (concrete fields with values, other changes)."""
    concrete, other = [], []
    for name in names:
        try:
            field = obj._meta.get_field(name)
        except Exception:
            other.append(name)
            continue
        if isinstance(field, models.Field) and field.concrete and not field.many_to_many:
            (other if name in SECRET_FIELDS else concrete).append(name)
        else:
            other.append(name)
    return concrete, other


class PortalModelAdmin(admin.ModelAdmin):
    """The portal's admin lists: 50 rows a page, and no count of the whole table.

    At national scale a page of 100 rows took 160-250 ms to render (docs/performance.md);
    a filtered list's "N total" would count every row of the table once more.
    """

    list_per_page = 50
    show_full_result_count = False


class AuditedModelAdmin(PortalModelAdmin):
    """A ModelAdmin whose every write is an `admin.<model>.<verb>` audit row."""

    def _action(self, verb: str) -> str:
        return f"admin.{self.model._meta.model_name}.{verb}"

    def save_model(self, request: HttpRequest, obj: Any, form: ModelForm, change: bool) -> None:
        concrete, other = _recordable(obj, list(form.changed_data))
        before = None
        if change:
            old = type(obj)._default_manager.get(pk=obj.pk)
            before = snapshot(old, concrete)
        super().save_model(request, obj, form, change)
        after: dict[str, Any] = snapshot(obj, concrete)
        if other:
            after["also_changed"] = sorted(other)
        record(
            self._action("changed" if change else "added"),
            obj,
            by=request,
            before=before,
            after=after,
        )

    def check(self, **kwargs: Any) -> list[checks.CheckMessage]:
        # Inline rows would change without an audit row of their own: refuse them at
        # start-up (`manage.py check`) unless they are read-only.
        errors = super().check(**kwargs)
        for inline in self.inlines:
            if not issubclass(inline, ReadOnlyInline):
                errors.append(
                    checks.Error(
                        f"{inline.__name__} on {type(self).__name__} is editable: "
                        "inline changes would not be audited.",
                        hint="Make it a ReadOnlyInline and change the rows through a service.",
                        obj=type(self),
                        id="audit.E001",
                    )
                )
        return errors

    def delete_model(self, request: HttpRequest, obj: Any) -> None:
        with transaction.atomic():
            concrete, _ = _recordable(obj, [f.name for f in obj._meta.concrete_fields])
            record(self._action("deleted"), obj, by=request, before=snapshot(obj, concrete))
            super().delete_model(request, obj)

    def delete_queryset(self, request: HttpRequest, queryset: models.QuerySet) -> None:
        # The bulk "delete selected" action: one row per object, like a single delete.
        with transaction.atomic():
            for obj in queryset:
                self.delete_model(request, obj)


class ReadOnlyModelAdmin(PortalModelAdmin):
    """Visible to administrators; changed only through the portal's audited services."""

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


class ReadOnlyInline(admin.TabularInline):
    """An inline that only shows rows (memberships change through their services)."""

    extra = 0
    can_delete = False

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False
