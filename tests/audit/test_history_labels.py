"""UX item 3: the history speaks the reader's language and records only real changes."""

from __future__ import annotations

import pytest
from django.template import Context, Template
from django.utils import timezone, translation

from audit.models import AuditEvent
from competitions.services.calls import CALL_FIELDS, save_draft
from tests.competitions.conftest import make_call

pytestmark = pytest.mark.django_db


def _same_form_data(call):
    """What the call form sends for an unchanged call: times typed in Bishkek time."""
    data = {f: getattr(call, f) for f in CALL_FIELDS if hasattr(call, f)}
    for key in ("opens_at", "closes_at"):
        data[key] = timezone.localtime(data[key])
    return {k: v for k, v in data.items() if k not in {"municipality"}}


def test_saving_a_call_unchanged_records_no_change(cast):
    call = make_call(cast)
    kwargs = {
        "call": call,
        "data": _same_form_data(call),
        "problems": list(call.problems.all()),
        "criteria": [
            {"title": c.title, "weight": c.weight, "max_score": c.max_score, "guidance": c.guidance}
            for c in call.criteria.all()
        ],
        "commission": [
            {"user": m.user, "role": m.role, "affiliation": m.affiliation}
            for m in call.commission.all()
        ],
        "by": cast.officer_a,
    }
    save_draft(cast.municipality_a, **kwargs)  # the factory's row, normalised once
    call.refresh_from_db()
    recorded = AuditEvent.objects.filter(action="call.updated").count()
    kwargs["call"], kwargs["data"] = call, _same_form_data(call)
    save_draft(cast.municipality_a, **kwargs)
    new = AuditEvent.objects.filter(action="call.updated").order_by("-id")
    assert new.count() == recorded, new.first().changes


HISTORY = Template(
    "{% load audit_tags %}{% for field, old, new in e.changes %}"
    "{{ field|field_label:e.object_type }}: {% value_label field old e.object_type %} → "
    "{% value_label field new e.object_type %}|{% endfor %}"
)


def test_fields_values_and_times_read_as_words_in_the_readers_language(cast):
    call = make_call(cast)
    event = AuditEvent(
        object_type="competitions.competition",
        before={
            "civil_society_min_pct": 50,
            "status": "draft",
            "closes_at": "2026-12-31T12:00:00Z",
            "total_budget": "850000.00",
        },
        after={
            "civil_society_min_pct": 60,
            "status": "published",
            "closes_at": "2027-01-10T12:00:00Z",
            "total_budget": "900000.00",
        },
    )
    with translation.override("ru"):
        line = HISTORY.render(Context({"e": event}))
    assert "civil_society_min_pct" not in line
    assert "published" not in line and "draft" not in line
    assert "объявлен" in line  # the status's label, not its key
    assert "31.12.2026 18:00" in line  # Bishkek time, not ISO UTC
    assert "T12:00:00Z" not in line
    # Money as the portal writes it; the field's label says the unit ("…, сом").
    assert "850000.00" not in line and "000,00" in line
    assert call.pk  # the event is about a real call type
