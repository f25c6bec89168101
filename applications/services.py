"""Writes to organisations. Atomic, audited."""

from __future__ import annotations

from typing import Any

from django.db import transaction

from applications.models import Organization, OrganizationMember
from audit.services import record, snapshot

ORGANIZATION_FIELDS = ["name_ru", "name_ky", "legal_form", "inn", "region", "municipality", "email"]


@transaction.atomic
def register_organization(*, admin: Any, by: Any, **fields: Any) -> Organization:
    """Create an organisation with its first administrator."""
    organization = Organization(**fields)
    organization.full_clean()
    organization.save()
    OrganizationMember.objects.create(
        user=admin, organization=organization, role=OrganizationMember.Role.ADMIN
    )
    record(
        "organization.registered",
        organization,
        by=by,
        after={**snapshot(organization, ORGANIZATION_FIELDS), "admin": admin.email},
    )
    return organization
