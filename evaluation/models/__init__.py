"""Evaluation's tables, one module per step: admission, the commission's declarations,
score sheets, then the results with their corrections and appeals."""

from evaluation.models.admission import Admission, ClarificationFile, ClarificationRequest
from evaluation.models.appeals import Appeal, AppealFile
from evaluation.models.declarations import ConfidentialityDeclaration, ConflictDeclaration
from evaluation.models.results import BidResult, CallEvaluation, ResultChange
from evaluation.models.scoring import Score, ScoreSheet

__all__ = [
    "Admission",
    "Appeal",
    "AppealFile",
    "BidResult",
    "CallEvaluation",
    "ClarificationFile",
    "ClarificationRequest",
    "ConfidentialityDeclaration",
    "ConflictDeclaration",
    "ResultChange",
    "Score",
    "ScoreSheet",
]
