"""National-scale benchmark data: ~500 municipalities, 2,000 calls, 20,000 bids and all
that hangs off them, written straight through the models with `bulk_create`.

The services are far too slow for these volumes (a query or more a row, an audit
event and a notification each), so this module writes the rows they would have
written, keeping what they keep:

* every database constraint (the models' Meta checks and unique constraints);
* a call's status, stage and dates agree with its phase (`competitions.phases`) at the
  moment of generation: drafts and cancelled calls, calls that open soon, accept bids,
  are past the deadline in admission, scoring, deliberation, with results published
  (appeal window open) or final;
* a bid is "submitted" exactly when it has one active `BidSubmission`, frozen before
  the deadline, whose content has the shape of `canonical_content` and whose SHA-256
  is `content_hash` of it; the requested total is `applications.budget.totals`;
  nothing of a bid is read (admission, declarations, sheets) before its call's
  deadline;
* results come from `evaluation.scoring.decide` over the submitted sheets (exact
  fractions), so ranks, statuses and the selected total are the ones the service
  computes; the selected total stays within the budget;
* a project only for a selected bid of a final call, for the awarded amount; tranches
  add up to the agreement, a tranche is paid only once its report is accepted, and
  `paid_total` is the sum of the payments; a completed project has its rating;
* `support_count` is the number of supports; a problem in a call is public;
* the audit trail is one hash chain: rows are chained with the model's own
  `compute_hash` under the service's advisory lock (see `AuditChain`), never with the
  append-only triggers disabled.

Deterministic for a seed (one `random.Random`); dates are relative to the moment of
generation, so phases hold at that moment. Calls are generated and inserted in chunks
(`CALL_CHUNK` calls with all their rows at a time), so memory stays bounded whatever
the scale.
"""

from __future__ import annotations

import datetime
import hashlib
import json
import math
import random
import time
import uuid
from collections import defaultdict
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from decimal import ROUND_CEILING, Decimal
from fractions import Fraction
from typing import Any

from django.contrib.auth.hashers import make_password
from django.core.management import call_command
from django.core.serializers.json import DjangoJSONEncoder
from django.db import connection, models, reset_queries, transaction
from django.utils import timezone

from accounts.models import User
from applications.budget import totals as budget_totals
from applications.models import (
    Bid,
    BidDocument,
    BidSubmission,
    BudgetLine,
    Indicator,
    Organization,
    OrganizationMember,
    PlanActivity,
)
from applications.services.drafting import BID_FIELDS, COLLECTIONS
from applications.services.submission import content_hash
from audit.models import GENESIS_HASH, AuditEvent
from audit.services import _CHAIN_LOCK_KEY, _jsonable
from competitions.models import (
    CommissionMember,
    Competition,
    Criterion,
    District,
    LegalForm,
    MinistryStaff,
    Municipality,
    MunicipalStaff,
    PriorityProblem,
    ProblemComment,
    ProblemSupport,
    Programme,
    ProgrammeYear,
    Question,
    Region,
    Sphere,
    TargetGroup,
)
from evaluation import confidentiality, scoring
from evaluation.models import (
    Admission,
    BidResult,
    CallEvaluation,
    ConfidentialityDeclaration,
    ConflictDeclaration,
    Score,
    ScoreSheet,
)
from monitoring.models import (
    IndicatorValue,
    Milestone,
    Payment,
    ProgressReport,
    Project,
    ProjectIndicator,
    ReportVersion,
    Tranche,
)
from monitoring.models.reports import FINAL_REPORT_DAYS
from municipal_order.lib.dates import BISHKEK
from notifications.events import get_event
from notifications.models import Notification

DAY = datetime.timedelta(days=1)
HOUR = datetime.timedelta(hours=1)
CENT = Decimal("0.01")
CALL_CHUNK = 50
PROBLEM_CHUNK = 500
BATCH = 2000
PASSWORD = "bench-password"
TINY_SCALE = 0.005  # about 10 calls: the tests

# --- volumes -------------------------------------------------------------------------


@dataclass(frozen=True)
class Volumes:
    """Targets. `core` scales the non-public data (calls, bids, organisations, users,
    notifications, audit); `public` the public content (municipalities, problems with
    supports and comments, questions on calls). `--scale 10` keeps core at 1."""

    core: float
    public: float

    @classmethod
    def of(cls, scale: float) -> Volumes:
        return cls(core=min(scale, 1.0), public=scale)

    def n(self, base: int, *, public: bool = False, least: int = 1) -> int:
        return max(least, round(base * (self.public if public else self.core)))

    @property
    def municipalities(self) -> int:
        return self.n(500, public=True)

    @property
    def calls(self) -> int:
        return self.n(2000, least=10)

    @property
    def organizations(self) -> int:
        return self.n(3000, least=40)

    @property
    def commission_pool(self) -> int:
        return self.n(1500, least=12)

    @property
    def citizens(self) -> int:
        return self.n(10000, least=60)

    @property
    def problems(self) -> int:
        return self.n(5000, public=True, least=20)

    @property
    def supports_per_problem(self) -> float:
        return 10.0  # 50,000 supports for 5,000 problems

    @property
    def comments_per_problem(self) -> float:
        return 4.0  # 20,000 comments

    @property
    def questions_per_call(self) -> float:
        return 3.0 * max(self.public / max(self.core, 1e-9), 1.0)

    @property
    def notifications(self) -> int:
        return self.n(200_000, least=50)

    @property
    def audit(self) -> int:
        return self.n(100_000, least=50)


# Phase of the call at generation → its share of the calls. Final calls carry the
# projects (≈ 5,000 at scale 1); every phase is represented at any scale.
PHASE_SHARES = [
    ("draft", 0.04),
    ("cancelled", 0.02),
    ("upcoming", 0.03),
    ("accepting", 0.08),
    ("closed", 0.04),
    ("scoring", 0.04),
    ("deliberation", 0.03),
    ("results", 0.04),
    ("final", 0.68),
]
AFTER_SCORING = {"deliberation", "results", "final"}
SCORED = {"scoring", *AFTER_SCORING}

# --- text ----------------------------------------------------------------------------

SURNAMES = [
    "Абдыкадыров",
    "Асанов",
    "Бакиров",
    "Жумабеков",
    "Исаков",
    "Кадыров",
    "Мамытов",
    "Осмонов",
    "Сатыбалдиев",
    "Токтогулов",
    "Усенов",
    "Эшматов",
    "Иванов",
    "Петров",
    "Ким",
    "Алиев",
    "Кененбаев",
    "Турдубаев",
    "Садыков",
    "Орозбеков",
]
NAMES_M = ["Азамат", "Бакыт", "Эрлан", "Нурлан", "Талант", "Улан", "Марат", "Данияр", "Сергей"]
NAMES_F = ["Айгуль", "Жылдыз", "Гульнара", "Нургуль", "Айпери", "Мээрим", "Елена", "Чолпон"]
PATRONYMS_M = ["Асанович", "Бакирович", "Маратович", "Токтогулович", "Сергеевич", "Уланович"]
PATRONYMS_F = ["Асановна", "Бакировна", "Маратовна", "Токтогуловна", "Сергеевна", "Улановна"]

ORG_KINDS = [
    ("Общественное объединение", LegalForm.PUBLIC_ASSOCIATION),
    ("Общественный фонд", LegalForm.FOUNDATION),
    ("Учреждение", LegalForm.INSTITUTION),
    ("Ассоциация", LegalForm.ASSOCIATION),
    ("Объединение местного сообщества", LegalForm.COMMUNITY_BASED),
]
ORG_NAMES = [
    "Мээрим",
    "Ак-Жол",
    "Келечек",
    "Ынтымак",
    "Бирге",
    "Айкөл",
    "Нур",
    "Ырыс",
    "Жаштар",
    "Умут",
    "Агартуу",
    "Ден-соолук",
    "Эне-Бала",
    "Таза-Суу",
    "Жашыл-Айыл",
    "Тилек",
]

