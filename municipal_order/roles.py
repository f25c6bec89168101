"""What the signed-in person may do, read from membership rows (DESIGN §1).

The project package may import every app; the apps never import this module's
callers, so the dependency direction accounts → competitions → applications →
monitoring stays intact.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import cached_property

from django.utils.functional import SimpleLazyObject

from accounts.permissions import is_site_admin


@dataclass
class Roles:
    user: object
    municipalities: list = field(default_factory=list)
    organizations: list = field(default_factory=list)
    ministry_regions: list = field(default_factory=list)  # None inside = national
    is_ministry: bool = False

    @property
    def is_authenticated(self) -> bool:
        return bool(getattr(self.user, "is_authenticated", False))

    @property
    def is_officer(self) -> bool:
        return bool(self.municipalities)

    @property
    def is_ngo_member(self) -> bool:
        return bool(self.organizations)

    @property
    def is_site_admin(self) -> bool:
        return is_site_admin(self.user)

    @cached_property
    def is_commission_member(self) -> bool:
        """Holds a seat on some call's commission (asked only where it matters: one query)."""
        if not self.is_authenticated:
            return False
        from competitions.models import CommissionMember

        return CommissionMember.objects.filter(user=self.user).exists()

    @cached_property
    def any(self) -> bool:
        return (
            self.is_officer
            or self.is_ngo_member
            or self.is_ministry
            or self.is_site_admin
            or self.is_commission_member
        )


def _load(user) -> Roles:
    roles = Roles(user=user)
    if not getattr(user, "is_authenticated", False):
        return roles
    from applications.models import OrganizationMember
    from competitions.models import MinistryStaff, MunicipalStaff

    roles.municipalities = [
        s.municipality
        for s in MunicipalStaff.objects.filter(user=user).select_related("municipality")
    ]
    roles.organizations = [
        m.organization
        for m in OrganizationMember.objects.filter(user=user).select_related("organization")
    ]
    ministry = list(MinistryStaff.objects.filter(user=user).select_related("region"))
    roles.is_ministry = bool(ministry)
    roles.ministry_regions = [m.region for m in ministry]
    return roles


def roles_for(user) -> Roles:
    """Lazy: pages that never look at roles run no queries for them."""
    return SimpleLazyObject(lambda: _load(user))  # type: ignore[return-value]
