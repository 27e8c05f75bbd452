"""ProfilePanel: the type chosen for test issuance, its routing decision and issuance profile."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QComboBox,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from app.gui.palette import WORKFLOW_TONE
from app.gui.widgets import heading, set_badge, wrapped_label
from models.certificate import CertificateType
from models.enums import Workflow
from models.industry_rules import LimitKind
from models.issuance_policy import IssuanceProfile
from models.legal_identity import SHORT_NAMES, missing_identity, subject_attributes
from models.name_constraints import name_constraints
from models.routing import Decision
from models.validation_types import IdentityNeed


def describe_profile(ctype: CertificateType, profile: IssuanceProfile,
                     workflow: Workflow | None = None) -> str:
    """The profile and how the type's certificates are approved and renewed on `workflow` (the
    route its decision takes; None: the admin-mediated design, which an override can use)."""
    keys = ", ".join(f"{k.kind.value.upper()} ≥ {k.min_size}" for k in profile.key_types)
    if profile.issues_ca:
        lines = describe_subordinate_ca(profile)
    else:
        lines = [
            "SAN patterns: " + (", ".join(profile.san_patterns) or "no DNS names"),
            "Wildcards: " + ("allowed" if profile.allow_wildcards else "not allowed"),
        ]
        rule = describe_email_rule(profile)
        lines += [rule] if rule else []
    rule = describe_cn_rule(profile)
    lines += [rule] if rule else []
    lines += [
        f"Keys: {keys}",
        f"Validity: at most {profile.max_validity_days} days" + (
            f" on {profile.as_of.isoformat()}: {profile.validity_reason}"
            if profile.as_of and profile.validity_limited_by is not LimitKind.CLASS
            else f" ({ctype.validity.value} class)"),
        "Extended key usage: " + (", ".join(e.value for e in profile.ekus) or "none"),
    ]
    lines += describe_validation(profile)
    if not profile.issuable:
        lines.append("Not issuable by the local test CA (it would create a new issuer).")
    if workflow is Workflow.COMBINED:  # no person approves: the profile is the control
        combined = ctype.combined
        lines.append(f"Approval: none: issued at once against this profile "
                     f"({combined.identity_method} proves the requester)")
        lines.append(f"Renewal: automated ({combined.renewal})")
        return "\n".join(lines)
    admin = ctype.admin
    lines.append(f"Approval: {admin.approvals_required} of "
                 f"{', '.join(admin.approver_roles)}; criteria: "
                 + ("; ".join(admin.approval_criteria) or "none (rubber stamp)"))
    lines.append("Renewal notices: " + ", ".join(f"{d} d" for d in admin.notice_days))
    return "\n".join(lines)


def describe_validation(profile: IssuanceProfile) -> list[str]:
    """The validation type, its policy OID, and the organisation identity its subject names
    (or what the project lacks for it); nothing for a CA certificate or an old profile."""
    validation = profile.validation
    if validation is None or profile.issues_ca:
        return []
    lines = [f"Validation: {validation.label}; policy {validation.policy_oid}"]
    if validation.identity is IdentityNeed.NONE:
        return lines
    missing = missing_identity(profile.organisation, validation)
    if missing:
        return [*lines, "Subject organisation: missing " + ", ".join(missing)
                + " (Edit ▸ Organisation details…): the CA refuses this type until it is set"]
    attrs = subject_attributes(profile.organisation, validation, None)
    return [*lines, "Subject organisation: " + ", ".join(
        f"{SHORT_NAMES.get(oid, oid)}={value}" for oid, value in attrs)]


def describe_subordinate_ca(profile: IssuanceProfile) -> list[str]:
    """What a CA-signing type's certificate is, and the name constraints its patterns give."""
    constraints = name_constraints(profile.san_patterns, profile.email_patterns)
    lines = ["Issued as a subordinate CA signed by the root: CA, path length 0, signs "
             "certificates and CRLs"]
    if not constraints.complete:
        return [*lines, "Name constraints: cannot be made, so it is not issued: "
                + "; ".join(m for _, m in constraints.problems())]
    parts = [f"{kind} {', '.join(subtrees) or 'none'}" for kind, subtrees in (
        ("DNS", constraints.dns), ("email", constraints.email))]
    return [*lines, "Name constraints: " + "; ".join(parts)
            + "; no IP addresses or URIs"]


