"""Edits in the Django admin leave audit rows; memberships there are read-only."""

from __future__ import annotations

import pytest
from django.contrib import admin

from applications.models import Organization, OrganizationMember
from audit.admin import PortalModelAdmin
from audit.models import AuditEvent
from competitions.models import MunicipalStaff
from tests.factories import MunicipalityFactory

# The portal's own apps: every model they show in the admin uses the portal's lists.
PORTAL_APPS = {"accounts", "audit", "documents", "notifications", "competitions", "applications"}
PORTAL_APPS |= {"evaluation", "monitoring", "opendata"}

pytestmark = pytest.mark.django_db


@pytest.fixture
def admin_client(client_for, cast):
    return client_for(cast.site_admin)


def test_making_someone_superuser_is_audited_with_before_and_after(admin_client, cast):
    user = cast.other_ngo_member
    url = f"/admin/accounts/user/{user.pk}/change/"
    data = {
        "email": user.email,
        "full_name": user.full_name,
        "phone": "",
        "language": user.language,
        "is_active": "on",
        "is_superuser": "on",
        "date_joined_0": "2026-01-01",
        "date_joined_1": "00:00:00",
    }
    response = admin_client.post(url, data)
    assert response.status_code == 302, response.content.decode()[:2000]
    event = AuditEvent.objects.get(action="admin.user.changed")
    assert event.actor == cast.site_admin
    assert event.before == {"is_superuser": False}
    assert event.after == {"is_superuser": True}


def test_a_password_set_in_the_admin_is_audited_without_the_value(admin_client, cast):
    user = cast.other_ngo_member
    secret = "a new password for 2026"
    response = admin_client.post(
        f"/admin/accounts/user/{user.pk}/password/",
        {"password1": secret, "password2": secret, "usable_password": "true"},
    )
    assert response.status_code == 302
    event = AuditEvent.objects.get(action="admin.user.password_set")
    assert secret not in str(event.before) + str(event.after)


def test_editing_an_organisation_in_the_admin_is_audited(admin_client, cast):
    organization = cast.organization
    response = admin_client.get(f"/admin/applications/organization/{organization.pk}/change/")
    assert response.status_code == 200
    form = response.context["adminform"].form
    data = {name: form[name].value() or "" for name in form.fields}
    data["inn"] = "01204201710099"
    data.update(
        {
            "members-TOTAL_FORMS": "0",
            "members-INITIAL_FORMS": "0",
            "members-MIN_NUM_FORMS": "0",
            "members-MAX_NUM_FORMS": "0",
        }
    )
    data = {k: v for k, v in data.items() if v is not False}
    response = admin_client.post(
        f"/admin/applications/organization/{organization.pk}/change/", data
    )
    assert response.status_code == 302, response.context["adminform"].form.errors
    event = AuditEvent.objects.get(action="admin.organization.changed")
    assert event.before["inn"] == "01204201710011"
    assert event.after["inn"] == "01204201710099"
    organization.refresh_from_db()
    assert organization.inn == "01204201710099"


def test_a_site_admin_cannot_add_themselves_to_an_organisation_in_the_admin(admin_client, cast):
    url = f"/admin/applications/organization/{cast.organization.pk}/change/"
    form = admin_client.get(url).context["adminform"].form
    data = {name: form[name].value() or "" for name in form.fields}
    data = {k: v for k, v in data.items() if v is not False}
    data.update(
        {
            "members-TOTAL_FORMS": "1",
            "members-INITIAL_FORMS": "0",
            "members-MIN_NUM_FORMS": "0",
            "members-MAX_NUM_FORMS": "1000",
            "members-0-user": str(cast.site_admin.pk),
            "members-0-role": "admin",
            "members-0-organization": str(cast.organization.pk),
        }
    )
    admin_client.post(url, data)
    assert not OrganizationMember.objects.filter(user=cast.site_admin).exists()


def test_municipal_staff_is_read_only_in_the_admin(admin_client, cast):
    staff = MunicipalStaff.objects.filter(municipality=cast.municipality_a).first()
    assert admin_client.get("/admin/competitions/municipalstaff/add/").status_code == 403
    response = admin_client.post(
        f"/admin/competitions/municipalstaff/{staff.pk}/delete/", {"post": "yes"}
    )
    assert response.status_code == 403
    assert MunicipalStaff.objects.filter(pk=staff.pk).exists()


def test_deleting_reference_data_in_the_admin_is_audited(admin_client, cast):
    region = cast.region_y
    # Karakol points at the region; give the region nothing to protect first.
    Organization.objects.filter(region=region).update(region=cast.region_c)
    cast.municipality_b.delete()
    response = admin_client.post(f"/admin/competitions/region/{region.pk}/delete/", {"post": "yes"})
    assert response.status_code == 302
    event = AuditEvent.objects.get(action="admin.region.deleted")
    assert event.before["code"] == "KG-Y"


def test_an_editable_inline_on_an_audited_admin_fails_the_system_check():
    from django.contrib import admin as django_admin

    from audit.admin import AuditedModelAdmin

    class EditableMembers(django_admin.TabularInline):
        model = OrganizationMember

    class Careless(AuditedModelAdmin):
        inlines = [EditableMembers]

    errors = Careless(Organization, django_admin.site).check()
    assert [e.id for e in errors] == ["audit.E001"]
    from applications.admin import OrganizationAdmin

    assert OrganizationAdmin(Organization, django_admin.site).check() == []


def test_every_admin_list_shows_50_rows_without_counting_the_whole_table(admin_client, cast):
    for model, model_admin in admin.site._registry.items():
        if model._meta.app_label in PORTAL_APPS:
            assert isinstance(model_admin, PortalModelAdmin), model
    MunicipalityFactory.create_batch(55, region=cast.region_c)
    page = admin_client.get(
        "/admin/competitions/municipality/", {"region__id__exact": cast.region_c.pk}
    )
    assert page.status_code == 200
    assert len(page.context["cl"].result_list) == 50
    assert page.context["cl"].full_result_count is None  # "N total" not counted
