"""Monitoring's tables: a project with its agreement, tranches and payments, the
milestones and indicators it follows."""

from monitoring.models.projects import (
    AgreementAmendment,
    IndicatorValue,
    Milestone,
    Payment,
    Project,
    ProjectIndicator,
    Tranche,
)

__all__ = [
    "AgreementAmendment",
    "IndicatorValue",
    "Milestone",
    "Payment",
    "Project",
    "ProjectIndicator",
    "Tranche",
]
