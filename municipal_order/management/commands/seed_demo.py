"""Demo data: a coherent story in three municipalities of two oblasts.

Idempotent: running it again changes nothing. Everything is created through the
same code paths as real data, so the demo exercises them.
"""

from __future__ import annotations

import base64
import datetime
from decimal import Decimal

from django.core.files.base import ContentFile
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction
from django.db.models import F
from django.test.utils import override_settings
from django.utils import timezone
from django_otp.plugins.otp_static.models import StaticToken

from accounts.models import User
from accounts.services import (
    confirm_email,
    enable_authenticator,
    register_user,
    start_authenticator_setup,
)
from accounts.two_factor import authenticator, requires_two_factor
from applications.models import Organization
from applications.services.drafting import save_bid, start_bid
from applications.services.files import add_document
from applications.services.organizations import register_organization, set_verification
from applications.services.submission import submit_bid
from audit.services import record
from competitions.models import (
    Competition,
    LegalForm,
    MinistryStaff,
    Municipality,
    MunicipalStaff,
    PriorityProblem,
    Region,
    Sphere,
    TargetGroup,
)
from competitions.services.calls import COMMON_CRITERIA, publish_call, save_draft
from competitions.services.problems import create_problem, publish_problem, support_problem
from competitions.services.programmes import create_programme
from competitions.services.team import add_municipal_staff
from documents.models import GeneratedDocument
from evaluation.models import (
    Admission,
    CallEvaluation,
    ConfidentialityDeclaration,
    ConflictDeclaration,
    ScoreSheet,
)
from evaluation.services.admission import decide_admission, open_scoring
from evaluation.services.appeals import file_appeal, finalize_due_calls
from evaluation.services.clarifications import request_clarification
from evaluation.services.declarations import declare_conflict, sign_confidentiality
from evaluation.services.results import approve_results, close_scoring, reduce_amount, save_meeting
from evaluation.services.sheets import Entry, save_sheet, submit_sheet
from monitoring.models import ProgressReport, Project, ReportVersion, Tranche
from monitoring.services.projects import (
    TrancheRow,
    create_projects,
    record_payment,
    save_agreement,
    sign_agreement,
)
from monitoring.services.reports import ReportData, complete_project, decide_report, submit_report
from monitoring.services.schedule import report_for_tranche
from municipal_order.demo.data import (
    ADMIN,
    ADMISSION_BIDS,
    CALLS,
    COMMISSION,
    COMMISSION_INVITEE,
    DEMO_BIDS,
    DEMO_PASSWORD,
    DEMO_TOTP_SECRET,
    FINAL_BIDS,
    FINAL_MEETING,
    MINISTRY,
    NGOS,
    OFFICERS,
    PROBLEMS,
    PROGRAMMES,
    RESULTS_APPEAL,
    RESULTS_BIDS,
    RESULTS_MEETING,
    RESULTS_REDUCTION,
    SCORING_BIDS,
    SCORING_MEMBER,
    SCORING_SHEETS,
    demo_pdf,
    demo_recovery_codes,
)
from municipal_order.demo.stories import CRISIS_SHELTER, DAY_CENTRE, TEEN_MENTORS, WINTER_HELP
from municipal_order.lib.actors import Actor

SEED = Actor.system("seed_demo")
DAY = datetime.timedelta(days=1)

# --- Monitoring: projects under way and one completed -----------------------------------
#
# A report as the organisation sends it: narrative; reached (total, women and girls,
# people with disabilities, children); spent per budget line, indicator values and
# (status, percent) per milestone, each in the bid's order; the attached file's title.

