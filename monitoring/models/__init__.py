"""Monitoring's tables: a project with its agreement, tranches and payments, the
milestones and indicators it follows, the organisation's progress reports and the
officers' site visits."""

from monitoring.models.projects import (
    AgreementAmendment,
    IndicatorValue,
    Milestone,
    Payment,
    Project,
    ProjectIndicator,
    Tranche,
)
from monitoring.models.reports import ProgressReport, ReportFile, ReportVersion
from monitoring.models.visits import SiteVisit, VisitPhoto

__all__ = [
    "AgreementAmendment",
    "IndicatorValue",
    "Milestone",
    "Payment",
    "ProgressReport",
    "Project",
    "ProjectIndicator",
    "ReportFile",
    "ReportVersion",
    "SiteVisit",
    "Tranche",
    "VisitPhoto",
]
