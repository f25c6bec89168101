"""Who may see and do what with a municipality's workspace.

404 for everyone outside the municipality (no existence oracle for private
pages), 403 for people inside who hold too weak a role.
"""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.db.models import Q, QuerySet
from django.http import Http404, HttpRequest
from django.shortcuts import get_object_or_404
from django.utils.translation import gettext as _

from accounts.permissions import is_site_admin
from competitions.models import MinistryStaff, Municipality, MunicipalStaff, PriorityProblem


def staff_membership(user, municipality: Municipality) -> MunicipalStaff | None:
    """The user's membership in the municipality's staff, looked up once a request.

    The cache lives on the user object, which Django builds anew for every request.
    """
    if not user.is_authenticated:
        return None
    cache = user.__dict__.setdefault("_staff_memberships", {})
    if municipality.pk not in cache:
        cache[municipality.pk] = MunicipalStaff.objects.filter(
            user=user, municipality=municipality
        ).first()
    return cache[municipality.pk]


def ministry_sees(user, municipality: Municipality) -> bool:
    if not user.is_authenticated:
        return False
    return MinistryStaff.objects.filter(
        Q(region__isnull=True) | Q(region_id=municipality.region_id), user=user
    ).exists()


def municipalities_for(user) -> QuerySet[Municipality]:
    """Municipalities whose workspace the user may open."""
    if not user.is_authenticated:
        return Municipality.objects.none()
    if is_site_admin(user):
        return Municipality.objects.all()
    ministry = MinistryStaff.objects.filter(user=user)
    if ministry.filter(region__isnull=True).exists():
        return Municipality.objects.all()
    return Municipality.objects.filter(
        Q(staff__user=user) | Q(region__in=ministry.values("region"))
    ).distinct()


def check_municipality_access(
    request: HttpRequest, municipality: Municipality, *, write: bool = False, manage: bool = False
) -> MunicipalStaff | None:
    """Raise Http404 / PermissionDenied; return the user's staff row, if any.

    read: officers, ministry staff of the country or the region, site administrators;
    write: officers and site administrators; manage (staff): heads and site administrators.
    """
    user = request.user
    membership = staff_membership(user, municipality)
    if user.is_authenticated and is_site_admin(user):
        return membership
    if membership is None:
        if ministry_sees(user, municipality):
            if write or manage:
                raise PermissionDenied(_("Ministry staff have read-only access."))
            return None
        raise Http404
    if manage and membership.role != MunicipalStaff.Role.HEAD:
        raise PermissionDenied(_("Only the head of the municipality's team manages officers."))
    return membership


def get_municipality_for_user(
    request: HttpRequest, code: str, *, write: bool = False, manage: bool = False
) -> Municipality:
    municipality = get_object_or_404(
        Municipality.objects.select_related("region", "district"), code=code
    )
    check_municipality_access(request, municipality, write=write, manage=manage)
    return municipality


def get_staff_for_user(request: HttpRequest, code: str, staff_id: int) -> MunicipalStaff:
    municipality = get_municipality_for_user(request, code, manage=True)
    staff = MunicipalStaff.objects.filter(pk=staff_id, municipality=municipality).first()
    if staff is None:
        raise Http404
    return staff


def get_problem_for_user(
    request: HttpRequest, code: str, pk: int, *, write: bool = False
) -> PriorityProblem:
    """A problem through its municipality's workspace (drafts included)."""
    municipality = get_municipality_for_user(request, code, write=write)
    problem = PriorityProblem.objects.filter(pk=pk, municipality=municipality).first()
    if problem is None:
        raise Http404
    return problem


def get_public_problem(pk: int) -> PriorityProblem:
    """Drafts do not exist for the public."""
    return get_object_or_404(
        PriorityProblem.objects.public().select_related("municipality__region", "sphere"), pk=pk
    )


def get_call_for_user(request: HttpRequest, code: str, pk: int, *, write: bool = False):
    """A call through its municipality's workspace (drafts included)."""
    from competitions.models import Competition

    municipality = get_municipality_for_user(request, code, write=write)
    call = Competition.objects.filter(pk=pk, municipality=municipality).first()
    if call is None:
        raise Http404
    return call


def get_public_call(pk: int):
    from competitions.models import Competition

    return get_object_or_404(
        Competition.objects.public().select_related("municipality__region", "programme", "sphere"),
        pk=pk,
    )
