"""factory_boy factories: the one place test rows are built.

Defaults make a valid row of municipality A's kind (Chüy, disability sphere, a call
open for 20 days); fixtures in the conftests pass the exact values the tests read.
Spheres and target groups are reference data from a data migration, never created
here: `sphere()` fetches one by code (see tests.conftest.ensure_reference_data).

Bids that tests read as an NGO would have written them still go through the
services (tests/applications/conftest.py): these factories build bare rows.
"""

from __future__ import annotations

import datetime
from collections.abc import Iterable
from decimal import Decimal
from typing import Any

import factory
from django.utils import timezone
from factory.django import DjangoModelFactory

from accounts.models import User
from applications.models import Bid, BidSubmission, Organization, OrganizationMember
from competitions.models import (
    CommissionMember,
    Competition,
    Criterion,
    MinistryStaff,
    Municipality,
    MunicipalStaff,
    PriorityProblem,
    ProblemComment,
    Programme,
    Question,
    Region,
    Sphere,
)

PASSWORD = "cast password 2026"
# What a call is scored on unless a test says otherwise: weights add up to 100.
DEFAULT_CRITERIA = (("Значимость", 60), ("Бюджет", 40))


def sphere(code: str = "disability") -> Sphere:
    """A sphere from the reference data (a data migration loads them)."""
    return Sphere.objects.get(code=code)


class UserFactory(DjangoModelFactory):
    """A person with a confirmed e-mail who can log in with `password`."""

    class Meta:
        model = User
        skip_postgeneration_save = True

    email = factory.Sequence(lambda n: f"person{n}@example.kg")
    full_name = factory.Sequence(lambda n: f"Person {n}")
    email_confirmed_at = factory.LazyFunction(timezone.now)
    password = PASSWORD

    class Params:
        site_admin = factory.Trait(is_staff=True, is_superuser=True)

    @classmethod
    def _create(cls, model_class, *args: Any, password: str, **kwargs: Any) -> User:
        # The manager lowercases the e-mail and hashes the password, as sign-up does.
        return cls._get_manager(model_class).create_user(*args, password=password, **kwargs)


class RegionFactory(DjangoModelFactory):
    class Meta:
        model = Region

    code = factory.Sequence(lambda n: f"KG-{n}")
    kind = Region.Kind.OBLAST
    name_ru = factory.Sequence(lambda n: f"Область {n}")
    name_ky = factory.Sequence(lambda n: f"{n}-облус")
    name_en = factory.Sequence(lambda n: f"Oblast {n}")


class MunicipalityFactory(DjangoModelFactory):
    class Meta:
        model = Municipality

    code = factory.Sequence(lambda n: f"municipality-{n}")
    kind = Municipality.Kind.AYIL_AIMAK
    region = factory.SubFactory(RegionFactory)
    name_ru = factory.Sequence(lambda n: f"Айыл аймак {n}")
    name_ky = factory.Sequence(lambda n: f"{n}-айыл аймагы")
    name_en = factory.Sequence(lambda n: f"Ayil aimak {n}")


class MunicipalStaffFactory(DjangoModelFactory):
    class Meta:
        model = MunicipalStaff

    user = factory.SubFactory(UserFactory)
    municipality = factory.SubFactory(MunicipalityFactory)
    role = MunicipalStaff.Role.OFFICER


class MinistryStaffFactory(DjangoModelFactory):
    """National oversight unless a region is given."""

    class Meta:
        model = MinistryStaff

    user = factory.SubFactory(UserFactory)
    region = None


class OrganizationFactory(DjangoModelFactory):
    class Meta:
        model = Organization

    name_ru = factory.Sequence(lambda n: f"ОФ «Организация {n}»")
    legal_form = Organization.LegalForm.FOUNDATION
    # 14 digits; the leading 9 keeps clear of the INNs tests spell out.
    inn = factory.Sequence(lambda n: f"9{n:013d}")
    region = factory.SubFactory(RegionFactory)


class OrganizationMemberFactory(DjangoModelFactory):
    class Meta:
        model = OrganizationMember

    user = factory.SubFactory(UserFactory)
    organization = factory.SubFactory(OrganizationFactory)
    role = OrganizationMember.Role.ADMIN


class ProgrammeFactory(DjangoModelFactory):
    class Meta:
        model = Programme

    municipality = factory.SubFactory(MunicipalityFactory)
    title = "Программа 2026–2027"
    start_year = 2026
    end_year = 2027
    kenesh_decision_number = "14-3"
    kenesh_decision_date = datetime.date(2025, 12, 19)
    needs_assessment = "СИНС"


class PriorityProblemFactory(DjangoModelFactory):
    class Meta:
        model = PriorityProblem

    municipality = factory.SubFactory(MunicipalityFactory)
    title = "Нет центра для детей с инвалидностью"
    description = "…"
    sphere = factory.LazyFunction(sphere)
    status = PriorityProblem.Status.PUBLISHED


class ProblemCommentFactory(DjangoModelFactory):
    class Meta:
        model = ProblemComment

    problem = factory.SubFactory(PriorityProblemFactory)
    author = factory.SubFactory(UserFactory)
    text = "Да"


