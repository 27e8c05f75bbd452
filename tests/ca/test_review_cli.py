"""The CA review of 2026-12 (shared/reviews/2026-12/ca.md) through the command line: each
finding's reproduction, now a one-line error (exit 2) with nothing issued, or logged."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from app.ca.service import CaService
from tests.ca.helpers import error_line, run_json


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
    error_line(cli("request", "--type", "ev-tls", "--dns", "www.example.com",
                   "--requester", "alice", "--justification", "launch site",
                   "--key-out", "plain/key.pem"))
    service = CaService.open(tmp_path / "ca")
    assert service.ledger.requests() == []
    service.close()


# --- defect 4: self-approval through look-alike names ------------------------------------

def ev_request(cli) -> int:
    data = run_json(cli, "request", "--type", "ev-tls", "--dns", "www.example.com",
                    "--key-out", "ev.key", "--requester", "alice",
                    "--justification", "brand site launch")
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
