"""The demo's story as data: three municipalities of two oblasts, their officers, NGOs,
problems, programmes and calls (seeded by `manage.py seed_demo`)."""

from __future__ import annotations

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


# The call in scoring (admission closed, every bid admitted): (INN, project title, the
# third member's declaration on it: None for "no conflict", else the statement).
SCORING_BIDS = [
    ("01204201710011", "Старший друг: наставники для подростков", None),
    ("02306201810022", "Кружки робототехники и шитья после школы", None),
    (
        "01509201510033",
        "Подростковый клуб «Жаштык»",
        "Моя дочь работает бухгалтером в этом учреждении.",
    ),
]
# The call with published results: four bids, each member's scores per criterion (in
# COMMON_CRITERIA's order) by e-mail ("secretary" is the municipality's officer), and
# the commission's reduction of the second bid, which lets it in within the budget.
RESULTS_BIDS = [
    (
        "01509201510033",
        "Безопасный дом: убежище на 12 мест",
        {"chair": [9, 8, 8, 9, 7], "secretary": [8, 8, 7, 9, 8], "member": [9, 9, 8, 8, 7]},
    ),
    (
        "02306201810022",
        "Убежище и юридическая помощь",
        {"chair": [8, 7, 6, 8, 6], "secretary": [7, 7, 7, 7, 6], "member": [8, 6, 7, 7, 7]},
    ),
    (
        "01204201710011",
        "Кризисная квартира для матерей с детьми",
        {"chair": [7, 6, 6, 6, 6], "secretary": [6, 7, 6, 6, 7], "member": [7, 6, 6, 7, 6]},
    ),
]
RESULTS_REDUCTION = (
    "02306201810022",
    "250000",
    "Помещение предоставляет мэрия: часть расходов на закупки исключена.",
)
RESULTS_MEETING = (
    "Мэрия г. Каракол, зал заседаний",
    "1. Утвердить рейтинг заявок по итогам оценки.\n"
    "2. Сократить сумму заявки ОО «Үмүт-Келечек» до 250 000 сом.\n"
    "3. Признать победителями две заявки в пределах бюджета, одну включить в резерв.",
)

# The final call: results published more than the appeal window ago, no appeal; the
# first bid funded (monitoring follows it as a project), the second in reserve.
FINAL_BIDS = [
    (
        "01204201710011",
        "Дневной центр «Күн нуру» для детей с инвалидностью",
        {"chair": [9, 9, 8, 8, 8], "secretary": [9, 8, 8, 9, 8], "member": [8, 9, 9, 8, 7]},
    ),
    (
        "02306201810022",
        "Реабилитация на дому для детей с инвалидностью",
        {"chair": [7, 7, 6, 7, 6], "secretary": [7, 6, 7, 6, 7], "member": [8, 6, 6, 7, 6]},
    ),
]
FINAL_MEETING = (
    "Аламудунский айыл окмоту, зал заседаний",
    "1. Утвердить рейтинг заявок.\n"
    "2. Признать победителем ОФ «Көмөк», заявку ОО «Үмүт-Келечек» включить в резерв.",
)
# The appeal waiting on the call with published results (its reserve bid's organisation).
RESULTS_APPEAL = (
    "01204201710011",
    "Просим пересмотреть оценку по критерию «Обоснованность бюджета»: смета аренды "
    "квартиры подтверждена договором, приложенным к заявке.",
)

# The member's sheets on the call in scoring (the first two bids), per criterion in
# COMMON_CRITERIA's order: (score, comment); the second stays a draft.
SCORING_SHEETS = [
    [
        (9, "Проблема подтверждена данными школы о пропусках."),
        (8, ""),
        (7, "Неясно, кто оплатит кружки после проекта."),
        (8, ""),
        (6, ""),
    ],
    [(7, ""), (6, ""), (None, ""), (None, ""), (None, "")],
]

# Who declares on the call in scoring: its third member (the chair and the secretary
# have not signed yet, so the demo shows both states).
SCORING_MEMBER = "expert.deputy@demo.kg"


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
        "aleksandrovka",
        "Подростки из семей трудовых мигрантов без присмотра",
        "Наставники и кружки для подростков из семей трудовых мигрантов",
        "scoring",
        "700000",
        "expert.civil@demo.kg",
        "expert.deputy@demo.kg",
    ),
    (
        "alamudun",
        "Нет дневного центра для детей с инвалидностью",
        "Дневной центр для детей с инвалидностью в селе Лебединовка",
        "final",
        "800000",
        "expert.civil@demo.kg",
        "expert.deputy@demo.kg",
    ),
    (
        "karakol",
        "Нет кризисного центра для пострадавших от насилия",
        "Временное убежище для пострадавших от домашнего насилия",
        "results",
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
