"""Fuzz: random and mutated JWS bodies posted to the ACME server over HTTPS. Every answer is a
problem document (never a 5xx), nothing is issued, the audit chain stays intact and the server
keeps serving."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import josepy as jose
import requests
from cryptography.hazmat.primitives.asymmetric import ec
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.ca.acme.support import acme_env

JSON = st.recursive(st.none() | st.booleans() | st.integers() | st.text(max_size=20),
                    lambda inner: st.lists(inner, max_size=3)
                    | st.dictionaries(st.text(max_size=8), inner, max_size=3), max_leaves=8)
PATHS = ("new-account", "new-order", "revoke-cert", "key-change", "order/1",
         "order/1/finalize", "authz/1", "chall/1", "account/1", "cert/1")


def _mutate(body: dict[str, str], data: st.DataObject) -> bytes:
    """A valid JWS with one part flipped, replaced, dropped, or an extra member added."""
    how = data.draw(st.sampled_from(["flip", "replace", "drop", "add", "header"]))
    part = data.draw(st.sampled_from(sorted(body)))
    mutated: dict[str, Any] = dict(body)
    if how == "flip" and body[part]:
        at = data.draw(st.integers(0, len(body[part]) - 1))
        mutated[part] = body[part][:at] + data.draw(st.sampled_from("A_-x=.")) + \
            body[part][at + 1:]
    elif how == "replace":
        mutated[part] = data.draw(JSON)
    elif how == "drop":
        del mutated[part]
    elif how == "add":
        mutated[data.draw(st.text(max_size=8))] = data.draw(JSON)
    else:
        header = json.loads(jose.b64decode(body["protected"]))
        header[data.draw(st.sampled_from(["alg", "nonce", "url", "kid", "jwk"]))] = \
            data.draw(JSON)
        mutated["protected"] = jose.b64encode(json.dumps(header).encode()).decode()
    return json.dumps(mutated).encode()


def test_random_and_mutated_jws_bodies(tmp_path: Path):
    with acme_env(tmp_path) as env:
        key = jose.JWKEC(key=ec.generate_private_key(ec.SECP256R1()))
        acme = env.client("alice", key=key)
        session = requests.Session()

        @settings(max_examples=150, deadline=None,
                  suppress_health_check=[HealthCheck.too_slow,
                                         HealthCheck.function_scoped_fixture])
        @given(data=st.data())
        def post(data: st.DataObject) -> None:
            path = data.draw(st.sampled_from(PATHS))
            url = env.server.acme.url(path)
            if data.draw(st.booleans()):
                body = data.draw(st.binary(max_size=300))
            else:
                nonce = acme.net._get_nonce(url, acme.directory["newNonce"])
                payload = json.dumps(data.draw(JSON)).encode()
                signed = acme.net._wrap_in_jws(_Raw(payload), nonce, url)
                body = _mutate(json.loads(signed), data)
            response = session.post(url, data=body, timeout=10, verify=str(env.root),
                                    headers={"Content-Type": "application/jose+json"})
            assert response.status_code < 500, response.text
            if response.status_code >= 400:
                problem = response.json()
                assert response.headers["Content-Type"] == "application/problem+json"
                assert problem["detail"]
                assert "\n" not in problem["detail"]

        post()
        assert session.get(env.directory, timeout=10, verify=str(env.root)).status_code == 200
        assert [c for c in env.service.ledger.certificate_rows()
                if c.type_id != "acme-server"] == []
        assert env.service.verify().ok
        refused = [e for e in env.service.ledger.audit() if e.action.startswith("refused:acme")]
        assert len(refused) > 50


class _Raw(jose.JSONDeSerializable):
    """A payload signed as it is (any JSON), as `ClientNetwork._wrap_in_jws` signs objects."""

    def __init__(self, payload: bytes) -> None:
        self.payload = payload

    def to_partial_json(self) -> Any:
        return json.loads(self.payload)

    @classmethod
    def from_json(cls, jobj: Any) -> _Raw:
        return cls(json.dumps(jobj).encode())
