"""What replacing a project with an imported one would drop: types, overrides, approvers, …

A routing matrix carries each type's inputs only; the workflow designs, overrides and profile
edits live in the project. `certroute import -o EXISTING` compares the existing project with
the one it would write and names what would not be carried over.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

from models.certificate import CertificateType
from models.project import Project

SHOWN_IDS = 5

# (what is lost, how to read it from a type), compared between types with the same id.
_TYPE_PARTS: tuple[tuple[str, Callable[[CertificateType], object]], ...] = (
    ("overrides and their justifications", lambda t: t.override),
    ("approver roles", lambda t: t.admin.approver_roles),
    ("approvals required", lambda t: t.admin.approvals_required),
    ("approval criteria", lambda t: t.admin.approval_criteria),
    ("renewal-notice days", lambda t: t.admin.notice_days),
    ("other admin-mediated design (catalogue, validation, delivery)",
     lambda t: (t.admin.catalogue_channel, t.admin.validation, t.admin.delivery)),
    ("combined-workflow design", lambda t: t.combined),
    ("issuance-profile edits", lambda t: t.profile),
)


def _ids(ids: Sequence[str]) -> str:
    shown = ", ".join(ids[:SHOWN_IDS])
    more = len(ids) - SHOWN_IDS
    return f"{len(ids)} type(s): {shown}" + (f" and {more} more" if more > 0 else "")


def not_carried_over(old: Project, new: Project, *, settings_carried: bool) -> list[str]:
    """One phrase per kind of content `old` holds that `new` does not; empty when none.

    Args:
        settings_carried: the source carried the organisation, cost inputs and scores (a
            workbook does, a CSV does not): then a difference there is an edit, not a loss.
    """
    lost: list[str] = []
    kept = {t.id: t for t in new.types}
    missing = [t.id for t in old.types if t.id not in kept]
    if missing:
        lost.append(f"types missing from the matrix ({_ids(missing)})")
    for what, part in _TYPE_PARTS:
        changed = [t.id for t in old.types
                   if t.id in kept and part(t) != part(kept[t.id]) and part(t) is not None]
        if changed:
            lost.append(f"{what} ({_ids(changed)})")
    if old.as_of != new.as_of:  # neither a CSV nor the workbook's Inputs sheet carries it
        lost.append(f"the as-of date ({old.as_of.isoformat()})")
    if settings_carried:
        return lost
    for what, differs in (("the organisation's settings", old.organisation != new.organisation),
                          ("the cost inputs", old.cost != new.cost),
                          ("the assessment scores", old.assessment != new.assessment)):
        if differs:
            lost.append(what)
    return lost
