"""OCDS 1.1 releases of a call, built from what the portal publishes at that moment.

One contracting process per announced call (ocid `<OCDS_OCID_PREFIX>-<call id>`), a
release per stage, each with an id made of the stage and its date, so the same data
always gives the same id and a changed stage gives a new one:

- planning (announcement): the priority problems the call answers, the programme, the
  call's budget;
- tender (announcement, or the last amendment; a cancelled call's cancellation): the
  call's conditions, never a bid;
- tenderUpdate (the deadline): the applicants and their number, as the call page lists
  them after the deadline;
- award (results published): the selected bids, pending while appeals may be filed,
  active once the results are final;
- contract (signed), implementation (milestones, payments) per signed agreement.

Nothing here reads the clock but `now`, and nothing is shown that the public call,
results and project pages do not show (docs/opendata.md lists what is withheld).
"""

from __future__ import annotations

import datetime
from decimal import Decimal
from typing import Any

from django.urls import reverse
from django.utils import timezone

from applications.models import Organization
from competitions.models import Competition, Municipality
from evaluation.models import BidResult
from monitoring.models import Milestone, Project
from municipal_order.lib.dates import BISHKEK
from opendata.selectors import ocid_for

LANGUAGE = "ru"
CURRENCY = "KGS"
COUNTRY = "Кыргызская Республика"
DATA_LICENSE = "https://creativecommons.org/licenses/by/4.0/"
OCDS_VERSION = "1.1"

Json = dict[str, Any]

# The portal's statuses in OCDS's closed codelists.
MILESTONE_STATUS = {
    Milestone.Status.PLANNED: "scheduled",
    Milestone.Status.UNDER_WAY: "scheduled",
    Milestone.Status.DONE: "met",
}
CONTRACT_STATUS = {
    Project.Status.ACTIVE: "active",
    # OCDS's "terminated" is any signed contract that has come to a close.
    Project.Status.COMPLETED: "terminated",
    Project.Status.TERMINATED: "terminated",
}


