"""Errors of the CA service: one-line messages the CLI and the Issue tab show as they are."""

from __future__ import annotations

from collections.abc import Sequence

from models.issuance_policy import Violation


class CaError(Exception):
    """A CA operation that cannot be done; the message is one line for the user."""


class Refused(CaError):
    """An attempt the workflow forbids; it is written to the audit log before it is raised."""


class PolicyRefused(Refused):
    """A CSR the type's profile forbids; carries every violation, not only the first."""

    def __init__(self, violations: Sequence[Violation]) -> None:
        self.violations = tuple(violations)
        super().__init__(f"{len(self.violations)} policy violation(s): "
                         + "; ".join(v.message for v in self.violations))
