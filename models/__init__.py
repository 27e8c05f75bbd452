"""Certroute's domain core: pure Python, no Qt. Re-exports the public names."""

from models.certificate import AdminDesign, CertificateType, CombinedDesign, Override, TypeId
from models.cost import SCALE_PRESETS, CostBreakdown, CostInputs, Scale, compute_costs
from models.enums import (
    BlastRadius,
    CaKind,
    Identity,
    Purpose,
    ReasonCode,
    Tolerance,
    Validity,
    Workflow,
)
from models.evaluation import Evaluation, evaluate
from models.project import Organisation, Project
from models.routing import RULES, Decision, route

__all__ = [
    "RULES",
    "SCALE_PRESETS",
    "AdminDesign",
    "BlastRadius",
    "CaKind",
    "CertificateType",
    "CombinedDesign",
    "CostBreakdown",
    "CostInputs",
    "Decision",
    "Evaluation",
    "Identity",
    "Organisation",
    "Override",
    "Project",
    "Purpose",
    "ReasonCode",
    "Scale",
    "Tolerance",
    "TypeId",
    "Validity",
    "Workflow",
    "compute_costs",
    "evaluate",
    "route",
]
