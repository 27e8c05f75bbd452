"""ACME state in the CA's ledger file: EAB keys, accounts, orders, authorizations, challenges.

The tables sit beside the CA's own in the same SQLite file, so every ACME change is written in
one transaction with its entry in the CA's hash-chained audit log (`Ledger.append`), and
`certroute ca verify` walks them with the rest. Certificates and admin-mediated requests are
not copied here: an order names the serial or request the CA service created.
"""

from __future__ import annotations

import base64
import datetime as dt
import json
import secrets
import sqlite3
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any

from app.ca.errors import CaError
from app.ca.ledger import BUSY_TIMEOUT_S, Ledger
from app.ca.lookup import utc_now
from app.ca.records import iso

SCHEMA = """
CREATE TABLE IF NOT EXISTS acme_eab (
    kid TEXT PRIMARY KEY, requester TEXT NOT NULL, hmac_key TEXT NOT NULL,
    created_at TEXT NOT NULL, revoked_at TEXT
);
CREATE TABLE IF NOT EXISTS acme_accounts (
    id INTEGER PRIMARY KEY AUTOINCREMENT, thumbprint TEXT NOT NULL UNIQUE, jwk TEXT NOT NULL,
    status TEXT NOT NULL, contact TEXT NOT NULL, kid TEXT, requester TEXT NOT NULL,
    created_at TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS acme_orders (
    id INTEGER PRIMARY KEY AUTOINCREMENT, account_id INTEGER NOT NULL,
    type_id TEXT NOT NULL, workflow TEXT NOT NULL, profile TEXT,
    identifiers TEXT NOT NULL, status TEXT NOT NULL, expires TEXT NOT NULL,
    request_id INTEGER, serial TEXT, error TEXT,
    created_at TEXT NOT NULL, updated_at TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS acme_authz (
    id INTEGER PRIMARY KEY AUTOINCREMENT, order_id INTEGER NOT NULL, name TEXT NOT NULL,
    wildcard INTEGER NOT NULL, status TEXT NOT NULL, expires TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS acme_challenges (
    id INTEGER PRIMARY KEY AUTOINCREMENT, authz_id INTEGER NOT NULL, type TEXT NOT NULL,
    token TEXT NOT NULL, status TEXT NOT NULL, validated TEXT, error TEXT
);
"""
ORDER_DAYS = 7  # an order and its authorizations expire unless finished within a week
ACME_ACTOR = "acme"


@dataclass(frozen=True, slots=True)
class EabKey:
    """An external account binding key: who it names, and whether it is still usable."""

    kid: str
    requester: str
    hmac_key: str  # base64url, as certbot's --eab-hmac-key and lego's --hmac take it
    created_at: str
    revoked_at: str | None

    def to_json(self, *, with_key: bool = False) -> dict[str, Any]:
        data = {"kid": self.kid, "requester": self.requester, "created_at": self.created_at,
                "revoked_at": self.revoked_at}
        return {**data, "hmac_key": self.hmac_key} if with_key else data


@dataclass(frozen=True, slots=True)
class Account:
    id: int
    thumbprint: str
    jwk: dict[str, Any]
    status: str
    contact: tuple[str, ...]
    kid: str | None
    requester: str
    created_at: str


@dataclass(frozen=True, slots=True)
class Order:
    id: int
    account_id: int
    type_id: str
    workflow: str
    profile: str | None
    identifiers: tuple[str, ...]
    status: str
    expires: str
    request_id: int | None
    serial: str | None
    error: dict[str, Any] | None
    created_at: str
    updated_at: str

    def to_json(self) -> dict[str, Any]:
        return {"id": self.id, "account": self.account_id, "type": self.type_id,
                "workflow": self.workflow, "profile": self.profile,
                "identifiers": list(self.identifiers), "status": self.status,
                "expires": self.expires, "request": self.request_id, "serial": self.serial,
                "error": self.error, "created_at": self.created_at,
                "updated_at": self.updated_at}


@dataclass(frozen=True, slots=True)
class Authz:
    id: int
    order_id: int
    name: str
    wildcard: bool
    status: str
    expires: str


@dataclass(frozen=True, slots=True)
class Challenge:
    id: int
    authz_id: int
    type: str
    token: str
    status: str
    validated: str | None
    error: dict[str, Any] | None


def _loads(text: str | None) -> Any:
    return None if text is None else json.loads(text)


def new_token() -> str:
    """128 bits, base64url without padding (RFC 8555 §8.1: at least 128 bits of entropy)."""
    return base64.urlsafe_b64encode(secrets.token_bytes(16)).rstrip(b"=").decode("ascii")


