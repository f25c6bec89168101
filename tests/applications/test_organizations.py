from __future__ import annotations

import re

import pytest
from django.core import mail
from django.core.files.uploadedfile import SimpleUploadedFile

from applications.models import Invitation, Organization, OrganizationMember
from audit.models import AuditEvent
from tests.files import pdf_upload

pytestmark = pytest.mark.django_db


def org_data(cast, **extra):
    return {
        "name_ru": "Общественный фонд «Жаңы Доор»",
        "name_ky": "«Жаңы Доор» коомдук фонду",
        "legal_form": "foundation",
        "inn": "0120 4201 7100 99",
        "registration_number": "12345-3301-ОФ",
        "registration_date": "2019-05-14",
        "region": cast.region_c.pk,
        "municipality": cast.municipality_a.pk,
        "address": "с. Аламүдүн, ул. Ленина 1",
        "email": "info@janydoor.kg",
        "phone": "+996 555 123 456",
        "head_name": "Руководитель фонда",
        "head_position": "Директор",
        **extra,
    }


def test_a_person_registers_an_organization_and_becomes_its_admin(cast, client_for):
    charter = pdf_upload("устав.pdf")
    response = client_for(cast.commission_member).post(
        "/organizations/new/", {**org_data(cast), "charter": charter}
    )
    assert response.status_code == 302
    org = Organization.objects.get(inn="01204201710099")
    assert response["Location"] == f"/organizations/{org.pk}/"
    assert OrganizationMember.objects.get(organization=org).user == cast.commission_member
    assert org.charter_sha256 and "устав" not in org.charter.name
    assert not org.is_verified
    assert AuditEvent.objects.get(action="organization.registered").after["admin"] == (
        cast.commission_member.email
    )


@pytest.mark.parametrize(
    ("field", "value"),
    [("inn", "12345"), ("inn", "0120420171001a"), ("municipality", "other-region")],
)
def test_bad_registration_data_is_explained_and_kept(cast, client_for, field, value):
    data = org_data(cast)
    data[field] = cast.municipality_b.pk if value == "other-region" else value
    response = client_for(cast.commission_member).post("/organizations/new/", data)
    assert response.status_code == 400
    assert "Жаңы Доор" in response.content.decode()
    assert field in response.context["form"].errors


def test_the_inn_is_unique(cast, client_for):
    response = client_for(cast.commission_member).post(
        "/organizations/new/", org_data(cast, inn=cast.organization.inn)
    )
    assert response.status_code == 400
    assert "inn" in response.context["form"].errors


def test_a_charter_that_is_not_a_pdf_is_refused(cast, client_for):
    fake = SimpleUploadedFile("charter.pdf", b"<html>not a pdf</html>", "application/pdf")
    response = client_for(cast.commission_member).post(
        "/organizations/new/", {**org_data(cast), "charter": fake}
    )
    assert response.status_code == 400
    assert not Organization.objects.filter(inn="01204201710099").exists()


@pytest.mark.parametrize(
    ("who", "status"),
    [
        ("ngo_member", 200),
        ("officer_a", 200),
        ("site_admin", 200),
        ("other_ngo_member", 404),
        ("officer_b", 404),
        ("ministry", 404),
    ],
)
def test_who_sees_an_organization(cast, client_for, who, status):
    url = f"/organizations/{cast.organization.pk}/"
    assert client_for(getattr(cast, who)).get(url).status_code == status


def test_editing_outsider_404_weak_403(cast, client_for):
    url = f"/organizations/{cast.organization.pk}/edit/"
    assert client_for(cast.other_ngo_member).post(url, org_data(cast)).status_code == 404
    OrganizationMember.objects.filter(user=cast.ngo_member).update(role="editor")
    assert client_for(cast.ngo_member).post(url, org_data(cast)).status_code == 403
    cast.organization.refresh_from_db()
    assert cast.organization.name_ru == "ОФ «Көмөк»"


def test_changing_the_inn_withdraws_verification(cast, client_for):
    from applications.services.organizations import set_verification

    set_verification(cast.organization, verified=True, note="", by=cast.officer_a)
    url = f"/organizations/{cast.organization.pk}/edit/"
    response = client_for(cast.ngo_member).post(url, org_data(cast, inn="01204201710077"))
    assert response.status_code == 302
    cast.organization.refresh_from_db()
    assert cast.organization.inn == "01204201710077"
    assert not cast.organization.is_verified