# An earlier call of Aleksandrovka (this year's), its three bids all funded: the projects
# are under way, their reports in every state. Days are counted from today. (INN, bid
# title, scores by role, the due days of the two interim tranches, the first interim
# report: (its state, sent, decided, its tranche paid)); the second one is not sent.
UNDER_WAY_CALL = (
    "aleksandrovka",
    "Подростки из семей трудовых мигрантов без присмотра",
    "Кружки и наставники для подростков из семей мигрантов на 2026–2027 учебный год",
    "900000",
)
UNDER_WAY_DAYS = {
    "announced": -215,
    "submitted": -185,
    "closes": -184,
    "starts": -120,
    "ends": 150,
    "results": -160,
    "signed": -125,
    "first_paid": -118,
}
UNDER_WAY_MEETING = (
    "Александровский айыл окмоту, зал заседаний",
    "1. Утвердить рейтинг заявок.\n"
    "2. Признать победителями все три заявки в пределах бюджета конкурса.",
)
TEEN_REPORT = {
    "accepted": {
        "narrative": "За первые четыре месяца отобраны и обучены 10 наставников из жителей "
        "села (двухдневный тренинг с психологом проекта). С начала учебного года при "
        "школе им. Токтогула два раза в неделю работают кружки робототехники и шитья: "
        "записался 31 подросток из семей трудовых мигрантов, из них 15 девочек и двое "
        "ребят с инвалидностью. Проведены две встречи с бабушками, дедушками и родителями "
        "(родители подключались по видеосвязи из России и Казахстана). Наборы для "
        "робототехники и швейные машины закуплены по трём коммерческим предложениям. "
        "По данным школы, пропуски уроков у участников снизились с 12 до 9,5 % учебных дней.",
        "reached": (31, 15, 2, 31),
        "spent": ("96000", "81000"),
        "values": ("31", "9.5"),
        "milestones": (("done", 100), ("under_way", 35)),
        "file": "Ведомость расходов и журнал посещений",
        "note": "Отчёт принят: расходы подтверждены ведомостями и накладными, посещаемость — "
        "журналом. Второй транш перечисляется в течение 10 рабочих дней.",
    },
    "returned": {
        "narrative": "Наставники (10 человек) прошли обучение, кружки работают с сентября "
        "в здании сельского клуба. Занятия посещают 29 подростков, 14 из них девочки. "
        "Закуплены швейные машины и наборы для робототехники; для швейного кружка "
        "дополнительно куплен оверлок. Проведена встреча с родителями по видеосвязи.",
        "reached": (29, 14, 1, 29),
        "spent": ("118000", "90000"),
        "values": ("29", "10"),
        "milestones": (("done", 100), ("under_way", 30)),
        "file": "Журнал посещений",
        "note": "1. По строке «Наборы для робототехники и швейные машины» указано 90 000 сом "
        "при плане 81 000 сом: приложите накладную на оверлок и объясните перерасход либо "
        "покажите, что разница оплачена из собственного вклада.\n"
        "2. В отчёте 29 подростков, в приложенном журнале посещений — 26: приведите цифры "
        "в соответствие.\n"
        "3. Приложите список наставников, прошедших обучение, с их подписями.",
    },
    "submitted": {
        "narrative": "Открытая мастерская работает четыре дня в неделю после уроков: "
        "робототехника, шитьё и помощь с домашними заданиями. Постоянно занимаются "
        "24 подростка, из них 13 девочек и трое ребят с инвалидностью (для них оборудовано "
        "место с пандусом). Наставники встречаются со своими подопечными раз в неделю; "
        "классные руководители отмечают, что участники стали реже пропускать уроки. "
        "Все расходы подтверждены договорами и накладными (приложены).",
        "reached": (24, 13, 3, 24),
        "spent": ("102000", "78000"),
        "values": ("24", "10"),
        "milestones": (("done", 100), ("under_way", 40)),
        "file": "Финансовый отчёт с накладными",
    },
}
UNDER_WAY_BIDS = [
    (
        "02306201810022",
        "Клуб «Бирге»: кружки и наставники в с. Александровка",
        {"chair": [9, 8, 8, 9, 8], "secretary": [8, 8, 8, 9, 8], "member": [9, 8, 7, 8, 8]},
        # Interim 1 accepted and its tranche paid; interim 2 overdue, nothing sent.
        (-50, -5),
        ("accepted", -53, -46, -42),
    ),
    (
        "01204201710011",
        "Наставники из своего села",
        {"chair": [8, 8, 7, 8, 7], "secretary": [8, 7, 8, 8, 7], "member": [8, 7, 7, 8, 8]},
        # Sent early, returned with comments: the organisation revises before the date.
        (6, 90),
        ("returned", -6, -2, None),
    ),
    (
        "01509201510033",
        "Открытая мастерская для подростков",
        {"chair": [8, 7, 7, 7, 7], "secretary": [7, 7, 8, 7, 7], "member": [8, 7, 7, 7, 6]},
        # Interim 1 awaits the officer's review; interim 2 is due within the month.
        (-3, 28),
        ("submitted", -5, None, None),
    ),
]

