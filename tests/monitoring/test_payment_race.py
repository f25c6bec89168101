"""The paid total never exceeds the agreement, whoever records payments at the same
time. Officers' tabs in threads pay against the same tranche at once: the project
row's lock serialises them, so after each round no tranche is paid over its amount,
the paid total is within the agreement and is exactly the sum of the payments (no
update is lost), and the losers are refused with a message, never an error.

The project: 450 000 in tranches of 200 000, 150 000 and 100 000 (conftest `signed`),
its reports marked accepted so that the interim and final tranches may be paid.
"""

from __future__ import annotations

import threading
from decimal import Decimal

import pytest
from django.db import close_old_connections, connection
from django.db.models import Sum

from monitoring.exceptions import MonitoringError
from monitoring.models import Payment, Project, Tranche
from monitoring.services.projects import record_payment
from tests.monitoring.conftest import TODAY, accept_reports

THREADS = 3


def check_the_money(project) -> Decimal:
    """The invariant: each tranche within its amount, the paid total within the
    agreement and equal to the sum of the payments."""
    project = Project.objects.get(pk=project.pk)
    paid = Payment.objects.filter(tranche__project=project).aggregate(s=Sum("amount"))["s"]
    assert project.paid_total == (paid or Decimal("0"))
    assert project.paid_total <= project.amount
    for tranche in Tranche.objects.filter(project=project):
        on_it = tranche.payments.aggregate(s=Sum("amount"))["s"] or Decimal("0")
        assert on_it <= tranche.amount
    return project.paid_total


def officer(barrier, outcomes, errors, tranche_id, user, amount, reference):
    """One officer's tab: pay `amount` against the tranche."""
    try:
        barrier.wait()
        record_payment(
            Tranche.objects.get(pk=tranche_id),
            amount=amount,
            paid_on=TODAY,
            reference=reference,
            by=user,
        )
        outcomes.append("paid")
    except MonitoringError:
        outcomes.append("refused")
    except BaseException as exc:  # the main thread reports it
        errors.append(exc)
    finally:
        # The thread's own connection ends with it (the test database is dropped at
        # the end of the run, which open sessions would prevent).
        close_old_connections()
        connection.close()


@pytest.mark.skipif(connection.vendor != "postgresql", reason="needs real row locks")
@pytest.mark.django_db(transaction=True)
def test_concurrent_payments_never_pay_more_than_agreed(cast, signed):
    users = [cast.officer_a, cast.officer_a_weak, cast.site_admin]
    accept_reports(signed)  # every tranche is paid, the report-conditioned ones too
    # Each round every tab pays the same share of one tranche at once: with 40 % only
    # two fit, with 15 % of a tranche 80 % paid only one, … until every tranche is full.
    shares = [Decimal("0.4"), Decimal("0.4"), Decimal("0.15"), Decimal("0.05")]
    total_paid = Decimal("0")
    refused = 0
    for tranche in Tranche.objects.filter(project=signed).order_by("position"):
        for round_, share in enumerate(shares):
            amount = (tranche.amount * share).quantize(Decimal("1"))
            barrier = threading.Barrier(THREADS)
            outcomes: list[str] = []
            errors: list[BaseException] = []
            threads = [
                threading.Thread(
                    target=officer,
                    args=(
                        barrier,
                        outcomes,
                        errors,
                        tranche.pk,
                        users[k],
                        amount,
                        f"ПП-{tranche.position}-{round_}-{k}",
                    ),
                )
                for k in range(THREADS)
            ]
            for t in threads:
                t.start()
            for t in threads:
                t.join(30)
            assert not errors, errors
            assert len(outcomes) == THREADS
            refused += outcomes.count("refused")
            paid_now = check_the_money(signed)
            assert paid_now == total_paid + amount * outcomes.count("paid")
            total_paid = paid_now
        # Whatever the interleaving, each tranche ends up paid in full and not a som more.
        on_it = tranche.payments.aggregate(s=Sum("amount"))["s"]
        assert on_it == tranche.amount
    assert total_paid == signed.amount == Decimal("450000")
    assert refused > 0  # the race was real: some tabs lost it
    # The payments as recorded: no lost update of the paid total.
    assert Payment.objects.count() == THREADS * len(shares) * 3 - refused