PROBLEM_TITLES = [
    "Нет дневного ухода за детьми с инвалидностью",
    "Пожилые одинокие люди без социального обслуживания на дому",
    "Подростки без организованного досуга после уроков",
    "Нехватка мест в детском саду",
    "Нет доступа к чистой питьевой воде в отдалённых улицах",
    "Рост случаев бытового насилия",
    "Безработица среди молодёжи и вернувшихся мигрантов",
    "Нет спортивной площадки для детей",
    "Стихийные свалки у реки",
    "Низкий охват профилактическими осмотрами",
    "Дети мигрантов остаются без присмотра",
    "Нет пандусов в школе и фельдшерском пункте",
]
PROBLEM_DESC = [
    "Проблема выявлена на сходе граждан и подтверждена опросом домохозяйств.",
    "Семьи вынуждены ездить в районный центр, на дорогу уходит до двух часов.",
    "Местный бюджет не покрывает расходы, а помощь доноров закончилась.",
    "Больше всего страдают женщины, дети и люди с инвалидностью.",
    "Фокус-группы назвали эту проблему первой среди приоритетов села.",
]
COMMENTS = [
    "Полностью поддерживаю, в нашем квартале то же самое.",
    "Готов помочь как волонтёр.",
    "Нужно сначала посчитать, сколько детей на самом деле.",
    "Спасибо айыл окмоту, что наконец взялись за это.",
    "Предлагаю привлечь школу и местный кенеш.",
    "Прошлой зимой было особенно тяжело.",
]
QUESTIONS = [
    "Можно ли включить в бюджет аренду помещения?",
    "Принимаются ли заявки от объединений местных сообществ?",
    "Какой минимальный вклад организации требуется?",
    "Нужно ли нотариально заверять устав?",
    "Можно ли подать заявку на два направления?",
]
ANSWERS = [
    "Да, если расходы обоснованы и не превышают 20% бюджета проекта.",
    "Да, условия конкурса это допускают.",
    "Минимальный вклад указан в условиях конкурса.",
    "Достаточно копии, заверенной печатью организации.",
    "Одна организация подаёт одну заявку на конкурс.",
]
CALL_TITLES = [
    "Социальный заказ: {}",
    "Конкурс социальных проектов: {}",
    "Муниципальный социальный заказ на {} год: {}",
]
BUDGET_ITEMS = [
    (BudgetLine.Category.STAFF, "Оплата труда координатора", "мес.", (3, 12), (15000, 35000)),
    (BudgetLine.Category.STAFF, "Оплата труда специалистов", "мес.", (3, 12), (12000, 30000)),
    (BudgetLine.Category.EQUIPMENT, "Оборудование и мебель", "компл.", (1, 4), (20000, 120000)),
    (BudgetLine.Category.EQUIPMENT, "Расходные материалы", "компл.", (5, 40), (800, 5000)),
    (BudgetLine.Category.SERVICES, "Тренинги и семинары", "шт.", (2, 10), (5000, 25000)),
    (BudgetLine.Category.SERVICES, "Услуги психолога", "час", (20, 120), (500, 1500)),
    (BudgetLine.Category.TRAVEL, "Транспортные расходы", "поездка", (5, 40), (500, 3000)),
    (BudgetLine.Category.PREMISES, "Ремонт помещения", "м²", (10, 80), (1500, 6000)),
    (BudgetLine.Category.OTHER, "Печать информационных материалов", "экз.", (100, 1000), (20, 80)),
]
ACTIVITIES = [
    ("Подготовка помещения и закупки", "Координатор", "Помещение готово к работе"),
    ("Набор и обучение персонала", "Руководитель организации", "Обучены специалисты"),
    ("Работа с целевой группой", "Специалисты проекта", "Услуги получили участники"),
    ("Информирование жителей", "Координатор", "Проведены встречи на сходах"),
    ("Мониторинг и итоговый отчёт", "Бухгалтер", "Отчёт сдан в айыл окмоту"),
]
INDICATORS = [
    ("Число получателей услуг", "чел."),
    ("Число проведённых занятий", "занятий"),
    ("Доля семей, удовлетворённых услугами", "%"),
]
REQUIRED_DOCUMENTS = ["Устав организации", "Свидетельство о государственной регистрации"]
GOALS = [
    "Улучшить качество жизни целевой группы через доступные социальные услуги.",
    "Создать в селе постоянно действующую службу поддержки семей.",
    "Снизить социальную изоляцию и повысить самостоятельность участников.",
]
TASKS = "1. Подготовить условия.\n2. Оказать услуги целевой группе.\n3. Обеспечить устойчивость."
TARGETS = ["Дети с инвалидностью и их родители", "Пожилые люди", "Молодёжь 14–24 лет", "Женщины"]


def _person(rng: random.Random) -> str:
    if rng.random() < 0.5:
        return f"{rng.choice(SURNAMES)} {rng.choice(NAMES_M)} {rng.choice(PATRONYMS_M)}"
    return f"{rng.choice(SURNAMES)}а {rng.choice(NAMES_F)} {rng.choice(PATRONYMS_F)}"


# --- helpers -------------------------------------------------------------------------


def _local_date(moment: datetime.datetime) -> datetime.date:
    return moment.astimezone(BISHKEK).date()


def _at(day: datetime.date, hour: int = 11) -> datetime.datetime:
    """`hour` o'clock in Bishkek on `day`, in UTC (as the database gives it back)."""
    return datetime.datetime.combine(day, datetime.time(hour), tzinfo=BISHKEK).astimezone(
        datetime.UTC
    )