# The story of the issue: a school-readiness centre of an earlier year's call, completed
# with a "successful" final evaluation, which the municipality then took over as a
# municipal kindergarten. Dates are real dates, all in the past.
SCHOOL_PROBLEM = {
    "title": "В сёлах нет детского сада: дети идут в школу неподготовленными",
    "description": "В сёлах Александровка и Жер-Казар около 160 детей 3–6 лет, а детского "
    "сада нет ни одного. По оценке учителей, почти половина первоклассников не умеет "
    "держать карандаш и плохо понимает язык обучения; матери не могут выйти на работу.",
    "sphere": "education",
    "groups": ["children", "unemployed-women"],
    "beneficiaries": 40,
    "estimated_cost": "450000",
    "assessment_method": "focus_groups",
    "assessment_date": "2024-03-12",
    "participants": 44,
    "women_participants": 31,
}
SCHOOL_PROGRAMME = (
    "Программа социального заказа Александровского АА на 2024–2025 годы",
    (2024, 2025),
    ("IV-31/2", "2023-12-22"),
    {2024: "450000", 2025: "600000"},
)
SCHOOL_CALL = {
    "title": "Подготовка к школе детей из сёл без детского сада",
    "budget": "450000",
    "announced": datetime.date(2024, 5, 6),
    "submitted": datetime.date(2024, 6, 10),
    "closes": datetime.date(2024, 6, 14),
    "implementation": (datetime.date(2024, 9, 2), datetime.date(2025, 5, 30)),
    "results": datetime.date(2024, 7, 10),
    "signed": datetime.date(2024, 8, 20),
}
SCHOOL_BID = (
    "02306201810022",
    "Центр подготовки детей к школе",
    {"chair": [9, 9, 8, 9, 8], "secretary": [9, 8, 9, 9, 8], "member": [9, 9, 8, 8, 9]},
)
SCHOOL_MEETING = (
    "Александровский айыл окмоту, зал заседаний",
    "1. Утвердить оценку заявки.\n2. Признать победителем ОО «Үмүт-Келечек».",
)
SCHOOL_READINESS = {
    "text": {
        "summary": "Центр подготовки к школе на 40 детей 5–6 лет из сёл без детского "
        "сада: занятия четыре дня в неделю с воспитателями и логопедом, консультации для "
        "родителей.",
        "goal": "Дети из сёл без детского сада приходят в первый класс подготовленными, "
        "их матери могут работать.",
        "tasks": "1. Отремонтировать и оснастить помещение бывшего медпункта.\n"
        "2. Набрать две группы по 20 детей и заниматься с ними учебный год.\n"
        "3. Провести итоговую диагностику готовности к школе вместе с учителями.",
        "target_group": "Дети 5–6 лет, не посещающие детский сад, и их родители.",
        "beneficiaries": 60,  # 40 children and about 20 of their parents
        "team": "Руководитель проекта, два воспитателя, логопед, бухгалтер.",
        "partners": "Айыл окмоту (помещение), средняя школа им. Ленина (учителя начальных "
        "классов), ФАП (медосмотр детей).",
    },
    "budget": [
        {
            "category": "staff",
            "item": "Воспитатели и логопед, 9 месяцев",
            "unit": "месяц",
            "quantity": Decimal("18"),
            "unit_cost": Decimal("20000"),
            "own_contribution": Decimal("36000"),
            "other_sources": Decimal("0"),
        },
        {
            "category": "equipment",
            "item": "Мебель, развивающие игры и учебные пособия",
            "unit": "комплект",
            "quantity": Decimal("1"),
            "unit_cost": Decimal("150000"),
            "own_contribution": Decimal("15000"),
            "other_sources": Decimal("10000"),
        },
    ],
    "plan": [
        (
            "Ремонт и оснащение помещения",
            "Руководитель проекта",
            "Две группы по 20 мест оборудованы",
            0.1,
        ),
        ("Занятия с детьми четыре дня в неделю", "Воспитатели, логопед", "40 детей", 0.9),
        (
            "Итоговая диагностика и встреча с родителями",
            "Логопед, учителя начальных классов",
            "Карта готовности каждого ребёнка передана школе",
            1,
        ),
    ],
    "indicators": [
        {"name": "Дети, посещающие центр", "unit": "человек", "baseline": 0, "target": 40},
        {
            "name": "Дети, готовые к школе по итоговой диагностике",
            "unit": "%",
            "baseline": 45,
            "target": 80,
        },
    ],
}
# (kind, sent, accepted, tranche paid, report) — the interim and the final report.
SCHOOL_REPORTS = [
    (
        "interim",
        datetime.date(2025, 1, 10),
        datetime.date(2025, 1, 20),
        datetime.date(2025, 1, 27),
        {
            "narrative": "Помещение бывшего медпункта отремонтировано силами родителей и "
            "айыл окмоту, закуплены мебель, игры и пособия. С 2 сентября работают две группы "
            "по 20 детей, четыре дня в неделю. Логопед занимается индивидуально с 14 детьми. "
            "Для родителей проведены три консультации; 18 родителей посещают их постоянно. "
            "Промежуточная диагностика: к школе готовы 62 % детей (в сентябре — 45 %).",
            "reached": (58, 37, 3, 40),
            "spent": ("180000", "125000"),
            "values": ("40", "62"),
            "milestones": (("done", 100), ("under_way", 50), ("planned", 0)),
            "file": "Промежуточный отчёт и фотографии занятий",
            "note": "Отчёт принят. Рекомендуем пригласить учителей начальных классов "
            "к итоговой диагностике в мае.",
        },
    ),
    (
        "final",
        datetime.date(2025, 6, 10),
        datetime.date(2025, 6, 20),
        datetime.date(2025, 6, 25),
        {
            "narrative": "Центр проработал весь учебный год: 40 детей из Александровки и "
            "Жер-Казара (19 девочек, трое детей с инвалидностью) занимались четыре дня в "
            "неделю. Итоговую диагностику в мае провели логопед и учителя начальных классов: "
            "к школе готовы 36 из 40 детей (90 %), на каждого ребёнка составлена карта "
            "готовности и передана школе. Консультации для родителей посещали 24 человека, "
            "22 из них — матери; девять матерей за время проекта вышли на работу. "
            "Средства освоены полностью, по смете.",
            "reached": (64, 41, 3, 40),
            "spent": ("324000", "125000"),
            "values": ("40", "90"),
            "milestones": (("done", 100), ("done", 100), ("done", 100)),
            "file": "Итоговый отчёт с финансовым отчётом",
            "note": "Отчёт принят: итоги подтверждены картами готовности детей и письмом "
            "школы, расходы — первичными документами.",
        },
    ),
]
SCHOOL_SCHEDULE = {
    "signing_paid": datetime.date(2024, 8, 26),
    "interim_due": datetime.date(2025, 1, 15),
}
SCHOOL_COMPLETED = datetime.date(2025, 9, 10)
SCHOOL_REASONS = (
    "Проект выполнен полностью и в срок: 40 детей из сёл без детского сада прошли "
    "подготовку к школе, 36 из них (90 % при плане 80 %) по итоговой диагностике готовы "
    "к первому классу; учителя отмечают, что эти первоклассники хорошо адаптировались. "
    "Средства освоены по смете, отчёты приняты без замечаний. Центр продолжил работу после "
    "проекта: решением Александровского айылного кенеша от 27 июня 2025 года № V-9/4 "
    "помещение и оборудование центра переданы айыл окмоту, и с 1 сентября 2025 года он "
    "работает как муниципальный детский сад «Балапан» на 40 мест; воспитатели и логопед "
    "проекта приняты в его штат."
)


