from __future__ import annotations

import pytest

from audit.models import AuditEvent
from notifications.models import Category, Notification, NotificationPreference
from notifications.services import notify

pytestmark = pytest.mark.django_db


@pytest.fixture
def notification(cast, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        (n,) = notify(
            [cast.officer_b],
            "municipal_staff_added",
            {"municipality": cast.municipality_b},
            url="/accounts/",
        )
    return n


def test_the_bell_shows_the_unread_count(cast, client_for, notification):
    page = client_for(cast.officer_b).get("/accounts/").content.decode()
    assert 'text-bg-warning ms-1">1<' in page


def test_the_list_shows_my_notifications(cast, client_for, notification):
    page = client_for(cast.officer_b).get("/notifications/").content.decode()
    assert notification.title in page


def test_opening_marks_read_and_follows_the_link(cast, client_for, notification):
    response = client_for(cast.officer_b).post(f"/notifications/{notification.pk}/open/")
    assert response.status_code == 302
    assert response["Location"] == "/accounts/"
    notification.refresh_from_db()
    assert notification.read_at is not None


def test_someone_elses_notification_is_404(cast, client_for, notification):
    response = client_for(cast.officer_a).post(f"/notifications/{notification.pk}/open/")
    assert response.status_code == 404
    notification.refresh_from_db()
    assert notification.read_at is None


def test_open_rejects_get(cast, client_for, notification):
    assert (
        client_for(cast.officer_b).get(f"/notifications/{notification.pk}/open/").status_code == 405
    )


def test_mark_all_read(cast, client_for, notification):
    client = client_for(cast.officer_b)
    assert client.get("/notifications/read-all/").status_code == 405
    assert client.post("/notifications/read-all/").status_code == 302
    assert not Notification.objects.filter(read_at__isnull=True).exists()


def test_preferences_are_saved_and_audited(cast, client_for):
    client = client_for(cast.officer_b)
    data = {c: "on" for c in Category.values if c != Category.DOCUMENTS}
    response = client.post("/notifications/settings/", data)
    assert response.status_code == 302
    prefs = dict(
        NotificationPreference.objects.filter(user=cast.officer_b).values_list("category", "email")
    )
    assert prefs[Category.DOCUMENTS] is False
    assert prefs[Category.ACCOUNT] is True
    assert AuditEvent.objects.filter(action="notifications.preferences_saved").exists()


def test_anonymous_users_are_sent_to_login(client):
    for url in ("/notifications/", "/notifications/settings/"):
        assert client.get(url)["Location"].startswith("/accounts/login/")
