"""Demo data: a coherent story in three municipalities of two oblasts.

Idempotent: running it again changes nothing. Everything is created through the
same code paths as real data, so the demo exercises them.
"""

from __future__ import annotations

import datetime
from decimal import Decimal

from django.core.files.base import ContentFile
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction
from django.test.utils import override_settings
from django.utils import timezone

from accounts.models import User
from accounts.services import confirm_email, register_user
from applications.models import Organization
from applications.services.drafting import save_bid, start_bid
from applications.services.files import add_document
from applications.services.organizations import register_organization, set_verification
from applications.services.submission import submit_bid
from audit.services import record
from competitions.models import (
    LegalForm,
    MinistryStaff,
    Municipality,
    MunicipalStaff,
    Region,
    Sphere,
    TargetGroup,
)
from competitions.services.calls import COMMON_CRITERIA, publish_call, save_draft
from competitions.services.problems import create_problem, publish_problem, support_problem
from competitions.services.programmes import create_programme
from competitions.services.team import add_municipal_staff
from municipal_order.lib.actors import Actor

DEMO_PASSWORD = "demo-portal-2026"

# (organisation INN, project title, submitted?) for the open call; the last is a draft.
DEMO_BIDS = [
    ("01204201710011", "Дневной центр «Күн нуру»", True),
    ("02306201810022", "Центр «Бирге» для детей и родителей", True),
    ("01509201510033", "Равные возможности: занятия рядом с домом", False),
]
DEMO_BUDGET = [
    {
        "category": "staff",
        "item": "Логопед и психолог, 9 месяцев",
        "unit": "месяц",
        "quantity": Decimal("18"),
        "unit_cost": Decimal("25000"),
        "own_contribution": Decimal("45000"),
        "other_sources": Decimal("0"),
    },
    {
        "category": "equipment",
        "item": "Тренажёры и развивающие пособия",
        "unit": "комплект",
        "quantity": Decimal("1"),
        "unit_cost": Decimal("180000"),
        "own_contribution": Decimal("20000"),
        "other_sources": Decimal("10000"),
    },
]
DEMO_INDICATORS = [
    {"name": "Дети, посещающие центр", "unit": "человек", "baseline": 0, "target": 20},
    {"name": "Родители, прошедшие обучение", "unit": "человек", "baseline": 0, "target": 15},
]


def _demo_pdf(title: str, organization: str) -> bytes:
    """A one-page PDF standing in for a scanned document."""
    from django.utils.html import escape

    from municipal_order.lib.pdf import render_pdf

    html = (
        '<html lang="ru"><body style="font-family: DejaVu Sans; padding: 3cm">'
        f"<h1>{escape(title)}</h1><p>{escape(organization)}</p>"
        "<p>Демонстрационный документ портала.</p></body></html>"
    )
    return render_pdf(html).content


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

# (municipality, problem it answers, title, phase, budget, chair, third member)
CALLS = [
    (
        "alamudun",
        "Нет дневного центра для детей с инвалидностью",
        "Дневной реабилитационный центр для детей с инвалидностью",
        "open",
        "850000",
        "expert.civil@demo.kg",
        "expert.deputy@demo.kg",
    ),
    (
        "aleksandrovka",
        "Подростки из семей трудовых мигрантов без присмотра",
        "Клуб продлённого дня для подростков из семей мигрантов",
        "closed",
        "600000",
        "expert.civil@demo.kg",
        "expert.deputy@demo.kg",
    ),
    (
        "karakol",
        "Нет кризисного центра для пострадавших от насилия",
        "Кризисный центр для пострадавших от домашнего насилия",
        "draft",
        "1200000",
        "expert.civil@demo.kg",
        "expert.deputy@demo.kg",
    ),
]

# (municipality, title, (first, last year), (kenesh decision No., date), budget by year)
PROGRAMMES = [
    (
        "alamudun",
        "Программа государственного социального заказа Аламудунского АА на 2026–2027 годы",
        (2026, 2027),
        ("VII-14/3", "2025-12-19"),
        {2026: "1200000", 2027: "1500000"},
    ),
    (
        "aleksandrovka",
        "Программа социального заказа Александровского АА на 2026 год",
        (2026, 2026),
        ("V-22/1", "2025-12-24"),
        {2026: "900000"},
    ),
    (
        "karakol",
        "Муниципальный социальный заказ города Каракол на 2026 год",
        (2026, 2026),
        ("32-4", "2025-12-26"),
        {2026: "2000000"},
    ),
]