class CriterionFactory(DjangoModelFactory):
    class Meta:
        model = Criterion

    competition = factory.SubFactory("tests.factories.CompetitionFactory", criteria=[])
    position = factory.Sequence(int)
    title = factory.Sequence(lambda n: f"Критерий {n}")
    weight = 50


class CommissionMemberFactory(DjangoModelFactory):
    class Meta:
        model = CommissionMember

    competition = factory.SubFactory("tests.factories.CompetitionFactory", commission=[])
    user = factory.SubFactory(UserFactory)
    role = CommissionMember.Role.MEMBER
    affiliation = CommissionMember.Affiliation.CIVIL_SOCIETY


class CompetitionFactory(DjangoModelFactory):
    """A complete call: programme, one published problem, criteria, commission.

    Dates are relative to now: `opens_in_days`/`closes_in_days` as make_call takes
    them; implementation runs from 30 to 300 days after the deadline. A call that is
    not a draft has been announced now.

    criteria=[(title, weight), …] and commission=[(user, role, affiliation), …]
    replace the defaults ([] for none); problems=[…] replaces the fresh problem.
    """

    class Meta:
        model = Competition
        # post_generation only adds rows pointing at the call: no second save.
        skip_postgeneration_save = True

    class Params:
        now = factory.LazyFunction(timezone.now)
        opens_in_days = -1
        closes_in_days = 20

    municipality = factory.SubFactory(MunicipalityFactory)
    programme = factory.SubFactory(
        ProgrammeFactory, municipality=factory.SelfAttribute("..municipality")
    )
    title = "Дневной центр для детей с инвалидностью"
    goal = "Открыть дневной центр."
    tasks = "Найти помещение; нанять специалистов."
    target_group = "Дети с инвалидностью и их родители."
    sphere = factory.LazyFunction(sphere)
    total_budget = 1_000_000
    max_per_bid = 500_000
    min_cofinancing_pct = 10
    opens_at = factory.LazyAttribute(lambda o: o.now + datetime.timedelta(days=o.opens_in_days))
    closes_at = factory.LazyAttribute(lambda o: o.now + datetime.timedelta(days=o.closes_in_days))
    implementation_start = factory.LazyAttribute(
        lambda o: (o.closes_at + datetime.timedelta(days=30)).date()
    )
    implementation_end = factory.LazyAttribute(
        lambda o: (o.closes_at + datetime.timedelta(days=300)).date()
    )
    eligible_forms = factory.LazyFunction(lambda: ["public_association", "foundation"])
    status = Competition.Status.DRAFT
    published_at = factory.LazyAttribute(
        lambda o: None if o.status == Competition.Status.DRAFT else o.now
    )

    @factory.post_generation
    def problems(
        obj: Competition, create: bool, extracted: Iterable[PriorityProblem] | None, **kwargs
    ):
        if not create:
            return
        if extracted is None:
            extracted = [PriorityProblemFactory(municipality=obj.municipality, **kwargs)]
        obj.problems.add(*extracted)

    @factory.post_generation
    def criteria(
        obj: Competition, create: bool, extracted: Iterable[tuple[str, int]] | None, **kwargs
    ):
        if not create:
            return
        for position, (title, weight) in enumerate(
            DEFAULT_CRITERIA if extracted is None else extracted
        ):
            CriterionFactory(competition=obj, position=position, title=title, weight=weight)

    @factory.post_generation
    def commission(obj: Competition, create: bool, extracted: Iterable[tuple] | None, **kwargs):
        """A chair from civil society and a state secretary, new people unless given."""
        if not create:
            return
        if extracted is None:
            extracted = [
                (UserFactory(), CommissionMember.Role.CHAIR, "civil_society"),
                (UserFactory(), CommissionMember.Role.SECRETARY, "state"),
            ]
        for user, role, affiliation in extracted:
            CommissionMemberFactory(competition=obj, user=user, role=role, affiliation=affiliation)


class QuestionFactory(DjangoModelFactory):
    class Meta:
        model = Question

    competition = factory.SubFactory(CompetitionFactory, status=Competition.Status.PUBLISHED)
    asked_by = factory.SubFactory(UserFactory)
    text = "?"


class BidFactory(DjangoModelFactory):
    """A bare draft row; a filled-in bid comes from the services (fill_bid)."""

    class Meta:
        model = Bid

    competition = factory.SubFactory(CompetitionFactory, status=Competition.Status.PUBLISHED)
    organization = factory.SubFactory(OrganizationFactory)
    title = "Заявка"


class BidSubmissionFactory(DjangoModelFactory):
    """A receipt row without the content check the submit service computes."""

    class Meta:
        model = BidSubmission

    bid = factory.SubFactory(BidFactory)
    receipt_number = factory.Sequence(lambda n: f"1-{n:04d}")
    idempotency_key = factory.Sequence(lambda n: f"key-{n}")
    submitted_at = factory.LazyFunction(timezone.now)
    submitted_by = factory.SubFactory(UserFactory)
    content = factory.LazyAttribute(lambda o: {"title": o.bid.title})
    content_sha256 = "0" * 64
    requested_total = Decimal(0)
