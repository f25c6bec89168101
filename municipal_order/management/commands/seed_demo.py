"""Demo data: a coherent story in three municipalities of two oblasts.

Idempotent: running it again changes nothing. Everything is created through the
same code paths as real data, so the demo exercises them.
"""

from __future__ import annotations

from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction
from django.test.utils import override_settings

from accounts.models import User
from accounts.services import confirm_email, register_user
from applications.models import Organization
from applications.services import register_organization
from audit.services import Actor, record
from competitions.models import MinistryStaff, Municipality, MunicipalStaff, Region
from competitions.services import add_municipal_staff

DEMO_PASSWORD = "demo-portal-2026"
SEED = Actor.system("seed_demo")

# (code, e-mail, full name, position)
OFFICERS = [
    (
        "alamudun",
        "officer.alamudun@demo.kg",
        "Специалист АО Аламүдүн (демо)",
        "Ведущий специалист по социальным вопросам",
    ),
    (
        "aleksandrovka",
        "officer.aleksandrovka@demo.kg",
        "Специалист АО Александровка (демо)",
        "Специалист по социальным вопросам",
    ),
    (
        "karakol",
        "officer.karakol@demo.kg",
        "Специалист мэрии Каракола (демо)",
        "Главный специалист отдела социального развития",
    ),
]

# (INN, name ru, name ky, legal form, region code, municipality code, member e-mail, member name)
NGOS = [
    (
        "01204201710011",
        "Общественный фонд «Көмөк»",
        "«Көмөк» коомдук фонду",
        "foundation",
        "KG-C",
        "alamudun",
        "ngo.komok@demo.kg",
        "Руководитель ОФ «Көмөк» (демо)",
    ),
    (
        "02306201810022",
        "Общественное объединение «Үмүт-Келечек»",
        "«Үмүт-Келечек» коомдук бирикмеси",
        "public_association",
        "KG-C",
        "aleksandrovka",
        "ngo.umut@demo.kg",
        "Руководитель ОО «Үмүт-Келечек» (демо)",
    ),
    (
        "01509201510033",
        "Учреждение «Ысык-Көл — равные возможности»",
        "«Ысык-Көл — тең мүмкүнчүлүктөр» мекемеси",
        "institution",
        "KG-Y",
        "karakol",
        "ngo.ravnye@demo.kg",
        "Руководитель учреждения «Равные возможности» (демо)",
    ),
    (
        "02711201910044",
        "Ассоциация женских инициатив «Ак Жол»",
        "«Ак Жол» аялдар демилгелеринин ассоциациясы",
        "association",
        "KG-Y",
        "karakol",
        "ngo.akjol@demo.kg",
        "Координатор ассоциации «Ак Жол» (демо)",
    ),
]

COMMISSION = [
    ("expert.civil@demo.kg", "Независимый эксперт, гражданское общество (демо)"),
    ("expert.deputy@demo.kg", "Депутат айыльного кенеша (демо)"),
]

MINISTRY = [
    ("ministry@demo.kg", "Специалист Министерства труда (демо)", None),
    (
        "ministry.issykkul@demo.kg",
        "Специалист Министерства по Иссык-Кульской области (демо)",
        "KG-Y",
    ),
]

ADMIN = ("admin@demo.kg", "Администратор портала (демо)")


class Command(BaseCommand):
    help = "Load demo data (idempotent). Imports territories first if needed."

    def handle(self, *args, **options) -> None:
        call_command("import_territories", verbosity=0)
        # Demo addresses are not real mailboxes: keep the notifications, drop the e-mails.
        with (
            override_settings(EMAIL_BACKEND="django.core.mail.backends.dummy.EmailBackend"),
            transaction.atomic(),
        ):
            self._seed()
        self._print_logins()

    def _user(self, email: str, full_name: str) -> User:
        user = User.objects.filter(email=email).first()
        if user is None:
            user = register_user(
                email=email, password=DEMO_PASSWORD, full_name=full_name, language="ru"
            )
            confirm_email(user)
        return user

    def _municipality(self, code: str) -> Municipality:
        try:
            return Municipality.objects.get(code=code)
        except Municipality.DoesNotExist:
            raise CommandError(
                f"Municipality {code!r} is missing: run import_territories."
            ) from None

    def _seed(self) -> None:
        if not User.objects.filter(email=ADMIN[0]).exists():
            admin = User.objects.create_superuser(ADMIN[0], DEMO_PASSWORD, full_name=ADMIN[1])
            record(
                "user.registered", admin, by=SEED, after={"email": admin.email, "superuser": True}
            )
        for code, email, name, position in OFFICERS:
            municipality = self._municipality(code)
            if not MunicipalStaff.objects.filter(
                user__email=email, municipality=municipality
            ).exists():
                self._user(email, name)
                add_municipal_staff(
                    municipality,
                    email=email,
                    role=MunicipalStaff.Role.HEAD,
                    position=position,
                    by=SEED,
                )
        for inn, name_ru, name_ky, form, region, municipality, email, person in NGOS:
            if Organization.objects.filter(inn=inn).exists():
                continue
            register_organization(
                admin=self._user(email, person),
                by=SEED,
                inn=inn,
                name_ru=name_ru,
                name_ky=name_ky,
                legal_form=form,
                region=Region.objects.get(code=region),
                municipality=self._municipality(municipality),
                email=email,
            )
        for email, name in COMMISSION:
            self._user(email, name)
        for email, name, region in MINISTRY:
            user = self._user(email, name)
            region_obj = Region.objects.get(code=region) if region else None
            if not MinistryStaff.objects.filter(user=user, region=region_obj).exists():
                staff = MinistryStaff.objects.create(user=user, region=region_obj)
                record(
                    "ministry.staff_added", staff, by=SEED, after={"user": email, "region": region}
                )

    def _print_logins(self) -> None:
        out = self.stdout
        out.write(
            self.style.SUCCESS(
                f"Demo data is ready. Demo logins (password for all: {DEMO_PASSWORD}):"
            )
        )
        out.write(f"  site administrator      {ADMIN[0]}")
        for _code, email, _name, _pos in OFFICERS:
            out.write(f"  municipal officer       {email}")
        for *_rest, email, _person in NGOS:
            out.write(f"  NGO member              {email}")
        for email, _name in COMMISSION:
            out.write(f"  commission member       {email}")
        for email, _name, region in MINISTRY:
            out.write(f"  ministry viewer         {email}{' (' + region + ')' if region else ''}")
