"""The CA review of 2026-12 (shared/reviews/2026-12/ca.md) through the command line: each
finding's reproduction, now a one-line error (exit 2) with nothing issued, or logged."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from app.ca.service import CaService
from tests.ca.helpers import error_line, run_json

# An admin-mediated request raised by alice (add --key-out FILE for its generated key).
EV_REQUEST = ("request", "--type", "ev-tls", "--dns", "www.example.com", "--requester", "alice",
              "--justification", "brand site launch")


def certificates(tmp_path: Path) -> list[str]:
    service = CaService.open(tmp_path / "ca")
    try:
        return [c.serial for c in service.ledger.certificate_rows()]
    finally:
        service.close()


def audit_actions(tmp_path: Path) -> list[str]:
    service = CaService.open(tmp_path / "ca")
    try:
        return [e.action for e in service.ledger.audit()]
    finally:
        service.close()


# --- defect 6: a delivery failure orphans a certificate ----------------------------------

@pytest.mark.parametrize("target", ["file", "under-a-file", "link"])
def test_a_bad_out_target_is_refused_before_anything_is_issued(cli, tmp_path, target):
    (tmp_path / "plain").write_text("not a folder")
    out = {"file": "plain", "under-a-file": "plain/sub",
           "link": "linked"}[target]
    if target == "link":
        (tmp_path / "real").mkdir()
        (tmp_path / "linked").symlink_to(tmp_path / "real")
    err = error_line(cli("issue", "--type", "internal-tls", "--dns", "of.internal.example",
                         "--out", out))
    assert "folder" in err or "link" in err
    assert certificates(tmp_path) == []


def test_a_planted_link_among_the_delivery_files_is_refused_first(cli, tmp_path):
    (tmp_path / "out").mkdir()
    (tmp_path / "out" / "privkey.pem").symlink_to(tmp_path / "victim")
    err = error_line(cli("issue", "--type", "internal-tls", "--dns", "of.internal.example",
                         "--out", "out"))
    assert "privkey.pem is a symbolic link" in err
    assert certificates(tmp_path) == []
    assert not (tmp_path / "victim").exists()


@pytest.mark.skipif(os.geteuid() == 0, reason="root may write anywhere")
def test_an_out_folder_without_write_permission_is_refused(cli, tmp_path):
    locked = tmp_path / "locked"
    locked.mkdir(mode=0o500)
    error_line(cli("issue", "--type", "internal-tls", "--dns", "of.internal.example",
                   "--out", "locked/out"))
    assert certificates(tmp_path) == []


def test_a_write_that_fails_after_issuing_keeps_the_key(cli, tmp_path, monkeypatch):
    """A target that passed the check but fails while writing (a full disk): the certificate
    is in the ledger, so its generated key and certificate are kept in the CA folder."""
    from app.ca import delivery

    def full_disk(*_args, **_kwargs):
        raise OSError(28, "No space left on device", "out/privkey.pem")

    monkeypatch.setattr(delivery, "to_folder", full_disk)
    err = error_line(cli("issue", "--type", "internal-tls", "--dns", "of.internal.example",
                         "--out", "out"))
    [serial] = certificates(tmp_path)
    assert f"certificate {serial} was issued, but delivery failed" in err
    assert "No space left on device" in err
    kept = tmp_path / "ca" / "undelivered" / f"certificate-{serial}"
    assert str(kept) in err
    key = (kept / "privkey.pem").read_bytes()
    assert key.startswith(b"-----BEGIN PRIVATE KEY-----")
    assert oct((kept / "privkey.pem").stat().st_mode & 0o777) == "0o600"
    from cryptography import x509
    from cryptography.hazmat.primitives import serialization
    cert = x509.load_pem_x509_certificate((kept / "cert.pem").read_bytes())
    assert cert.public_key() == serialization.load_pem_private_key(key, None).public_key()
    assert audit_actions(tmp_path)[-1] == "delivery-failed"


def test_a_key_out_that_cannot_be_written_is_refused_before_the_request(cli, tmp_path):
    (tmp_path / "plain").write_text("x")
    error_line(cli(*EV_REQUEST, "--key-out", "plain/key.pem"))
    service = CaService.open(tmp_path / "ca")
    assert service.ledger.requests() == []
    service.close()


# --- defect 4: self-approval through look-alike names ------------------------------------

def ev_request(cli) -> int:
    data = run_json(cli, *EV_REQUEST, "--key-out", "ev.key")
    return int(data["id"])


@pytest.mark.parametrize(("spelling", "shown"), [
    ("\u0430lice", "U+0430 CYRILLIC SMALL LETTER A"),
    ("al\u200bice", "U+200B ZERO WIDTH SPACE"),
    ("\uff41lice", "U+FF41 FULLWIDTH LATIN SMALL LETTER A"),
    ("\u0430\u0406\u0456\u0441\u0435", "U+0406 CYRILLIC CAPITAL LETTER BYELORUSSIAN-UKRAINIAN I"),
])
def test_a_look_alike_of_the_requester_cannot_approve(cli, tmp_path, spelling, shown):
    request_id = ev_request(cli)
    err = error_line(cli("approve", str(request_id), "--approver", spelling, "--role", "CISO",
                         "--confirm", "1", "--confirm", "2", "--confirm", "3"))
    assert shown in err
    service = CaService.open(tmp_path / "ca")
    assert service.ledger.request(request_id).approvals == ()
    refusal = service.ledger.audit()[-1]
    service.close()
    assert refusal.action == "refused:approve"
    assert refusal.actor == spelling
    assert shown in refusal.detail["reason"]  # the log shows which letters they were


def test_an_honest_non_ascii_approver_is_recorded_with_code_points(cli, tmp_path):
    request_id = ev_request(cli)
    run_json(cli, "approve", str(request_id), "--approver", "José", "--role", "CISO",
             "--confirm", "1", "--confirm", "2", "--confirm", "3")
    service = CaService.open(tmp_path / "ca")
    entry = service.ledger.audit()[-1]
    service.close()
    assert (entry.action, entry.actor) == ("approve", "José")
    assert entry.detail["actor_code_points"].endswith("U+00E9 LATIN SMALL LETTER E WITH ACUTE")


# --- the smaller findings: each a one-line error, exit 2, logged, nothing issued ----------

def refusals(tmp_path: Path) -> list[tuple[str, str]]:
    service = CaService.open(tmp_path / "ca")
    try:
        return [(e.action, e.detail.get("reason", "")) for e in service.ledger.audit()
                if e.action.startswith("refused:")]
    finally:
        service.close()


def refused_once(cli, tmp_path, *args: str) -> tuple[str, str]:
    """Run a command that must be refused: one line, exit 2, one refusal logged."""
    before = len(refusals(tmp_path))
    err = error_line(cli(*args))
    after = refusals(tmp_path)
    assert len(after) == before + 1, err
    return err, after[-1][0]


def test_a_mixed_script_a_label_is_refused(cli, tmp_path):
    """B6: 'аpple' (Cyrillic а) as its A-label was issued."""
    err, action = refused_once(cli, tmp_path, "issue", "--type", "internal-tls",
                               "--dns", "xn--pple-43d.internal.example")
    assert "is 'аpple', which mixes Cyrillic and Latin letters" in err
    assert action == "refused:issue"
    assert certificates(tmp_path) == []


def test_validity_zero_is_refused_not_the_maximum(cli, tmp_path):
    """B16: `validity_days or profile.max_validity_days` made 0 the maximum."""
    err, _ = refused_once(cli, tmp_path, "issue", "--type", "internal-tls",
                          "--dns", "api.internal.example", "--validity-days", "0")
    assert "validity of 0 days is outside 1–" in err
    err, _ = refused_once(cli, tmp_path, *EV_REQUEST, "--key-out", "k.pem",
                          "--validity-days", "0")
    assert "validity of 0 days" in err
    assert certificates(tmp_path) == []


@pytest.mark.parametrize(("days", "shown"), [
    ("-3", "must be 1–10 days away (CA/B Forum BR §4.9.7), not -3"),
    ("0", "not 0"),
    ("100000", "not 100000"),
    ("11", "not 11"),
])
def test_crl_next_update_is_bounded(cli, tmp_path, days, shown):
    """F10/L10: -3 crashed, 0 published a stale CRL, 100000 one valid until 2300."""
    err, action = refused_once(cli, tmp_path, "crl", "--next-update-days", days)
    assert shown in err
    assert action == "refused:crl"
    assert not (tmp_path / "ca" / "crl.pem").exists()
    crl = run_json(cli, "crl", "--next-update-days", "10")
    assert crl["number"] == 1  # a refusal consumes no number


@pytest.mark.parametrize("days", ["-1", "0", "100000"])
def test_a_request_expiry_is_bounded(cli, tmp_path, days):
    """B35: `--expires-in -1` raised a request already expired."""
    err, action = refused_once(cli, tmp_path, *EV_REQUEST, "--key-out", "k.pem",
                               "--expires-in", days)
    assert f"a request may wait 1–90 days, not {days}" in err
    assert action == "refused:request"
    service = CaService.open(tmp_path / "ca")
    assert service.ledger.requests() == []
    service.close()


def test_an_oversized_csr_file_is_logged(cli, tmp_path):
    """B19/defect 11: a 96 KB CSR was refused but not logged."""
    (tmp_path / "huge.pem").write_bytes(b"-----BEGIN CERTIFICATE REQUEST-----\n"
                                        + b"A" * 70_000)
    err, action = refused_once(cli, tmp_path, "issue", "--type", "internal-tls",
                               "--csr", "huge.pem")
    assert "at most 65,536 are accepted" in err
    assert action == "refused:issue"


def test_a_non_ascii_dns_name_is_logged(cli, tmp_path):
    err, _ = refused_once(cli, tmp_path, "issue", "--type", "internal-tls",
                          "--dns", "\u0430pi.internal.example")
    assert "is not in A-label form" in err


def test_unknown_requests_serials_and_types_are_logged(cli, tmp_path):
    assert "no request 99" in refused_once(cli, tmp_path, "approve", "99", "--approver",
                                           "bob", "--role", "CISO")[0]
    assert "no request 99" in refused_once(cli, tmp_path, "fulfil", "99")[0]
    assert "no request 99" in refused_once(cli, tmp_path, "acknowledge", "99",
                                           "--requester", "alice")[0]
    assert "no certificate with serial abc" in refused_once(cli, tmp_path, "revoke", "abc")[0]
    assert "not a hexadecimal serial" in refused_once(cli, tmp_path, "revoke", "xyz")[0]
    assert "unknown revocation reason" in refused_once(cli, tmp_path, "revoke", "abc",
                                                       "--reason", "bored")[0]
    assert "no certificate type 'nope'" in refused_once(
        cli, tmp_path, "issue", "--type", "nope", "--dns", "api.internal.example")[0]


def test_a_sha1_signed_csr_is_refused_as_sha1_not_as_tampered(cli, tmp_path):
    """B11: the message said "altered or not signed by its own key"."""
    import subprocess

    subprocess.run(["openssl", "req", "-new", "-newkey", "ec", "-pkeyopt",
                    "ec_paramgen_curve:P-256", "-nodes", "-keyout", str(tmp_path / "s.key"),
                    "-subj", "/CN=api.internal.example", "-addext",
                    "subjectAltName=DNS:api.internal.example", "-sha1", "-out",
                    str(tmp_path / "sha1.csr")], check=True, capture_output=True)
    err, _ = refused_once(cli, tmp_path, "issue", "--type", "internal-tls",
                          "--csr", "sha1.csr")
    assert "SHA-1 signature not accepted" in err
    assert "altered" not in err


def test_a_crl_out_link_is_refused_before_signing(cli, tmp_path):
    (tmp_path / "crl-out.pem").symlink_to(tmp_path / "victim")
    err = error_line(cli("crl", "--out", "crl-out.pem"))
    assert "is a symbolic link" in err
    assert not (tmp_path / "ca" / "crl.pem").exists()
    assert not (tmp_path / "victim").exists()
