"""Every page speaks Russian (default), Kyrgyz and English."""

from __future__ import annotations

import pytest

pytestmark = pytest.mark.django_db

# (url, who, {language: a string that must appear})
PAGES = [
    (
        "/",
        None,
        {"ru": "Местные проблемы", "ky": "Жергиликтүү көйгөйлөрдү", "en": "Local problems"},
    ),
    (
        "/accounts/login/",
        None,
        {"ru": "Забыли пароль?", "ky": "Сырсөздү унутуп", "en": "Forgot your"},
    ),
    (
        "/accounts/signup/",
        None,
        {"ru": "Создать учётную запись", "ky": "Каттоо эсебин түзүү", "en": "Create an account"},
    ),
    (
        "/accounts/password/reset/",
        None,
        {"ru": "Восстановить пароль", "ky": "калыбына келтирүү", "en": "Reset password"},
    ),
    (
        "/municipalities/",
        None,
        {"ru": "Муниципалитеты", "ky": "Муниципалитеттер", "en": "Municipalities"},
    ),
    (
        "/accounts/",
        "officer_a",
        {"ru": "Муниципальный специалист", "ky": "Муниципалдык адис", "en": "Municipal officer"},
    ),
    ("/accounts/profile/", "officer_a", {"ru": "Профиль", "ky": "Профиль", "en": "Profile"}),
    (
        "/notifications/",
        "officer_a",
        {"ru": "Уведомления", "ky": "Билдирүүлөр", "en": "Notifications"},
    ),
    (
        "/notifications/settings/",
        "officer_a",
        {"ru": "Настройки e-mail", "ky": "E-mail жөндөөлөрү", "en": "E-mail settings"},
    ),
    (
        "/municipalities/mine/",
        "officer_a",
        {"ru": "Мои муниципалитеты", "ky": "Менин муниципалитеттерим", "en": "My municipalities"},
    ),
    (
        "/municipalities/cast-a/workspace/",
        "officer_a",
        {"ru": "Добавить специалиста", "ky": "Адис кошуу", "en": "Add an officer"},
    ),
]


@pytest.mark.parametrize("language", ["ru", "ky", "en"])
@pytest.mark.parametrize(("url", "who", "expected"), PAGES, ids=[p[0] for p in PAGES])
def test_page_renders_in_each_language(cast, client_for, url, who, expected, language):
    client = client_for(getattr(cast, who) if who else None)
    client.cookies["mo_language"] = language
    response = client.get(url)
    assert response.status_code == 200
    html = response.content.decode()
    assert f'<html lang="{language}">' in html
    assert expected[language] in html


def test_russian_is_the_default(client):
    html = client.get("/").content.decode()
    assert '<html lang="ru">' in html


def test_the_switcher_sets_the_language(client):
    response = client.post("/i18n/setlang/", {"language": "ky", "next": "/"})
    assert response.status_code == 302
    assert response.cookies["mo_language"].value == "ky"
    assert "Жергиликтүү" in client.get("/").content.decode()


def test_the_404_page_is_translated(client):
    client.cookies["mo_language"] = "ky"
    response = client.get("/no-such-page/")
    assert response.status_code == 404
    assert "Барак табылган жок" in response.content.decode()


@pytest.mark.parametrize(
    ("accept", "expected"),
    [("en-US,en;q=0.9", "ru"), ("ky-KG,ky;q=0.9,ru;q=0.8", "ky"), ("ru-RU", "ru"), ("", "ru")],
)
def test_without_a_choice_russian_unless_the_browser_prefers_kyrgyz(client, accept, expected):
    html = client.get("/", HTTP_ACCEPT_LANGUAGE=accept).content.decode()
    assert f'<html lang="{expected}">' in html


def test_an_explicit_choice_of_english_is_kept(client):
    client.cookies["mo_language"] = "en"
    html = client.get("/", HTTP_ACCEPT_LANGUAGE="ru").content.decode()
    assert '<html lang="en">' in html


def test_kyrgyz_time_left_has_a_space_after_the_comma():
    """UX item 9: "1 күн,11 саат" on the call page."""
    import datetime

    from django.utils import timezone, translation
    from django.utils.timesince import timeuntil

    later = timezone.now() + datetime.timedelta(days=1, hours=11, minutes=1)
    with translation.override("ky"):
        text = timeuntil(later)
    assert ", " in text and ",1" not in text, text


@pytest.mark.parametrize(
    ("language", "not_saved"), [("ru", "не сохранены"), ("ky", "сакталган жок")]
)
def test_the_edit_conflict_says_the_typing_is_not_saved_in_neutral_words(language, not_saved):
    """UX items 5 and 9: "его изменения" assumed a man; "ваши сохранены" claimed a save."""
    from django.utils import translation
    from django.utils.translation import gettext

    msgid = "Your changes were NOT saved: %(who)s saved this step at %(time)s (Bishkek time)."
    with translation.override(language):
        text = gettext(msgid)
    assert text != msgid and not_saved in text.lower()
    assert "его изменения" not in text and "сохранены ниже" not in text