def describe_cn_rule(profile: IssuanceProfile) -> str | None:
    """The common-name line of the profile (`models.issuance_policy`'s CN check in words).

    None where no rule applies: a type the test CA does not issue, or a profile frozen into a
    request before common-name rules existed.
    """
    patterns = profile.cn_patterns
    if patterns is None or not profile.issuable:
        return None
    shown = ", ".join(patterns)
    if profile.requires_dns_name:  # the CN may be left out; if given, it repeats a DNS name
        return "Common name: optional, one of the DNS names" + (f" matching {shown}"
                                                                if patterns else "")
    if profile.email_patterns and not profile.issues_ca:  # an email SAN can name the subject
        if not patterns:
            return "Common name: none allowed; the email address names the subject"
        need = "optional" if profile.requires_email else "required without an email address"
        # S/MIME BR §7.1.4.2.1: a mailbox in the subject repeats one of the email SANs.
        return (f"Common name: {need}, matching {shown} (a mailbox must also be one of the "
                "email addresses)")
    if not patterns:
        return "Common name: required, but no pattern allows one (add a common-name pattern)"
    return f"Common name: required, matching {shown}"


def describe_email_rule(profile: IssuanceProfile) -> str | None:
    """The email-address line of the profile; None for a type that names no mailboxes."""
    patterns = profile.email_patterns
    if not patterns and not profile.requires_email:
        return None
    if not patterns:
        return "Email addresses: required, but no pattern allows one (add an email pattern)"
    need = "required, at least one" if profile.requires_email else "optional"
    return f"Email addresses: {need}, matching {', '.join(patterns)}"


class ProfilePanel(QGroupBox):
    """Type chooser, workflow badge, decision and profile; it shows what it is given."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__("Certificate type", parent)
        layout = QVBoxLayout(self)
        self.type_combo = QComboBox()
        self._offered: list[tuple[str, str]] = []
        self.badge = QLabel()
        self.badge.setAlignment(Qt.AlignmentFlag.AlignLeft)
        self.decision_label = wrapped_label()
        self.profile_text = wrapped_label(muted=True)
        self.edit_button = QPushButton("Edit profile…")
        self.edit_button.setToolTip("Names, keys, validity, usages and validation type of this "
                                    "type (Edit ▸ Issuance profile of the type…)")
        title = QHBoxLayout()
        title.addWidget(heading("Issuance profile", level=2))
        title.addStretch(1)
        title.addWidget(self.edit_button)
        layout.addWidget(self.type_combo)
        layout.addWidget(self.badge, 0, Qt.AlignmentFlag.AlignLeft)
        layout.addWidget(self.decision_label)
        layout.addLayout(title)
        layout.addWidget(self.profile_text)
        layout.addStretch(1)

    def set_types(self, types: Any) -> None:
        """Offer `types` (name shown, id as data), keeping the current choice if it remains."""
        current = self.type_combo.currentData()
        self._offered = [(ctype.id, ctype.name) for ctype in types]
        self.type_combo.blockSignals(True)
        self.type_combo.clear()
        for ctype in types:
            self.type_combo.addItem(ctype.name, ctype.id)
        self.type_combo.setCurrentIndex(max(self.type_combo.findData(current), 0))
        self.type_combo.blockSignals(False)

    def offered(self) -> list[tuple[str, str]]:
        """(id, name) of each type the chooser offers, in order (kept on the Python side:
        reading 5,000 items back from the combo box took longer than a frame)."""
        return self._offered

    def show_type(self, ctype: CertificateType, decision: Decision,
                  profile: IssuanceProfile) -> None:
        set_badge(self.badge, decision.workflow.value.upper(), WORKFLOW_TONE[decision.workflow])
        self.badge.show()
        self.edit_button.setEnabled(True)
        self.decision_label.setText(f"{decision.label}: {decision.rationale}")
        self.profile_text.setText(describe_profile(ctype, profile, decision.workflow))

    def show_no_type(self) -> None:
        self.edit_button.setEnabled(False)
        self.badge.hide()
        self.decision_label.setText("No certificate types in the project.")
        self.profile_text.clear()
