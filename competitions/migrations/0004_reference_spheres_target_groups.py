"""Reference data every municipality needs: spheres and target groups.

The first seven target groups are the focus groups of the joint study of community
needs (shared/domain.md §2); the rest are groups municipal calls commonly name.
"""

from django.db import migrations

SPHERES = [
    ("social-protection", "Социальная защита", "Социалдык коргоо", "Social protection"),
    ("children-youth", "Дети и молодёжь", "Балдар жана жаштар", "Children and youth"),
    ("disability", "Люди с инвалидностью", "Ден соолугунун мүмкүнчүлүгү чектелген адамдар", "Persons with disabilities"),
    ("elderly", "Пожилые люди", "Улгайган адамдар", "Older people"),
    ("health", "Здоровье", "Саламаттык", "Health"),
    ("education", "Образование", "Билим берүү", "Education"),
    ("culture-sport", "Культура и спорт", "Маданият жана спорт", "Culture and sport"),
    ("environment", "Экология и благоустройство", "Экология жана көрктөндүрүү", "Environment and public spaces"),
    ("violence-prevention", "Профилактика насилия", "Зомбулуктун алдын алуу", "Violence prevention"),
    ("employment", "Занятость и доходы", "Иш менен камсыз кылуу жана киреше", "Employment and income"),
    ("migration", "Семьи трудовых мигрантов", "Эмгек мигранттарынын үй-бүлөлөрү", "Families of labour migrants"),
]

TARGET_GROUPS = [
    ("unemployed-women", "Безработные женщины", "Жумушсуз аялдар", "Unemployed women", True),
    ("elderly", "Пожилые люди", "Улгайган адамдар", "Older people", True),
    ("single-parent-families", "Неполные семьи", "Толук эмес үй-бүлөлөр", "Single-parent families", True),
    ("extremely-poor", "Крайне бедные", "Өтө жакыр адамдар", "The extremely poor", True),
    ("families-with-disability", "Семьи, где есть люди с инвалидностью", "Ден соолугунун мүмкүнчүлүгү чектелген мүчөсү бар үй-бүлөлөр", "Families with disabled members", True),
    ("salaried", "Работающие по найму", "Жалданып иштегендер", "Salaried people", True),
    ("ethnic-minorities", "Этнические меньшинства", "Этникалык азчылыктар", "Ethnic minorities", True),
    ("children", "Дети", "Балдар", "Children", False),
    ("children-with-disabilities", "Дети с инвалидностью", "Ден соолугунун мүмкүнчүлүгү чектелген балдар", "Children with disabilities", False),
    ("youth", "Молодёжь", "Жаштар", "Youth", False),
    ("migrant-families", "Дети и семьи трудовых мигрантов", "Эмгек мигранттарынын балдары жана үй-бүлөлөрү", "Children and families of labour migrants", False),
    ("violence-survivors", "Пострадавшие от насилия", "Зомбулуктан жабыр тарткандар", "Survivors of violence", False),
    ("homeless", "Бездомные", "Үй-жайсыз адамдар", "Homeless people", False),
]


def load(apps, schema_editor):
    Sphere = apps.get_model("competitions", "Sphere")
    TargetGroup = apps.get_model("competitions", "TargetGroup")
    for order, (code, ru, ky, en) in enumerate(SPHERES):
        Sphere.objects.update_or_create(
            code=code, defaults={"name_ru": ru, "name_ky": ky, "name_en": en, "ordering": order}
        )
    for order, (code, ru, ky, en, focus) in enumerate(TARGET_GROUPS):
        TargetGroup.objects.update_or_create(
            code=code,
            defaults={
                "name_ru": ru,
                "name_ky": ky,
                "name_en": en,
                "is_focus_group": focus,
                "ordering": order,
            },
        )


class Migration(migrations.Migration):
    dependencies = [("competitions", "0003_problems_and_programmes")]

    operations = [migrations.RunPython(load, migrations.RunPython.noop)]