# The call in admission is about the elderly, not the day centre of the open call.
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
            self._seed_two_factor()
        self._check_documents()
        self._print_logins()
        self._print_two_factor()

    def _check_documents(self) -> None:
        """Demo PDFs render in this process (eager tasks) or in a worker: one that
        failed here would fail for every user, so say so instead of going on."""
        failed = GeneratedDocument.objects.filter(status=GeneratedDocument.Status.FAILED)
        errors = sorted({doc.error for doc in failed})
        if errors:
            raise CommandError(
                f"{len(failed)} demo document(s) failed to render: " + "; ".join(errors[:3])
            )

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
                charter=ContentFile(demo_pdf("Устав", name_ru), name="charter.pdf"),
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
            elif phase in ("admission", "scoring", "results", "final"):
                # Bids are submitted while it is open; its deadline then passes (below).
                opens, closes, announced = now - 40 * day, now + 2 * day, now - 41 * day
            else:
                opens, closes, announced = now - 2 * day, now + 21 * day, now
            closes = closes.replace(hour=12, minute=0, second=0, microsecond=0)  # 18:00 Bishkek
            email, role, affiliation = COMMISSION_INVITEE
            invitee = {"user": None, "email": email, "role": role, "affiliation": affiliation}
            call = self._draft_call(
                municipality,
                problem,
                title,
                budget,
                opens=opens,
                closes=closes,
                commission=(chair, secretary),
                # No account: an invitation (e-mailed), waiting on the draft.
                invitees=[invitee] if phase == "draft" else [],
            )
            if phase != "draft":
                publish_call(call, by=officer, now=announced)
        self._seed_bids()
        self._seed_admission()
        self._seed_scoring()
        self._seed_results()
        self._seed_final()
        self._seed_projects_under_way()
        self._seed_completed_project()

    def _draft_call(
        self, municipality, problem, title, budget, *, opens, closes, commission, invitees=()
    ):
        """A draft call answering `problem`, its implementation 30 to 300 days after the
        deadline; `commission` is (chair, third member) by e-mail, the officer the secretary."""
        officer = municipality.staff.select_related("user").first().user
        chair, member = commission
        return save_draft(
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
                "implementation_start": (closes + 30 * DAY).date(),
                "implementation_end": (closes + 300 * DAY).date(),
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
                    "user": User.objects.get(email=member),
                    "role": "member",
                    "affiliation": "civil_society",
                },
                *invitees,
            ],
            by=officer,
        )

    def _seed_bids(self) -> None:
        """Two bids submitted to the open call and one draft still being written."""
        call = self._municipality("alamudun").competitions.get(title=CALLS[0][2])
        if not call.accepts_bids():
            return
        for inn, title, submit in DEMO_BIDS:
            organization = Organization.objects.get(inn=inn)
            if call.bids.filter(organization=organization).exists():
                continue
            complete = submit or inn != DEMO_BIDS[-1][0]
            self._demo_bid(call, organization, title, complete=complete, submit=submit)

    def _call_past_deadline(self, stage, bids, story, *, submitted_days_ago):
        """The demo call of `stage`, its `bids` ((INN, title, …) each) submitted through the
        services `submitted_days_ago` days ago while it was open; then its deadline "passes"
        a day later, the demo's one shortcut: it is moved back after the submissions."""
        code, _problem, title, *_rest = next(c for c in CALLS if c[3] == stage)
        call = self._municipality(code).competitions.get(title=title)
        now = timezone.now()
        for inn, bid_title, *_rest in bids:
            organization = Organization.objects.get(inn=inn)
            if not call.bids.filter(organization=organization).exists():
                self._demo_bid(
                    call,
                    organization,
                    bid_title,
                    complete=True,
                    submit=True,
                    at=now - submitted_days_ago * DAY,
                    story=story,
                )
        if call.closes_at > now:
            deadline = now - (submitted_days_ago - 1) * DAY
            call.closes_at = deadline.replace(hour=12, minute=0, second=0, microsecond=0)
            call.save(update_fields=["closes_at"])
        return call

    def _seed_admission(self) -> None:
        """The call in admission: three bids submitted while it was open, then its deadline
        passed; one admitted, one not admitted with a reason, one asked to clarify."""
        call = self._call_past_deadline(
            "admission", ADMISSION_BIDS, WINTER_HELP, submitted_days_ago=6
        )
        now = timezone.now()
        secretary = call.commission.get(role="secretary").user
        for inn, _title, outcome in ADMISSION_BIDS:
            submission = call.bids.get(organization__inn=inn).submissions.get(status="active")
            if Admission.objects.filter(submission=submission).exists():
                continue
            if outcome == "admitted":
                decide_admission(submission, decision="admitted", by=secretary)
            elif isinstance(outcome, tuple):
                reason, note = outcome
                decide_admission(
                    submission, decision="not_admitted", reason=reason, note=note, by=secretary
                )
            else:
                due = (now + 4 * DAY).replace(hour=12, minute=0, second=0, microsecond=0)
                request_clarification(submission, question=outcome, due_at=due, by=secretary)

    def _seed_scoring(self) -> None:
        """The call in scoring: three bids submitted and admitted, admission closed; its
        third member signed the confidentiality declaration and declared no conflict on
        two bids and a conflict (with a statement) on the third, which leaves that bid
        short of the quorum (the chair and the officer see the flag); they submitted the
        first bid's sheet and keep a draft of the second's."""
        call = self._call_past_deadline("scoring", SCORING_BIDS, TEEN_MENTORS, submitted_days_ago=8)
        secretary = call.commission.get(role="secretary").user
        submissions = {
            inn: call.bids.get(organization__inn=inn).submissions.get(status="active")
            for inn, _title, _conflict in SCORING_BIDS
        }
        for submission in submissions.values():
            if not Admission.objects.filter(submission=submission).exists():
                decide_admission(submission, decision="admitted", by=secretary)
        if call.stage == "":
            open_scoring(call, by=secretary)
        seat = call.commission.get(user__email=SCORING_MEMBER)
        # Both services change nothing when the same declaration is made again.
        sign_confidentiality(seat, by=seat.user)
        for inn, _title, conflict in SCORING_BIDS:
            declare_conflict(
                seat,
                submissions[inn],
                has_conflict=conflict is not None,
                statement=conflict or "",
                by=seat.user,
            )
        # Some sheets in: the member submitted one bid's and keeps a draft of another's.
        criteria = list(call.criteria.order_by("position", "pk"))
        pairs = zip(SCORING_BIDS[:2], SCORING_SHEETS, (True, False), strict=True)
        for (inn, *_rest), values, submit in pairs:
            if ScoreSheet.objects.filter(seat=seat, submission=submissions[inn]).exists():
                continue
            entries = {c.pk: Entry(v, note) for c, (v, note) in zip(criteria, values, strict=True)}
            sheet = save_sheet(
                seat,
                submissions[inn],
                entries=entries,
                comment="",
                expected_version=0,
                by=seat.user,
            )
            if submit:
                submit_sheet(seat, submissions[inn], expected_version=sheet.version, by=seat.user)

    def _seed_results(self) -> None:
        """The call with published results: three bids scored by the whole commission,
        one reduced to fit the budget, the third in reserve; its organisation appealed."""
        call = self._evaluated(
            "results", RESULTS_BIDS, CRISIS_SHELTER, RESULTS_MEETING, RESULTS_REDUCTION
        )
        inn, text = RESULTS_APPEAL
        submission = call.bids.get(organization__inn=inn).submissions.get(status="active")
        if call.phase.results_published and not submission.appeals.exists():
            editor = submission.bid.organization.members.select_related("user").first().user
            file_appeal(submission, text=text, by=editor)

    def _seed_final(self) -> None:
        """The final call: results published longer ago than the appeal window (the
        demo's second shortcut: the dates are moved back after the services ran), no
        appeal; the periodic job has made it final."""
        call = self._evaluated("final", FINAL_BIDS, DAY_CENTRE, FINAL_MEETING, None)
        if call.stage == "results":
            back = (call.appeal_days + 3) * DAY
            Competition.objects.filter(pk=call.pk).update(closes_at=call.closes_at - back)
            self._results_moved_back(call, back)
        self._seed_projects(call)

    @staticmethod
    def _results_moved_back(call, back) -> None:
        """The shortcut for a call evaluated today: its commission's work (admission,
        declarations, sheets, meeting, approval) and its results are moved `back` in
        time, then the periodic job makes it final once its appeal window is over."""
        submissions = {"submission__bid__competition": call}
        Competition.objects.filter(pk=call.pk).update(
            results_published_at=F("results_published_at") - back
        )
        CallEvaluation.objects.filter(competition=call).update(
            closed_at=F("closed_at") - back,
            approved_at=F("approved_at") - back,
            meeting_on=timezone.localdate() - back,
        )
        Admission.objects.filter(**submissions).update(decided_at=F("decided_at") - back)
        ScoreSheet.objects.filter(**submissions).update(submitted_at=F("submitted_at") - back)
        ConflictDeclaration.objects.filter(**submissions).update(
            declared_at=F("declared_at") - back
        )
        ConfidentialityDeclaration.objects.filter(seat__competition=call).update(
            signed_at=F("signed_at") - back
        )
        finalize_due_calls()

    def _seed_projects(self, call) -> None:
        """The final call's selected bid is a project under way: its agreement signed
        two days ago and the first tranche (on signing) paid; its milestones start
        with the call's implementation period, its interim report (which releases the
        second tranche) falls due halfway through: the demo's report not yet due."""
        call.refresh_from_db()
        if not call.phase.is_final or call.projects.exists():
            return
        officer = call.municipality.staff.select_related("user").first().user
        for project in create_projects(call, by=officer):
            first = (project.amount * Decimal("0.6")).quantize(Decimal("0.01"))
            save_agreement(
                project,
                data={
                    "municipality_signatory": "Глава Аламудунского айыл окмоту (демо)",
                    "organization_signatory": project.organization.members.first().user.full_name,
                },
                tranches=[
                    TrancheRow(first, project.starts_on, Tranche.Condition.SIGNING),
                    TrancheRow(
                        project.amount - first,
                        project.starts_on + (project.ends_on - project.starts_on) / 2,
                        Tranche.Condition.INTERIM,
                    ),
                ],
                expected_version=project.version,
                by=officer,
            )
            today = timezone.localdate()
            sign_agreement(project, signed_on=today - 2 * DAY, by=officer)
            tranche = project.tranches.order_by("position").first()
            record_payment(
                tranche, amount=tranche.amount, paid_on=today - DAY, reference="ПП-0412", by=officer
            )

    # --- Monitoring: projects under way and one completed ------------------------------
    #
    # The services check the clock (a signing, payment or visit not in the future, a call
    # final before its projects): the projects' dates are given to them as they were,
    # and what they stamp with the current time (a report sent or decided, a call's
    # announcement, deadline and evaluation) is moved back afterwards, the demo's
    # shortcut documented on each helper.

    def _seed_projects_under_way(self) -> None:
        """Aleksandrovka's call of this year, its three bids funded, the projects four
        months under way: «Бирге» had its first interim report accepted (the tranche
        paid) and its second is overdue; «Көмөк»'s first was returned with the officer's
        comments; «Равные возможности»' first awaits review, its second is due within
        the month."""
        code, problem, title, budget = UNDER_WAY_CALL
        days = {k: self._days(v) for k, v in UNDER_WAY_DAYS.items()}
        call = self._past_call(
            code,
            problem,
            title,
            budget,
            UNDER_WAY_BIDS,
            TEEN_MENTORS,
            announced=days["announced"],
            submitted=days["submitted"],
            closes=days["closes"],
            implementation=(days["starts"], days["ends"]),
        )
        call = self._funded(call, UNDER_WAY_BIDS, UNDER_WAY_MEETING, days["results"])
        if call.projects.exists():
            return
        for project in create_projects(call, by=self._officer(call.municipality)):
            _inn, _title, _scores, due, first = next(
                b for b in UNDER_WAY_BIDS if b[0] == project.organization.inn
            )
            rows = self._tranches(
                project,
                [
                    ("0.4", project.starts_on, Tranche.Condition.SIGNING),
                    ("0.3", self._days(due[0]), Tranche.Condition.INTERIM),
                    (None, self._days(due[1]), Tranche.Condition.INTERIM),
                ],
            )
            self._signed(project, rows, signed_on=days["signed"], paid_on=days["first_paid"])
            state, sent, decided, paid = first
            self._report_through(
                project.reports.get(kind="interim", number=1),
                TEEN_REPORT[state],
                state=state,
                sent=self._days(sent),
                decided=decided and self._days(decided),
                paid=paid and self._days(paid),
            )

    def _seed_completed_project(self) -> None:
        """The school-readiness centre of Aleksandrovka's 2024 call (its own priority
        problem and programme): both reports accepted, every tranche paid, completed with
        a "successful" final evaluation: the municipality took the centre over as its
        kindergarten."""
        municipality = self._municipality("aleksandrovka")
        problem = self._school_problem(municipality)
        c = SCHOOL_CALL
        call = self._past_call(
            municipality.code,
            problem.title,
            c["title"],
            c["budget"],
            [SCHOOL_BID],
            SCHOOL_READINESS,
            announced=c["announced"],
            submitted=c["submitted"],
            closes=c["closes"],
            implementation=c["implementation"],
            programme=municipality.programmes.get(title=SCHOOL_PROGRAMME[0]),
        )
        call = self._funded(call, [SCHOOL_BID], SCHOOL_MEETING, c["results"])
        if call.projects.exists():
            return
        officer = self._officer(municipality)
        [project] = create_projects(call, by=officer)
        rows = self._tranches(
            project,
            [
                ("0.5", project.starts_on, Tranche.Condition.SIGNING),
                ("0.3", SCHOOL_SCHEDULE["interim_due"], Tranche.Condition.INTERIM),
                (None, project.ends_on, Tranche.Condition.FINAL),
            ],
        )
        self._signed(project, rows, signed_on=c["signed"], paid_on=SCHOOL_SCHEDULE["signing_paid"])
        for kind, sent, decided, paid, text in SCHOOL_REPORTS:
            report = project.reports.get(kind=kind)
            self._report_through(
                report, text, state="accepted", sent=sent, decided=decided, paid=paid
            )
        complete_project(
            project,
            rating="successful",
            reasons=SCHOOL_REASONS,
            problem_addressed=True,
            by=officer,
        )
        Project.objects.filter(pk=project.pk).update(ended_on=SCHOOL_COMPLETED)

    def _school_problem(self, municipality):
        """The priority problem of 2024 the school-readiness centre answered, published
        (its publication dated back to its year) and in the 2024–2025 programme."""
        p = SCHOOL_PROBLEM
        problem = municipality.problems.filter(title=p["title"]).first()
        if problem is not None:
            return problem
        officer = self._officer(municipality)
        problem = create_problem(
            municipality,
            data={
                "title": p["title"],
                "description": p["description"],
                "sphere": Sphere.objects.get(code=p["sphere"]),
                "beneficiaries": p["beneficiaries"],
                "estimated_cost": Decimal(p["estimated_cost"]),
                "assessment_method": p["assessment_method"],
                "assessment_date": datetime.date.fromisoformat(p["assessment_date"]),
                "participants": p["participants"],
                "women_participants": p["women_participants"],
            },
            target_groups=TargetGroup.objects.filter(code__in=p["groups"]),
            minutes=None,
            by=officer,
        )
        publish_problem(problem, by=officer)
        for email in ("ngo.umut@demo.kg", "ngo.komok@demo.kg"):
            support_problem(problem, user=User.objects.get(email=email))
        published = self._at(datetime.date.fromisoformat(p["assessment_date"]) + 21 * DAY)
        PriorityProblem.objects.filter(pk=problem.pk).update(published_at=published)
        title, years, decision, budget = SCHOOL_PROGRAMME
        create_programme(
            municipality,
            data={
                "title": title,
                "start_year": years[0],
                "end_year": years[1],
                "kenesh_decision_number": decision[0],
                "kenesh_decision_date": datetime.date.fromisoformat(decision[1]),
                "needs_assessment": "Фокус-группы с родителями и учителями в сёлах "
                "Александровка и Жер-Казар, март 2024.",
            },
            budget={year: Decimal(amount) for year, amount in budget.items()},
            problems=[problem],
            by=officer,
        )
        return problem

    def _past_call(
        self,
        code,
        problem_title,
        title,
        budget,
        bids,
        story,
        *,
        announced,
        submitted,
        closes,
        implementation,
        programme=None,
    ):
        """A call announced on `announced`, its `bids` ((INN, title, …) each) submitted
        on `submitted`, its deadline `closes` and implementation period in the past. The
        shortcut: it is announced through the services with dates to come, its opening
        and implementation moved back, the bids made and submitted through the services,
        then its deadline moved back."""
        municipality = self._municipality(code)
        call = municipality.competitions.filter(title=title).first()
        if call is not None:
            return call
        now = timezone.now()
        call = self._draft_call(
            municipality,
            municipality.problems.get(title=problem_title),
            title,
            budget,
            opens=now - DAY,
            closes=now + 2 * DAY,
            commission=("expert.civil@demo.kg", "expert.deputy@demo.kg"),
        )
        publish_call(call, by=self._officer(municipality), now=now)
        start, end = implementation
        Competition.objects.filter(pk=call.pk).update(
            opens_at=self._at(announced),
            published_at=self._at(announced),
            implementation_start=start,
            implementation_end=end,
            programme=programme or call.programme,
        )
        call.refresh_from_db()
        for inn, bid_title, *_rest in bids:
            organization = Organization.objects.get(inn=inn)
            at = self._at(submitted)
            self._demo_bid(
                call, organization, bid_title, complete=True, submit=True, at=at, story=story
            )
        Competition.objects.filter(pk=call.pk).update(
            closes_at=self._at(closes).replace(hour=12, minute=0)  # 18:00 Bishkek
        )
        call.refresh_from_db()
        return call

    def _funded(self, call, bids, meeting, results_on):
        """The past call evaluated (every bid scored, the meeting held, results approved)
        and its results moved back to `results_on`: final, its appeal window long over."""
        call = self._evaluate(call, bids, meeting, None)
        if call.stage == "results":
            self._results_moved_back(call, (timezone.localdate() - results_on).days * DAY)
            call.refresh_from_db()
        return call

    @staticmethod
    def _tranches(project, parts) -> list[TrancheRow]:
        """(share of the amount, due, condition) each; the last (share None) the rest."""
        rows, left = [], project.amount
        for share, due_on, condition in parts:
            amount = (
                left
                if share is None
                else (project.amount * Decimal(share)).quantize(Decimal("0.01"))
            )
            rows.append(TrancheRow(amount, due_on, condition))
            left -= amount
        return rows

    def _signed(self, project, tranches, *, signed_on, paid_on) -> None:
        """The agreement with `tranches` saved and signed, its tranche on signing paid."""
        officer = self._officer(project.municipality)
        save_agreement(
            project,
            data={
                "municipality_signatory": "Глава Александровского айыл окмоту (демо)",
                "organization_signatory": project.organization.members.first().user.full_name,
            },
            tranches=tranches,
            expected_version=project.version,
            by=officer,
        )
        sign_agreement(project, signed_on=signed_on, by=officer)
        tranche = project.tranches.order_by("position").first()
        record_payment(
            tranche,
            amount=tranche.amount,
            paid_on=paid_on,
            reference=f"ПП-{paid_on:%m%d}",
            by=officer,
        )

    def _report_through(self, report, text, *, state, sent, decided=None, paid=None) -> None:
        """`report` sent on `sent` with `text` (TEEN_REPORT's form) and a file; if `state`
        says so, returned with the officer's comments or accepted on `decided` and its
        tranche paid on `paid`. The shortcut: sent and decided through the services, then
        their times moved back (the indicator values follow the version's date)."""
        project = report.project
        milestones = list(project.milestones.order_by("position"))
        indicators = list(project.indicators.order_by("position"))
        total, women, disabled, children = text["reached"]
        data = ReportData(
            narrative=text["narrative"],
            reached=total,
            reached_women=women,
            reached_disabled=disabled,
            reached_children=children,
            spent={i: Decimal(v) for i, v in enumerate(text["spent"])},
            values={i.pk: Decimal(v) for i, v in zip(indicators, text["values"], strict=True)},
            milestones=dict(zip((m.pk for m in milestones), text["milestones"], strict=True)),
        )
        upload = ContentFile(demo_pdf(text["file"], project.organization.name_ru))
        upload.name = f"{text['file']}.pdf"
        editor = project.organization.members.select_related("user").first().user
        version = submit_report(report, data, files=[upload], by=editor)
        ProgressReport.objects.filter(pk=report.pk).update(submitted_at=self._at(sent))
        ReportVersion.objects.filter(pk=version.pk).update(submitted_at=self._at(sent))
        if state == "submitted":
            return
        officer = self._officer(project.municipality)
        decide_report(report, accept=state == "accepted", comments=text["note"], by=officer)
        ProgressReport.objects.filter(pk=report.pk).update(decided_at=self._at(decided))
        ReportVersion.objects.filter(pk=version.pk).update(decided_at=self._at(decided))
        if paid is not None:
            tranche = next(
                t for t in project.tranches.all() if report_for_tranche(project, t) == report
            )
            record_payment(
                tranche,
                amount=tranche.amount,
                paid_on=paid,
                reference=f"ПП-{paid:%m%d}",
                by=officer,
            )

    @staticmethod
    def _officer(municipality) -> User:
        return municipality.staff.select_related("user").first().user

    @staticmethod
    def _days(n: int) -> datetime.date:
        return timezone.localdate() + n * DAY

    @staticmethod
    def _at(day: datetime.date) -> datetime.datetime:
        """11:00 in Bishkek on `day` (a working hour for a dated act)."""
        return timezone.make_aware(datetime.datetime.combine(day, datetime.time(11)))

    def _evaluated(self, stage, bids, story, meeting, reduction):
        """The demo call of `stage` taken through evaluation with the services: `bids`
        ((INN, title, scores by role) each) submitted, admitted and scored by every seat,
        the scoring closed, `reduction` ((INN, amount, reason) or None) recorded, the
        meeting held and the results approved by the chair."""
        call = self._call_past_deadline(stage, bids, story, submitted_days_ago=12)
        return self._evaluate(call, bids, meeting, reduction)

    def _evaluate(self, call, bids, meeting, reduction):
        """`_evaluated` for a call already past its deadline with its bids in ((INN, title,
        scores by role, …) each)."""
        if call.stage not in ("", "scoring", "deliberation"):
            return call
        seats = {s.role: s for s in call.commission.select_related("user")}
        secretary = seats["secretary"].user
        submissions = {
            inn: call.bids.get(organization__inn=inn).submissions.get(status="active")
            for inn, _title, _scores, *_rest in bids
        }
        if call.stage == "":
            for submission in submissions.values():
                if not Admission.objects.filter(submission=submission).exists():
                    decide_admission(submission, decision="admitted", by=secretary)
            open_scoring(call, by=secretary)
            call.refresh_from_db()
        criteria = list(call.criteria.order_by("position", "pk"))
        if call.stage == "scoring":
            for role, seat in seats.items():
                sign_confidentiality(seat, by=seat.user)
                for inn, _title, scores, *_rest in bids:
                    submission = submissions[inn]
                    declare_conflict(seat, submission, has_conflict=False, by=seat.user)
                    if ScoreSheet.objects.filter(seat=seat, submission=submission).exists():
                        continue
                    entries = {c.pk: Entry(v) for c, v in zip(criteria, scores[role], strict=True)}
                    sheet = save_sheet(
                        seat,
                        submission,
                        entries=entries,
                        comment="",
                        expected_version=0,
                        by=seat.user,
                    )
                    submit_sheet(seat, submission, expected_version=sheet.version, by=seat.user)
            close_scoring(call, by=secretary)
            call.refresh_from_db()
        if reduction is not None:
            inn, amount, reason = reduction
            result = submissions[inn].result
            if result.approved is None:
                reduce_amount(result, amount=Decimal(amount), reason=reason, by=secretary)
        place, decisions = meeting
        save_meeting(
            call,
            meeting_on=timezone.localdate(),
            place=place,
            attendees=list(seats.values()),
            decisions=decisions,
            by=secretary,
        )
        approve_results(call, by=seats["chair"].user)
        call.refresh_from_db()
        return call

    def _demo_bid(
        self, call, organization, title, *, complete, submit, at=None, story=DAY_CENTRE
    ) -> None:
        """A bid telling `story` (municipal_order.demo.data), filled in through the
        services; submitted (received `at`, on the deciding clock by default) if asked."""
        inn = organization.inn
        editor = organization.members.select_related("user").first().user
        bid = start_bid(call, organization, by=editor)
        text = {**story["text"], "summary": f"{title}. {story['text']['summary']}"}
        if not complete:
            text["beneficiaries"] = None
        bid = save_bid(
            bid,
            data={"problem": call.problems.first(), "title": title, **text},
            budget_lines=story["budget"] if complete else story["budget"][:1],
            activities=self._demo_activities(call, story["plan"]) if complete else [],
            indicators=story["indicators"] if complete else [],
            expected_version=bid.version,
            by=editor,
        )
        documents = call.required_document_list if complete else []
        for requirement in documents:
            upload = ContentFile(demo_pdf(requirement, organization.name_ru), "demo.pdf")
            upload.name = f"{requirement[:40]}.pdf"
            add_document(bid, upload=upload, requirement=requirement, by=editor)
        if submit:
            submit_bid(bid, idempotency_key=f"seed-demo-{inn}", by=editor, received_at=at)

    @staticmethod
    def _demo_activities(call, plan) -> list[dict]:
        """The story's plan laid over the call's implementation period, one after another."""
        start, end = call.implementation_start, call.implementation_end
        activities, begins = [], start
        for activity, responsible, result, share in plan:
            ends = start + (end - start) * share
            activities.append(
                {
                    "activity": activity,
                    "starts_on": begins,
                    "ends_on": ends,
                    "responsible": responsible,
                    "result": result,
                }
            )
            begins = ends
        return activities

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

    def _demo_two_factor_users(self) -> list[User]:
        users = User.objects.filter(email__endswith="@demo.kg").order_by("pk")
        return [user for user in users if requires_two_factor(user)]

    def _seed_two_factor(self) -> None:
        """The accounts that need two-step login get the demo's known authenticator key
        and fixed recovery codes, through the same services as a real set-up."""
        key = base64.b32decode(DEMO_TOTP_SECRET).hex()
        for user in self._demo_two_factor_users():
            if authenticator(user) is None:
                device = start_authenticator_setup(user, key=key, request=SEED)
                enable_authenticator(
                    user, device, recovery_codes=demo_recovery_codes(user.email), by=SEED
                )

    def _print_two_factor(self) -> None:
        out = self.stdout
        key = " ".join(DEMO_TOTP_SECRET[i : i + 4] for i in range(0, len(DEMO_TOTP_SECRET), 4))
        out.write("Two-step login (administrator, officers, commission, ministry): after the")
        out.write("password, the 6-digit code of an authenticator app set up with the key")
        out.write(f"    {key}")
        out.write("(time-based; `manage.py demo_code` prints the current code), or one of the")
        out.write("account's recovery codes, each of which works once (unused ones):")
        for user in self._demo_two_factor_users():
            codes = StaticToken.objects.filter(device__user=user).order_by("pk")[:5]
            shown = " ".join(f"{c.token[:4]}-{c.token[4:]}" for c in codes) or "(all used)"
            out.write(f"  {user.email:30} {shown}")
