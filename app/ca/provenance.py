"""Where an issuance decision came from: the project (pinned per CA folder) and any override.

A CA folder can be pinned to the project it was approved for. The pin is the SHA-256 of the
project's canonical content, so re-saving or reformatting the file keeps it; the audit entries
also record the file's own SHA-256 (as `sha256sum` prints it) when the project came from one.
"""

from __future__ import annotations

import hashlib
import json
import sqlite3
from dataclasses import dataclass
from typing import Any

from app.ca.ledger import Ledger
from app.ca.records import AuditEntry, canonical_json
from models.certificate import CertificateType
from models.project import Project
from models.routing import Decision

PIN_KEY = "project_pin"  # meta: the pinned project, as `ProjectSource.to_json()`
PIN_ACTION = "pin-project"


@dataclass(frozen=True, slots=True)
class ProjectSource:
    """The project a decision was made from: what to call it and how to recognise it."""

    label: str  # a file path, "built-in example …" or "the document open in the app"
    digest: str  # SHA-256 of the project's canonical content: what a pin compares
    file_sha256: str | None = None  # SHA-256 of the file's bytes, when read from a file

    @classmethod
    def of(cls, project: Project, label: str, data: bytes | None = None) -> ProjectSource:
        """The source of `project`, read from `data` (a file's bytes) if it was."""
        content = canonical_json(project.model_dump(mode="json"))
        return cls(label, hashlib.sha256(content.encode("utf-8")).hexdigest(),
                   hashlib.sha256(data).hexdigest() if data is not None else None)

    def to_json(self) -> dict[str, Any]:
        return {"label": self.label, "digest": self.digest, "file_sha256": self.file_sha256}

    def describe(self) -> str:
        return f"{self.label} (digest {self.digest[:12]}…)"


def decision_detail(ctype: CertificateType, decision: Decision) -> dict[str, Any]:
    """Audit detail of how the type's workflow was decided: its rule, or a manual override."""
    detail: dict[str, Any] = {"rule": decision.rule, "override": decision.overridden}
    if decision.overridden and ctype.override is not None:
        detail["rule_workflow"] = decision.rule_workflow.value
        detail["override_justification"] = ctype.override.justification
    return detail


def pinned(ledger: Ledger) -> dict[str, Any] | None:
    """The pinned project (`ProjectSource.to_json()`), or None for an unpinned CA.

    A pin edited into something unreadable matches no project, and `verify` reports it.
    """
    value = ledger.meta(PIN_KEY)
    if value is None:
        return None
    try:
        return dict(json.loads(value))
    except (ValueError, TypeError):
        return {"label": "an unreadable pin", "digest": None, "file_sha256": None}


def pin(ledger: Ledger, conn: sqlite3.Connection, source: ProjectSource, *, at: str,
        actor: str, reason: str) -> None:
    """Pin the CA to `source` inside the caller's transaction, and log it."""
    previous = pinned(ledger)
    Ledger.set_meta(conn, PIN_KEY, canonical_json(source.to_json()))
    ledger.append(conn, at=at, actor=actor, action=PIN_ACTION, subject="ca", detail={
        "project": source.to_json(), "previous": previous, "reason": reason})


def pin_problems(entries: list[AuditEntry], stored: dict[str, Any] | None) -> list[str]:
    """The stored pin must be the one the latest `pin-project` entry set (for `verify`)."""
    logged = [e for e in entries if e.action == PIN_ACTION]
    if not logged:
        return [] if stored is None else ["the project pin was set without an audit entry"]
    latest = logged[-1]
    if stored != latest.detail.get("project"):
        return [f"the project pin was altered: audit entry {latest.seq} pinned "
                f"{latest.detail.get('project', {}).get('digest')}, the ledger now holds "
                f"{(stored or {}).get('digest')}"]
    return []
