"""The fetch-with-permission helpers: 404 for outsiders, 403 for weak roles."""

from __future__ import annotations

import pytest
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.test import RequestFactory

from applications.models import OrganizationMember
from applications.permissions import get_organization_for_user, organizations_for
from competitions.permissions import get_municipality_for_user, municipalities_for

pytestmark = pytest.mark.django_db


def request_as(user):
    from django.contrib.auth.models import AnonymousUser

    request = RequestFactory().get("/")
    request.user = user or AnonymousUser()
    return request


@pytest.mark.parametrize(
    ("who", "read", "write", "manage"),
    [
        ("officer_a", "ok", "ok", "ok"),
        ("officer_a_weak", "ok", "ok", 403),
        ("ministry", "ok", 403, 403),
        ("ministry_y", 404, 404, 404),
        ("officer_b", 404, 404, 404),
        ("ngo_member", 404, 404, 404),
        ("site_admin", "ok", "ok", "ok"),
        (None, 404, 404, 404),
    ],
)
def test_municipality_access(cast, who, read, write, manage):
    request = request_as(getattr(cast, who) if who else None)
    for expected, flags in ((read, {}), (write, {"write": True}), (manage, {"manage": True})):
        if expected == "ok":
            assert get_municipality_for_user(request, cast.municipality_a.code, **flags)
        else:
            error = Http404 if expected == 404 else PermissionDenied
            with pytest.raises(error):
                get_municipality_for_user(request, cast.municipality_a.code, **flags)


def test_a_regional_ministry_viewer_sees_only_their_region(cast):
    codes = set(municipalities_for(cast.ministry_y).values_list("code", flat=True))
    assert codes == {cast.municipality_b.code}
    assert set(municipalities_for(cast.ministry).values_list("code", flat=True)) >= {
        cast.municipality_a.code,
        cast.municipality_b.code,
    }


@pytest.mark.parametrize(
    ("role", "read", "write", "manage"),
    [("admin", "ok", "ok", "ok"), ("editor", "ok", "ok", 403), ("viewer", "ok", 403, 403)],
)
def test_organization_roles(cast, role, read, write, manage):
    OrganizationMember.objects.filter(user=cast.ngo_member).update(role=role)
    request = request_as(cast.ngo_member)
    for expected, flags in ((read, {}), (write, {"write": True}), (manage, {"manage": True})):
        if expected == "ok":
            assert get_organization_for_user(request, cast.organization.pk, **flags)
        else:
            with pytest.raises(PermissionDenied):
                get_organization_for_user(request, cast.organization.pk, **flags)


@pytest.mark.parametrize("who", ["other_ngo_member", "officer_a", "ministry", None])
def test_outsiders_get_404_for_an_organization(cast, who):
    request = request_as(getattr(cast, who) if who else None)
    with pytest.raises(Http404):
        get_organization_for_user(request, cast.organization.pk)
    assert cast.organization not in organizations_for(request.user)


def test_a_missing_organization_is_404(cast):
    with pytest.raises(Http404):
        get_organization_for_user(request_as(cast.site_admin), 999_999)
