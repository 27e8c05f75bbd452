"""CertificateType: one inventory row — the fields the router reads and its workflow design."""

from __future__ import annotations

from collections.abc import Iterable
from typing import NewType

from pydantic import BaseModel, ConfigDict, Field, field_validator

from models.enums import BlastRadius, CaKind, Identity, Purpose, Validity, Workflow
from models.excerpt import refuse_control_characters
from models.issuance_policy import IssuanceProfileSettings

TypeId = NewType("TypeId", str)

_FROZEN = ConfigDict(frozen=True, extra="forbid", str_strip_whitespace=True,
                     allow_inf_nan=False)


def notice_schedule(days: Iterable[int]) -> tuple[int, ...]:
    """Renewal-notice days, largest first and each once; ValueError unless all are positive."""
    days = tuple(days)
    if any(day <= 0 for day in days):
        raise ValueError("days before expiry must be positive")
    return tuple(sorted(set(days), reverse=True))


class CombinedDesign(BaseModel):
    """The five components of the combined workflow for one type (ROUTING-RULES.md)."""

    model_config = _FROZEN

    policy_definition: str = Field(
        "Profile: allowed SAN patterns, key types and sizes, validity, extensions, CA",
        description="Which names, keys, validity, extensions and CA the profile allows.",
    )
    identity_method: str = Field(
        "ACME DNS-01", description="How the service proves its identity to the issuer."
    )
    issuance_api: str = Field("ACME", description="The interface the service requests through.")
    delivery: str = Field(
        "Kubernetes Secret", description="How the issued certificate reaches the service."
    )
    renewal: str = Field(
        "cert-manager (self-monitoring)", description="What renews it before expiry."
    )


class AdminDesign(BaseModel):
    """The five components of the admin-mediated workflow for one type (ROUTING-RULES.md)."""

    model_config = _FROZEN

    catalogue_channel: str = Field(
        "ServiceNow catalogue form", description="Where the request is raised."
    )
    approver_roles: tuple[str, ...] = Field(
        ("Team lead",), description="Roles that approve; each approval is by one of these roles."
    )
    approvals_required: int = Field(1, ge=1, le=9, description="Approvals needed to fulfil.")
    approval_criteria: tuple[str, ...] = Field(
        (), description="What each approver must verify; empty means a rubber stamp."
    )
    validation: str = Field(
        "Operations team validates and issues",
        description="Validation and fulfilment, incl. vetting for high assurance.",
    )
    delivery: str = Field(
        "Delivered to the requester; acknowledgement opens renewal tracking",
        description="Delivery and acknowledgement.",
    )
    notice_days: tuple[int, ...] = Field(
        (90, 30, 7), description="Renewal notices, days before expiry."
    )
    # INDUSTRY-RULES.md: a renewal ticket must be approved and fulfilled inside its lead time.
    approval_sla_days: float = Field(
        3, ge=0, le=365, description="Days the approvers may take to decide a request."
    )
    fulfilment_days: float = Field(
        2, ge=0, le=365, description="Days from approval to a delivered certificate."
    )

    @field_validator("approver_roles", "approval_criteria")
    @classmethod
    def _drop_blank(cls, values: tuple[str, ...]) -> tuple[str, ...]:
        return tuple(v.strip() for v in values if v.strip())

    @field_validator("notice_days")
    @classmethod
    def _notice_days_positive_descending(cls, days: tuple[int, ...]) -> tuple[int, ...]:
        return notice_schedule(days)


class Override(BaseModel):
    """A manual override of the rule's decision; never valid without a written justification."""

    model_config = _FROZEN

    workflow: Workflow
    justification: str = Field(min_length=10, description="Why the rule's decision is wrong.")


class CertificateType(BaseModel):
    """A certificate type in the organisation's inventory."""

    model_config = _FROZEN

    id: TypeId = Field(min_length=1, max_length=64, pattern=r"^[A-Za-z0-9_.-]+$")
    name: str = Field(min_length=1, max_length=200, description="Name of the certificate type.")
    purpose: Purpose = Field(description="What the certificate is for.")
    ca: CaKind = Field(description="Public or private CA.")
    validity: Validity = Field(description="short ≤ 90 d · medium 91–397 d · long > 397 d.")
    identity: Identity = Field(description="How well the service proves its identity.")
    blast_radius: BlastRadius = Field(description="Damage from a mis-issuance.")
    annual_volume: int | None = Field(None, ge=0, le=10**9,
                                      description="Issuances per year.")
    live_certificates: int | None = Field(
        None, ge=0, le=10**9,
        description="Certificates of this type live at once; renewals then follow from the "
        "validity on each date (without it the annual volume stands).",
    )
    integration_hours: float | None = Field(
        None, ge=0, le=1e7,
        description="One-off effort to put this type on the combined workflow."
    )
    policy_implications: bool = Field(
        False, description="New domain, CA relationship, compliance scope or third-party trust."
    )
    as_is_workflow: Workflow | None = Field(None, description="How this type is issued today.")
    owner: str = Field("", max_length=200, description="Who owns this certificate type.")
    combined: CombinedDesign = Field(default_factory=CombinedDesign)
    admin: AdminDesign = Field(default_factory=AdminDesign)
    override: Override | None = None
    # SPEC.md §3: the issuance profile is derived from the fields above; these are its edits.
    profile: IssuanceProfileSettings | None = Field(
        None, description="Edits to the issuance profile derived from this type's fields."
    )

    # Names and owners are printed by `route` and copied into every export: no newlines or
    # terminal escapes that could forge lines there (docs/reliability.md).
    _plain_name = field_validator("name", "owner")(refuse_control_characters)
