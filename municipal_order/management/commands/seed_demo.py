"""Demo data: a coherent story in three municipalities of two oblasts.

Idempotent: running it again changes nothing. Everything is created through the
same code paths as real data, so the demo exercises them.
"""

from __future__ import annotations

from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction
from django.utils import timezone

from accounts.models import User
from applications.models import Organization, OrganizationMember
from competitions.models import MinistryStaff, MunicipalStaff, Municipality, Region

DEMO_PASSWORD = "demo-portal-2026"

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
        with transaction.atomic():
            self._seed()
        self._print_logins()

    def _user(self, email: str, full_name: str, **extra) -> User:
        user = User.objects.filter(email=email).first()
        if user is None:
            user = User.objects.create_user(
                email,
                DEMO_PASSWORD,
                full_name=full_name,
                email_confirmed_at=timezone.now(),
                **extra,
            )
        return user

    def _municipality(self, code: str) -> Municipality:
        try:
            return Municipality.objects.get(code=code)
        except Municipality.DoesNotExist:
            raise CommandError(
                f"Municipality {code!r} is missing: run import_territories."
            ) from None

    def _seed(self) -> None:
        for code, email, name, position in OFFICERS:
            user = self._user(email, name)
            MunicipalStaff.objects.get_or_create(
                user=user, municipality=self._municipality(code), defaults={"position": position}
            )
        for inn, name_ru, name_ky, form, region, municipality, email, person in NGOS:
            org, _ = Organization.objects.get_or_create(
                inn=inn,
                defaults={
                    "name_ru": name_ru,
                    "name_ky": name_ky,
                    "legal_form": form,
                    "region": Region.objects.get(code=region),
                    "municipality": self._municipality(municipality),
                    "email": email,
                },
            )
            user = self._user(email, person)
            OrganizationMember.objects.get_or_create(
                user=user, organization=org, defaults={"role": OrganizationMember.Role.ADMIN}
            )
        for email, name in COMMISSION:
            self._user(email, name)
        for email, name, region in MINISTRY:
            user = self._user(email, name)
            MinistryStaff.objects.get_or_create(
                user=user, region=Region.objects.get(code=region) if region else None
            )
        admin_email, admin_name = ADMIN
        if not User.objects.filter(email=admin_email).exists():
            User.objects.create_superuser(admin_email, DEMO_PASSWORD, full_name=admin_name)

    def _print_logins(self) -> None:
        out = self.stdout
        out.write(
            self.style.SUCCESS(
                "Demo data is ready. Demo logins (password for all: %s):" % DEMO_PASSWORD
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
