"""The ACME tables held against the audit chain: `ca verify` names an order, account, EAB key
or challenge whose row says other than the CA's own log of it (edited in SQLite)."""

from __future__ import annotations

import json
from typing import Any

from app.ca.ledger import Ledger

# audit subject prefix -> (table, key column, the columns each entry vouches for)
_SUBJECTS = {"acme order ": "order", "acme account ": "account", "eab ": "eab",
             "acme challenge ": "challenge"}


def _expected(entries: list[tuple[str, str, str]]) -> dict[tuple[str, str], dict[str, Any]]:
    """(kind, key) -> the columns the log vouches for, from (action, subject, detail)."""
    state: dict[tuple[str, str], dict[str, Any]] = {}
    for action, subject, text in entries:
        kind = next((k for p, k in _SUBJECTS.items() if subject.startswith(p)), None)
        if kind is None:
            continue
        key = subject.split(" ")[-1]
        detail = json.loads(text)
        row = state.setdefault((kind, key), {})
        if action == "acme:new-order":
            row.update(account_id=detail["account"], type_id=detail["type"],
                       identifiers=detail["identifiers"], status="pending")
            for challenge in detail.get("challenge_ids", []):
                state[("challenge", str(challenge))] = {"status": "pending"}
        elif action in ("acme:order", "acme:finalize"):
            row["status"] = detail["status"]
            for column, field in (("request_id", "request"), ("serial", "serial")):
                if field in detail:
                    row[column] = detail[field]
        elif action == "acme:new-account":
            row.update(thumbprint=detail["thumbprint"], status="valid")
        elif action in ("acme:key-change", "acme:deactivate-account", "acme:update-account"):
            row.update({k: v for k, v in detail.items() if k in ("thumbprint", "status")})
        elif action == "acme:eab-add":
            row.update(requester=detail["requester"], revoked=False)
        elif action == "acme:eab-revoke":
            row["revoked"] = True
        elif action == "acme:challenge":
            row["status"] = detail["status"]
    return state


_TABLES = {
    "order": ("SELECT id, account_id, type_id, identifiers, status, request_id, serial "
              "FROM acme_orders", ("account_id", "type_id", "identifiers", "status",
                                   "request_id", "serial")),
    "account": ("SELECT id, thumbprint, status FROM acme_accounts", ("thumbprint", "status")),
    "eab": ("SELECT kid, requester, revoked_at IS NOT NULL FROM acme_eab",
            ("requester", "revoked")),
    "challenge": ("SELECT id, status FROM acme_challenges", ("status",)),
}


def acme_problems(ledger: Ledger) -> list[str]:
    """Every ACME row that differs from what the audit log last recorded of it."""
    with ledger.snapshot():
        conn = ledger.conn
        if not conn.execute("SELECT 1 FROM sqlite_master WHERE name = 'acme_challenges'"
                            ).fetchone():
            return []
        entries = conn.execute("SELECT action, subject, detail FROM audit WHERE action LIKE "
                               "'acme:%' ORDER BY seq").fetchall()
        rows = {kind: conn.execute(sql).fetchall() for kind, (sql, _) in _TABLES.items()}
    expected = _expected(entries)
    problems = []
    for kind, (_, columns) in _TABLES.items():
        for key, *values in rows[kind]:
            actual = dict(zip(columns, values, strict=True))
            if kind == "order":
                actual["identifiers"] = json.loads(actual["identifiers"])
            if kind == "eab":
                actual["revoked"] = bool(actual["revoked"])
            logged = expected.get((kind, str(key)))
            if logged is None:
                problems.append(f"ACME {kind} {key} is in the ledger, but no audit entry "
                                "records it (inserted by hand)")
                continue
            changed = [c for c in columns if c in logged and logged[c] != actual[c]]
            if changed:
                problems.append(f"ACME {kind} {key} was edited outside Certroute: "
                                + ", ".join(f"{c} is {actual[c]!r}, the audit log says "
                                            f"{logged[c]!r}" for c in changed))
    return problems