def _money(value: float | Decimal, step: int = 1) -> Decimal:
    return (Decimal(int(value) // step * step)).quantize(CENT)


def _sha(rng: random.Random) -> str:
    return f"{rng.getrandbits(256):064x}"


def _uuid(rng: random.Random) -> uuid.UUID:
    return uuid.UUID(int=rng.getrandbits(128), version=4)


def _through(m2m: Any, rows: Iterable[tuple[int, int]]) -> list[models.Model]:
    """Rows of an M2M table: (source id, target id) each."""
    f = m2m.field
    model = m2m.through
    src, dst = f.m2m_field_name(), f.m2m_reverse_field_name()
    return [model(**{f"{src}_id": a, f"{dst}_id": b}) for a, b in rows]


class Counter:
    def __init__(self) -> None:
        self.rows: dict[str, int] = defaultdict(int)

    def insert(self, model: type[models.Model], objs: list[Any]) -> list[Any]:
        if objs:
            model.objects.bulk_create(objs, batch_size=BATCH)  # type: ignore[attr-defined]
            self.rows[model._meta.label] += len(objs)
        return objs


# --- the audit chain -----------------------------------------------------------------


class AuditChain:
    """Audit events collected while generating and appended to the chain in bulk.

    The same chain `audit.services.record` writes, in bulk: under the same advisory
    lock (`_CHAIN_LOCK_KEY`, held to the end of the transaction, so no `record()` can
    append in between), each row's `prev_hash` is the previous row's hash, starting at
    the chain's current head, and its hash is the model's own `compute_hash()` of its
    canonical content (before/after passed through the service's `_jsonable`, times in
    UTC, exactly as a reload gives them back). `bulk_create` inserts the rows in list
    order, so the ids the sequence hands out follow the chain (`verify_chain` walks it
    in id order). Inserts only: the append-only triggers stay on and never fire.
    """

    def __init__(self, counter: Counter, names: dict[int, str]) -> None:
        self.pending: list[AuditEvent] = []
        self.counter = counter
        self.names = names
        self.written = 0

    def add(
        self,
        at: datetime.datetime,
        action: str,
        obj_type: str,
        obj_id: Any,
        label: str,
        *,
        actor: int | None = None,
        before: dict | None = None,
        after: dict | None = None,
    ) -> None:
        self.pending.append(
            AuditEvent(
                created_at=at.astimezone(datetime.UTC),
                actor_id=actor,
                actor_label=self.names.get(actor, "") if actor else "система",
                action=action,
                object_type=obj_type,
                object_id=str(obj_id),
                object_label=label[:255],
                before=_jsonable(before),
                after=_jsonable(after),
                ip=None,
                request_id="",
            )
        )

    def flush(self) -> None:
        if not self.pending:
            return
        events, self.pending = sorted(self.pending, key=lambda e: e.created_at), []
        with transaction.atomic():
            if connection.vendor == "postgresql":
                with connection.cursor() as cursor:
                    cursor.execute("SELECT pg_advisory_xact_lock(%s)", [_CHAIN_LOCK_KEY])
            last = AuditEvent.objects.order_by("-id").values_list("hash", flat=True).first()
            prev = last or GENESIS_HASH
            for event in events:
                event.prev_hash = prev
                event.hash = prev = event.compute_hash()
            self.counter.insert(AuditEvent, events)
        self.written += len(events)


class Notifier:
    def __init__(self, counter: Counter, now: datetime.datetime, rng: random.Random) -> None:
        self.pending: list[Notification] = []
        self.counter = counter
        self.now = now
        self.rng = rng
        self.written = 0

    def add(self, users: Iterable[int], event: str, title: str, url: str, at: datetime.datetime):
        category = get_event(event).category
        for user in users:
            read = at < self.now - 14 * DAY and self.rng.random() < 0.9
            self.pending.append(
                Notification(
                    user_id=user,
                    event=event,
                    category=category,
                    title=title[:255],
                    body="",
                    url=url,
                    created_at=at,
                    read_at=at + self.rng.randint(1, 72) * HOUR if read else None,
                )
            )

    def flush(self) -> None:
        self.counter.insert(Notification, self.pending)
        self.written += len(self.pending)
        self.pending = []


# --- the generator -------------------------------------------------------------------


@dataclass
class Org:
    id: int
    inn: str
    region_id: int
    name: str
    members: list[int]
    verified: bool
    form: str


@dataclass
class Muni:
    id: int
    region_id: int
    name: str
    officer: int = 0
    programme: int = 0
    problems: list[tuple[int, datetime.datetime]] = field(default_factory=list)


class Generator:
    def __init__(
        self,
        *,
        scale: float = 1.0,
        seed: int = 20240,
        out: Callable[[str], None] = print,
        now: datetime.datetime | None = None,
    ) -> None:
        self.v = Volumes.of(scale)
        self.rng = random.Random(seed)
        self.out = out
        self.now = (now or timezone.now()).astimezone(datetime.UTC).replace(microsecond=0)
        self.today = _local_date(self.now)
        self.start = self.now - 4 * 365 * DAY
        self.count = Counter()
        self.names: dict[int, str] = {}
        self.audit = AuditChain(self.count, self.names)
        self.notes = Notifier(self.count, self.now, self.rng)
        self.tag = uuid.UUID(int=self.rng.getrandbits(128)).hex[:6]
        self.timings: list[tuple[str, float]] = []

    # -- orchestration --

    def run(self) -> dict[str, int]:
        steps = [
            ("territories", self.territories),
            ("people and organisations", self.people),
            ("problems, supports, comments", self.problems),
            ("calls, bids, evaluation, projects", self.calls),
            ("notifications and audit top-up", self.top_up),
        ]
        for name, step in steps:
            began = time.monotonic()
            self.out(f"[bench_data] {name}…")
            step()
            self.notes.flush()
            self.audit.flush()
            spent = time.monotonic() - began
            self.timings.append((name, spent))
            self.out(f"[bench_data] {name}: {spent:.1f} s")
        return dict(self.count.rows)

    def _user_rows(self, kind: str, n: int) -> list[int]:
        """`n` users (e-mail confirmed, the same password) and their ids."""
        password = self._password
        users = []
        for _i in range(n):
            name = _person(self.rng)
            users.append(
                User(
                    email=f"{kind}-{self.tag}-{len(self.names) + len(users) + 1}@bench.example",
                    full_name=name,
                    language="ru" if self.rng.random() < 0.8 else "ky",
                    password=password,
                    date_joined=self.start + self.rng.random() * (self.now - self.start) / 3,
                    email_confirmed_at=self.start,
                )
            )
        self.count.insert(User, users)
        for u in users:
            self.names[u.pk] = u.full_name
        return [u.pk for u in users]

    # -- territories --

    def territories(self) -> None:
        call_command("import_territories", verbosity=0)
        districts = list(District.objects.order_by("pk").values_list("pk", "region_id"))
        existing = Municipality.objects.count()
        want = self.v.municipalities - existing
        start = Municipality.objects.filter(code__startswith="BENCH-").count()
        rows = []
        for i in range(max(want, 0)):
            n = start + i + 1
            district, region = self.rng.choice(districts)
            rows.append(
                Municipality(
                    code=f"BENCH-{n:05d}",
                    kind=Municipality.Kind.AYIL_AIMAK,
                    region_id=region,
                    district_id=district,
                    name_ru=f"Айыл аймак {n}",
                    name_ky=f"{n}-айыл аймагы",
                    name_en=f"Ayil aimak {n}",
                    valid_from=datetime.date(2024, 1, 1),
                    population=self.rng.randint(2500, 25000),
                    source="bench_data (synthetic)",
                )
            )
        for row in rows:
            row.refresh_listing()  # what save() does, which bulk inserts skip
        self.count.insert(Municipality, rows)
        self.munis = [
            Muni(pk, region, name)
            for pk, region, name in Municipality.objects.valid_on(self.today)
            .order_by("pk")
            .values_list("pk", "region_id", "name_ru")
        ]
        self.muni_by_id = {m.id: m for m in self.munis}

    # -- people --

    def people(self) -> None:
        self._password = make_password(PASSWORD)
        rng = self.rng
        officers = self._user_rows("officer", len(self.munis))
        staff = []
        for muni, user in zip(self.munis, officers, strict=True):
            muni.officer = user
            staff.append(
                MunicipalStaff(
                    user_id=user,
                    municipality_id=muni.id,
                    role=MunicipalStaff.Role.HEAD,
                    position="Ответственный секретарь айыл окмоту",
                    created_at=self.start,
                )
            )
        self.count.insert(MunicipalStaff, staff)
        regions = list(Region.objects.values_list("pk", flat=True))
        ministry = self._user_rows("ministry", len(regions) + 1)
        self.count.insert(
            MinistryStaff,
            [
                MinistryStaff(
                    user_id=u, region_id=r, position="Главный специалист", created_at=self.start
                )
                for u, r in zip(ministry, [None, *regions], strict=True)
            ],
        )
        self.commission = self._user_rows("commission", self.v.commission_pool)
        self.citizens = self._user_rows("citizen", self.v.citizens)
        # Organisations: 1–3 members each (the first an administrator).
        n_orgs = self.v.organizations
        sizes = [rng.choice((1, 1, 2, 2, 3)) for _ in range(n_orgs)]
        members = self._user_rows("ngo", sum(sizes))
        base = 20_000_000_000_000 + Organization.objects.count() * 37
        orgs, self.orgs = [], []
        for i in range(n_orgs):
            muni = rng.choice(self.munis)
            kind, form = rng.choices(ORG_KINDS, weights=(50, 20, 10, 5, 15))[0]
            name = f"{kind} «{rng.choice(ORG_NAMES)}-{i + 1}»"
            verified = rng.random() < 0.9
            registered = self.start - rng.randint(100, 3000) * DAY
            orgs.append(
                Organization(
                    name_ru=name,
                    name_ky=name,
                    legal_form=form,
                    inn=f"{base + i * 37:014d}",
                    region_id=muni.region_id,
                    municipality_id=muni.id,
                    registration_number=f"{10000 + i}-3301-ОО",
                    registration_date=_local_date(registered),
                    address=f"{muni.name}, ул. Ленина, {rng.randint(1, 120)}",
                    email=f"org{i + 1}-{self.tag}@bench.example",
                    phone=f"+996 555 {rng.randint(100, 999)} {rng.randint(100, 999)}",
                    head_name=_person(rng),
                    head_position="Председатель",
                    bank_name="ОАО «Айыл Банк»",
                    bank_bic="135001",
                    bank_account=f"1350{rng.getrandbits(40):012d}"[:16],
                    verified_at=self.start if verified else None,
                    verified_by_id=muni.officer if verified else None,
                    verification_note="Устав и свидетельство сверены" if verified else "",
                    created_at=self.start - 30 * DAY,
                    updated_at=self.start - 30 * DAY,
                )
            )
        self.count.insert(Organization, orgs)
        links, at = [], 0
        for org, size in zip(orgs, sizes, strict=True):
            users = members[at : at + size]
            at += size
            for j, user in enumerate(users):
                role = OrganizationMember.Role.ADMIN if j == 0 else OrganizationMember.Role.EDITOR
                links.append(
                    OrganizationMember(
                        user_id=user, organization_id=org.pk, role=role, created_at=self.start
                    )
                )
            self.orgs.append(
                Org(
                    org.pk,
                    org.inn,
                    org.region_id,
                    org.name_ru,
                    users,
                    org.verified_at is not None,
                    org.legal_form,
                )
            )
            self.audit.add(
                self.start - 30 * DAY,
                "organization.registered",
                "applications.organization",
                org.pk,
                org.name_ru,
                actor=users[0],
                after={"inn": org.inn},
            )
        self.count.insert(OrganizationMember, links)
        self.applicants = [
            o for o in self.orgs if o.verified and o.form in LegalForm.non_commercial()
        ]
        self.applicants_by_region: dict[int, list[Org]] = defaultdict(list)
        for o in self.applicants:
            self.applicants_by_region[o.region_id].append(o)

    # -- problems and programmes --

    def problems(self) -> None:
        rng = self.rng
        spheres = self.spheres = list(Sphere.objects.values_list("pk", flat=True))
        groups = list(TargetGroup.objects.values_list("pk", flat=True))
        programmes = []
        for muni in self.munis:
            decided = datetime.date(self.start.year, 2, 1)
            programmes.append(
                Programme(
                    municipality_id=muni.id,
                    title=f"Программа социального заказа: {muni.name}",
                    start_year=self.start.year,
                    end_year=self.today.year + 1,
                    kenesh_decision_number=f"{rng.randint(1, 60)}-{rng.randint(1, 9)}",
                    kenesh_decision_date=decided,
                    needs_assessment="Совместное изучение нужд сообщества (СИНС), сходы граждан.",
                    created_at=_at(decided),
                )
            )
        self.count.insert(Programme, programmes)
        years = []
        for muni, programme in zip(self.munis, programmes, strict=True):
            muni.programme = programme.pk
            for year in range(programme.start_year, programme.end_year + 1):
                years.append(
                    ProgrammeYear(
                        programme_id=programme.pk,
                        year=year,
                        amount=_money(rng.randint(5, 60) * 100_000),
                    )
                )
        self.count.insert(ProgrammeYear, years)
        # Every municipality's first problem is old and public: any call can address it.
        total = self.v.problems
        owners = list(self.munis) + [
            rng.choice(self.munis) for _ in range(max(total - len(self.munis), 0))
        ]
        owners = owners[:total]
        first = set()
        for start in range(0, len(owners), PROBLEM_CHUNK):
            chunk = owners[start : start + PROBLEM_CHUNK]
            with transaction.atomic():
                self._problem_chunk(chunk, first, spheres, groups)
            self.audit.flush()
            self.notes.flush()
            reset_queries()
        # Programmes list their municipalities' public problems.
        rows = [(muni.programme, pid) for muni in self.munis for pid, _at in muni.problems]
        for i in range(0, len(rows), 20_000):
            self.count.insert(
                Programme.problems.through, _through(Programme.problems, rows[i : i + 20_000])
            )

    def _problem_chunk(self, owners: list[Muni], first: set[int], spheres, groups) -> None:
        rng = self.rng
        problems = []
        for muni in owners:
            early = muni.id not in first
            first.add(muni.id)
            published = (
                self.start - rng.randint(30, 90) * DAY
                if early
                else self.start + rng.random() * (self.now - self.start - 2 * DAY)
            )
            created = published - rng.randint(1, 20) * DAY
            status = (
                PriorityProblem.Status.PUBLISHED
                if early
                else rng.choices(list(PriorityProblem.Status), weights=(5, 55, 20, 12, 8))[0]
            )
            participants = rng.randint(20, 300)
            problems.append(
                PriorityProblem(
                    municipality_id=muni.id,
                    title=f"{rng.choice(PROBLEM_TITLES)} ({muni.name})"[:200],
                    description=" ".join(rng.sample(PROBLEM_DESC, 3)),
                    sphere_id=rng.choice(spheres),
                    beneficiaries=rng.randint(20, 2000),
                    estimated_cost=_money(rng.randint(2, 80) * 25_000),
                    assessment_method=rng.choice(list(PriorityProblem.AssessmentMethod)).value,
                    assessment_date=_local_date(created) - 10 * DAY,
                    participants=participants,
                    women_participants=rng.randint(0, participants),
                    status=status,
                    created_by_id=muni.officer,
                    created_at=created,
                    updated_at=published,
                    published_at=None if status == PriorityProblem.Status.DRAFT else published,
                    archived_at=(
                        published + rng.randint(30, 200) * DAY
                        if status == PriorityProblem.Status.ARCHIVED
                        else None
                    ),
                )
            )
        # Supports and comments first counted, so `support_count` is right on insert.
        supports: list[list[tuple[int, datetime.datetime]]] = []
        for p in problems:
            if p.published_at is None:
                supports.append([])
                continue
            k = min(int(rng.expovariate(1 / self.v.supports_per_problem)), len(self.citizens))
            open_until = p.archived_at or self.now
            chosen = rng.sample(self.citizens, k)
            supports.append(
                [(u, p.published_at + rng.random() * (open_until - p.published_at)) for u in chosen]
            )
            p.support_count = k
        self.count.insert(PriorityProblem, problems)
        tg, sup_rows, com_rows = [], [], []
        for p, muni, sups in zip(problems, owners, supports, strict=True):
            for g in rng.sample(groups, rng.randint(1, 3)):
                tg.append((p.pk, g))
            officer = muni.officer
            self.audit.add(
                p.created_at,
                "problem.created",
                "competitions.priorityproblem",
                p.pk,
                p.title,
                actor=officer,
            )
            if p.published_at is None:
                continue
            muni.problems.append((p.pk, p.published_at))
            self.audit.add(
                p.published_at,
                "problem.updated",
                "competitions.priorityproblem",
                p.pk,
                p.title,
                actor=officer,
                before={"status": "draft"},
                after={"status": "published"},
            )
            for user, at in sups:
                sup_rows.append(ProblemSupport(problem_id=p.pk, user_id=user, created_at=at))
                self.audit.add(
                    at,
                    "problem.supported",
                    "competitions.priorityproblem",
                    p.pk,
                    p.title,
                    actor=user,
                )
            for _c in range(int(rng.expovariate(1 / self.v.comments_per_problem))):
                at = p.published_at + rng.random() * ((p.archived_at or self.now) - p.published_at)
                author = rng.choice(self.citizens)
                hidden = rng.random() < 0.02
                com_rows.append(
                    ProblemComment(
                        problem_id=p.pk,
                        author_id=author,
                        text=rng.choice(COMMENTS),
                        created_at=at,
                        hidden_at=at + DAY if hidden else None,
                        hidden_by_id=officer if hidden else None,
                        hidden_reason="Нарушает правила обсуждения" if hidden else "",
                    )
                )
        self.count.insert(
            PriorityProblem.target_groups.through, _through(PriorityProblem.target_groups, tg)
        )
        self.count.insert(ProblemSupport, sup_rows)
        self.count.insert(ProblemComment, com_rows)
        for c in com_rows:
            self.audit.add(
                c.created_at,
                "problem.commented",
                "competitions.priorityproblem",
                c.problem_id,
                "",
                actor=c.author_id,
                after={"comment": c.pk},
            )

    # -- calls --

    def calls(self) -> None:
        n = self.v.calls
        phases = []
        for phase, share in PHASE_SHARES:
            phases += [phase] * max(1, round(n * share))
        while len(phases) > n:  # rounding: take from the biggest group
            phases.remove("final")
        phases += ["final"] * (n - len(phases))
        self.rng.shuffle(phases)
        plans = sorted((self._dates(p) for p in phases), key=lambda d: d["opens_at"])
        self.receipts: dict[int, int] = defaultdict(int)
        for i in range(0, len(plans), CALL_CHUNK):
            with transaction.atomic():
                self._call_chunk(plans[i : i + CALL_CHUNK])
                self.notes.flush()
            self.audit.flush()
            reset_queries()  # DEBUG=1 keeps the last 9,000 statements: big bulk inserts
            done = min(i + CALL_CHUNK, len(plans))
            if done % (CALL_CHUNK * 8) == 0 or done == len(plans):
                self.out(
                    f"  calls {done}/{len(plans)}: bids {self.count.rows['applications.Bid']}, "
                    f"scores {self.count.rows['evaluation.Score']}, "
                    f"projects {self.count.rows['monitoring.Project']}"
                )

    def _dates(self, phase: str) -> dict[str, Any]:
        """Dates consistent with `phase` at `self.now`."""
        rng, now = self.rng, self.now
        d: dict[str, Any] = {"phase": phase}
        length = rng.randint(21, 45) * DAY
        if phase == "final":
            closes = self.start + 60 * DAY + rng.random() * (now - self.start - 220 * DAY)
        elif phase == "results":
            closes = now - rng.randint(28, 40) * DAY
        elif phase == "deliberation":
            closes = now - rng.randint(22, 35) * DAY
        elif phase == "scoring":
            closes = now - rng.randint(10, 25) * DAY
        elif phase == "closed":
            closes = now - rng.randint(1, 8) * DAY
        elif phase == "accepting":
            closes = now + rng.randint(5, 40) * DAY
            length = max(length, (closes - now) + rng.randint(1, 20) * DAY)
        elif phase == "upcoming":
            closes = now + rng.randint(3, 30) * DAY + length
        elif phase == "cancelled":
            closes = now + rng.randint(-300, 30) * DAY
        else:  # draft
            closes = now + rng.randint(30, 90) * DAY
        closes = _at(_local_date(closes), 18)
        d["closes_at"] = closes
        d["opens_at"] = _at(_local_date(closes - length), 9)
        d["published_at"] = None if phase == "draft" else d["opens_at"] - rng.randint(1, 10) * DAY
        if phase == "cancelled":
            d["cancelled_at"] = min(now - HOUR, closes - rng.randint(2, 10) * DAY)
            d["published_at"] = min(d["published_at"], d["cancelled_at"] - DAY)
        d["created_at"] = (d["published_at"] or now - 2 * DAY) - rng.randint(2, 20) * DAY
        d["admission_at"] = closes + rng.randint(1, 3) * DAY
        d["scoring_at"] = closes + 5 * DAY
        d["closed_at"] = closes + rng.randint(12, 18) * DAY
        d["results_at"] = closes + rng.randint(20, 26) * DAY
        d["appeal_days"] = 5
        if phase == "results":
            d["results_at"] = now - rng.randint(0, 3) * DAY - HOUR
        d["final_at"] = d["results_at"] + (d["appeal_days"] + 2) * DAY
        start = _local_date(closes) + rng.randint(30, 60) * DAY
        d["implementation"] = (start, start + rng.randint(150, 300) * DAY)
        return d

    def _call_chunk(self, plans: list[dict[str, Any]]) -> None:
        rng = self.rng
        calls = []
        # Only where a public problem exists to address (every municipality at scale 1).
        hosts = self.hosts = getattr(self, "hosts", None) or [m for m in self.munis if m.problems]
        for d in plans:
            muni = rng.choice(hosts)
            d["muni"] = muni
            phase = d["phase"]
            max_per_bid = _money(rng.choice((150, 200, 300, 400, 500, 750, 1000)) * 1000)
            year = _local_date(d["closes_at"]).year
            problem_title = PROBLEM_TITLES[rng.randrange(len(PROBLEM_TITLES))].lower()
            title = rng.choice(CALL_TITLES)
            title = (
                title.format(year, problem_title) if "год" in title else title.format(problem_title)
            )
            status = {"draft": "draft", "cancelled": "cancelled"}.get(phase, "published")
            stage = {
                "scoring": "scoring",
                "deliberation": "deliberation",
                "results": "results",
                "final": "final",
            }.get(phase, "")
            calls.append(
                Competition(
                    municipality_id=muni.id,
                    programme_id=muni.programme,
                    title=f"{title} — {muni.name}"[:255],
                    goal=rng.choice(GOALS),
                    tasks=TASKS,
                    target_group=rng.choice(TARGETS),
                    sphere_id=rng.choice(self.spheres),
                    funding_source=rng.choice(list(Competition.FundingSource)).value,
                    total_budget=max_per_bid * rng.randint(4, 10),
                    max_per_bid=max_per_bid,
                    min_cofinancing_pct=rng.choice((0, 5, 10, 10, 15)),
                    implementation_start=d["implementation"][0],
                    implementation_end=d["implementation"][1],
                    opens_at=d["opens_at"],
                    closes_at=d["closes_at"],
                    required_documents="\n".join(REQUIRED_DOCUMENTS),
                    eligible_forms=list(LegalForm.non_commercial()),
                    verified_only=True,
                    pass_threshold=60,
                    appeal_days=d["appeal_days"],
                    tie_break=rng.choice(
                        (Competition.TieBreak.EARLIER, Competition.TieBreak.COFINANCING)
                    ),
                    publish_member_scores=rng.random() < 0.3,
                    status=status,
                    created_by_id=muni.officer,
                    created_at=d["created_at"],
                    updated_at=d["published_at"] or d["created_at"],
                    published_at=d["published_at"],
                    cancelled_at=d.get("cancelled_at"),
                    cancel_reason="Изменение местного бюджета" if phase == "cancelled" else "",
                    stage=stage,
                    results_published_at=d["results_at"] if phase in ("results", "final") else None,
                )
            )
        self.count.insert(Competition, calls)
        # Criteria, commission, problems addressed, questions.
        criteria, seats, links, questions = [], [], [], []
        for call, d in zip(calls, plans, strict=True):
            weights = rng.choice(((40, 30, 30), (50, 25, 25), (40, 30, 30), (30, 30, 20, 20)))
            d["criteria"] = [
                Criterion(
                    competition_id=call.pk,
                    position=i,
                    title=t,
                    weight=w,
                    max_score=10,
                    guidance="Оценивается по заявке и приложенным документам.",
                )
                for i, (t, w) in enumerate(
                    zip(
                        [
                            "Значимость для целевой группы",
                            "Участие сообщества",
                            "Обоснованность бюджета",
                            "Устойчивость",
                        ],
                        weights,
                        strict=False,
                    )
                )
            ]
            criteria += d["criteria"]
            people = rng.sample(self.commission, 3)
            d["seats"] = [
                CommissionMember(
                    competition_id=call.pk,
                    user_id=people[0],
                    role="chair",
                    affiliation="civil_society",
                ),
                CommissionMember(
                    competition_id=call.pk, user_id=people[1], role="secretary", affiliation="state"
                ),
                CommissionMember(
                    competition_id=call.pk,
                    user_id=people[2],
                    role="member",
                    affiliation="civil_society",
                ),
            ]
            seats += d["seats"]
            muni = d["muni"]
            cutoff = (d["published_at"] or self.now) - DAY
            eligible = [pid for pid, at in muni.problems if at < cutoff] or [muni.problems[0][0]]
            d["problems"] = rng.sample(eligible, min(len(eligible), rng.randint(1, 2)))
            links += [(call.pk, pid) for pid in d["problems"]]
            if call.status != "draft":
                self.audit.add(
                    d["published_at"],
                    "call.published",
                    "competitions.competition",
                    call.pk,
                    call.title,
                    actor=muni.officer,
                )
                asked_until = min(self.now, d.get("cancelled_at") or d["closes_at"])
                for _q in range(int(rng.expovariate(1 / self.v.questions_per_call))):
                    asked = d["published_at"] + rng.random() * (asked_until - d["published_at"])
                    answered = asked + rng.randint(1, 72) * HOUR
                    answer = answered < self.now and rng.random() < 0.85
                    asker = rng.choice(self.citizens)
                    questions.append(
                        Question(
                            competition_id=call.pk,
                            asked_by_id=asker,
                            text=rng.choice(QUESTIONS),
                            created_at=asked,
                            answer=rng.choice(ANSWERS) if answer else "",
                            answered_at=answered if answer else None,
                            answered_by_id=muni.officer if answer else None,
                        )
                    )
        self.count.insert(Criterion, criteria)
        self.count.insert(CommissionMember, seats)
        self.count.insert(Competition.problems.through, _through(Competition.problems, links))
        self.count.insert(Question, questions)
        for q in questions:
            self.audit.add(
                q.created_at,
                "call.question_asked",
                "competitions.competition",
                q.competition_id,
                "",
                actor=q.asked_by_id,
            )
        # Bids with everything frozen in their submissions.
        for call, d in zip(calls, plans, strict=True):
            d["bids"] = self._bids(call, d)
        bids = [b for d in plans for b in d["bids"]]
        self.count.insert(Bid, [b["bid"] for b in bids])
        self.count.insert(BudgetLine, [x for b in bids for x in b["lines"]])
        self.count.insert(PlanActivity, [x for b in bids for x in b["activities"]])
        self.count.insert(Indicator, [x for b in bids for x in b["indicators"]])
        self.count.insert(BidDocument, [x for b in bids for x in b["documents"]])
        self.count.insert(BidSubmission, [x for b in bids for x in b["submissions"]])
        # Evaluation of calls past the deadline.
        for call, d in zip(calls, plans, strict=True):
            if d["phase"] in ("closed", *SCORED):
                self._evaluate(call, d)
        budgets = [c for c, d in zip(calls, plans, strict=True) if d.get("budget_changed")]
        if budgets:
            Competition.objects.bulk_update(budgets, ["total_budget"])
        for model in (Admission, ConfidentialityDeclaration, ConflictDeclaration, ScoreSheet):
            self.count.insert(model, [x for d in plans for x in d.get(model.__name__, [])])
        scores = []
        for d in plans:
            for sheet, values in d.get("sheet_values", []):
                for criterion, value in zip(d["criteria"], values, strict=True):
                    scores.append(
                        Score(sheet_id=sheet.pk, criterion_id=criterion.pk, value=value, comment="")
                    )
        self.count.insert(Score, scores)
        evaluations = [d["evaluation"] for d in plans if "evaluation" in d]
        self.count.insert(CallEvaluation, evaluations)
        results, attendees = [], []
        for d in plans:
            if "evaluation" not in d:
                continue
            ev = d["evaluation"]
            for r in d["results"]:
                r.evaluation_id = ev.pk
            results += d["results"]
            if ev.meeting_on:
                attendees += [(ev.pk, s.pk) for s in d["seats"]]
        self.count.insert(BidResult, results)
        self.count.insert(
            CallEvaluation.attendees.through, _through(CallEvaluation.attendees, attendees)
        )
        for call, d in zip(calls, plans, strict=True):
            if d["phase"] == "final":
                self._projects(call, d)

    def _bids(self, call: Competition, d: dict[str, Any]) -> list[dict[str, Any]]:
        rng, phase = self.rng, d["phase"]
        if phase in ("draft", "cancelled"):
            return []
        n = {"upcoming": rng.randint(0, 3), "accepting": rng.randint(5, 16)}.get(
            phase, rng.randint(8, 14)
        )
        region = self.applicants_by_region[d["muni"].region_id]
        pool = region if len(region) >= n * 2 and rng.random() < 0.7 else self.applicants
        orgs = rng.sample(pool, min(n, len(pool)))
        out = []
        for org in orgs:
            if phase == "upcoming":
                submit = False
            elif phase == "accepting":
                submit = rng.random() < 0.55
            else:  # ≈100,000 scores and ≈5,000 projects at scale 1
                submit = rng.random() < 0.72
            out.append(self._bid(call, d, org, submit))
        return out

    def _bid(self, call: Competition, d: dict[str, Any], org: Org, submit: bool) -> dict[str, Any]:
        rng = self.rng
        editor = rng.choice(org.members)
        pk = _uuid(rng)
        started = (
            d["published_at"]
            + rng.random() * (min(self.now, d["closes_at"]) - d["published_at"]) * 0.5
        )
        last = min(self.now, d["closes_at"]) - HOUR
        # Submitted while the call accepts bids: opens_at <= submitted_at < closes_at.
        begin = max(started, d["opens_at"])
        submitted_at = begin + rng.random() * (last - begin)
        title = f"{rng.choice(ACTIVITIES)[2]}: {rng.choice(ORG_NAMES)}"
        bid = Bid(
            id=pk,
            competition_id=call.pk,
            organization_id=org.id,
            problem_id=rng.choice(d["problems"]),
            title=title[:255],
            summary=f"{title}. Проект отвечает на приоритетную проблему, названную жителями.",
            goal=rng.choice(GOALS),
            tasks=TASKS,
            target_group=rng.choice(TARGETS),
            beneficiaries=rng.randint(20, 600),
            team="Координатор, два специалиста, бухгалтер, волонтёры.",
            partners="Айыл окмоту, местная школа, ФАП.",
            status=Bid.Status.SUBMITTED if submit else Bid.Status.DRAFT,
            version=1,
            created_at=started,
            updated_at=submitted_at if submit else started + HOUR,
            updated_by_id=editor,
        )
        # Budget: lines adding up to a request within the call's maximum, co-financed.
        target = float(call.max_per_bid) * rng.uniform(0.35, 0.95)
        items = rng.sample(BUDGET_ITEMS, rng.randint(3, 8))
        shares = [rng.uniform(0.5, 1.5) for _ in items]
        own_pct = call.min_cofinancing_pct + rng.randint(2, 15)
        lines = []
        for i, ((category, item, unit, qty, _cost), share) in enumerate(
            zip(items, shares, strict=True)
        ):
            line_total = target * share / sum(shares) / (1 - own_pct / 100)
            quantity = Decimal(rng.randint(*qty)).quantize(CENT)
            unit_cost = max(_money(line_total / float(quantity)), Decimal("1.00"))
            total = (quantity * unit_cost).quantize(CENT)
            own = (
                (total * own_pct / 100)
                .quantize(Decimal("1"), rounding=ROUND_CEILING)
                .quantize(CENT)
            )
            lines.append(
                BudgetLine(
                    bid_id=pk,
                    position=i,
                    category=category,
                    item=item,
                    unit=unit,
                    quantity=quantity,
                    unit_cost=unit_cost,
                    own_contribution=own,
                    other_sources=Decimal("0.00"),
                )
            )
        start, end = call.implementation_start, call.implementation_end
        count = rng.randint(2, 5)
        plan, begins = [], start
        for i, (activity, responsible, result) in enumerate(rng.sample(ACTIVITIES, count)):
            ends = start + (end - start) * (i + 1) // count
            plan.append(
                PlanActivity(
                    bid_id=pk,
                    position=i,
                    activity=activity,
                    starts_on=begins,
                    ends_on=ends,
                    responsible=responsible,
                    result=result,
                )
            )
            begins = ends
        indicators = [
            Indicator(
                bid_id=pk,
                position=i,
                name=name,
                unit=unit,
                baseline=Decimal(rng.randint(0, 20)).quantize(CENT),
                target=Decimal(rng.randint(30, 300)).quantize(CENT),
            )
            for i, (name, unit) in enumerate(rng.sample(INDICATORS, rng.randint(1, 3)))
        ]
        documents = [
            BidDocument(
                id=_uuid(rng),
                bid_id=pk,
                requirement=req,
                file=f"bench/{self.tag}/{pk.hex}-{i}.pdf",
                name=f"{req}.pdf",
                kind="pdf",
                size=rng.randint(40_000, 900_000),
                sha256=_sha(rng),
                uploaded_by_id=editor,
                uploaded_at=started + 10 * rng.random() * HOUR,
            )
            for i, req in enumerate(REQUIRED_DOCUMENTS)
        ]
        totals = budget_totals(lines)
        submissions = []
        if submit:
            content = self._content(bid, org, lines, plan, indicators, documents, totals)
            sha = content_hash(content)
            withdrawn = d["phase"] in ("accepting", "closed") and rng.random() < 0.05
            if withdrawn:  # submitted, withdrawn before the deadline, submitted again
                first_at = begin + (submitted_at - begin) / 4
                submissions.append(
                    self._submission(
                        call,
                        bid,
                        editor,
                        first_at,
                        content,
                        sha,
                        totals,
                        withdrawn=first_at + (submitted_at - first_at) / 2,
                    )
                )
                bid.version = 2
            submissions.append(
                self._submission(call, bid, editor, submitted_at, content, sha, totals)
            )
            d.setdefault("notify", []).append(("bid_submitted", org.members, submissions[-1]))
            self.audit.add(
                submitted_at,
                "bid.submitted",
                "applications.bid",
                pk,
                bid.title,
                actor=editor,
                after={"receipt": submissions[-1].receipt_number, "sha256": sha},
            )
        return {
            "bid": bid,
            "org": org,
            "lines": lines,
            "activities": plan,
            "indicators": indicators,
            "documents": documents,
            "submissions": submissions,
            "totals": totals,
        }

    def _submission(
        self, call, bid, editor, at, content, sha, totals, withdrawn=None
    ) -> BidSubmission:
        self.receipts[call.pk] += 1
        return BidSubmission(
            id=_uuid(self.rng),
            bid_id=bid.pk,
            receipt_number=f"{call.pk}-{self.receipts[call.pk]:04d}",
            idempotency_key=f"bench-{self.rng.getrandbits(64):016x}",
            submitted_at=at,
            submitted_by_id=editor,
            content=content,
            content_sha256=sha,
            requested_total=Decimal(content["totals"]["requested"]),
            status=BidSubmission.Status.WITHDRAWN if withdrawn else BidSubmission.Status.ACTIVE,
            withdrawn_at=withdrawn,
        )

    @staticmethod
    def _content(bid, org, lines, plan, indicators, documents, totals) -> dict[str, Any]:
        """What `canonical_content` freezes, from the rows about to be inserted."""
        parts = {
            "budget_lines": lines,
            "activities": plan,
            "indicators": indicators,
        }
        rows = {
            name: [{f: getattr(r, f) for f in COLLECTIONS[name][1]} for r in objs]
            for name, objs in parts.items()
        }
        return json.loads(
            json.dumps(
                {
                    "bid": str(bid.pk),
                    "call": bid.competition_id,
                    "organization": {"id": org.id, "inn": org.inn},
                    **{f: getattr(bid, f if f != "problem" else "problem_id") for f in BID_FIELDS},
                    **rows,
                    "documents": [
                        {
                            "id": str(x.pk),
                            "requirement": x.requirement,
                            "name": x.name,
                            "kind": x.kind,
                            "size": x.size,
                            "sha256": x.sha256,
                        }
                        for x in documents
                    ],
                    "totals": totals,
                },
                cls=DjangoJSONEncoder,
                sort_keys=True,
                ensure_ascii=False,
            )
        )

    # -- evaluation --

    def _evaluate(self, call: Competition, d: dict[str, Any]) -> None:
        rng, phase = self.rng, d["phase"]
        seats = d["seats"]
        secretary = seats[1].user_id
        active = [(b, s) for b in d["bids"] for s in b["submissions"] if s.status == "active"]
        admissions, admitted = [], []
        for b, s in active:
            at = d["admission_at"] + rng.randint(0, 48) * HOUR
            if phase == "closed" and (rng.random() < 0.5 or at >= self.now):
                continue  # still being checked: no row
            ok = rng.random() < 0.85
            reason = "" if ok else rng.choice(list(Admission.Reason)).value
            admissions.append(
                Admission(
                    submission_id=s.pk,
                    decision=Admission.Decision.ADMITTED if ok else Admission.Decision.NOT_ADMITTED,
                    reason=reason,
                    note="" if ok else "Не представлены документы в полном объёме.",
                    decided_by_id=secretary,
                    decided_at=at,
                )
            )
            self.audit.add(
                at,
                "bid.admission_decided",
                "applications.bid",
                b["bid"].pk,
                b["bid"].title,
                actor=secretary,
                after={"decision": admissions[-1].decision},
            )
            d.setdefault("notify", []).append(("admission_decided", b["org"].members, s))
            if ok:
                admitted.append((b, s))
        d["Admission"] = admissions
        if phase not in SCORED:
            return
        self.audit.add(
            d["scoring_at"],
            "call.scoring_opened",
            "competitions.competition",
            call.pk,
            call.title,
            actor=secretary,
        )
        specs = [scoring.CriterionSpec(c.pk, c.weight, c.max_score) for c in d["criteria"]]
        d["ConfidentialityDeclaration"] = [
            ConfidentialityDeclaration(
                seat_id=seat.pk,
                signed_at=d["scoring_at"] + HOUR,
                text_version=confidentiality.VERSION,
                language="ru",
                text_sha256=hashlib.sha256(b"bench").hexdigest(),
            )
            for seat in seats
        ]
        conflicts, sheets, values, candidates = [], [], [], []
        scoring_open_until = d["closed_at"] if phase in AFTER_SCORING else self.now - HOUR
        for b, s in admitted:
            quality = rng.uniform(0.45, 0.98)
            counted = []
            for seat in seats:
                declared = (
                    d["scoring_at"] + rng.random() * (scoring_open_until - d["scoring_at"]) * 0.5
                )
                state = (
                    "submitted"
                    if phase in AFTER_SCORING
                    else rng.choices(("submitted", "draft", "none"), (50, 25, 25))[0]
                )
                if state == "none":
                    continue
                conflicts.append(
                    ConflictDeclaration(
                        seat_id=seat.pk,
                        submission_id=s.pk,
                        has_conflict=False,
                        statement="",
                        declared_at=declared,
                    )
                )
                scores = [max(0, min(10, round(10 * quality + rng.uniform(-2, 2)))) for _ in specs]
                if state == "draft":
                    scores = [v if rng.random() < 0.5 else None for v in scores]
                done = declared + rng.random() * (scoring_open_until - declared) * 0.9
                sheet = ScoreSheet(
                    seat_id=seat.pk,
                    submission_id=s.pk,
                    comment="",
                    version=2 if state == "submitted" else 1,
                    created_at=declared,
                    updated_at=done,
                    submitted_at=done if state == "submitted" else None,
                )
                sheets.append(sheet)
                values.append((sheet, scores))
                if state == "submitted":
                    counted.append(
                        scoring.Sheet(
                            seat.pk, dict(zip((c.id for c in specs), scores, strict=True))
                        )
                    )
                    self.audit.add(
                        done,
                        "bid.score_sheet_submitted",
                        "applications.bid",
                        b["bid"].pk,
                        b["bid"].title,
                        actor=seat.user_id,
                    )
            totals = b["totals"]
            share = (
                Fraction(str(totals["own"] + totals["other"])) / Fraction(str(totals["total"]))
                if totals["total"]
                else Fraction(0)
            )
            candidates.append(
                scoring.Candidate(
                    key=str(s.pk),
                    score=scoring.bid_score(specs, counted) if counted else None,
                    requested=s.requested_total,
                    submitted_at=s.submitted_at,
                    cofinancing_share=share,
                )
            )
        d["ConflictDeclaration"], d["ScoreSheet"], d["sheet_values"] = conflicts, sheets, values
        if phase not in AFTER_SCORING:
            return
        # The budget: enough for a share of the passing bids in rank order.
        passing = [c for c in candidates if c.score is not None and c.score >= call.pass_threshold]
        passing.sort(key=lambda c: (-c.score, c.submitted_at, c.key))
        if passing:
            take = max(1, math.ceil(len(passing) * rng.uniform(0.55, 0.9)))
            need = sum((c.requested for c in passing[:take]), Decimal("0"))
            budget = max(
                call.max_per_bid, (need / 10_000).to_integral_value(ROUND_CEILING) * 10_000
            )
            call.total_budget = budget.quantize(CENT)
            d["budget_changed"] = True
        results = scoring.decide(
            candidates,
            budget=call.total_budget,
            pass_threshold=call.pass_threshold,
            tie_break=call.tie_break,
        )
        chair = seats[0].user_id
        approved = phase in ("results", "final")
        ev = CallEvaluation(
            competition_id=call.pk,
            closed_at=d["closed_at"],
            closed_by_id=secretary,
            budget=call.total_budget,
            selected_total=results.selected_total,
            meeting_on=_local_date(d["closed_at"]) + 2 * DAY
            if approved or rng.random() < 0.5
            else None,
            meeting_place=f"Зал заседаний айыл окмоту ({d['muni'].name})",
            decisions="Утвердить рейтинг заявок и список проектов для финансирования.",
            approved_at=d["results_at"] if approved else None,
            approved_by_id=chair if approved else None,
            edition=1 if approved else 0,
        )
        d["evaluation"] = ev
        by_key = {str(s.pk): (b, s) for b, s in admitted}
        d["results"] = [
            BidResult(
                submission_id=by_key[o.key][1].pk,
                score=scoring.to_decimal(o.score) if o.score is not None else None,
                sheets_counted=len(seats) if o.score is not None else 0,
                rank=o.rank,
                tied=o.tied,
                status=o.status.value,
                reserve_position=o.reserve_position,
                requested=by_key[o.key][1].requested_total,
                awarded=o.awarded,
            )
            for o in results.outcomes
        ]
        d["selected"] = [
            (by_key[o.key], o.awarded)
            for o in results.outcomes
            if o.status == scoring.Status.SELECTED
        ]
        self.audit.add(
            d["closed_at"],
            "call.scoring_closed",
            "competitions.competition",
            call.pk,
            call.title,
            actor=secretary,
            before={"stage": "scoring"},
            after={"stage": "deliberation", "selected_total": results.selected_total},
        )
        if approved:
            self.audit.add(
                d["results_at"],
                "call.results_published",
                "competitions.competition",
                call.pk,
                call.title,
                actor=chair,
                before={"stage": "deliberation"},
                after={"stage": "results", "edition": 1, "selected_total": results.selected_total},
            )
            url = f"/calls/{call.pk}/results/"
            for b, _s in admitted:
                self.notes.add(
                    b["org"].members,
                    "results_published",
                    f"Опубликованы итоги конкурса «{call.title[:120]}»",
                    url,
                    d["results_at"],
                )
        if phase == "final":
            self.audit.add(
                d["final_at"],
                "call.final",
                "competitions.competition",
                call.pk,
                call.title,
                before={"stage": "results"},
                after={"stage": "final"},
            )
        for event, users, s in d.get("notify", []):
            title = {
                "bid_submitted": f"Заявка подана, квитанция № {s.receipt_number}",
                "admission_decided": f"Решение о допуске заявки № {s.receipt_number}",
            }[event]
            at = s.submitted_at if event == "bid_submitted" else d["admission_at"]
            self.notes.add(users, event, title, f"/bids/{s.bid_id}/", at)
        d["notify"] = []

    # -- projects --

    def _projects(self, call: Competition, d: dict[str, Any]) -> None:
        rng = self.rng
        year = call.implementation_start.year
        officer = d["muni"].officer
        projects, plans = [], []
        made_at = d["final_at"] + rng.randint(1, 5) * DAY
        for n, ((b, s), awarded) in enumerate(d.get("selected", []), start=1):
            totals = b["totals"]
            project = Project(
                submission_id=s.pk,
                competition_id=call.pk,
                municipality_id=d["muni"].id,
                organization_id=b["org"].id,
                number=f"{year}-{call.pk:04d}-{n}",
                title=b["bid"].title,
                goal=b["bid"].goal,
                amount=awarded,
                cofinancing=totals["own"] + totals["other"],
                beneficiaries=b["bid"].beneficiaries,
                starts_on=call.implementation_start,
                ends_on=call.implementation_end,
                created_at=made_at,
                updated_at=made_at,
                version=0,
            )
            signed = _local_date(made_at) + rng.randint(3, 15) * DAY
            plan = {"b": b, "s": s, "signed": signed if signed <= self.today else None}
            if plan["signed"] is not None:
                project.status = Project.Status.ACTIVE
                project.signed_on = signed
                project.municipality_signatory = f"Глава айыл окмоту {_person(rng)}"
                project.organization_signatory = self.names.get(b["org"].members[0], "")
                project.version = 2
            projects.append(project)
            plans.append(plan)
        self.count.insert(Project, projects)
        tranches, milestones, indicators = [], [], []
        for project, plan in zip(projects, plans, strict=True):
            self.audit.add(
                made_at,
                "project.created",
                "monitoring.project",
                project.pk,
                str(project)[:255],
                actor=officer,
                after={
                    "number": project.number,
                    "receipt": plan["s"].receipt_number,
                    "amount": project.amount,
                },
            )
            members = plan["b"]["org"].members
            self.notes.add(
                members,
                "project_created",
                f"Проект {project.number}: готовится договор",
                f"/projects/{project.pk}/",
                made_at,
            )
            for i, a in enumerate(plan["b"]["activities"]):
                milestones.append(
                    Milestone(
                        project_id=project.pk,
                        position=i,
                        activity=a.activity,
                        responsible=a.responsible,
                        result=a.result,
                        starts_on=a.starts_on,
                        ends_on=a.ends_on,
                    )
                )
            plan["milestones"] = milestones[-len(plan["b"]["activities"]) :]
            plan["indicators"] = [
                ProjectIndicator(
                    project_id=project.pk,
                    position=i,
                    name=x.name,
                    unit=x.unit,
                    baseline=x.baseline,
                    target=x.target,
                )
                for i, x in enumerate(plan["b"]["indicators"])
            ]
            indicators += plan["indicators"]
            if plan["signed"] is None:
                continue
            mid = project.starts_on + (project.ends_on - project.starts_on) / 2
            first = (project.amount * Decimal("0.4")).quantize(CENT)
            second = (project.amount * Decimal("0.4")).quantize(CENT)
            plan["tranches"] = [
                Tranche(
                    project_id=project.pk,
                    position=0,
                    amount=first,
                    due_on=plan["signed"],
                    condition=Tranche.Condition.SIGNING,
                ),
                Tranche(
                    project_id=project.pk,
                    position=1,
                    amount=second,
                    due_on=mid,
                    condition=Tranche.Condition.INTERIM,
                ),
                Tranche(
                    project_id=project.pk,
                    position=2,
                    amount=project.amount - first - second,
                    due_on=project.ends_on + 30 * DAY,
                    condition=Tranche.Condition.FINAL,
                ),
            ]
            tranches += plan["tranches"]
        self.count.insert(Milestone, milestones)
        self.count.insert(ProjectIndicator, indicators)
        self.count.insert(Tranche, tranches)
        reports, payments, versions, values, updated = [], [], [], [], []
        for project, plan in zip(projects, plans, strict=True):
            self._milestone_progress(plan["milestones"])
            if plan["signed"] is None:
                continue
            signed = plan["signed"]
            self.audit.add(
                _at(signed),
                "project.agreement_signed",
                "monitoring.project",
                project.pk,
                str(project)[:255],
                actor=officer,
            )
            self.notes.add(
                plan["b"]["org"].members,
                "agreement_signed",
                f"Договор {project.number} подписан",
                f"/projects/{project.pk}/",
                _at(signed),
            )
            t_sign, t_interim, t_final = plan["tranches"]
            interim = ProgressReport(
                project_id=project.pk, kind="interim", number=1, due_on=t_interim.due_on
            )
            final = ProgressReport(
                project_id=project.pk,
                kind="final",
                number=1,
                due_on=project.ends_on + FINAL_REPORT_DAYS * DAY,
            )
            reports += [interim, final]
            plan["reports"] = [interim, final]
            paid: list[Payment] = []

            def pay(
                tranche: Tranche, day: datetime.date, plan=plan, paid=paid, project=project
            ) -> None:
                if day > self.today:
                    return
                paid.append(
                    Payment(
                        tranche_id=tranche.pk,
                        amount=tranche.amount,
                        paid_on=day,
                        reference=f"ПП-{project.pk}-{tranche.position + 1}",
                        recorded_by_id=officer,
                        recorded_at=_at(day, 15),
                    )
                )

            pay(t_sign, signed + rng.randint(1, 7) * DAY)
            terminated = rng.random() < 0.03 and project.ends_on < self.today
            for report, tranche in ((interim, t_interim), (final, t_final)):
                accepted = self._report(project, plan, report, terminated and report is final)
                if accepted is not None:
                    pay(tranche, accepted + rng.randint(2, 10) * DAY)
            project.paid_total = sum((p.amount for p in paid), Decimal("0.00"))
            payments += paid
            if final.status == "accepted":
                project.status = Project.Status.COMPLETED
                project.final_rating = rng.choices(list(Project.Rating), weights=(60, 35, 5))[
                    0
                ].value
                project.final_reasons = (
                    "Результаты достигнуты, отчёты приняты, средства использованы по назначению."
                )
                project.ended_on = _local_date(final.decided_at)
            elif terminated:
                project.status = Project.Status.TERMINATED
                project.end_reason = "Организация не выполнила обязательства по договору."
                project.ended_on = project.ends_on
            last = plan.get("accepted_version")
            if last is not None:
                project.reached, project.reached_women = last.reached, last.reached_women
                project.reached_disabled, project.reached_children = (
                    last.reached_disabled,
                    last.reached_children,
                )
            updated.append(project)
        self.count.insert(ProgressReport, reports)
        for plan in plans:
            for report in plan.get("reports", []):
                for version in plan.get(("versions", report.kind), []):
                    version.report_id = report.pk
                    versions.append(version)
        self.count.insert(ReportVersion, versions)
        for plan in plans:
            for version in plan.get("value_versions", []):
                for ind in plan["indicators"]:
                    values.append(
                        IndicatorValue(
                            indicator_id=ind.pk,
                            value=(ind.target * Decimal(rng.uniform(0.5, 1.1))).quantize(CENT),
                            measured_on=_local_date(version.submitted_at),
                            note="По отчёту",
                            recorded_by_id=officer,
                            recorded_at=version.decided_at,
                        )
                    )
        self.count.insert(IndicatorValue, values)
        self.count.insert(Payment, payments)
        for p in payments:
            self.audit.add(
                p.recorded_at,
                "project.payment_recorded",
                "monitoring.project",
                p.reference.split("-")[1],
                p.reference,
                actor=officer,
                after={"amount": p.amount, "paid_on": p.paid_on},
            )
        if updated:
            Project.objects.bulk_update(
                updated,
                [
                    "status",
                    "paid_total",
                    "final_rating",
                    "final_reasons",
                    "ended_on",
                    "end_reason",
                    "reached",
                    "reached_women",
                    "reached_disabled",
                    "reached_children",
                ],
            )
        Milestone.objects.bulk_update(
            [m for p in plans for m in p["milestones"]], ["status", "percent"]
        )

    def _milestone_progress(self, milestones: list[Milestone]) -> None:
        for m in milestones:
            if m.ends_on < self.today:
                m.status, m.percent = Milestone.Status.DONE, 100
            elif m.starts_on <= self.today:
                m.status = Milestone.Status.UNDER_WAY
                span = max((m.ends_on - m.starts_on).days, 1)
                m.percent = min(99, (self.today - m.starts_on).days * 100 // span)

    def _report(
        self, project: Project, plan: dict, report: ProgressReport, skip: bool
    ) -> datetime.date | None:
        """The report's versions up to now; the day it was accepted, if it was."""
        rng = self.rng
        if skip or report.due_on > self.today - 3 * DAY:
            return None
        b = plan["b"]
        sent = _at(report.due_on - rng.randint(0, 5) * DAY, 10)
        editor = b["org"].members[-1]
        officer = next(m.officer for m in [self.muni_by_id[project.municipality_id]])
        rounds = 2 if rng.random() < 0.2 else 1
        versions = []
        for i in range(rounds):
            decided = sent + rng.randint(2, 8) * DAY
            if decided > self.now:
                decided = None
            accept = i == rounds - 1
            reached = rng.randint(20, 400)
            versions.append(
                ReportVersion(
                    number=i + 1,
                    narrative="Мероприятия проведены по плану; участники получили услуги.",
                    spending=[
                        {
                            "line": j,
                            "category": x.category,
                            "item": x.item,
                            "planned": str(x.requested),
                            "spent": str(
                                (x.requested * Decimal(rng.uniform(0.3, 1.0))).quantize(CENT)
                            ),
                        }
                        for j, x in enumerate(b["lines"])
                    ],
                    indicators=[
                        {
                            "indicator": j,
                            "name": x.name,
                            "unit": x.unit,
                            "target": str(x.target),
                            "value": str(x.baseline),
                        }
                        for j, x in enumerate(b["indicators"])
                    ],
                    milestones=[
                        {
                            "milestone": j,
                            "activity": m.activity,
                            "status": m.status,
                            "percent": m.percent,
                        }
                        for j, m in enumerate(plan["milestones"])
                    ],
                    reached=reached,
                    reached_women=reached // 2,
                    reached_disabled=reached // 10,
                    reached_children=reached // 3,
                    submitted_at=sent,
                    submitted_by_id=editor,
                    decision="" if decided is None else ("accepted" if accept else "returned"),
                    comments="" if accept else "Приложите ведомости выдачи материалов.",
                    decided_at=decided,
                    decided_by_id=officer if decided is not None else None,
                )
            )
            if decided is None:
                break
            sent = decided + rng.randint(1, 5) * DAY
            if sent > self.now:
                break
        last = versions[-1]
        report.submitted_at = last.submitted_at
        report.decided_at = last.decided_at
        report.status = {"accepted": "accepted", "returned": "returned", "": "submitted"}[
            last.decision
        ]
        plan[("versions", report.kind)] = versions
        if report.status == "accepted":
            plan["accepted_version"] = last
            plan.setdefault("value_versions", []).append(last)
            self.audit.add(
                last.decided_at,
                "project.report_accepted",
                "monitoring.project",
                project.pk,
                str(project)[:255],
                actor=officer,
            )
            self.notes.add(
                b["org"].members,
                "report_accepted",
                f"Отчёт по проекту {project.number} принят",
                f"/projects/{project.pk}/",
                last.decided_at,
            )
            return _local_date(last.decided_at)
        return None

    # -- top-up --

    def top_up(self) -> None:
        """Notifications and audit events up to the targets (reminders, sign-ins)."""
        rng = self.rng
        people = [u for o in self.orgs for u in o.members] + [m.officer for m in self.munis]
        events = [
            ("bid_deadline_reminder", "Срок подачи заявок истекает через 3 дня"),
            ("document_ready", "Документ готов к скачиванию"),
            ("report_due_soon", "Скоро срок сдачи отчёта по проекту"),
            ("call_amended", "Изменены условия конкурса"),
        ]
        missing = self.v.notifications - self.notes.written - len(self.notes.pending)
        while missing > 0:
            for _i in range(min(missing, 20_000)):
                event, title = rng.choice(events)
                at = self.start + rng.random() * (self.now - self.start)
                self.notes.add([rng.choice(people)], event, title, "/notifications/", at)
            missing -= min(missing, 20_000)
            with transaction.atomic():
                self.notes.flush()
        missing = self.v.audit - self.audit.written - len(self.audit.pending)
        while missing > 0:
            for _i in range(min(missing, 20_000)):
                user = rng.choice(people)
                at = self.start + rng.random() * (self.now - self.start)
                self.audit.add(
                    at,
                    "user.logged_in",
                    "accounts.user",
                    user,
                    self.names.get(user, ""),
                    actor=user,
                )
            missing -= min(missing, 20_000)
            self.audit.flush()
