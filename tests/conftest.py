from __future__ import annotations

import contextlib
import os

import pytest
from hypothesis import settings as hypothesis_settings

# CI explores the same examples on every run (a failure there is reproducible from the
# log); a developer's run explores new ones each time.
hypothesis_settings.register_profile("ci", derandomize=True, print_blob=True)
if os.environ.get("CI"):
    hypothesis_settings.load_profile("ci")

# Playwright's sync API runs an event loop in the test thread; the ORM must still work there.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

REQUIRE_SERVICES = os.environ.get("REQUIRE_SERVICES") == "1"


@pytest.fixture(autouse=True)
def _private_media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "private"


@pytest.fixture
def password() -> str:
    return "correct horse battery staple"


@pytest.fixture
def user(password):
    from tests.factories import UserFactory

    return UserFactory(
        email="resident@example.kg", password=password, full_name="Тестовый житель Көл-Төр"
    )


def ensure_reference_data() -> None:
    """Spheres and target groups come from a data migration; a transactional test
    before this one may have flushed them (PostgreSQL), so load them again."""
    import importlib

    from django.apps import apps

    migration = importlib.import_module(
        "competitions.migrations.0004_reference_spheres_target_groups"
    )
    migration.load(apps, None)


class Cast:
    """The people every permission test needs (STYLE.md §18), built by tests.factories.

    Rows are created in a fixed order (users, then their roles) so that ids do not
    depend on factory internals.
    """

    def __init__(self) -> None:
        ensure_reference_data()
        from applications.models import OrganizationMember
        from competitions.models import MunicipalStaff
        from tests.factories import (
            PASSWORD,
            MinistryStaffFactory,
            MunicipalityFactory,
            MunicipalStaffFactory,
            OrganizationFactory,
            OrganizationMemberFactory,
            RegionFactory,
            UserFactory,
        )

        def person(email: str, name: str, **extra):
            return UserFactory(email=email, full_name=name, **extra)

        self.password = PASSWORD
        self.region_c = RegionFactory(
            code="KG-C",
            kind="oblast",
            name_ru="Чуйская область",
            name_ky="Чүй облусу",
            name_en="Chüy",
        )
        self.region_y = RegionFactory(
            code="KG-Y",
            kind="oblast",
            name_ru="Иссык-Кульская область",
            name_ky="Ысык-Көл облусу",
            name_en="Issyk-Kul",
        )
        self.municipality_a = MunicipalityFactory(
            code="cast-a",
            kind="ayil_aimak",
            region=self.region_c,
            name_ru="Аламудунский АА",
            name_ky="Аламүдүн айыл аймагы",
            name_en="Alamüdün AA",
        )
        self.municipality_b = MunicipalityFactory(
            code="cast-b",
            kind="city",
            region=self.region_y,
            name_ru="город Каракол",
            name_ky="Каракол шаары",
            name_en="Karakol",
        )
        self.officer_a = person("officer.a@cast.kg", "Officer A (head)")
        self.officer_a_weak = person("officer.a2@cast.kg", "Officer A (specialist)")
        self.officer_b = person("officer.b@cast.kg", "Officer B (head)")
        head, officer = MunicipalStaff.Role.HEAD, MunicipalStaff.Role.OFFICER
        MunicipalStaffFactory(user=self.officer_a, municipality=self.municipality_a, role=head)
        MunicipalStaffFactory(
            user=self.officer_a_weak, municipality=self.municipality_a, role=officer
        )
        MunicipalStaffFactory(user=self.officer_b, municipality=self.municipality_b, role=head)
        self.ngo_member = person("ngo@cast.kg", "NGO member", language="ky")
        self.other_ngo_member = person("other.ngo@cast.kg", "Other NGO member")
        self.organization = OrganizationFactory(
            name_ru="ОФ «Көмөк»",
            name_ky="«Көмөк» КФ",
            legal_form="foundation",
            inn="01204201710011",
            region=self.region_c,
            municipality=self.municipality_a,
        )
        self.other_organization = OrganizationFactory(
            name_ru="ОО «Башка»",
            legal_form="public_association",
            inn="02204201710022",
            region=self.region_y,
        )
        admin = OrganizationMember.Role.ADMIN
        OrganizationMemberFactory(user=self.ngo_member, organization=self.organization, role=admin)
        OrganizationMemberFactory(
            user=self.other_ngo_member, organization=self.other_organization, role=admin
        )
        self.commission_member = person("expert@cast.kg", "Commission member")
        self.ministry = person("ministry@cast.kg", "Ministry viewer")
        MinistryStaffFactory(user=self.ministry, region=None)
        self.ministry_y = person("ministry.y@cast.kg", "Ministry viewer, Issyk-Kul")
        MinistryStaffFactory(user=self.ministry_y, region=self.region_y)
        self.site_admin = UserFactory(
            email="admin@cast.kg", full_name="Site administrator", site_admin=True
        )

    def users(self) -> dict:
        return {
            "officer_a": self.officer_a,
            "officer_a_weak": self.officer_a_weak,
            "officer_b": self.officer_b,
            "ngo_member": self.ngo_member,
            "other_ngo_member": self.other_ngo_member,
            "commission_member": self.commission_member,
            "ministry": self.ministry,
            "ministry_y": self.ministry_y,
            "site_admin": self.site_admin,
        }


@pytest.fixture
def cast(db) -> Cast:
    return Cast()


def give_second_factor(client, user) -> None:
    """Mark the client's session as having passed two-step login (T29), as the code step
    does, for a user who needs it: a confirmed authenticator, its id in the session."""
    from django_otp import DEVICE_ID_SESSION_KEY
    from django_otp.plugins.otp_totp.models import TOTPDevice

    device = TOTPDevice.objects.filter(user=user, confirmed=True).first()
    if device is None:
        device = TOTPDevice.objects.create(user=user, name="authenticator", confirmed=True)
    session = client.session
    session[DEVICE_ID_SESSION_KEY] = device.persistent_id
    session.save()


@pytest.fixture
def client_for(client):
    """client_for(user) → the test client logged in as user (None: anonymous), with the
    second factor given for those who need one (tests of the code step use force_login)."""
    from accounts.two_factor import requires_two_factor

    def login(user):
        client.logout()
        if user is not None:
            client.force_login(user)
            if requires_two_factor(user):
                give_second_factor(client, user)
        return client

    return login


@pytest.fixture
def english(client_for):
    """Like client_for, reading the portal in English, so that assertions read like the code."""

    def login(user):
        client = client_for(user)
        client.cookies["mo_language"] = "en"
        return client

    return login


@contextlib.contextmanager
def broker_unreachable(app):
    """Point the Celery app's producers at a port nobody listens on.

    broker_write_url is what publishing uses (setting broker_url on a Django-namespaced
    app does not change it); cached pools are forgotten so the next send reconnects.
    """

    def reset_pools():
        # Forget (do not close: kombu shares pools process-wide) the cached pools.
        app._pool = None
        app.amqp._producer_pool = None

    reset_pools()
    app.conf.broker_write_url = "redis://127.0.0.1:1/0"
    try:
        yield
    finally:
        app.conf.broker_write_url = None
        reset_pools()


@pytest.fixture
def broker_down():
    """Celery as in production (not eager) with a broker nobody listens on."""
    from municipal_order.celery import app

    app.conf.task_always_eager = False
    try:
        with broker_unreachable(app):
            yield app
    finally:
        app.conf.task_always_eager = True
