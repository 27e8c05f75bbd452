"""The ACME server through the certbot project's `acme` client library, over real loopback
HTTPS: issuance by type, the admin-mediated hold, revocation, key rollover, deactivation, ARI."""

from __future__ import annotations

import datetime as dt
import json

import josepy as jose
import pytest
from acme import errors, messages
from acme import jws as acme_jws
from cryptography import x509

from app.ca.records import RequestState
from tests.ca.acme.support import (
    ADMIN_TYPE,
    HTTP_TYPE,
    Env,
    deadline,
    new_csr,
    ready_order,
    rsa_account_key,
)


def _issue(env: Env, acme, *names: str, profile: str | None = None):
    csr, _ = new_csr(*names)
    order = acme.new_order(csr, profile=profile)
    env.answer_http01(acme, order)
    return acme.poll_and_finalize(order, deadline())


def test_combined_type_by_profile_is_issued_at_finalize(env: Env):
    acme = env.client("alice")
    done = _issue(env, acme, "shop.example.com", profile=HTTP_TYPE)
    certs = x509.load_pem_x509_certificates(done.fullchain_pem.encode())
    assert certs[0].extensions.get_extension_for_class(
        x509.SubjectAlternativeName).value.get_values_for_type(x509.DNSName) == \
        ["shop.example.com"]
    assert certs[1] == env.service.authority.issuing
    [order] = env.store.orders()
    assert (order.status, order.type_id, order.profile) == ("valid", HTTP_TYPE, HTTP_TYPE)
    record = env.service.ledger.certificate(order.serial)
    assert record.workflow == "combined"
    assert "ACME http-01 for shop.example.com" in record.identity
    actions = [(e.actor, e.action) for e in env.service.ledger.audit()]
    assert ("alice", "acme:new-account") in actions
    assert ("alice", "acme:new-order") in actions
    assert ("alice", "acme:challenge") in actions
    assert ("alice", "issue") in actions
    assert env.service.verify().ok


def test_an_order_without_profile_is_classified_by_its_names(env: Env):
    acme = env.client("alice")
    _issue(env, acme, "api.example.com")
    [order] = env.store.orders()
    assert (order.type_id, order.profile, order.status) == (HTTP_TYPE, None, "valid")
    entry = next(e for e in env.service.ledger.audit() if e.action == "acme:new-order")
    assert entry.detail["classified"] is True


def test_admin_mediated_order_waits_in_processing_until_fulfilled(env: Env):
    acme = env.client("carol")
    order = acme.begin_finalization(ready_order(env, acme, "mf.internal.example",
                                                profile=ADMIN_TYPE))
    assert order.body.status == messages.STATUS_PROCESSING
    [stored] = env.store.orders()
    request = env.service.ledger.request(stored.request_id)
    assert (request.requester, request.state) == ("carol", RequestState.PENDING)
    assert "ACME order" in request.justification
    with pytest.raises(errors.TimeoutError):
        acme.poll_finalization(order, deadline(2))
    env.service.admin.approve(request.id, approver="bob", role="Team lead",
                              confirmed=["1", "2"])
    env.service.unlock(b"correct horse battery")
    env.service.admin.fulfil(request.id, operator="ops")
    done = acme.poll_finalization(order, deadline())
    assert "BEGIN CERTIFICATE" in done.fullchain_pem
    # Downloading closes the acknowledgement step.
    assert env.service.ledger.request(request.id).state is RequestState.ACKNOWLEDGED


def test_rejected_admin_order_is_invalid_with_the_reason(env: Env):
    acme = env.client("carol")
    order = acme.begin_finalization(ready_order(env, acme, "mf2.internal.example",
                                                profile=ADMIN_TYPE))
    request_id = env.store.orders()[0].request_id
    env.service.admin.reject(request_id, approver="bob", role="Team lead",
                             reason="not in the CMDB")
    with pytest.raises(errors.IssuanceError) as caught:
        acme.poll_finalization(order, deadline())
    assert "not in the CMDB" in caught.value.error.detail
    assert env.store.orders()[0].status == "invalid"


def test_revocation_goes_on_the_next_crl(env: Env):
    acme = env.client("alice")
    done = _issue(env, acme, "old.example.com", profile=HTTP_TYPE)
    cert = x509.load_pem_x509_certificate(done.fullchain_pem.encode())
    acme.revoke(cert, 4)
    crl = env.service.crl(actor="ops")
    entry = crl.get_revoked_certificate_by_serial_number(cert.serial_number)
    assert entry is not None
    assert entry.extensions.get_extension_for_class(x509.CRLReason).value.reason == \
        x509.ReasonFlags.superseded
    with pytest.raises(messages.Error) as caught:
        acme.revoke(cert, 4)
    assert caught.value.code == "alreadyRevoked"


def test_key_rollover_then_deactivation(env: Env):
    acme = env.client("alice", key=rsa_account_key())
    new_key = rsa_account_key()
    regr = acme.net.account
    inner = acme_jws.JWS.sign(
        json.dumps({"account": regr.uri,
                    "oldKey": acme.net.key.public_key().to_partial_json()}).encode(),
        key=new_key, alg=jose.RS256, nonce=None, url=acme.directory["keyChange"])
    acme._post(acme.directory["keyChange"], inner)
    assert env.store.account(1).jwk == new_key.public_key().to_partial_json()
    acme.net.key = new_key
    acme.query_registration(regr)  # signed with the new key
    acme.deactivate_registration(regr)
    assert env.store.account(1).status == "deactivated"
    with pytest.raises(messages.Error) as caught:
        acme.new_order(new_csr("a.example.com")[0])
    assert caught.value.code == "unauthorized"
    actions = [e.action for e in env.service.ledger.audit()]
    assert "acme:key-change" in actions
    assert "acme:deactivate-account" in actions


def test_renewal_info_follows_the_types_renewal_point(env: Env):
    acme = env.client("alice")
    done = _issue(env, acme, "ari.example.com", profile=HTTP_TYPE)
    cert = x509.load_pem_x509_certificate(done.fullchain_pem.encode())
    record = env.service.ledger.certificate(format(cert.serial_number, "x"))
    suggested, _ = acme.renewal_time(done.fullchain_pem.encode())
    assert suggested is not None
    assert record.renew_at is not None
    renew_at = dt.datetime.fromisoformat(record.renew_at)
    assert renew_at <= suggested <= cert.not_valid_after_utc


def test_verify_names_acme_rows_edited_in_sqlite(env: Env):
    import sqlite3

    acme = env.client("alice")
    _issue(env, acme, "v.example.com", profile=HTTP_TYPE)
    acme.new_order(new_csr("w.internal.example")[0], profile=ADMIN_TYPE)  # challenges unanswered
    assert env.service.verify().ok
    other = env.key_for("mallory")
    conn = sqlite3.connect(env.folder / "ledger.sqlite3")
    conn.execute("UPDATE acme_orders SET account_id = 2, status = 'pending' WHERE id = 1")
    conn.execute("UPDATE acme_eab SET requester = 'alice' WHERE kid = ?", (other.kid,))
    conn.commit()
    conn.close()
    problems = env.service.verify().problems
    assert "ACME order 1 was edited outside Certroute: account_id is 2, the audit log says " \
        "1, status is 'pending', the audit log says 'valid'" in problems
    assert f"ACME eab {other.kid} was edited outside Certroute: requester is 'alice', the " \
        "audit log says 'mallory'" in problems
