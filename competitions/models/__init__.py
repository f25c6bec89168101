"""The competitions app's models, one module per sub-domain.

Import them from here (`from competitions.models import Competition`): the split
into modules is an internal matter.
"""

from competitions.models.calls import (
    Amendment,
    CommissionMember,
    Competition,
    CompetitionQuerySet,
    Criterion,
    Question,
)
from competitions.models.commission import CommissionInvitation
from competitions.models.problems import (
    PriorityProblem,
    ProblemComment,
    ProblemQuerySet,
    ProblemSupport,
    Programme,
    ProgrammeYear,
)
from competitions.models.staff import MinistryStaff, MunicipalStaff
from competitions.models.territories import (
    District,
    LegalForm,
    Municipality,
    MunicipalityQuerySet,
    Region,
    Sphere,
    TargetGroup,
)

__all__ = [
    "Amendment",
    "CommissionInvitation",
    "CommissionMember",
    "Competition",
    "CompetitionQuerySet",
    "Criterion",
    "District",
    "LegalForm",
    "MinistryStaff",
    "MunicipalStaff",
    "Municipality",
    "MunicipalityQuerySet",
    "PriorityProblem",
    "ProblemComment",
    "ProblemQuerySet",
    "ProblemSupport",
    "Programme",
    "ProgrammeYear",
    "Question",
    "Region",
    "Sphere",
    "TargetGroup",
]