class AcmeStore:
    """The ACME tables of one CA ledger; every write is a ledger transaction with its audit."""

    def __init__(self, ledger: Ledger) -> None:
        self.ledger = ledger
        # Reads on a connection of their own: in WAL mode they never wait for a write's
        # fsync, which holds the ledger connection's lock (polling clients read most).
        self._reader = sqlite3.connect(ledger.path, isolation_level=None,
                                       timeout=BUSY_TIMEOUT_S, check_same_thread=False)
        self._read_lock = threading.Lock()
        if self._rows("SELECT 1 FROM sqlite_master WHERE name = 'acme_challenges'"):
            return  # a read, not a write transaction, for every store the app opens
        with ledger.transaction() as conn:
            # executescript would commit the open transaction: one statement at a time.
            for statement in SCHEMA.split(";"):
                if statement.strip():
                    conn.execute(statement)

    @contextmanager
    def write(self) -> Iterator[sqlite3.Connection]:
        with self.ledger.transaction() as conn:
            yield conn

    def log(self, conn: sqlite3.Connection, *, actor: str, action: str, subject: str,
            detail: dict[str, Any]) -> int:
        """An ACME entry in the CA's audit chain (`acme:<action>`), in the caller's transaction."""
        return self.ledger.append(conn, at=iso(utc_now()), actor=actor or ACME_ACTOR,
                                  action=f"acme:{action}", subject=subject, detail=detail)

    def refusal(self, *, actor: str, action: str, subject: str, code: str,
                detail: str, **extra: Any) -> None:
        """Log a refused ACME request (its own transaction)."""
        with self.write() as conn:
            self.ledger.append(conn, at=iso(utc_now()), actor=actor or ACME_ACTOR,
                               action=f"refused:acme:{action}", subject=subject,
                               detail={"problem": code, "reason": detail, **extra})

    def _rows(self, sql: str, *args: Any) -> list[tuple[Any, ...]]:
        with self._read_lock:
            return list(self._reader.execute(sql, args).fetchall())

    def close(self) -> None:
        self._reader.close()

    # --- external account binding ----------------------------------------------------------

    def eab_add(self, requester: str, *, actor: str) -> EabKey:
        name = " ".join(requester.split())
        if not name:
            raise CaError("an EAB key needs the requester's name")
        kid = f"kid-{new_token()[:16]}"
        key = base64.urlsafe_b64encode(secrets.token_bytes(32)).rstrip(b"=").decode("ascii")
        at = iso(utc_now())
        with self.write() as conn:
            conn.execute("INSERT INTO acme_eab VALUES (?, ?, ?, ?, NULL)", (kid, name, key, at))
            # The HMAC key itself stays out of the log: the log is read by more people.
            self.log(conn, actor=actor, action="eab-add", subject=f"eab {kid}",
                     detail={"requester": name})
        return EabKey(kid, name, key, at, None)

    def eab_keys(self) -> list[EabKey]:
        return [EabKey(*r) for r in self._rows("SELECT * FROM acme_eab ORDER BY created_at")]

    def eab(self, kid: str) -> EabKey | None:
        rows = self._rows("SELECT * FROM acme_eab WHERE kid = ?", kid)
        return EabKey(*rows[0]) if rows else None

    def eab_revoke(self, kid: str, *, actor: str) -> EabKey:
        with self.write() as conn:
            row = conn.execute("SELECT * FROM acme_eab WHERE kid = ?", (kid,)).fetchone()
            if row is None:
                raise CaError(f"no EAB key {kid}")
            if row[4] is not None:
                raise CaError(f"EAB key {kid} was already revoked on {row[4]}")
            at = iso(utc_now())
            conn.execute("UPDATE acme_eab SET revoked_at = ? WHERE kid = ?", (at, kid))
            self.log(conn, actor=actor, action="eab-revoke", subject=f"eab {kid}",
                     detail={"requester": row[1]})
        return EabKey(row[0], row[1], row[2], row[3], at)

    # --- accounts --------------------------------------------------------------------------

    @staticmethod
    def _account(row: tuple[Any, ...]) -> Account:
        return Account(row[0], row[1], json.loads(row[2]), row[3], tuple(json.loads(row[4])),
                       row[5], row[6], row[7])

    def account(self, account_id: int) -> Account | None:
        rows = self._rows("SELECT * FROM acme_accounts WHERE id = ?", account_id)
        return self._account(rows[0]) if rows else None

    def account_by_thumbprint(self, thumbprint: str) -> Account | None:
        rows = self._rows("SELECT * FROM acme_accounts WHERE thumbprint = ?", thumbprint)
        return self._account(rows[0]) if rows else None

    def create_account(self, *, thumbprint: str, jwk: dict[str, Any], contact: list[str],
                       eab: EabKey | None) -> Account:
        requester = eab.requester if eab else f"acme account {thumbprint[:12]}"
        at = iso(utc_now())
        with self.write() as conn:
            cursor = conn.execute(
                "INSERT INTO acme_accounts (thumbprint, jwk, status, contact, kid, requester, "
                "created_at) VALUES (?, ?, 'valid', ?, ?, ?, ?)",
                (thumbprint, json.dumps(jwk), json.dumps(contact), eab.kid if eab else None,
                 requester, at))
            account_id = int(cursor.lastrowid or 0)
            self.log(conn, actor=requester, action="new-account",
                     subject=f"acme account {account_id}",
                     detail={"thumbprint": thumbprint, "contact": contact,
                             "eab": eab.kid if eab else None})
        found = self.account(account_id)
        assert found is not None
        return found

    def set_account(self, account: Account, *, action: str, status: str | None = None,
                    jwk: dict[str, Any] | None = None, thumbprint: str | None = None,
                    contact: list[str] | None = None) -> Account:
        """Deactivate, roll the key over or change the contacts of an account (logged)."""
        with self.write() as conn:
            if thumbprint is not None and conn.execute(
                    "SELECT 1 FROM acme_accounts WHERE thumbprint = ?", (thumbprint,)).fetchone():
                raise CaError("the new key already belongs to an account")
            conn.execute(
                "UPDATE acme_accounts SET status = COALESCE(?, status), jwk = COALESCE(?, jwk), "
                "thumbprint = COALESCE(?, thumbprint), contact = COALESCE(?, contact) "
                "WHERE id = ?",
                (status, json.dumps(jwk) if jwk else None, thumbprint,
                 json.dumps(contact) if contact is not None else None, account.id))
            self.log(conn, actor=account.requester, action=action,
                     subject=f"acme account {account.id}",
                     detail={k: v for k, v in (("status", status), ("thumbprint", thumbprint),
                                               ("contact", contact)) if v is not None})
        found = self.account(account.id)
        assert found is not None
        return found

    # --- orders ----------------------------------------------------------------------------

    @staticmethod
    def _order(row: tuple[Any, ...]) -> Order:
        return Order(row[0], row[1], row[2], row[3], row[4], tuple(json.loads(row[5])), row[6],
                     row[7], row[8], row[9], _loads(row[10]), row[11], row[12])

    def create_order(self, account: Account, *, type_id: str, workflow: str,
                     profile: str | None, names: list[str], challenges: tuple[str, ...],
                     detail: dict[str, Any]) -> Order:
        """The order, one authorization per name, the type's challenges for each (logged)."""
        now = utc_now()
        at, expires = iso(now), iso(now + dt.timedelta(days=ORDER_DAYS))
        with self.write() as conn:
            cursor = conn.execute(
                "INSERT INTO acme_orders (account_id, type_id, workflow, profile, identifiers, "
                "status, expires, created_at, updated_at) "
                "VALUES (?, ?, ?, ?, ?, 'pending', ?, ?, ?)",
                (account.id, type_id, workflow, profile, json.dumps(names), expires, at, at))
            order_id = int(cursor.lastrowid or 0)
            challenge_ids: list[int] = []
            for name in names:
                wildcard = name.startswith("*.")
                authz = conn.execute(
                    "INSERT INTO acme_authz (order_id, name, wildcard, status, expires) "
                    "VALUES (?, ?, ?, 'pending', ?)",
                    (order_id, name.removeprefix("*."), int(wildcard), expires)).lastrowid
                # RFC 8555 §8.4: a wildcard is proved by DNS only.
                for kind in challenges if not wildcard else [c for c in challenges
                                                             if c == "dns-01"]:
                    challenge_ids.append(int(conn.execute(
                        "INSERT INTO acme_challenges (authz_id, type, token, status) "
                        "VALUES (?, ?, ?, 'pending')", (authz, kind, new_token())).lastrowid
                        or 0))
            self.log(conn, actor=account.requester, action="new-order",
                     subject=f"acme order {order_id}",
                     detail={"account": account.id, "type": type_id, "workflow": workflow,
                             "profile": profile, "identifiers": names,
                             "challenges": list(challenges),
                             "challenge_ids": challenge_ids, **detail})
        return self.order(order_id)

    def order(self, order_id: int) -> Order:
        rows = self._rows("SELECT * FROM acme_orders WHERE id = ?", order_id)
        if not rows:
            raise CaError(f"no ACME order {order_id}")
        return self._order(rows[0])

    def orders(self, *, account_id: int | None = None) -> list[Order]:
        rows = self._rows("SELECT * FROM acme_orders WHERE ?1 IS NULL OR account_id = ?1 "
                          "ORDER BY id", account_id)
        return [self._order(r) for r in rows]

    def certificate_pem(self, serial: str) -> str | None:
        """The issued certificate's PEM, read beside the CA's own reads (never blocked by a
        write's fsync)."""
        rows = self._rows("SELECT pem FROM certificates WHERE serial = ?", serial)
        return str(rows[0][0]) if rows else None

    def order_for_serial(self, serial: str) -> Order | None:
        rows = self._rows("SELECT * FROM acme_orders WHERE serial = ?", serial)
        return self._order(rows[0]) if rows else None

    def set_order(self, conn: sqlite3.Connection, order: Order, *, status: str, actor: str,
                  action: str, request_id: int | None = None, serial: str | None = None,
                  error: dict[str, Any] | None = None, **detail: Any) -> None:
        """Move an order on inside the caller's transaction, and log it."""
        conn.execute(
            "UPDATE acme_orders SET status = ?, request_id = COALESCE(?, request_id), "
            "serial = COALESCE(?, serial), error = COALESCE(?, error), updated_at = ? "
            "WHERE id = ?",
            (status, request_id, serial, json.dumps(error) if error else None,
             iso(utc_now()), order.id))
        extra = {k: v for k, v in (("request", request_id), ("serial", serial),
                                   ("error", error)) if v is not None}
        self.log(conn, actor=actor, action=action, subject=f"acme order {order.id}",
                 detail={"status": status, "type": order.type_id, **extra, **detail})

    # --- authorizations and challenges -----------------------------------------------------

    def authz(self, authz_id: int) -> Authz:
        rows = self._rows("SELECT * FROM acme_authz WHERE id = ?", authz_id)
        if not rows:
            raise CaError(f"no ACME authorization {authz_id}")
        r = rows[0]
        return Authz(r[0], r[1], r[2], bool(r[3]), r[4], r[5])

    def authzs(self, order_id: int) -> list[Authz]:
        return [Authz(r[0], r[1], r[2], bool(r[3]), r[4], r[5]) for r in self._rows(
            "SELECT * FROM acme_authz WHERE order_id = ? ORDER BY id", order_id)]

    def challenges(self, authz_id: int) -> list[Challenge]:
        return [Challenge(r[0], r[1], r[2], r[3], r[4], r[5], _loads(r[6])) for r in self._rows(
            "SELECT * FROM acme_challenges WHERE authz_id = ? ORDER BY id", authz_id)]

    def challenge(self, challenge_id: int) -> Challenge:
        rows = self._rows("SELECT * FROM acme_challenges WHERE id = ?", challenge_id)
        if not rows:
            raise CaError(f"no ACME challenge {challenge_id}")
        r = rows[0]
        return Challenge(r[0], r[1], r[2], r[3], r[4], r[5], _loads(r[6]))

    def challenge_result(self, challenge: Challenge, authz: Authz, *, actor: str,
                         error: dict[str, Any] | None) -> None:
        """Record a validation: the challenge, its authorization and, once every
        authorization is valid, its order move on together (logged)."""
        status = "invalid" if error else "valid"
        at = iso(utc_now())
        with self.write() as conn:
            conn.execute("UPDATE acme_challenges SET status = ?, validated = ?, error = ? "
                         "WHERE id = ?",
                         (status, at, json.dumps(error) if error else None, challenge.id))
            conn.execute("UPDATE acme_authz SET status = ? WHERE id = ?", (status, authz.id))
            self.log(conn, actor=actor, action="challenge", subject=f"acme challenge "
                     f"{challenge.id}", detail={"order": authz.order_id, "type": challenge.type,
                                                "name": authz.name, "status": status,
                                                "error": error})
            pending = conn.execute("SELECT status FROM acme_authz WHERE order_id = ?",
                                   (authz.order_id,)).fetchall()
            order = self._order(conn.execute("SELECT * FROM acme_orders WHERE id = ?",
                                             (authz.order_id,)).fetchone())
            if error:
                self.set_order(conn, order, status="invalid", actor=actor, action="order",
                               error=error)
            elif all(s == "valid" for (s,) in pending) and order.status == "pending":
                self.set_order(conn, order, status="ready", actor=actor, action="order")
