"""Bad ACME input: each an RFC 8555 problem document with a one-line detail, in the audit log,
nothing issued, and the server keeps serving. Requests are built by hand (josepy signs them)
so each breaks exactly one rule."""

from __future__ import annotations

import json
from typing import Any

import josepy as jose
import pytest
import requests
from acme import jws as acme_jws
from acme import messages
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ec

from app.ca.acme.protocol import MAX_BODY
from tests.ca.acme.support import (
    ADMIN_TYPE,
    HTTP_TYPE,
    MESH_TYPE,
    Env,
    deadline,
    new_csr,
    ready_order,
)

JOSE = {"Content-Type": "application/jose+json"}


def _nonce(env: Env) -> str:
    return requests.head(env.server.acme.url("new-nonce"), verify=env.root,
                         timeout=10).headers["Replay-Nonce"]


def _sign(env: Env, url: str, payload: Any, key: jose.JWK, *, kid: str | None = None,
          nonce: str | None = None, signed_url: str | None = None) -> str:
    body = b"" if payload is None else json.dumps(payload).encode()
    return acme_jws.JWS.sign(body, key=key, alg=jose.ES256,
                             nonce=jose.b64decode(nonce or _nonce(env)),
                             url=signed_url or url, kid=kid).json_dumps()


def _post(env: Env, url: str, data: str | bytes, headers: dict[str, str] | None = None
          ) -> requests.Response:
    return requests.post(url, data=data, headers=headers or JOSE, verify=env.root, timeout=10)


def _problem(response: requests.Response, code: str, status: int = 400) -> str:
    assert response.status_code == status, response.text
    assert response.headers["Content-Type"] == "application/problem+json"
    body = response.json()
    assert body["type"].endswith(code), body
    assert "\n" not in body["detail"]
    assert body["detail"]
    return str(body["detail"])


def _refused(env: Env, code: str) -> list[dict[str, Any]]:
    return [e.detail for e in env.service.ledger.audit()
            if e.action.startswith("refused:acme") and e.detail["problem"] == code]


def _still_serving_and_nothing_issued(env: Env) -> None:
    assert requests.get(env.directory, verify=env.root, timeout=10).status_code == 200
    issued = [c for c in env.service.ledger.certificate_rows() if c.type_id != "acme-server"]
    assert issued == []
    assert env.service.verify().ok


@pytest.fixture
def account(env: Env) -> tuple[jose.JWK, str]:
    """(key, kid) of a registered account."""
    key = jose.JWKEC(key=ec.generate_private_key(ec.SECP256R1()))
    acme = env.client("alice", key=key)
    return key, acme.net.account.uri


def test_malformed_jws(env: Env):
    detail = _problem(_post(env, env.server.acme.url("new-order"), b"{not json"), "malformed")
    assert detail == "the body is not JSON"
    detail = _problem(_post(env, env.server.acme.url("new-order"),
                            json.dumps({"protected": "e30", "payload": "", "signature": "x"})),
                      "malformed")
    assert "does not parse" in detail
    assert _refused(env, "malformed")
    _still_serving_and_nothing_issued(env)


def test_wrong_content_type_and_method(env: Env):
    _problem(_post(env, env.server.acme.url("new-order"), b"{}",
                   {"Content-Type": "application/json"}), "malformed", 415)
    response = requests.get(env.server.acme.url("new-order"), verify=env.root, timeout=10)
    _problem(response, "malformed", 405)


def test_replayed_nonce_is_bad_nonce(env: Env, account):
    key, kid = account
    url = env.server.acme.url("new-order")
    body = _sign(env, url, {"identifiers": [{"type": "dns", "value": "a.example.com"}]},
                 key, kid=kid)
    assert _post(env, url, body).status_code == 201
    detail = _problem(_post(env, url, body), "badNonce")
    assert "nonce" in detail
    assert _refused(env, "badNonce")


def test_wrong_url_is_unauthorized(env: Env, account):
    key, kid = account
    url = env.server.acme.url("new-order")
    body = _sign(env, url, {"identifiers": [{"type": "dns", "value": "a.example.com"}]},
                 key, kid=kid, signed_url=env.server.acme.url("revoke-cert"))
    assert "is not the request URL" in _problem(_post(env, url, body), "unauthorized", 403)


def test_unknown_account(env: Env):
    key = jose.JWKEC(key=ec.generate_private_key(ec.SECP256R1()))
    url = env.server.acme.url("new-order")
    body = _sign(env, url, {"identifiers": [{"type": "dns", "value": "a.example.com"}]},
                 key, kid=env.server.acme.url("account", 999))
    _problem(_post(env, url, body), "accountDoesNotExist")
    assert _refused(env, "accountDoesNotExist")


def test_account_needs_an_eab_key_signed_with_its_hmac(env: Env):
    key = jose.JWKEC(key=ec.generate_private_key(ec.SECP256R1()))
    url = env.server.acme.url("new-account")
    detail = _problem(_post(env, url, _sign(env, url, {"termsOfServiceAgreed": True}, key)),
                      "externalAccountRequired")
    assert "certroute ca eab add" in detail
    eab = env.key_for("mallory")
    forged = acme_jws.JWS.sign(json.dumps(key.public_key().to_partial_json()).encode(),
                               key=jose.JWKOct(key=b"0" * 32), alg=jose.HS256, nonce=None,
                               url=url, kid=eab.kid).to_partial_json()
    detail = _problem(_post(env, url, _sign(env, url, {"externalAccountBinding": forged}, key)),
                      "unauthorized", 403)
    assert "HMAC" in detail
    env.store.eab_revoke(eab.kid, actor="test")
    with pytest.raises(messages.Error) as caught:
        env.client("mallory")
    assert caught.value.code == "unauthorized"
    assert "revoked" in caught.value.detail
    assert env.store.account_by_thumbprint("x") is None
    assert [a for a in range(1, 4) if env.store.account(a)] == []


