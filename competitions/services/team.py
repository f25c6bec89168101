"""Writes to municipalities' teams. Atomic, locked, audited; side effects after commit."""

from __future__ import annotations

from django.db import transaction
from django.urls import reverse
from django.utils.translation import gettext as _

from accounts.models import User, normalize_email
from audit.services import record
from competitions.exceptions import AlreadyStaff, CompetitionsError, UnknownUser
from competitions.models import Municipality, MunicipalStaff
from municipal_order.lib.actors import By
from notifications.services import notify


@transaction.atomic
def add_municipal_staff(
    municipality: Municipality, *, email: str, role: str, position: str = "", by: By
) -> MunicipalStaff:
    municipality = Municipality.objects.select_for_update().get(pk=municipality.pk)
    user = User.objects.filter(email=normalize_email(email), is_active=True).first()
    if user is None:
        raise UnknownUser(_("No active account uses this e-mail. Ask the person to sign up first."))
    if MunicipalStaff.objects.filter(user=user, municipality=municipality).exists():
        raise AlreadyStaff(_("This person is already an officer of this municipality."))
    staff = MunicipalStaff.objects.create(
        user=user, municipality=municipality, role=role, position=position
    )
    record(
        "municipality.staff_added",
        municipality,
        by=by,
        after={"user": user.email, "role": role, "position": position},
    )
    notify(
        [user],
        "municipal_staff_added",
        {"municipality": municipality},
        url=reverse("competitions:workspace", args=[municipality.code]),
    )
    return staff


@transaction.atomic
def remove_municipal_staff(staff: MunicipalStaff, *, by: By) -> None:
    staff = (
        MunicipalStaff.objects.select_for_update()
        .select_related("user", "municipality")
        .get(pk=staff.pk)
    )
    if (
        staff.role == MunicipalStaff.Role.HEAD
        and not MunicipalStaff.objects.filter(
            municipality=staff.municipality, role=MunicipalStaff.Role.HEAD
        )
        .exclude(pk=staff.pk)
        .exists()
    ):
        raise CompetitionsError(
            _("The municipality must keep at least one head. Appoint another head first.")
        )
    record(
        "municipality.staff_removed",
        staff.municipality,
        by=by,
        before={"user": staff.user.email, "role": staff.role, "position": staff.position},
    )
    staff.delete()