@pytest.mark.parametrize(
    "change",
    [{"name_ru": "ОФ «Көмөк Плюс»"}, {"name_ky": "«Көмөк Плюс» КФ"}, {"municipality": "b"}],
    ids=["renamed-ru", "renamed-ky", "moved"],
)
def test_renaming_or_moving_a_verified_organisation_withdraws_verification(
    cast, client_for, change
):
    """Security item 11: verification vouched for the name and the place too."""
    from applications.services.organizations import set_verification
    from audit.models import AuditEvent

    set_verification(cast.organization, verified=True, note="", by=cast.officer_a)
    if change.get("municipality") == "b":
        change = {"municipality": cast.municipality_b.pk, "region": cast.region_y.pk}
    data = {**org_data(cast, inn=cast.organization.inn), **_current(cast.organization), **change}
    url = f"/organizations/{cast.organization.pk}/edit/"
    assert client_for(cast.ngo_member).post(url, data).status_code == 302
    cast.organization.refresh_from_db()
    assert not cast.organization.is_verified
    assert AuditEvent.objects.filter(action="organization.verification_withdrawn").exists()


def test_changing_the_address_or_phone_keeps_verification(cast, client_for):
    from applications.services.organizations import set_verification

    set_verification(cast.organization, verified=True, note="", by=cast.officer_a)
    data = {
        **org_data(cast, inn=cast.organization.inn),
        **_current(cast.organization),
        "address": "с. Аламүдүн, ул. Советская 5",
        "phone": "+996 700 000 001",
    }
    url = f"/organizations/{cast.organization.pk}/edit/"
    assert client_for(cast.ngo_member).post(url, data).status_code == 302
    cast.organization.refresh_from_db()
    assert cast.organization.is_verified
    assert cast.organization.address == "с. Аламүдүн, ул. Советская 5"


def _current(organization):
    """The organisation's verified facts as its edit form shows them."""
    return {
        "name_ru": organization.name_ru,
        "name_ky": organization.name_ky,
        "legal_form": organization.legal_form,
        "registration_number": organization.registration_number,
        "registration_date": organization.registration_date or "",
        "region": organization.region_id,
        "municipality": organization.municipality_id or "",
    }


def test_invite_accept_and_manage_members(cast, client_for, django_capture_on_commit_callbacks):
    admin = client_for(cast.ngo_member)
    invite_url = f"/organizations/{cast.organization.pk}/members/invite/"
    assert admin.get(invite_url).status_code == 405
    with django_capture_on_commit_callbacks(execute=True):
        response = admin.post(invite_url, {"email": "Expert@Cast.kg", "role": "editor"})
    assert response.status_code == 302
    invitation = Invitation.objects.get()
    assert invitation.email == "expert@cast.kg"
    assert len(mail.outbox) == 1
    # The inviter reads Kyrgyz: so does the invitation.
    assert mail.outbox[0].subject.startswith(
        "Муниципалдык социалдык буйрутма порталында ««Көмөк» КФ»"
    )
    link = re.search(r"http://\S+(/invitations/\S+/)", mail.outbox[0].body).group(1)

    # Someone else cannot use it.
    response = client_for(cast.officer_b).post(link, follow=True)
    assert not OrganizationMember.objects.filter(user=cast.officer_b).exists()

    response = client_for(cast.commission_member).post(link)
    assert response.status_code == 302
    member = OrganizationMember.objects.get(user=cast.commission_member)
    assert member.role == "editor"
    # Used once.
    client_for(cast.commission_member).post(link)
    assert OrganizationMember.objects.filter(user=cast.commission_member).count() == 1

    role_url = f"/organizations/{cast.organization.pk}/members/{member.pk}/role/"
    assert client_for(cast.commission_member).post(role_url, {"role": "admin"}).status_code == 403
    assert client_for(cast.other_ngo_member).post(role_url, {"role": "admin"}).status_code == 404
    assert client_for(cast.ngo_member).post(role_url, {"role": "viewer"}).status_code == 302
    member.refresh_from_db()
    assert member.role == "viewer"

    remove_url = f"/organizations/{cast.organization.pk}/members/{member.pk}/remove/"
    assert client_for(cast.ngo_member).get(remove_url).status_code == 405
    assert client_for(cast.ngo_member).post(remove_url).status_code == 302
    assert not OrganizationMember.objects.filter(pk=member.pk).exists()
    actions = list(
        AuditEvent.objects.filter(object_id=str(cast.organization.pk)).values_list(
            "action", flat=True
        )
    )
    for action in (
        "organization.member_invited",
        "organization.member_joined",
        "organization.role_changed",
        "organization.member_removed",
    ):
        assert action in actions


