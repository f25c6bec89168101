"""Who reaches a project.

The public project page is everyone's (the money is public): its agreement PDF and the
payments' order numbers are for the organisation's members, the municipality's
officers, ministry staff who oversee it and site administrators. The officer's project
page sits in the municipality's workspace: officers and site administrators write,
ministry staff read, anyone else 404 (`competitions.permissions.get_municipality_for_user`).
"""

from __future__ import annotations

from django.http import Http404, HttpRequest
from django.shortcuts import get_object_or_404

from accounts.permissions import is_site_admin
from applications.models import OrganizationMember
from competitions.permissions import get_municipality_for_user, ministry_sees, staff_membership
from monitoring.models import Project


def get_public_project(pk: int) -> Project:
    return get_object_or_404(
        Project.objects.select_related(
            "municipality__region", "organization", "competition", "submission"
        ),
        pk=pk,
    )


def sees_details(user, project: Project) -> bool:
    """The agreement and the payments' details: the parties and those who oversee them."""
    if not user.is_authenticated:
        return False
    return (
        is_site_admin(user)
        or staff_membership(user, project.municipality) is not None
        or ministry_sees(user, project.municipality)
        or OrganizationMember.objects.filter(
            user=user, organization=project.organization_id
        ).exists()
    )


def get_project_for_user(
    request: HttpRequest, code: str, pk: int, *, write: bool = False
) -> Project:
    """A project through its municipality's workspace."""
    municipality = get_municipality_for_user(request, code, write=write)
    project = (
        Project.objects.select_related("municipality", "organization", "competition", "submission")
        .filter(pk=pk, municipality=municipality)
        .first()
    )
    if project is None:
        raise Http404
    return project