def _order_problem(env: Env, names: list[str], profile: str | None = None) -> messages.Error:
    acme = env.client("alice")
    csr, _ = new_csr(*names)
    with pytest.raises(messages.Error) as caught:
        acme.new_order(csr, profile=profile)
    assert "\n" not in caught.value.detail
    return caught.value


def test_names_outside_every_type(env: Env):
    problem = _order_problem(env, ["www.other.org"])
    assert problem.code == "rejectedIdentifier"
    assert "no certificate type of the project allows them" in problem.detail
    _still_serving_and_nothing_issued(env)


def test_names_fitting_several_types_name_the_candidates(env: Env):
    problem = _order_problem(env, ["api.internal.example"])
    assert problem.code == "rejectedIdentifier"
    assert "internal-tls, mainframe-tls" in problem.detail


def test_out_of_policy_name_is_refused_with_the_violation_text(env: Env):
    problem = _order_problem(env, ["*.shop.example.com", "a.b.c.other.net"], HTTP_TYPE)
    assert problem.code == "rejectedIdentifier"
    assert "wildcard name '*.shop.example.com' is not allowed for this type" in problem.detail
    assert "a.b.c.other.net" in problem.detail
    [entry] = _refused(env, "rejectedIdentifier")
    assert entry["reason"] == problem.detail


def test_unknown_profile(env: Env):
    problem = _order_problem(env, ["a.example.com"], "gold")
    assert problem.typ == "urn:ietf:params:acme:error:invalidProfile"
    assert "'gold' is not a certificate type" in problem.detail


def test_a_type_whose_identity_method_is_not_acme(env: Env):
    problem = _order_problem(env, ["pay.svc.cluster.local"], MESH_TYPE)
    assert problem.code == "rejectedIdentifier"
    assert "Service mesh workload identity (SPIFFE), not an ACME challenge" in problem.detail


def test_csr_that_differs_from_the_order(env: Env):
    acme = env.client("alice")
    order = ready_order(env, acme, "a.example.com", profile=HTTP_TYPE)
    other, _ = new_csr("a.example.com", "b.example.com")
    with pytest.raises(messages.Error) as caught:
        acme.finalize_order(order.update(csr_pem=other), deadline())
    assert caught.value.code == "badCSR"
    assert "not in the order: b.example.com" in caught.value.detail
    assert env.store.orders()[0].status == "invalid"
    _still_serving_and_nothing_issued(env)


def test_weak_key_is_bad_public_key_with_the_violation(env: Env):
    from cryptography.hazmat.primitives.asymmetric import rsa

    from app.ca.csr import build_csr

    acme = env.client("alice")
    weak = rsa.generate_private_key(65537, 1024)
    csr = build_csr(weak, ["w.example.com"]).public_bytes(serialization.Encoding.PEM)
    order = acme.new_order(csr, profile=HTTP_TYPE)
    env.answer_http01(acme, order)
    with pytest.raises(messages.Error) as caught:
        acme.poll_and_finalize(order, deadline())
    assert caught.value.code == "badPublicKey"
    assert "RSA-1024 is a weak key" in caught.value.detail
    assert any(e.action == "refused:issue" for e in env.service.ledger.audit())
    _still_serving_and_nothing_issued(env)


def test_failed_http01_leaves_the_order_invalid(env: Env):
    acme = env.client("alice")
    csr, _ = new_csr("nothere.example.com")
    order = acme.new_order(csr, profile=HTTP_TYPE)
    challb = next(c for c in order.authorizations[0].body.challenges)
    acme.answer_challenge(challb, challb.response(acme.net.key))  # nothing served
    [stored] = env.store.orders()
    assert stored.status == "invalid"
    assert "answered HTTP 404" in stored.error["detail"]


def test_oversized_body(env: Env):
    response = _post(env, env.server.acme.url("new-order"), b"x" * (MAX_BODY + 10))
    assert "at most 65536" in _problem(response, "malformed", 413)
    _still_serving_and_nothing_issued(env)


def test_admin_type_is_not_issued_through_the_combined_path(env: Env):
    """Finalizing an admin-mediated order raises a request, never a certificate."""
    acme = env.client("carol")
    acme.begin_finalization(ready_order(env, acme, "mf.internal.example", profile=ADMIN_TYPE))
    _still_serving_and_nothing_issued(env)


def test_a_huge_body_is_cut_off_unread(env: Env):
    """Past the drain limit the body is not read: the client may see the 413 or a reset."""
    from app.ca.acme.transport import DRAIN_LIMIT

    try:
        response = _post(env, env.server.acme.url("new-order"), b"x" * (DRAIN_LIMIT + 1))
    except requests.ConnectionError:
        pass
    else:
        assert response.status_code == 413
    _still_serving_and_nothing_issued(env)