def rfc3339(moment: datetime.datetime) -> str:
    return moment.astimezone(datetime.UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def day_start(day: datetime.date) -> datetime.datetime:
    return datetime.datetime.combine(day, datetime.time(), tzinfo=BISHKEK)


def day_end(day: datetime.date) -> datetime.datetime:
    return datetime.datetime.combine(day, datetime.time(23, 59, 59), tzinfo=BISHKEK)


def _number(amount: Decimal) -> int | float:
    # Amounts are numbers in OCDS; whole soms stay integers (no "450000.0").
    return int(amount) if amount == amount.to_integral_value() else float(amount)


def money(amount: Decimal) -> Json:
    return {"amount": _number(amount), "currency": CURRENCY}


def _stamp(moment: datetime.datetime) -> str:
    return moment.astimezone(datetime.UTC).strftime("%Y%m%dT%H%M%SZ")


# --- parties ----------------------------------------------------------------------


def buyer_id(municipality: Municipality) -> str:
    return f"municipality-{municipality.code}"


def supplier_id(organization: Organization) -> str:
    return f"organization-{organization.pk}"


def _buyer_ref(call: Competition) -> Json:
    return {"id": buyer_id(call.municipality), "name": call.municipality.name_ru}


def _org_ref(organization: Organization) -> Json:
    return {"id": supplier_id(organization), "name": organization.name_ru}


def _buyer_party(call: Competition, *roles: str) -> Json:
    """The municipality: its code (the portal's register of territories) and where it is."""
    m = call.municipality
    address: Json = {"region": m.region.name_ru, "countryName": COUNTRY}
    address["locality"] = m.district.name_ru if m.district is not None else m.name_ru
    return {
        **_buyer_ref(call),
        "identifier": {"id": m.code, "legalName": m.name_ru},
        "address": address,
        "roles": ["buyer", "procuringEntity", *roles],
    }


def _org_party(organization: Organization, *roles: str) -> Json:
    # The name only: the public pages show no INN, address or contact of an applicant.
    return {**_org_ref(organization), "roles": list(roles)}


# --- stages -----------------------------------------------------------------------


def _release(call: Competition, stage: str, date: datetime.datetime, tags: list[str]) -> Json:
    ocid = ocid_for(call)
    return {
        "ocid": ocid,
        "id": f"{ocid}-{stage}-{_stamp(date)}",
        "date": rfc3339(date),
        "tag": tags,
        "initiationType": "tender",
        "language": LANGUAGE,
    }


def _announced_at(call: Competition) -> datetime.datetime:
    # A published call always has published_at; rows made by hand may lack it.
    return call.published_at or call.created_at


def planning_release(call: Competition) -> Json:
    problems = call.public_problems  # type: ignore[attr-defined]
    programme = call.programme
    rationale = "\n".join(f"{p.title}: {p.description}" for p in problems)
    planning: Json = {
        "budget": {
            "id": f"programme-{programme.pk}",
            "description": (
                f"{programme.title} ({programme.start_year}–{programme.end_year}), "
                f"решение кенеша № {programme.kenesh_decision_number} "
                f"от {programme.kenesh_decision_date:%d.%m.%Y}"
            ),
            "amount": money(call.total_budget),
            "project": programme.title,
            "projectID": str(programme.pk),
        }
    }
    if rationale:
        planning["rationale"] = rationale
    release = _release(call, "planning", _announced_at(call), ["planning"])
    release.update(
        {"planning": planning, "buyer": _buyer_ref(call), "parties": [_buyer_party(call)]}
    )
    return release


def _tender_base(call: Competition) -> Json:
    criteria = list(call.criteria.all())
    return {
        "id": str(call.pk),
        "title": call.title,
        "description": call.goal,
        "value": money(call.total_budget),
        "procuringEntity": _buyer_ref(call),
        "procurementMethod": "open",
        "procurementMethodDetails": "Конкурс социального заказа (муниципальный)",
        "mainProcurementCategory": "services",
        "awardCriteria": "ratedCriteria",
        "awardCriteriaDetails": "; ".join(f"{c.title} — {c.weight}%" for c in criteria),
        "submissionMethod": ["electronicSubmission"],
        "tenderPeriod": {"startDate": rfc3339(call.opens_at), "endDate": rfc3339(call.closes_at)},
        "contractPeriod": {
            "startDate": rfc3339(day_start(call.implementation_start)),
            "endDate": rfc3339(day_end(call.implementation_end)),
        },
    }


def tender_release(call: Competition) -> Json:
    """The call as announced (amended): its conditions, nothing of a bid."""
    amendments = list(call.amendments.all())
    tender = _tender_base(call)
    if call.status == Competition.Status.CANCELLED and call.cancelled_at:
        tender["status"] = "cancelled"
        release = _release(call, "tender", call.cancelled_at, ["tenderCancellation"])
    else:
        tender["status"] = "active"
        date = max([_announced_at(call), *(a.created_at for a in amendments)])
        tags = ["tenderAmendment"] if amendments else ["tender"]
        release = _release(call, "tender", date, tags)
    if amendments:
        tender["amendments"] = [
            {"id": str(a.pk), "date": rfc3339(a.created_at), "rationale": a.reason}
            for a in amendments
        ]
    release.update({"tender": tender, "buyer": _buyer_ref(call), "parties": [_buyer_party(call)]})
    return release


def tenderers_release(call: Competition) -> Json:
    """At the deadline: who applied (the organisations of the submitted bids)."""
    organizations = [b.organization for b in call.submitted_bids]  # type: ignore[attr-defined]
    release = _release(call, "tenderers", call.closes_at, ["tenderUpdate"])
    release["tender"] = {
        "id": str(call.pk),
        "status": "active",
        "numberOfTenderers": len(organizations),
        "tenderers": [_org_ref(o) for o in organizations],
    }
    release["parties"] = [_org_party(o, "tenderer") for o in organizations]
    return release


def _selected(call: Competition) -> list[BidResult]:
    evaluation = getattr(call, "evaluation", None)
    if evaluation is None:
        return []
    return [r for r in evaluation.all_results if r.status == BidResult.Status.SELECTED]


def award_id(result: BidResult) -> str:
    return f"award-{result.pk}"


def _award(result: BidResult, status: str, date: str) -> Json:
    return {
        "id": award_id(result),
        "title": result.submission.content.get("title", "") or None,
        "status": status,
        "date": date,
        "value": money(result.awarded or result.approved or result.requested),
        "suppliers": [_org_ref(result.submission.bid.organization)],
    }


def award_release(call: Competition) -> Json:
    """The selected bids once the results are published, pending: an appeal may still
    change them (they become active in `award_final_release`). A corrected edition of
    the results is a new release, dated by its last change, in which a bid selected
    before and no longer is a cancelled award."""
    evaluation = call.evaluation  # releases_for checked it is there
    assert call.results_published_at is not None
    changes = evaluation.all_changes  # type: ignore[attr-defined]
    date = max([call.results_published_at, *(c.created_at for c in changes)])
    once_selected = {
        c.submission_id for c in changes if c.before.get("status") == BidResult.Status.SELECTED
    }
    selected = _selected(call)
    dropped = [
        r
        for r in evaluation.all_results  # type: ignore[attr-defined]
        if r.submission_id in once_selected and r.status != BidResult.Status.SELECTED
    ]
    awards = [_award(r, "pending", rfc3339(call.results_published_at)) for r in selected]
    awards += [_award(r, "cancelled", rfc3339(date)) for r in dropped]
    release = _release(call, f"award-{evaluation.edition}", date, ["award", "tenderUpdate"])
    release["tender"] = {"id": str(call.pk), "status": "complete" if selected else "unsuccessful"}
    release["awards"] = awards
    release["parties"] = [
        _org_party(r.submission.bid.organization, "tenderer", "supplier") for r in selected
    ] + [_org_party(r.submission.bid.organization, "tenderer") for r in dropped]
    return release


def award_final_release(call: Competition) -> Json:
    """The results are final (the appeal window is over, every appeal decided): the
    awards come into force. Dated at the end of the appeal window, the first moment
    they could."""
    assert call.results_published_at is not None
    changes = call.evaluation.all_changes  # type: ignore[attr-defined]
    date = max(
        [call.appeal_deadline or call.results_published_at, call.results_published_at]
        + [c.created_at for c in changes]
    )
    release = _release(call, "award-final", date, ["awardUpdate"])
    release["awards"] = [{"id": award_id(r), "status": "active"} for r in _selected(call)]
    return release


def _signed_at(project: Project) -> datetime.datetime:
    assert project.signed_on is not None
    return day_start(project.signed_on)


def _contract_base(project: Project) -> Json:
    result = getattr(project.submission, "result", None)
    return {
        "id": project.number,
        "awardID": award_id(result) if result is not None else project.number,
        "title": project.title,
        "status": CONTRACT_STATUS[Project.Status(project.status)],
        "value": money(project.amount),
        "period": {
            "startDate": rfc3339(day_start(project.starts_on)),
            "endDate": rfc3339(day_end(project.ends_on)),
        },
        "dateSigned": rfc3339(_signed_at(project)),
    }


def contract_release(call: Competition, project: Project) -> Json:
    contract = _contract_base(project)
    if project.goal:
        contract["description"] = project.goal
    release = _release(call, f"contract-{project.pk}", _signed_at(project), ["contract"])
    release["contracts"] = [contract]
    release["parties"] = [_org_party(project.organization, "tenderer", "supplier")]
    return release


def implementation_release(call: Competition, project: Project) -> Json | None:
    """Milestones and the money paid, dated by the latest change of either."""
    milestones = list(project.milestones.all())
    payments = [p for t in project.tranches.all() for p in t.payments.all()]
    if not milestones and not payments:
        return None
    payee = _org_ref(project.organization)
    transactions = [
        {
            "id": f"payment-{p.pk}",
            "date": rfc3339(day_start(p.paid_on)),
            "value": money(p.amount),
            "payer": _buyer_ref(call),
            "payee": payee,
        }
        for p in sorted(payments, key=lambda p: (p.paid_on, p.pk))
    ]
    implementation: Json = {
        "milestones": [
            {
                "id": f"milestone-{m.pk}",
                "title": m.activity,
                "description": m.result or None,
                "type": "delivery",
                "dueDate": rfc3339(day_end(m.ends_on)),
                "status": MILESTONE_STATUS[Milestone.Status(m.status)],
            }
            for m in milestones
        ],
        "transactions": transactions,
    }
    dates = [_signed_at(project), project.updated_at, *(p.recorded_at for p in payments)]
    release = _release(call, f"implementation-{project.pk}", max(dates), ["implementation"])
    release["contracts"] = [{"id": project.number, "awardID": _contract_base(project)["awardID"]}]
    release["contracts"][0]["status"] = CONTRACT_STATUS[Project.Status(project.status)]
    release["contracts"][0]["implementation"] = implementation
    release["parties"] = [
        _buyer_party(call, "payer"),
        _org_party(project.organization, "tenderer", "supplier", "payee"),
    ]
    return release


def releases_for(call: Competition, *, now: datetime.datetime | None = None) -> list[Json]:
    """Every release of the call public at `now`, oldest first."""
    phase = call.phase_at(now or timezone.now())
    releases = [planning_release(call), tender_release(call)]
    if phase.is_closed:  # past the deadline, not cancelled
        releases.append(tenderers_release(call))
    evaluation = getattr(call, "evaluation", None)
    if (
        phase.results_published
        and call.results_published_at is not None
        and evaluation is not None
        and evaluation.edition
    ):
        releases.append(award_release(call))
        if phase.is_final:
            releases.append(award_final_release(call))
            for project in call.signed_projects:  # type: ignore[attr-defined]
                releases.append(contract_release(call, project))
                implementation = implementation_release(call, project)
                if implementation is not None:
                    releases.append(implementation)
    # Stable: releases of the same instant keep the order of the stages.
    releases.sort(key=lambda r: r["date"])
    return [_without_nulls(r) for r in releases]


def _without_nulls(value: Any) -> Any:
    if isinstance(value, dict):
        return {k: _without_nulls(v) for k, v in value.items() if v is not None}
    if isinstance(value, list):
        return [_without_nulls(v) for v in value]
    return value


# --- packages ---------------------------------------------------------------------


def call_uri(site_url: str, call: Competition) -> str:
    return site_url + reverse("competitions:call_detail", args=[call.pk])


def package_meta(uri: str, publisher: Json, published: datetime.datetime) -> Json:
    return {
        "uri": uri,
        "version": OCDS_VERSION,
        "publishedDate": rfc3339(published),
        "publisher": publisher,
        "license": DATA_LICENSE,
    }
