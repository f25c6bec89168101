from __future__ import annotations

import pytest
from django.core import mail

from audit.models import AuditEvent
from competitions.models import MunicipalStaff
from notifications.models import Notification

pytestmark = pytest.mark.django_db


def add_url(cast):
    return f"/municipalities/{cast.municipality_a.code}/workspace/staff/"


def remove_url(cast, staff):
    return f"/municipalities/{cast.municipality_a.code}/workspace/staff/{staff.pk}/remove/"


def test_a_head_adds_an_officer(cast, client_for, django_capture_on_commit_callbacks):
    client = client_for(cast.officer_a)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            add_url(cast),
            {"email": "Expert@Cast.kg", "role": "officer", "position": "Специалист"},
        )
    assert response.status_code == 302
    assert response["Location"] == f"/municipalities/{cast.municipality_a.code}/workspace/"
    staff = MunicipalStaff.objects.get(user=cast.commission_member)
    assert staff.municipality == cast.municipality_a
    assert staff.position == "Специалист"
    event = AuditEvent.objects.get(action="municipality.staff_added")
    assert event.actor == cast.officer_a
    assert event.after["user"] == "expert@cast.kg"
    assert event.request_id
    assert Notification.objects.get(user=cast.commission_member).event == "municipal_staff_added"
    assert [m.to for m in mail.outbox] == [["expert@cast.kg"]]


def test_an_unknown_email_is_explained_and_kept(cast, client_for):
    response = client_for(cast.officer_a).post(
        add_url(cast), {"email": "nobody@cast.kg", "role": "officer", "position": "Кеңешчи"}
    )
    assert response.status_code == 400
    html = response.content.decode()
    assert "nobody@cast.kg" in html
    assert "Кеңешчи" in html
    assert response.context["form"].errors["email"]
    assert not AuditEvent.objects.filter(action="municipality.staff_added").exists()


def test_an_officer_of_another_municipality_gets_404(cast, client_for):
    response = client_for(cast.officer_b).post(
        add_url(cast), {"email": cast.commission_member.email, "role": "officer"}
    )
    assert response.status_code == 404
    assert not MunicipalStaff.objects.filter(user=cast.commission_member).exists()


@pytest.mark.parametrize("who", ["officer_a_weak", "ministry"])
def test_a_weak_role_gets_403(cast, client_for, who):
    response = client_for(getattr(cast, who)).post(
        add_url(cast), {"email": cast.commission_member.email, "role": "officer"}
    )
    assert response.status_code == 403
    assert not MunicipalStaff.objects.filter(user=cast.commission_member).exists()


def test_add_rejects_get(cast, client_for):
    assert client_for(cast.officer_a).get(add_url(cast)).status_code == 405


def test_a_head_removes_an_officer(cast, client_for):
    staff = MunicipalStaff.objects.get(user=cast.officer_a_weak)
    response = client_for(cast.officer_a).post(remove_url(cast, staff))
    assert response.status_code == 302
    assert not MunicipalStaff.objects.filter(pk=staff.pk).exists()
    assert AuditEvent.objects.get(action="municipality.staff_removed").before["user"] == (
        cast.officer_a_weak.email
    )


def test_the_last_head_cannot_be_removed(cast, client_for):
    staff = MunicipalStaff.objects.get(user=cast.officer_a)
    response = client_for(cast.officer_a).post(remove_url(cast, staff), follow=True)
    assert MunicipalStaff.objects.filter(pk=staff.pk).exists()
    assert [m.level_tag for m in response.context["messages"]] == ["error"]


def test_remove_outsider_404_weak_403_get_405(cast, client_for):
    staff = MunicipalStaff.objects.get(user=cast.officer_a_weak)
    url = remove_url(cast, staff)
    assert client_for(cast.officer_b).post(url).status_code == 404
    assert client_for(cast.officer_a_weak).post(url).status_code == 403
    assert client_for(cast.officer_a).get(url).status_code == 405
    assert MunicipalStaff.objects.filter(pk=staff.pk).exists()


def test_a_staff_row_of_another_municipality_is_404_even_for_a_head(cast, client_for):
    other = MunicipalStaff.objects.get(user=cast.officer_b)
    url = f"/municipalities/{cast.municipality_a.code}/workspace/staff/{other.pk}/remove/"
    assert client_for(cast.officer_a).post(url).status_code == 404
    assert MunicipalStaff.objects.filter(pk=other.pk).exists()


@pytest.mark.parametrize(
    ("who", "status"),
    [
        ("officer_a", 200),
        ("officer_a_weak", 200),
        ("ministry", 200),
        ("site_admin", 200),
        ("officer_b", 404),
        ("ministry_y", 404),
        ("ngo_member", 404),
    ],
)
def test_who_sees_the_workspace(cast, client_for, who, status):
    url = f"/municipalities/{cast.municipality_a.code}/workspace/"
    assert client_for(getattr(cast, who)).get(url).status_code == status


def test_the_workspace_shows_the_history(cast, client_for, django_capture_on_commit_callbacks):
    client = client_for(cast.officer_a)
    with django_capture_on_commit_callbacks(execute=True):
        client.post(add_url(cast), {"email": cast.commission_member.email, "role": "officer"})
    page = client.get(f"/municipalities/{cast.municipality_a.code}/workspace/").content.decode()
    assert "expert@cast.kg" in page
    assert "Officer A (head)" in page


def test_my_municipalities_lists_only_mine(cast, client_for):
    page = client_for(cast.officer_a).get("/municipalities/mine/").content.decode()
    assert cast.municipality_a.name_ru in page
    assert cast.municipality_b.name_ru not in page
