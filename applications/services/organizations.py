"""Writes to organisations and their members. Atomic, locked, audited."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from accounts.invitations import expiry, new_token
from accounts.models import normalize_email
from applications.exceptions import ApplicationsError
from applications.models import Invitation, Organization, OrganizationMember
from audit.services import record, snapshot
from municipal_order.lib.actors import By, acting_user
from municipal_order.lib.emails import absolute_url
from municipal_order.lib.uploads import check_upload
from notifications.services import queue_email

ORGANIZATION_FIELDS = [
    "name_ru",
    "name_ky",
    "legal_form",
    "inn",
    "registration_number",
    "registration_date",
    "region",
    "municipality",
    "address",
    "email",
    "phone",
    "head_name",
    "head_position",
    "bank_name",
    "bank_bic",
    "bank_account",
]
INN_TAKEN = gettext_lazy(
    "An organisation with this INN is already registered. Ask its administrator to invite you."
)
# What an officer checks when verifying: changing any of it withdraws the verification
# (a renamed or relocated organisation is not the one that was vouched for).
VERIFIED_FACTS = (
    "inn",
    "registration_number",
    "registration_date",
    "legal_form",
    "name_ru",
    "name_ky",
    "region",
    "municipality",
)
Role = OrganizationMember.Role


def _attach_charter(organization: Organization, upload: UploadedFile | None) -> None:
    if upload is None:
        return
    checked = check_upload(upload, kinds=("pdf",))
    organization.charter.save(upload.name, upload, save=False)
    organization.charter_name = checked.display_name
    organization.charter_sha256 = checked.sha256


def _discard_charter(organization: Organization) -> None:
    """The stored charter of an organisation that was not created: no orphan files."""
    if organization.charter.name:
        organization.charter.storage.delete(organization.charter.name)


def _snapshot(organization: Organization) -> dict[str, Any]:
    data = snapshot(organization, ORGANIZATION_FIELDS)
    data["charter"] = organization.charter_sha256 or None
    return data


@transaction.atomic
def register_organization(
    *, admin: Any, by: By, charter: UploadedFile | None = None, **fields: Any
) -> Organization:
    """Create an organisation with its first administrator (the person registering it)."""
    organization = Organization(**{k: v for k, v in fields.items() if k in ORGANIZATION_FIELDS})
    _attach_charter(organization, charter)
    try:
        with transaction.atomic():  # a savepoint: a concurrent twin may win the INN
            organization.full_clean()
            organization.save()
    except IntegrityError:
        _discard_charter(organization)
        raise ValidationError({"inn": INN_TAKEN}) from None
    except BaseException:
        _discard_charter(organization)
        raise
    OrganizationMember.objects.create(user=admin, organization=organization, role=Role.ADMIN)
    record(
        "organization.registered",
        organization,
        by=by,
        after={**_snapshot(organization), "admin": admin.email},
    )
    return organization


@transaction.atomic
def update_organization(
    organization: Organization, *, data: dict[str, Any], charter: UploadedFile | None, by: By
) -> Organization:
    organization = Organization.objects.select_for_update().get(pk=organization.pk)
    before = _snapshot(organization)
    for field in ORGANIZATION_FIELDS:
        if field in data:
            setattr(organization, field, data[field])
    _attach_charter(organization, charter)
    after = _snapshot(organization)
    identity_changed = any(before[f] != after[f] for f in VERIFIED_FACTS)
    if identity_changed and organization.verified_at:
        # Verification vouched for the old facts: it has to be done again.
        organization.verified_at = None
        organization.verified_by = None
        organization.verification_note = ""
        changed = sorted(f for f in VERIFIED_FACTS if before[f] != after[f])
        record(
            "organization.verification_withdrawn", organization, by=by, after={"changed": changed}
        )
    organization.full_clean()
    organization.save()
    after = _snapshot(organization)
    if after != before:
        record("organization.updated", organization, by=by, before=before, after=after)
    return organization


def _admins(organization: Organization) -> int:
    return organization.members.filter(role=Role.ADMIN).count()


@transaction.atomic
def invite_member(organization: Organization, *, email: str, role: str, by: By) -> Invitation:
    email = normalize_email(email)
    organization = Organization.objects.select_for_update().get(pk=organization.pk)
    if organization.members.filter(user__email=email).exists():
        raise ApplicationsError(_("This person is already a member."))
    now = timezone.now()
    Invitation.objects.filter(
        organization=organization, email=email, accepted_at__isnull=True, revoked_at__isnull=True
    ).update(revoked_at=now)
    invitation = Invitation.objects.create(
        organization=organization,
        email=email,
        role=role,
        token=new_token(),
        invited_by=acting_user(by),
        expires_at=expiry(now),
    )
    record("organization.member_invited", organization, by=by, after={"email": email, "role": role})
    # The invitee may have no account yet: write in the inviter's language.
    inviter = invitation.invited_by
    queue_email(
        "invitation",
        invitation.email,
        {
            "invitation": invitation,
            "organization": organization,
            "link": absolute_url(
                reverse("applications:invitation", kwargs={"token": invitation.token})
            ),
        },
        language=inviter.language if inviter else settings.LANGUAGE_CODE,
    )
    return invitation


@transaction.atomic
def accept_invitation(invitation: Invitation, *, user: Any) -> OrganizationMember:
    invitation = Invitation.objects.select_for_update().get(pk=invitation.pk)
    if not invitation.is_open():
        raise ApplicationsError(_("This invitation has expired or was already used."))
    if normalize_email(user.email) != invitation.email:
        raise ApplicationsError(
            _("This invitation was sent to another e-mail address. Log in with that address.")
        )
    try:
        with transaction.atomic():
            member = OrganizationMember.objects.create(
                user=user, organization=invitation.organization, role=invitation.role
            )
    except IntegrityError:
        raise ApplicationsError(_("You are already a member of this organisation.")) from None
    invitation.accepted_at = timezone.now()
    invitation.save(update_fields=["accepted_at"])
    record(
        "organization.member_joined",
        invitation.organization,
        by=user,
        after={"user": user.email, "role": invitation.role},
    )
    return member


@transaction.atomic
def change_role(member: OrganizationMember, *, role: str, by: By) -> OrganizationMember:
    member = OrganizationMember.objects.select_for_update().select_related("user").get(pk=member.pk)
    if member.role == Role.ADMIN and role != Role.ADMIN and _admins(member.organization) == 1:
        raise ApplicationsError(_("The organisation must keep at least one administrator."))
    before = {"user": member.user.email, "role": member.role}
    member.role = role
    member.save(update_fields=["role"])
    record(
        "organization.role_changed",
        member.organization,
        by=by,
        before=before,
        after={"user": member.user.email, "role": role},
    )
    return member


@transaction.atomic
def remove_member(member: OrganizationMember, *, by: By) -> None:
    member = OrganizationMember.objects.select_for_update().select_related("user").get(pk=member.pk)
    if member.role == Role.ADMIN and _admins(member.organization) == 1:
        raise ApplicationsError(_("The organisation must keep at least one administrator."))
    record(
        "organization.member_removed",
        member.organization,
        by=by,
        before={"user": member.user.email, "role": member.role},
    )
    member.delete()


@transaction.atomic
def set_verification(
    organization: Organization, *, verified: bool, note: str, by: By
) -> Organization:
    """Mark the organisation verified (documents checked) or not, with a note."""
    organization = Organization.objects.select_for_update().get(pk=organization.pk)
    before = {"verified": organization.is_verified, "note": organization.verification_note}
    organization.verified_at = timezone.now() if verified else None
    organization.verified_by = acting_user(by) if verified else None
    organization.verification_note = note
    organization.save(update_fields=["verified_at", "verified_by", "verification_note"])
    record(
        "organization.verified" if verified else "organization.unverified",
        organization,
        by=by,
        before=before,
        after={"verified": verified, "note": note},
    )
    return organization
