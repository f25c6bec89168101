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
    Region,
    Sphere,
    TargetGroup,
)
from competitions.services.calls import COMMON_CRITERIA, publish_call, save_draft
from competitions.services.problems import create_problem, publish_problem, support_problem
from competitions.services.programmes import create_programme
from competitions.services.team import add_municipal_staff
from documents.models import GeneratedDocument
from evaluation.models import Admission, CallEvaluation, ScoreSheet
from evaluation.services.admission import decide_admission, open_scoring
from evaluation.services.appeals import file_appeal, finalize_due_calls
from evaluation.services.clarifications import request_clarification
from evaluation.services.declarations import declare_conflict, sign_confidentiality
from evaluation.services.results import approve_results, close_scoring, reduce_amount, save_meeting
from evaluation.services.sheets import Entry, save_sheet, submit_sheet
from monitoring.models import Tranche
from monitoring.services.projects import (
    TrancheRow,
    create_projects,
    record_payment,
    save_agreement,
    sign_agreement,
)
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
            email, role, affiliation = COMMISSION_INVITEE
            invitee = {"user": None, "email": email, "role": role, "affiliation": affiliation}
            if phase == "closed":
                opens, closes, announced = now - 40 * day, now - 5 * day, now - 41 * day
            elif phase in ("admission", "scoring", "results", "final"):
                # Bids are submitted while it is open; its deadline then passes (below).
                opens, closes, announced = now - 40 * day, now + 2 * day, now - 41 * day
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
                    # No account: an invitation (e-mailed), waiting on the draft.
                    *([invitee] if phase == "draft" else []),
                ],
                by=officer,
            )
            if phase != "draft":
                publish_call(call, by=officer, now=announced)
        self._seed_bids()
        self._seed_admission()
        self._seed_scoring()
        self._seed_results()
        self._seed_final()

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
            Competition.objects.filter(pk=call.pk).update(
                results_published_at=call.results_published_at - back,
                closes_at=call.closes_at - back,
            )
            CallEvaluation.objects.filter(competition=call).update(
                closed_at=F("closed_at") - back,
                approved_at=F("approved_at") - back,
                meeting_on=timezone.localdate() - back,
            )
            finalize_due_calls()
        self._seed_projects(call)

    def _seed_projects(self, call) -> None:
        """The final call's selected bid is a project under way: its agreement signed
        two days ago and the first tranche (on signing) paid; its milestones start
        with the call's implementation period."""
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

    def _evaluated(self, stage, bids, story, meeting, reduction):
        """The demo call of `stage` taken through evaluation with the services: `bids`
        ((INN, title, scores by role) each) submitted, admitted and scored by every seat,
        the scoring closed, `reduction` ((INN, amount, reason) or None) recorded, the
        meeting held and the results approved by the chair."""
        call = self._call_past_deadline(stage, bids, story, submitted_days_ago=12)
        if call.stage not in ("", "scoring", "deliberation"):
            return call
        seats = {s.role: s for s in call.commission.select_related("user")}
        secretary = seats["secretary"].user
        submissions = {
            inn: call.bids.get(organization__inn=inn).submissions.get(status="active")
            for inn, _title, _scores in bids
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
                for inn, _title, scores in bids:
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
