"""The ACME server's protocol (RFC 8555), without sockets: a request in, a response out.

JWS parsing and signatures are josepy's and the certbot project's `acme` library's; this module
checks what RFC 8555 §6 asks of each request (flattened JWS with a protected header only, an
asymmetric `alg`, exactly one of `jwk`/`kid`, the `url`, a fresh nonce), routes every order by
the project's design (`app.ca.acme.routing`) and issues through the one CA service: combined
types at finalize, admin-mediated types as requests in the approval queue. Every refusal is a
problem document with a one-line detail and an entry in the CA's audit chain.
"""

from __future__ import annotations

import base64
import binascii
import datetime as dt
import json
import logging
import re
import secrets
import threading
from collections import OrderedDict
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from acme import jws as acme_jws
from cryptography import x509
from cryptography.hazmat.primitives import serialization
from josepy.errors import DeserializationError
from josepy.jwk import JWK, JWKOct
from josepy.jws import JWS as PlainJWS

from app.ca.acme.problems import AcmeProblem
from app.ca.acme.routing import profiles, route
from app.ca.acme.store import Account, AcmeStore, Order
from app.ca.acme.validation import Validator
from app.ca.csr import facts_from_csr
from app.ca.errors import CaError, PolicyRefused, Refused
from app.ca.lookup import utc_now
from app.ca.provenance import ProjectSource
from app.ca.records import RequestState, iso
from app.ca.revocation import normalise_serial
from app.ca.service import CaService
from models.evaluation import evaluate
from models.project import Project
from models.violations import ViolationCode

_log = logging.getLogger(__name__)

MAX_BODY = 64 * 1024  # an ACME request is a few KB; a CSR with 100 names stays far below
NONCES_KEPT = 50_000
JOSE = "application/jose+json"
PEM_CHAIN = "application/pem-certificate-chain"
RETRY_AFTER_S = 3
ALGS = {"RS256", "RS384", "RS512", "ES256", "ES384", "ES512", "PS256", "PS384", "PS512"}
HMAC_ALGS = {"HS256", "HS384", "HS512"}
KEY_CODES = {ViolationCode.KEY_TYPE, ViolationCode.CURVE, ViolationCode.WEAK_KEY}
# RFC 5280 CRLReason codes ACME clients send, and the CA service's names for them.
REASONS = {0: "unspecified", 1: "key-compromise", 3: "affiliation-changed", 4: "superseded",
           5: "cessation-of-operation", 9: "privilege-withdrawn"}
_PATH = re.compile(r"^/acme/(account|order|authz|chall|cert|renewal-info)/([A-Za-z0-9_.=-]+)"
                   r"(/finalize|/orders)?$")


def _acme_header(header: object) -> acme_jws.Header:
    """The protected header with ACME's `url`, `nonce` and `kid` (RFC 8555 §6.2)."""
    if not isinstance(header, acme_jws.Header):  # acme_jws.JWS always parses into one
        raise AcmeProblem("malformed", "the JWS protected header is not an ACME header")
    return header


@dataclass(frozen=True, slots=True)
class Response:
    status: int
    body: bytes = b""
    headers: dict[str, str] = field(default_factory=dict)


@dataclass(frozen=True, slots=True)
class Signed:
    """A verified request: its payload, the key that signed it and the account (kid) if any."""

    payload: bytes
    key: JWK
    account: Account | None

    def json(self) -> dict[str, Any]:
        if not self.payload:
            return {}
        try:
            data = json.loads(self.payload)
        except ValueError:
            raise AcmeProblem("malformed", "the JWS payload is not JSON") from None
        if not isinstance(data, dict):
            raise AcmeProblem("malformed", "the JWS payload is not a JSON object")
        return data


class Nonces:
    """Replay nonces (RFC 8555 §6.5): each is accepted once; the oldest are forgotten."""

    def __init__(self) -> None:
        self._live: OrderedDict[str, None] = OrderedDict()
        self._lock = threading.Lock()

    def new(self) -> str:
        nonce = base64.urlsafe_b64encode(secrets.token_bytes(16)).rstrip(b"=").decode()
        with self._lock:
            self._live[nonce] = None
            while len(self._live) > NONCES_KEPT:
                self._live.popitem(last=False)
        return nonce

    def use(self, nonce: str) -> bool:
        with self._lock:
            return self._live.pop(nonce, 0) is None


def _b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode("ascii")


