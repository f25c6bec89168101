"""The demo's story as data: three municipalities of two oblasts, their officers, NGOs,
problems, programmes and calls (seeded by `manage.py seed_demo`)."""

from __future__ import annotations

from decimal import Decimal

DEMO_PASSWORD = "demo-portal-2026"
# Two-step login (T29): the demo accounts that need it (administrator, officers,
# commission members, ministry staff) share this authenticator key (base32, time-based,
# 6 digits, 30 s); `manage.py demo_code` prints its current code. Demo only: public.
DEMO_TOTP_SECRET = "MSZDEMOTWOFACTORKYRGYZSTANPORTAL"


def demo_recovery_codes(email: str) -> list[str]:
    """Ten fixed recovery codes of a demo account (seed_demo prints the unused ones)."""
    import base64
    import hashlib

    return [
        base64.b32encode(hashlib.sha256(f"demo:{email}:{n}".encode()).digest()[:5]).decode().lower()
        for n in range(10)
    ]


# (organisation INN, project title, submitted?) for the open call; the last is a draft.
DEMO_BIDS = [
    ("01204201710011", "Дневной центр «Күн нуру»", True),
    ("02306201810022", "Центр «Бирге» для детей и родителей", True),
    ("01509201510033", "Равные возможности: занятия рядом с домом", False),
]


# The call in admission (past its deadline): (INN, project title, what the municipality
# did). One admitted, one not admitted with a reason, one asked to clarify.
ADMISSION_BIDS = [
    ("01204201710011", "Тёплая зима: дрова, продукты и лекарства на дом", "admitted"),
    (
        "02306201810022",
        "Соседская помощь пожилым",
        ("documents", "Нет гарантийных писем партнёров, указанных в заявке."),
    ),
    (
        "01509201510033",
        "Мобильная бригада ухода",
        "Приложите, пожалуйста, договор аренды автомобиля для бригады: в бюджете он указан, "
        "в документах его нет.",
    ),
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


# What a demo bid says, by the call's story: text fields, budget lines, the calendar plan
# as (activity, responsible, result, the share of the implementation period at which it
# ends) and indicators. A bid reads like a project for its call, not like another one's.
DAY_CENTRE = {
    "text": {
        "summary": "Дневной центр на 20 детей с инвалидностью, 5 дней в неделю, "
        "с логопедом, психологом и инструктором ЛФК.",
        "goal": "Дети с инвалидностью получают реабилитацию рядом с домом, "
        "их родители могут работать.",
        "tasks": "1. Отремонтировать и оснастить помещение.\n"
        "2. Набрать и обучить специалистов.\n"
        "3. Проводить занятия 9 месяцев.",
        "target_group": "Дети с инвалидностью 3–14 лет и их родители.",
        "beneficiaries": 20,
        "team": "Руководитель проекта, логопед, психолог, инструктор ЛФК, бухгалтер.",
        "partners": "Айыл окмоту (помещение), сельская больница (направления).",
    },
    "budget": DEMO_BUDGET,
    "plan": [
        (
            "Ремонт и оснащение помещения",
            "Руководитель проекта",
            "Помещение отремонтировано и оснащено",
            0.25,
        ),
        (
            "Реабилитационные занятия с детьми",
            "Логопед, психолог",
            "20 детей занимаются 5 дней в неделю",
            1,
        ),
    ],
    "indicators": DEMO_INDICATORS,
}

WINTER_HELP = {
    "text": {
        "summary": "Помощь 30 одиноким пожилым людям зимой: дрова, продукты и лекарства "
        "на дом, еженедельные визиты социального работника.",
        "goal": "Одинокие пожилые люди в отдалённых сёлах проводят зиму в тепле и с помощью.",
        "tasks": "1. Составить с айыл окмоту список получателей.\n"
        "2. Доставить дрова и уголь до морозов.\n"
        "3. Каждую неделю навещать, привозить продукты и лекарства.",
        "target_group": "Одинокие пожилые люди отдалённых сёл.",
        "beneficiaries": 30,
        "team": "Руководитель проекта, социальный работник, водитель, бухгалтер.",
        "partners": "Айыл окмоту (список получателей), фельдшерско-акушерский пункт.",
    },
    "budget": [
        {
            "category": "staff",
            "item": "Социальный работник, 6 месяцев",
            "unit": "месяц",
            "quantity": Decimal("6"),
            "unit_cost": Decimal("22000"),
            "own_contribution": Decimal("12000"),
            "other_sources": Decimal("0"),
        },
        {
            "category": "equipment",
            "item": "Дрова и уголь на 30 домов",
            "unit": "дом",
            "quantity": Decimal("30"),
            "unit_cost": Decimal("9000"),
            "own_contribution": Decimal("30000"),
            "other_sources": Decimal("10000"),
        },
        {
            "category": "other",
            "item": "Продуктовые наборы и лекарства",
            "unit": "набор",
            "quantity": Decimal("180"),
            "unit_cost": Decimal("1000"),
            "own_contribution": Decimal("18000"),
            "other_sources": Decimal("0"),
        },
    ],
    "plan": [
        (
            "Список получателей с айыл окмоту",
            "Руководитель проекта",
            "30 человек в списке, согласованном с айыл окмоту",
            0.1,
        ),
        (
            "Доставка дров и угля",
            "Водитель, социальный работник",
            "Каждый дом получил топливо на зиму",
            0.3,
        ),
        (
            "Еженедельные визиты, продукты и лекарства",
            "Социальный работник",
            "Каждого навещают раз в неделю",
            1,
        ),
    ],
    "indicators": [
        {"name": "Пожилые люди, получившие помощь", "unit": "человек", "baseline": 0, "target": 30},
        {"name": "Визиты социального работника", "unit": "визит", "baseline": 0, "target": 720},
    ],
}


def demo_pdf(title: str, organization: str) -> bytes:
    """A one-page PDF standing in for a scanned document."""
    from django.utils.html import escape

    from municipal_order.lib.pdf import render_pdf

    html = (
        '<html lang="ru"><body style="font-family: DejaVu Sans; padding: 3cm">'
        f"<h1>{escape(title)}</h1><p>{escape(organization)}</p>"
        "<p>Демонстрационный документ портала.</p></body></html>"
    )
    return render_pdf(html).content


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

# Invited to the draft call's commission, with no account yet: the officer's call page
# shows the invitation waiting (send again, withdraw) and the call waits to be announced.
COMMISSION_INVITEE = ("social.worker@demo.kg", "member", "civil_society")


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
        "alamudun",
        "Пожилые одинокие люди без ухода зимой",
        "Зимняя помощь одиноким пожилым людям в отдалённых сёлах",
        "admission",
        "900000",
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
