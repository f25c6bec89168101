"""What the demo's bids say: one story per call (text, budget, plan, indicators), so
that each bid reads like a project for its call (`story=` in seed_demo's `_demo_bid`)."""

from __future__ import annotations

from decimal import Decimal

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


TEEN_MENTORS = {
    "text": {
        "summary": "Наставники и кружки после школы для 40 подростков, чьи родители "
        "работают за рубежом: помощь с учёбой, занятия по интересам, встречи с родителями "
        "по видеосвязи.",
        "goal": "Подростки из семей трудовых мигрантов не остаются после уроков без "
        "присмотра и не бросают школу.",
        "tasks": "1. Подобрать и обучить 10 наставников из местных жителей.\n"
        "2. Открыть два кружка при школе.\n"
        "3. Раз в месяц собирать бабушек, дедушек и родителей (по видеосвязи).",
        "target_group": "Подростки 12–17 лет из семей трудовых мигрантов.",
        "beneficiaries": 40,
        "team": "Руководитель проекта, психолог, два руководителя кружков, бухгалтер.",
        "partners": "Средняя школа им. Токтогула, айыл окмоту (список семей).",
    },
    "budget": [
        {
            "category": "staff",
            "item": "Психолог и руководители кружков, 8 месяцев",
            "unit": "месяц",
            "quantity": Decimal("8"),
            "unit_cost": Decimal("30000"),
            "own_contribution": Decimal("24000"),
            "other_sources": Decimal("0"),
        },
        {
            "category": "equipment",
            "item": "Наборы для робототехники и швейные машины",
            "unit": "комплект",
            "quantity": Decimal("6"),
            "unit_cost": Decimal("15000"),
            "own_contribution": Decimal("9000"),
            "other_sources": Decimal("0"),
        },
    ],
    "plan": [
        (
            "Отбор и обучение наставников",
            "Психолог",
            "10 наставников прошли обучение",
            0.15,
        ),
        (
            "Кружки и встречи с наставниками",
            "Руководители кружков",
            "40 подростков занимаются два раза в неделю",
            1,
        ),
    ],
    "indicators": [
        {"name": "Подростки в кружках", "unit": "человек", "baseline": 0, "target": 40},
        {"name": "Пропуски уроков", "unit": "% учебных дней", "baseline": 12, "target": 5},
    ],
}