# (municipality, title, description, sphere, target groups, beneficiaries, cost, method,
#  date, participants, women, publish?, supporters)
PROBLEMS = [
    (
        "alamudun",
        "Нет дневного центра для детей с инвалидностью",
        "В айыл аймаке живут 46 детей с инвалидностью; ближайший реабилитационный центр "
        "в Бишкеке. Родители, чаще матери, не могут работать, дети не получают занятий "
        "с логопедом и массажистом.",
        "disability",
        ["children-with-disabilities", "families-with-disability", "unemployed-women"],
        46,
        "850000",
        "pra",
        "2026-02-18",
        64,
        41,
        True,
        ["ngo.komok@demo.kg", "ngo.umut@demo.kg", "expert.civil@demo.kg"],
    ),
    (
        "alamudun",
        "Пожилые одинокие люди без ухода зимой",
        "Около 30 одиноких пожилых людей в отдалённых сёлах остаются зимой без помощи "
        "с дровами, продуктами и лекарствами.",
        "elderly",
        ["elderly", "extremely-poor"],
        30,
        "400000",
        "assembly",
        "2026-02-25",
        52,
        30,
        True,
        ["ngo.komok@demo.kg"],
    ),
    (
        "aleksandrovka",
        "Подростки из семей трудовых мигрантов без присмотра",
        "Дети, чьи родители работают за рубежом, живут с бабушками; растёт число пропусков "
        "школы и правонарушений.",
        "migration",
        ["migrant-families", "youth"],
        120,
        "600000",
        "focus_groups",
        "2026-03-04",
        38,
        22,
        True,
        ["ngo.umut@demo.kg", "ngo.komok@demo.kg"],
    ),
    (
        "karakol",
        "Нет кризисного центра для пострадавших от насилия",
        "Женщины и дети, пострадавшие от домашнего насилия, не имеют временного убежища "
        "и юридической помощи в городе.",
        "violence-prevention",
        ["violence-survivors", "single-parent-families"],
        80,
        "1200000",
        "hearing",
        "2026-01-29",
        75,
        52,
        True,
        ["ngo.akjol@demo.kg", "ngo.ravnye@demo.kg", "ministry.issykkul@demo.kg"],
    ),
    (
        "karakol",
        "Бездомные люди зимой",
        "По оценке мэрии, в городе 25–40 человек без жилья; ночлежки нет.",
        "social-protection",
        ["homeless"],
        40,
        None,
        "survey",
        "2026-03-10",
        120,
        64,
        False,
        [],
    ),
]


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
            organization = register_organization(
                admin=self._user(email, person),
                by=SEED,
                charter=ContentFile(_demo_pdf("Устав", name_ru), name="charter.pdf"),
                inn=inn,
                name_ru=name_ru,
                name_ky=name_ky,
                legal_form=form,
                region=Region.objects.get(code=region),
                municipality=self._municipality(municipality),
                email=email,
                registration_date=datetime.date(2018, 3, 1),
                registration_number=f"{inn[:5]}-3301-ОФ",
                address=f"{self._municipality(municipality).name_ru}, ул. Ленина, {inn[-2:]}",
                phone=f"+996 555 {inn[-6:-3]} {inn[-3:]}",
                head_name=person.replace(" (демо)", ""),
                head_position="Председатель",
                bank_name="ОАО «Айыл Банк»",
                bank_bic="135001",
                bank_account=f"1350{inn[:12]}",
            )
            if inn != NGOS[-1][0]:  # the last one still waits for verification
                officer = organization.municipality.staff.select_related("user").first().user
                set_verification(
                    organization, verified=True, note="Устав и свидетельство сверены", by=officer
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
        self._seed_problems()

    def _seed_problems(self) -> None:
        for (
            code,
            title,
            description,
            sphere,
            groups,
            beneficiaries,
            cost,
            method,
            day,
            participants,
            women,
            publish,
            supporters,
        ) in PROBLEMS:
            municipality = self._municipality(code)
            if municipality.problems.filter(title=title).exists():
                continue
            officer = municipality.staff.select_related("user").first().user
            problem = create_problem(
                municipality,
                data={
                    "title": title,
                    "description": description,
                    "sphere": Sphere.objects.get(code=sphere),
                    "beneficiaries": beneficiaries,
                    "estimated_cost": Decimal(cost) if cost else None,
                    "assessment_method": method,
                    "assessment_date": datetime.date.fromisoformat(day),
                    "participants": participants,
                    "women_participants": women,
                },
                target_groups=TargetGroup.objects.filter(code__in=groups),
                minutes=None,
                by=officer,
            )
            if publish:
                publish_problem(problem, by=officer)
                for email in supporters:
                    support_problem(problem, user=User.objects.get(email=email))
        self._seed_programmes()
        self._seed_calls()

    def _seed_calls(self) -> None:
        """One call open for bids, one closed, one still a draft."""
        now = timezone.now()
        day = datetime.timedelta(days=1)
        for code, problem_title, title, phase, budget, chair, secretary in CALLS:
            municipality = self._municipality(code)
            if municipality.competitions.filter(title=title).exists():
                continue
            officer = municipality.staff.select_related("user").first().user
            problem = municipality.problems.get(title=problem_title)
            if phase == "closed":
                opens, closes, announced = now - 40 * day, now - 5 * day, now - 41 * day
            else:
                opens, closes, announced = now - 2 * day, now + 21 * day, now
            closes = closes.replace(hour=12, minute=0, second=0, microsecond=0)  # 18:00 Bishkek
            call = save_draft(
                municipality,
                call=None,
                data={
                    "programme": municipality.programmes.first(),
                    "title": title,
                    "goal": problem.description,
                    "tasks": "1. Подготовить помещение и оборудование.\n"
                    "2. Набрать и обучить специалистов.\n"
                    "3. Оказывать услуги не менее 9 месяцев и отчитаться перед сообществом.",
                    "target_group": ", ".join(g.name_ru for g in problem.target_groups.all()),
                    "sphere": problem.sphere,
                    "funding_source": "local",
                    "total_budget": Decimal(budget),
                    "max_per_bid": Decimal(budget),
                    "min_cofinancing_pct": 10,
                    "implementation_start": (closes + 30 * day).date(),
                    "implementation_end": (closes + 300 * day).date(),
                    "opens_at": opens,
                    "closes_at": closes,
                    "required_documents": "\n".join(
                        [
                            "Заявка по форме",
                            "Свидетельство о государственной регистрации и устав",
                            "Описание проекта с календарным планом",
                            "Бюджет проекта",
                            "Гарантийные письма партнёров",
                        ]
                    ),
                    "eligible_forms": LegalForm.non_commercial(),
                },
                problems=[problem],
                criteria=[
                    {"title": str(t), "weight": w, "max_score": 10, "guidance": ""}
                    for t, w in COMMON_CRITERIA
                ],
                commission=[
                    {
                        "user": User.objects.get(email=chair),
                        "role": "chair",
                        "affiliation": "civil_society",
                    },
                    {"user": officer, "role": "secretary", "affiliation": "state"},
                    {
                        "user": User.objects.get(email=secretary),
                        "role": "member",
                        "affiliation": "civil_society",
                    },
                ],
                by=officer,
            )
            if phase != "draft":
                publish_call(call, by=officer, now=announced)
        self._seed_bids()

    def _seed_bids(self) -> None:
        """Two bids submitted to the open call and one draft still being written."""
        call = self._municipality("alamudun").competitions.get(title=CALLS[0][2])
        if not call.accepts_bids():
            return
        for inn, title, submit in DEMO_BIDS:
            organization = Organization.objects.get(inn=inn)
            if call.bids.filter(organization=organization).exists():
                continue
            editor = organization.members.select_related("user").first().user
            bid = start_bid(call, organization, by=editor)
            complete = submit or inn != DEMO_BIDS[-1][0]
            bid = save_bid(
                bid,
                data={
                    "problem": call.problems.first(),
                    "title": title,
                    "summary": f"{title}: дневной центр на 20 детей с инвалидностью, "
                    "5 дней в неделю, с логопедом, психологом и инструктором ЛФК.",
                    "goal": "Дети с инвалидностью получают реабилитацию рядом с домом, "
                    "их родители могут работать.",
                    "tasks": "1. Отремонтировать и оснастить помещение.\n"
                    "2. Набрать и обучить специалистов.\n"
                    "3. Проводить занятия 9 месяцев.",
                    "target_group": "Дети с инвалидностью 3–14 лет и их родители.",
                    "beneficiaries": 20 if complete else None,
                    "team": "Руководитель проекта, логопед, психолог, инструктор ЛФК, бухгалтер.",
                    "partners": "Айыл окмоту (помещение), сельская больница (направления).",
                },
                budget_lines=DEMO_BUDGET if complete else DEMO_BUDGET[:1],
                activities=self._demo_activities(call) if complete else [],
                indicators=DEMO_INDICATORS if complete else [],
                expected_version=bid.version,
                by=editor,
            )
            documents = call.required_document_list if complete else []
            for requirement in documents:
                upload = ContentFile(_demo_pdf(requirement, organization.name_ru), "demo.pdf")
                upload.name = f"{requirement[:40]}.pdf"
                add_document(bid, upload=upload, requirement=requirement, by=editor)
            if submit:
                submit_bid(bid, idempotency_key=f"seed-demo-{inn}", by=editor)

    @staticmethod
    def _demo_activities(call) -> list[dict]:
        start, end = call.implementation_start, call.implementation_end
        middle = start + (end - start) / 4
        return [
            {
                "activity": "Ремонт и оснащение помещения",
                "starts_on": start,
                "ends_on": middle,
                "responsible": "Руководитель проекта",
                "result": "Помещение отремонтировано и оснащено",
            },
            {
                "activity": "Реабилитационные занятия с детьми",
                "starts_on": middle,
                "ends_on": end,
                "responsible": "Логопед, психолог",
                "result": "20 детей занимаются 5 дней в неделю",
            },
        ]

    def _seed_programmes(self) -> None:
        for code, title, years, decision, budget in PROGRAMMES:
            municipality = self._municipality(code)
            if municipality.programmes.filter(title=title).exists():
                continue
            create_programme(
                municipality,
                data={
                    "title": title,
                    "start_year": years[0],
                    "end_year": years[1],
                    "kenesh_decision_number": decision[0],
                    "kenesh_decision_date": datetime.date.fromisoformat(decision[1]),
                    "needs_assessment": (
                        "Совместное изучение нужд сообщества (СИНС) в сёлах аймака, "
                        "январь–март 2026: фокус-группы по 7 категориям, сход жителей."
                    ),
                },
                budget={year: Decimal(amount) for year, amount in budget.items()},
                problems=municipality.problems.public(),
                by=municipality.staff.first().user,
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