def _unb64(text: str) -> bytes:
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


def _jwk(data: Any) -> JWK:
    key = JWK.from_json(data)
    if not isinstance(key, JWK):
        raise DeserializationError("not a JWK")
    return key


def _action(path: str) -> str:
    """The audit action of a request path: new-order, finalize, chall, …"""
    parts = [p for p in path.split("/") if p and p != "acme"]
    if not parts:
        return "root"
    return parts[-1] if len(parts) != 2 else parts[0]


def _json(data: Any) -> bytes:
    return json.dumps(data, separators=(",", ":")).encode("utf-8")


class AcmeServer:
    """One ACME endpoint on one CA: its base URL, project, validator and nonces."""

    def __init__(self, service: CaService, project: Project, source: ProjectSource, *,
                 base_url: str, validator: Validator,
                 eab_required: bool = True) -> None:
        self.service = service
        self.project = project
        self.source = source
        self.decisions = evaluate(project).decisions
        self.base = base_url.rstrip("/")
        self.validator = validator
        self.eab_required = eab_required
        self.store = AcmeStore(service.ledger)
        self.nonces = Nonces()
        self.listeners: list[Callable[[], None]] = []  # called after every state change

    # --- URLs ------------------------------------------------------------------------------

    @property
    def directory_url(self) -> str:
        return f"{self.base}/directory"

    def url(self, kind: str, ident: object = "", suffix: str = "") -> str:
        return f"{self.base}/acme/{kind}" + (f"/{ident}" if ident != "" else "") + suffix

    # --- entry point -----------------------------------------------------------------------

    def handle(self, method: str, path: str, content_type: str, body: bytes) -> Response:
        """Answer one HTTP request; every problem is answered and logged, never raised."""
        actor = "acme (unauthenticated)"
        try:
            response, changed = self._dispatch(method, path, content_type, body)
        except AcmeProblem as problem:
            response, changed = self._problem(problem, path, actor), True
        except Exception as exc:  # the server keeps serving whatever one request does
            _log.exception("ACME request %s %s failed", method, path)
            response, changed = self._problem(
                AcmeProblem("serverInternal", f"{type(exc).__name__}: {exc}"), path, actor), True
        headers = {"Replay-Nonce": self.nonces.new(), "Cache-Control": "no-store",
                   "Link": f'<{self.directory_url}>;rel="index"', **response.headers}
        if changed:
            for listener in list(self.listeners):
                listener()
        return Response(response.status, response.body, headers)

    def _problem(self, problem: AcmeProblem, path: str, actor: str) -> Response:
        _log.info("ACME refused %s: %s", path, problem)
        try:
            self.store.refusal(actor=problem.actor or actor, action=_action(path),
                               subject=path[:200], code=problem.code, detail=problem.detail)
        except Exception:  # a ledger that cannot be written must not hide the answer
            _log.exception("could not log the ACME refusal")
        return Response(problem.status, _json(problem.to_json()),
                        {"Content-Type": "application/problem+json"})

    def _dispatch(self, method: str, path: str, content_type: str,
                  body: bytes) -> tuple[Response, bool]:
        if len(body) > MAX_BODY:
            raise AcmeProblem("malformed", f"the request body is {len(body)} bytes "
                              f"(at most {MAX_BODY})", status=413)
        if path == "/directory" and method in ("GET", "HEAD"):
            return self._directory(), False
        if path == "/acme/new-nonce" and method in ("GET", "HEAD"):
            return Response(200 if method == "HEAD" else 204), False
        match = _PATH.match(path)
        if match and match[1] == "renewal-info" and method == "GET":
            return self._renewal_info(match[2]), False
        if method != "POST":
            known = path in ("/acme/new-account", "/acme/new-order", "/acme/revoke-cert",
                             "/acme/key-change") or match
            raise AcmeProblem("malformed", f"{method} {path} is not an ACME request"
                              + (" (use POST)" if known else ""), status=405 if known else 404)
        simple = {"/acme/new-account": (self._new_account, True),
                  "/acme/new-order": (self._new_order, False),
                  "/acme/revoke-cert": (self._revoke, True),
                  "/acme/key-change": (self._key_change, False)}
        if path in simple:
            handler, jwk_ok = simple[path]
            return handler(self._verify(path, content_type, body, jwk_ok=jwk_ok)), True
        if not match:
            raise AcmeProblem("malformed", f"no ACME resource at {path}", status=404)
        kind, ident, suffix = match[1], match[2], match[3] or ""
        signed = self._verify(path, content_type, body, jwk_ok=False)
        if kind == "account":
            return self._account(signed, ident, suffix), True
        if kind == "order":
            return (self._finalize(signed, ident) if suffix else self._order(signed, ident),
                    bool(suffix))
        if kind == "authz":
            return self._authz(signed, ident), False
        if kind == "chall":
            return self._challenge(signed, ident), True
        if kind == "cert":
            return self._certificate(signed, ident), True
        raise AcmeProblem("malformed", f"no ACME resource at {path}", status=404)

    # --- request verification (RFC 8555 §6.2–6.5) ------------------------------------------

    def _verify(self, path: str, content_type: str, body: bytes, *, jwk_ok: bool) -> Signed:
        if content_type.split(";")[0].strip().lower() != JOSE:
            raise AcmeProblem("malformed", f"Content-Type must be {JOSE}, not "
                              f"{content_type or 'missing'}", status=415)
        try:
            raw = json.loads(body)
        except (ValueError, UnicodeDecodeError):
            raise AcmeProblem("malformed", "the body is not JSON") from None
        if not isinstance(raw, dict) or set(raw) != {"protected", "payload", "signature"}:
            raise AcmeProblem("malformed", "the body must be a flattened JWS with exactly "
                              "protected, payload and signature (no unprotected header)")
        try:
            parsed = acme_jws.JWS.from_json(raw)
            header = _acme_header(parsed.signature.combined)
        except (DeserializationError, ValueError, TypeError, KeyError,
                binascii.Error, AttributeError) as exc:
            raise AcmeProblem("malformed", f"the JWS does not parse: "
                              f"{str(exc).splitlines()[0][:160] or type(exc).__name__}") from None
        alg = header.alg.name if header.alg is not None else "none"
        if alg not in ALGS:
            raise AcmeProblem("badSignatureAlgorithm", f"alg {alg} is not allowed (use one "
                              f"of {', '.join(sorted(ALGS))})")
        if (header.jwk is None) == (header.kid is None):
            raise AcmeProblem("malformed", "the protected header must have exactly one of "
                              "jwk and kid")
        if header.kid is not None and not isinstance(header.kid, str):
            raise AcmeProblem("malformed", "kid must be a string (the account URL)")
        if header.url is not None and not isinstance(header.url, str):
            raise AcmeProblem("malformed", "url must be a string")
        account = None
        if header.kid is not None:
            account = self._account_of(header.kid)
            key = _jwk(account.jwk)
        elif not jwk_ok:
            raise AcmeProblem("malformed", f"{path} must be signed by an account (kid), not "
                              "a bare jwk")
        elif header.jwk is None:  # excluded above (exactly one of jwk and kid); for mypy
            raise AcmeProblem("malformed", "the protected header has no jwk")
        else:
            key = header.jwk
        try:
            valid = parsed.verify(key)
        except Exception as exc:  # a key of another type than alg: cryptography raises
            raise AcmeProblem("malformed", f"the JWS signature cannot be checked: "
                              f"{type(exc).__name__}") from None
        if not valid:
            raise AcmeProblem("malformed", "the JWS signature does not verify")
        expected = f"{self.base}{path}"
        if header.url != expected:
            problem = AcmeProblem("unauthorized", f"the JWS url {header.url!r} is not the "
                                  f"request URL {expected!r}")
            raise problem
        nonce = _b64(header.nonce) if header.nonce else ""
        if not nonce or not self.nonces.use(nonce):
            raise AcmeProblem("badNonce", "the nonce is missing, used before or unknown: get "
                              "a fresh one from newNonce")
        if account is not None and account.status != "valid":
            raise AcmeProblem("unauthorized", f"account {account.id} is {account.status}")
        return Signed(parsed.payload, key, account)

    def _account_of(self, kid: str) -> Account:
        prefix = self.url("account") + "/"
        ident = kid.removeprefix(prefix)
        account = self.store.account(int(ident)) if kid.startswith(prefix) and \
            ident.isdigit() else None
        if account is None:
            raise AcmeProblem("accountDoesNotExist", f"no account {kid[:120]!r} on this server")
        return account

    @staticmethod
    def _owner(signed: Signed) -> Account:
        assert signed.account is not None  # _verify requires kid on these paths
        return signed.account

    # --- directory, accounts ---------------------------------------------------------------

    def _directory(self) -> Response:
        return Response(200, _json({
            "newNonce": self.url("new-nonce"), "newAccount": self.url("new-account"),
            "newOrder": self.url("new-order"), "revokeCert": self.url("revoke-cert"),
            "keyChange": self.url("key-change"), "renewalInfo": self.url("renewal-info"),
            "meta": {"externalAccountRequired": self.eab_required,
                     "website": "https://certroute.invalid/acme",
                     "profiles": profiles(self.project, self.decisions)}}),
            {"Content-Type": "application/json"})

    def _account_body(self, account: Account) -> dict[str, Any]:
        return {"status": account.status, "contact": list(account.contact),
                "orders": self.url("account", account.id, "/orders"),
                "key": account.jwk, "createdAt": account.created_at}

    def _account_response(self, account: Account, status: int) -> Response:
        return Response(status, _json(self._account_body(account)),
                        {"Content-Type": "application/json",
                         "Location": self.url("account", account.id)})

    def _new_account(self, signed: Signed) -> Response:
        if signed.account is not None:
            raise AcmeProblem("malformed", "newAccount must be signed with a jwk, not a kid")
        reg = signed.json()
        thumbprint = _b64(signed.key.thumbprint())
        existing = self.store.account_by_thumbprint(thumbprint)
        if existing is not None:
            if existing.status != "valid":
                raise AcmeProblem("unauthorized", f"account {existing.id} is {existing.status}")
            return self._account_response(existing, 200)
        if reg.get("onlyReturnExisting"):
            raise AcmeProblem("accountDoesNotExist", "no account has this key")
        contact = reg.get("contact") or []
        if not isinstance(contact, list) or not all(
                isinstance(c, str) and c.startswith("mailto:") and "@" in c for c in contact):
            raise AcmeProblem("invalidContact", "contacts must be mailto: addresses")
        binding = reg.get("externalAccountBinding")
        eab = self._eab(binding, signed.key) if binding is not None else None
        if eab is None and self.eab_required:
            raise AcmeProblem("externalAccountRequired", "this server binds every account to "
                              "a requester: register with an EAB key id and HMAC key from "
                              "certroute ca eab add NAME")
        account = self.store.create_account(thumbprint=thumbprint,
                                            jwk=signed.key.public_key().to_partial_json(),
                                            contact=contact, eab=eab)
        return self._account_response(account, 201)

    def _eab(self, binding: Any, key: JWK) -> Any:
        """The EAB key that signed this binding (RFC 8555 §7.3.4), or a problem."""
        try:
            outer = PlainJWS.from_json(binding)
            protected = json.loads(_unb64(binding["protected"]))
            alg, kid, url = protected.get("alg"), protected.get("kid"), protected.get("url")
        except (DeserializationError, ValueError, TypeError, KeyError, AttributeError,
                binascii.Error):
            raise AcmeProblem("malformed", "the externalAccountBinding is not a JWS") from None
        if alg not in HMAC_ALGS:
            raise AcmeProblem("badSignatureAlgorithm", f"the EAB must be signed with an HMAC, "
                              f"not {str(alg)[:20]}")
        eab = self.store.eab(str(kid)) if kid else None
        if eab is None or eab.revoked_at is not None:
            raise AcmeProblem("unauthorized", f"EAB key id {str(kid)[:60]!r} is "
                              + ("revoked" if eab else "unknown"))
        if url != self.url("new-account"):
            raise AcmeProblem("unauthorized", "the EAB url is not the newAccount URL")
        if not outer.verify(JWKOct(key=_unb64(eab.hmac_key))):
            raise AcmeProblem("unauthorized", f"the EAB for {eab.kid} was not signed with its "
                              "HMAC key")
        try:
            bound = _jwk(json.loads(outer.payload))
        except (ValueError, DeserializationError):
            raise AcmeProblem("malformed", "the EAB payload is not a JWK") from None
        if bound.thumbprint() != key.thumbprint():
            raise AcmeProblem("unauthorized", "the EAB binds another key than the account's")
        return eab

    def _account(self, signed: Signed, ident: str, suffix: str) -> Response:
        account = self._owner(signed)
        if ident != str(account.id):
            raise AcmeProblem("unauthorized", f"account {ident} is not the signing account")
        if suffix == "/orders":
            return Response(200, _json({"orders": [self.url("order", o.id) for o in
                                                   self.store.orders(account_id=account.id)]}),
                            {"Content-Type": "application/json"})
        update = signed.json()
        if update.get("status") == "deactivated":
            account = self.store.set_account(account, action="deactivate-account",
                                             status="deactivated")
        elif "status" in update:
            raise AcmeProblem("malformed", "an account can only be set to deactivated")
        elif "contact" in update:
            contact = update["contact"]
            if not isinstance(contact, list) or not all(
                    isinstance(c, str) and c.startswith("mailto:") for c in contact):
                raise AcmeProblem("invalidContact", "contacts must be mailto: addresses")
            account = self.store.set_account(account, action="update-account",
                                             contact=contact)
        return self._account_response(account, 200)

    def _key_change(self, signed: Signed) -> Response:
        account = self._owner(signed)
        try:
            inner = acme_jws.JWS.from_json(signed.json())
            header = _acme_header(inner.signature.combined)
        except (DeserializationError, ValueError, TypeError, KeyError, AttributeError,
                binascii.Error):
            raise AcmeProblem("malformed", "the keyChange payload is not a JWS") from None
        if header.jwk is None or header.kid is not None or header.nonce:
            raise AcmeProblem("malformed", "the inner keyChange JWS needs a jwk, and no kid or "
                              "nonce")
        if header.alg is None or header.alg.name not in ALGS:
            raise AcmeProblem("badSignatureAlgorithm", "the new key's alg is not allowed")
        if header.url != self.url("key-change"):
            raise AcmeProblem("unauthorized", "the inner JWS url is not the keyChange URL")
        if not inner.verify(header.jwk):
            raise AcmeProblem("malformed", "the inner JWS is not signed by the new key")
        try:
            change = json.loads(inner.payload)
            old = _jwk(change["oldKey"])
        except (ValueError, KeyError, TypeError, DeserializationError):
            raise AcmeProblem("malformed", "the keyChange needs account and oldKey") from None
        if change.get("account") != self.url("account", account.id):
            raise AcmeProblem("unauthorized", "keyChange names another account")
        if _b64(old.thumbprint()) != account.thumbprint:
            raise AcmeProblem("unauthorized", "oldKey is not the account's current key")
        thumbprint = _b64(header.jwk.thumbprint())
        holder = self.store.account_by_thumbprint(thumbprint)
        if holder is not None:
            return Response(409, _json(AcmeProblem(
                "conflict", "the new key already belongs to an account").to_json()),
                {"Content-Type": "application/problem+json",
                 "Location": self.url("account", holder.id)})
        account = self.store.set_account(account, action="key-change", thumbprint=thumbprint,
                                         jwk=header.jwk.public_key().to_partial_json())
        return self._account_response(account, 200)

    # --- orders ----------------------------------------------------------------------------

    def _new_order(self, signed: Signed) -> Response:
        account = self._owner(signed)
        request = signed.json()
        if request.get("notBefore") or request.get("notAfter"):
            raise AcmeProblem("malformed", "notBefore/notAfter are not supported: the validity "
                              "is the type's profile")
        identifiers = request.get("identifiers")
        if not isinstance(identifiers, list) or not identifiers:
            raise AcmeProblem("malformed", "an order needs at least one identifier")
        names: list[str] = []
        for ident in identifiers:
            if not isinstance(ident, dict) or not isinstance(ident.get("value"), str):
                raise AcmeProblem("malformed", "each identifier needs a type and a value")
            if ident.get("type") != "dns":
                raise AcmeProblem("unsupportedIdentifier", f"identifier type "
                                  f"{str(ident.get('type'))[:20]!r} is not served (dns only)")
            names.append(ident["value"])
        names = list(dict.fromkeys(names))
        profile = request.get("profile")
        if profile is not None and not isinstance(profile, str):
            raise AcmeProblem("malformed", "profile must be a string")
        try:
            chosen = route(self.project, self.decisions, names, profile,
                           on=utc_now().date())
        except AcmeProblem as problem:
            problem.actor = account.requester
            raise
        order = self.store.create_order(
            account, type_id=chosen.ctype.id, workflow=chosen.decision.workflow.value,
            profile=profile, names=names, challenges=chosen.challenges,
            detail={"decision": chosen.decision.label, "classified": profile is None,
                    "requester": account.requester, "project": self.source.to_json()})
        return Response(201, _json(self._order_body(order)),
                        {"Content-Type": "application/json",
                         "Location": self.url("order", order.id)})

    def _owned_order(self, signed: Signed, ident: str) -> Order:
        account = self._owner(signed)
        try:
            order = self.store.order(int(ident))
        except (ValueError, CaError):
            raise AcmeProblem("malformed", f"no order {ident[:40]}", status=404) from None
        if order.account_id != account.id:
            raise AcmeProblem("unauthorized", f"order {order.id} belongs to another account")
        return self.refresh(order)

    def refresh(self, order: Order) -> Order:
        """An order as it stands: expired if unfinished in time; an admin-mediated order in
        `processing` follows its request (fulfilled → valid, rejected or expired → invalid)."""
        now = iso(utc_now())
        if order.status in ("pending", "ready") and order.expires <= now:
            with self.store.write() as conn:
                self.store.set_order(conn, order, status="invalid", actor="system",
                                     action="order", error=AcmeProblem(
                                         "malformed", "the order expired before it was "
                                         "finalized").to_json())
            return self.store.order(order.id)
        if order.status != "processing" or order.request_id is None:
            return order
        request = self.service.ledger.request(order.request_id)
        if request.state in (RequestState.FULFILLED, RequestState.ACKNOWLEDGED) and \
                request.serial:
            with self.store.write() as conn:
                self.store.set_order(conn, order, status="valid", actor="system",
                                     action="order", serial=request.serial)
        elif request.state in (RequestState.REJECTED, RequestState.EXPIRED):
            reason = request.closed_reason or f"request {request.id} {request.state.value}"
            with self.store.write() as conn:
                self.store.set_order(conn, order, status="invalid", actor="system",
                                     action="order", error=AcmeProblem(
                                         "unauthorized", reason).to_json())
        else:
            return order
        for listener in list(self.listeners):
            listener()
        return self.store.order(order.id)

    def _order_body(self, order: Order) -> dict[str, Any]:
        body: dict[str, Any] = {
            "status": order.status, "expires": order.expires,
            "identifiers": [{"type": "dns", "value": n} for n in order.identifiers],
            "authorizations": [self.url("authz", a.id) for a in self.store.authzs(order.id)],
            "finalize": self.url("order", order.id, "/finalize")}
        if order.profile:
            body["profile"] = order.profile
        if order.serial and order.status == "valid":
            body["certificate"] = self.url("cert", order.serial)
        if order.error:
            body["error"] = order.error
        return body

    def _order_response(self, order: Order) -> Response:
        headers = {"Content-Type": "application/json",
                   "Location": self.url("order", order.id)}
        if order.status == "processing":
            headers["Retry-After"] = str(RETRY_AFTER_S)
        return Response(200, _json(self._order_body(order)), headers)

    def _order(self, signed: Signed, ident: str) -> Response:
        return self._order_response(self._owned_order(signed, ident))

    def _finalize(self, signed: Signed, ident: str) -> Response:
        order = self._owned_order(signed, ident)
        account = self._owner(signed)
        if order.status != "ready":
            raise AcmeProblem("orderNotReady", f"order {order.id} is {order.status}, not ready")
        try:
            der = _unb64(str(signed.json()["csr"]))
            csr = x509.load_der_x509_csr(der)
            facts = facts_from_csr(csr)
        except (KeyError, ValueError, binascii.Error) as exc:
            raise self._fail(order, account, AcmeProblem(
                "badCSR", f"the CSR does not parse ({str(exc)[:100]})")) from None
        asked = {n.lower() for n in order.identifiers}
        named = {n.lower() for n in facts.dns_names} | \
            ({facts.common_name.lower()} if facts.common_name else set())
        if named != asked or facts.email_addresses or facts.other_sans:
            extra = sorted(named - asked) + list(facts.email_addresses) + \
                list(facts.other_sans)
            raise self._fail(order, account, AcmeProblem(
                "badCSR", f"the CSR names {', '.join(sorted(named)) or 'nothing'}; the order is "
                f"for {', '.join(sorted(asked))}"
                + (f" (not in the order: {', '.join(extra)})" if extra else "")))
        names = ", ".join(order.identifiers)
        challenge_types = sorted({c.type for a in self.store.authzs(order.id)
                                  for c in self.store.challenges(a.id) if c.status == "valid"})
        try:
            if order.workflow == "admin-mediated":
                self.service.admin.request(
                    self.project, order.type_id, csr, requester=account.requester,
                    justification=f"ACME order {order.id} for {names} (account {account.id}, "
                    f"domain control proved by {', '.join(challenge_types)})",
                    source=self.source, then=lambda conn, request: self.store.set_order(
                        conn, order, status="processing", actor=account.requester,
                        action="finalize", request_id=request.id))
            else:
                self.service.issue(
                    self.project, order.type_id, csr, requester=account.requester,
                    identity_evidence=f"ACME {', '.join(challenge_types)} for {names} (order "
                    f"{order.id}, account {account.id})", source=self.source,
                    then=lambda conn, issued: self.store.set_order(
                        conn, order, status="valid", actor=account.requester,
                        action="finalize", serial=issued.record.serial))
        except PolicyRefused as exc:
            code = "badPublicKey" if any(v.code in KEY_CODES for v in exc.violations) \
                else "badCSR"
            raise self._fail(order, account, AcmeProblem(code, str(exc))) from None
        except Refused as exc:
            raise self._fail(order, account, AcmeProblem("unauthorized", str(exc))) from None
        except CaError as exc:
            raise self._fail(order, account, AcmeProblem("serverInternal", str(exc))) from None
        return self._order_response(self.store.order(order.id))

    def _fail(self, order: Order, account: Account, problem: AcmeProblem) -> AcmeProblem:
        """Mark the order invalid with the problem; returns it to raise."""
        with self.store.write() as conn:
            self.store.set_order(conn, order, status="invalid", actor=account.requester,
                                 action="finalize", error=problem.to_json())
        problem.actor = account.requester
        return problem

    # --- authorizations and challenges -----------------------------------------------------

    def _owned_authz(self, signed: Signed, ident: str) -> tuple[Any, Order]:
        try:
            authz = self.store.authz(int(ident))
        except (ValueError, CaError):
            raise AcmeProblem("malformed", f"no authorization {ident[:40]}",
                              status=404) from None
        return authz, self._owned_order(signed, str(authz.order_id))

    def _authz_body(self, authz: Any) -> dict[str, Any]:
        body: dict[str, Any] = {
            "identifier": {"type": "dns", "value": authz.name}, "status": authz.status,
            "expires": authz.expires,
            "challenges": [self._challenge_body(c) for c in self.store.challenges(authz.id)]}
        if authz.wildcard:
            body["wildcard"] = True
        return body

    def _challenge_body(self, challenge: Any) -> dict[str, Any]:
        body: dict[str, Any] = {"type": challenge.type, "url": self.url("chall", challenge.id),
                                "token": challenge.token, "status": challenge.status}
        if challenge.validated:
            body["validated"] = challenge.validated
        if challenge.error:
            body["error"] = challenge.error
        return body

    def _authz(self, signed: Signed, ident: str) -> Response:
        authz, _ = self._owned_authz(signed, ident)
        return Response(200, _json(self._authz_body(authz)),
                        {"Content-Type": "application/json"})

    def _challenge(self, signed: Signed, ident: str) -> Response:
        try:
            challenge = self.store.challenge(int(ident))
        except (ValueError, CaError):
            raise AcmeProblem("malformed", f"no challenge {ident[:40]}", status=404) from None
        authz, order = self._owned_authz(signed, str(challenge.authz_id))
        account = self._owner(signed)
        if signed.payload and challenge.status == "pending" and authz.status == "pending" \
                and order.status == "pending":
            problem = self.validator.validate(challenge.type, authz.name,
                                              _unb64(challenge.token), signed.key)
            if problem is not None:
                _log.info("ACME %s for %s failed: %s", challenge.type, authz.name, problem)
            self.store.challenge_result(challenge, authz, actor=account.requester,
                                        error=problem.to_json() if problem else None)
            challenge = self.store.challenge(challenge.id)
        return Response(200, _json(self._challenge_body(challenge)),
                        {"Content-Type": "application/json",
                         "Link": f'<{self.url("authz", authz.id)}>;rel="up"'})

    # --- certificates ----------------------------------------------------------------------

    def _certificate(self, signed: Signed, serial: str) -> Response:
        account = self._owner(signed)
        order = self.store.order_for_serial(serial)
        if order is None or order.account_id != account.id:
            raise AcmeProblem("unauthorized", f"certificate {serial[:40]} was not issued to "
                              "this account")
        pem = self.store.certificate_pem(serial)
        if pem is None:  # deleted from the ledger behind the CA's back
            raise AcmeProblem("serverInternal", f"certificate {serial} is not in the ledger "
                              "(see certroute ca verify)")
        cert = x509.load_pem_x509_certificate(pem.encode("ascii"))
        chain = b"".join(c.public_bytes(serialization.Encoding.PEM)
                         for c in [cert, *self.service.authority.chain_for(cert)])
        if order.request_id is not None:
            request = self.service.ledger.request(order.request_id)
            if request.state is RequestState.FULFILLED:
                # ACME.md: the acknowledgement step closes when the client downloads it.
                self.service.admin.acknowledge(order.request_id, requester=request.requester)
        return Response(200, chain, {"Content-Type": PEM_CHAIN})

    def _revoke(self, signed: Signed) -> Response:
        body = signed.json()
        try:
            cert = x509.load_der_x509_certificate(_unb64(str(body["certificate"])))
        except (KeyError, ValueError, binascii.Error):
            raise AcmeProblem("malformed", "revokeCert needs the certificate (base64url "
                              "DER)") from None
        reason = body.get("reason", 0)
        if reason not in REASONS:
            raise AcmeProblem("badRevocationReason", f"reason {str(reason)[:10]} is not one of "
                              f"{', '.join(f'{k} ({v})' for k, v in REASONS.items())}")
        serial = normalise_serial(format(cert.serial_number, "x"))
        if not self.service.authority.issued_by_me(cert):
            raise AcmeProblem("unauthorized", f"certificate {serial} was not issued by this CA")
        if signed.account is not None:
            order = self.store.order_for_serial(serial)
            if order is None or order.account_id != signed.account.id:
                raise AcmeProblem("unauthorized", f"account {signed.account.id} did not order "
                                  f"certificate {serial}")
            actor = signed.account.requester
        else:
            mine = cert.public_key().public_bytes(serialization.Encoding.DER,
                                                  serialization.PublicFormat.SubjectPublicKeyInfo)
            theirs = signed.key.public_key().key.public_bytes(
                serialization.Encoding.DER, serialization.PublicFormat.SubjectPublicKeyInfo)
            if mine != theirs:
                raise AcmeProblem("unauthorized", "the request is signed neither by an account "
                                  "that ordered the certificate nor by its key")
            actor = f"holder of the key of certificate {serial}"
        try:
            self.service.revoke(serial, reason=REASONS[reason], actor=actor)
        except Refused as exc:
            code = "alreadyRevoked" if "already revoked" in str(exc) else "unauthorized"
            problem = AcmeProblem(code, str(exc))
            problem.actor = actor
            raise problem from None
        except CaError as exc:
            raise AcmeProblem("malformed", str(exc)) from None
        return Response(200)

    def _renewal_info(self, cert_id: str) -> Response:
        """RFC 9773: the renewal window the design gives the certificate's type."""
        try:
            aki, serial_part = cert_id.split(".")
            serial = format(int.from_bytes(_unb64(serial_part), "big"), "x")
            key_id = _unb64(aki)
            record = self.service.ledger.certificate(serial)
        except (ValueError, binascii.Error, CaError):
            raise AcmeProblem("malformed", f"no certificate {cert_id[:80]!r} here",
                              status=404) from None
        ski = self.service.authority.issuing.extensions.get_extension_for_class(
            x509.SubjectKeyIdentifier).value.digest
        if key_id != ski:
            raise AcmeProblem("malformed", "the certificate ID names another issuer",
                              status=404)
        start, end = self.renewal_window(record)
        return Response(200, _json({"suggestedWindow": {"start": iso(start), "end": iso(end)}}),
                        {"Content-Type": "application/json", "Retry-After": "21600"})

    def renewal_window(self, record: Any) -> tuple[dt.datetime, dt.datetime]:
        """Combined: from the scheduled renewal point to halfway to expiry; admin-mediated:
        from the first renewal notice to the last; revoked: now."""
        not_after = dt.datetime.fromisoformat(record.not_after)
        if record.revoked_at:
            now = utc_now()
            return now - dt.timedelta(hours=1), now
        if record.renew_at:
            start = dt.datetime.fromisoformat(record.renew_at)
            return start, start + (not_after - start) / 2
        days: tuple[int, ...] = (30,)
        if record.request_id is not None:
            days = self.service.ledger.request(record.request_id).policy.notice_days or days
        return not_after - dt.timedelta(days=max(days)), not_after - dt.timedelta(days=min(days))