def test_the_last_administrator_stays(cast, client_for):
    admin = cast.organization.members.get(user=cast.ngo_member)
    url = f"/organizations/{cast.organization.pk}/members/{admin.pk}/remove/"
    client_for(cast.ngo_member).post(url)
    assert OrganizationMember.objects.filter(pk=admin.pk).exists()


def test_officers_of_the_municipality_verify(cast, client_for):
    Organization.objects.filter(pk=cast.organization.pk).update(municipality=cast.municipality_a)
    url = (
        f"/municipalities/{cast.municipality_a.code}/workspace/organizations/"
        f"{cast.organization.pk}/verify/"
    )
    assert client_for(cast.officer_a).get(url).status_code == 405
    assert client_for(cast.officer_b).post(url, {"verified": "on"}).status_code == 404
    assert client_for(cast.ngo_member).post(url, {"verified": "on"}).status_code == 404
    assert client_for(cast.ministry).post(url, {"verified": "on"}).status_code == 403
    cast.organization.refresh_from_db()
    assert not cast.organization.is_verified
    response = client_for(cast.officer_a_weak).post(
        url, {"verified": "on", "note": "Устав проверен"}
    )
    assert response.status_code == 302
    cast.organization.refresh_from_db()
    assert cast.organization.is_verified
    assert cast.organization.verified_by == cast.officer_a_weak
    assert cast.organization.verification_note == "Устав проверен"
    page = client_for(cast.officer_a).get(
        f"/municipalities/{cast.municipality_a.code}/workspace/organizations/"
    )
    assert cast.organization.name_ru in page.content.decode()


def test_the_charter_downloads_only_for_those_who_may_see_it(cast, client_for):
    from applications.services.organizations import update_organization

    update_organization(
        cast.organization,
        data={},
        charter=pdf_upload("устав.pdf"),
        by=cast.ngo_member,
    )
    url = f"/organizations/{cast.organization.pk}/charter/"
    response = client_for(cast.ngo_member).get(url)
    assert response.status_code == 200
    assert response["Content-Disposition"].startswith("attachment;")
    assert client_for(cast.other_ngo_member).get(url).status_code == 404
    assert client_for(None).get(url).status_code == 302


def test_a_concurrent_twin_registration_gets_a_form_error_and_leaves_no_file(
    cast, client_for, monkeypatch, settings
):
    """Security item 8: the loser of an INN race got a 500 and left its charter behind."""
    from pathlib import Path

    from applications.forms import OrganizationForm

    def twin_registers_meanwhile(self):
        # The check passes, then the twin commits the same INN before our insert.
        inn = "".join(self.cleaned_data["inn"].split())
        Organization.objects.create(
            name_ru="Двойник", legal_form="foundation", inn=inn, region=cast.region_c
        )
        return inn

    monkeypatch.setattr(OrganizationForm, "clean_inn", twin_registers_meanwhile)
    monkeypatch.setattr(Organization, "validate_unique", lambda self, exclude=None: None)
    response = client_for(cast.commission_member).post(
        "/organizations/new/", {**org_data(cast), "charter": pdf_upload("устав.pdf")}
    )
    assert response.status_code == 400
    assert "already registered" in response.content.decode() or "уже" in response.content.decode()
    assert list(
        Organization.objects.filter(inn="01204201710099").values_list("name_ru", flat=True)
    ) == ["Двойник"]
    stored = [p for p in Path(settings.MEDIA_ROOT).rglob("*") if p.is_file()]
    assert stored == []
