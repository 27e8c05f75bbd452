"""`certroute ca …` through app.cli.main: both workflows, --json, one-line errors (exit 2)."""

from __future__ import annotations

import hashlib
import io
import json
import shutil
import sqlite3
import subprocess
import sys
from pathlib import Path

from cryptography import x509
from cryptography.hazmat.primitives import serialization

from app.ca.cli import ENV_CA_DIR, ENV_PASSPHRASE, ENV_ROOT_PASSPHRASE
from app.ca.ledger import LEDGER
from app.cli import main
from models.project_file import example_text
from tests.ca.conftest import edit
from tests.ca.helpers import assert_is_leaf, error_line, run_json


def test_init_json_describes_both_tiers(tmp_path: Path, monkeypatch, capsys):
    monkeypatch.setenv(ENV_PASSPHRASE, "correct horse battery")
    monkeypatch.setenv(ENV_ROOT_PASSPHRASE, "root staple in the safe")
    assert main(["ca", "init", str(tmp_path / "new"), "--json"]) == 0
    data = json.loads(capsys.readouterr().out)
    assert data["root"]["subject"] == "CN=Certroute test CA Root CA,O=Certroute test CA"
    assert data["issuing"]["subject"].startswith("CN=Certroute test CA Issuing CA")
    assert len(data["root"]["fingerprint"]) == 64


def test_issue_combined_delivers_a_verifying_certificate(cli, tmp_path: Path):
    data = run_json(cli, "issue", "--type", "internal-tls", "--dns", "api.internal.example",
                    "--out", "out", "--identity-evidence", "IRSA")
    assert data["issued"] is True
    assert data["workflow"] == "combined"
    assert data["names"] == ["api.internal.example"]
    assert data["renew_at"]
    assert sorted(Path(p).name for p in data["delivered"]) == [
        "cert.pem", "chain.pem", "fullchain.pem", "privkey.pem"]
    cert = x509.load_pem_x509_certificate((tmp_path / "out" / "cert.pem").read_bytes())
    issuing, _root = x509.load_pem_x509_certificates(
        (tmp_path / "out" / "chain.pem").read_bytes())
    assert_is_leaf(cert, issuing, names=["api.internal.example"])


def test_issue_from_a_pem_csr_file(cli, tmp_path: Path, make_csr):
    csr, _ = make_csr("www.example.com")
    (tmp_path / "req.pem").write_bytes(csr.public_bytes(serialization.Encoding.PEM))
    data = run_json(cli, "issue", "--type", "customer-tls", "--csr", "req.pem")
    assert data["names"] == ["www.example.com"]


def test_issue_admin_mediated_type_is_refused(cli):
    err = error_line(cli("issue", "--type", "mainframe-tls", "--dns", "mf.internal.example"))
    assert "routes admin-mediated (Identity capability)" in err


def test_issue_lists_every_violation(cli):
    status, out, err = cli("issue", "--type", "internal-tls", "--dns", "API.internal.example",
                           "--dns", "x.example.org", "--validity-days", "500", "--json")
    assert status == 2
    codes = [v["code"] for v in json.loads(out)["violations"]]
    assert codes == ["mixed-case", "san-outside-patterns", "validity-too-long"]
    assert "3 policy violation(s)" in error_line((status, out, err))


def test_self_approval_refused_through_the_cli(cli):
    request = run_json(cli, "request", "--type", "mainframe-tls", "--dns",
                       "mf.internal.example", "--key-out", "mf.key", "--requester", "alice",
                       "--justification", "Core banking TLS")
    assert request["state"] == "pending"
    rid = str(request["id"])
    err = error_line(cli("approve", rid, "--approver", "Alice", "--role", "Team lead",
                         "--confirm", "1", "--confirm", "2"))
    assert "the requester can never approve their own request" in err
    audit = run_json(cli, "list", "--audit")["audit"]
    assert audit[-1]["action"] == "refused:approve"
    listed = run_json(cli, "list", "--requests")["requests"]
    assert listed[0]["state"] == "pending"
    assert listed[0]["approvals"] == []


def test_admin_path_end_to_end(cli, tmp_path: Path, monkeypatch):
    rid = str(run_json(cli, "request", "--type", "mainframe-tls", "--dns",
                       "mf.internal.example", "--key-out", "mf.key", "--requester", "alice",
                       "--justification", "Core banking TLS")["id"])
    err = error_line(cli("approve", rid, "--approver", "bob", "--role", "Team lead",
                         "--confirm", "1"))
    assert "not confirmed: SANs match the CMDB entry" in err
    approved = run_json(cli, "approve", rid, "--approver", "bob", "--role", "team lead",
                        "--confirm", "1", "--confirm", "SANs match the CMDB entry")
    assert approved["state"] == "approved"
    monkeypatch.setenv("CERTROUTE_P12_PASSPHRASE", "bundle-pass")
    issued = run_json(cli, "fulfil", rid, "--operator", "ops", "--key", "mf.key",
                      "--out", "mf", "--p12", "mf/mf.p12", "--k8s-secret", "mf/secret.yaml",
                      "--secret-name", "mainframe-tls")
    assert issued["workflow"] == "admin-mediated"
    assert {Path(p).name for p in issued["delivered"]} >= {"mf.p12", "secret.yaml"}
    assert "name: \"mainframe-tls\"" in (tmp_path / "mf" / "secret.yaml").read_text()
    error_line(cli("acknowledge", rid, "--requester", "bob"))
    assert run_json(cli, "acknowledge", rid, "--requester", "alice")["state"] == "acknowledged"
    renewals = run_json(cli, "list", "--renewals")["renewals"]
    assert [(r["kind"], r["days_before"]) for r in renewals] == [
        ("notice", 90), ("notice", 30), ("notice", 7)]
    assert run_json(cli, "verify")["ok"] is True


def test_reject_ends_the_request(cli):
    rid = str(run_json(cli, "request", "--type", "code-signing", "--cn",
                       "Harbourview Financial Services Ltd", "--key-type", "ec",
                       "--key-size", "384", "--key-out", "cs.key",
                       "--requester", "release-eng", "--justification", "Q3 releases")["id"])
    rejected = run_json(cli, "reject", rid, "--approver", "Chloe", "--role", "Compliance",
                        "--reason", "No HSM evidence")
    assert rejected["state"] == "rejected"
    assert "No HSM evidence" in rejected["closed_reason"]
    err = error_line(cli("approve", rid, "--approver", "Eve", "--role", "Executive owner",
                         "--confirm", "1", "--confirm", "2", "--confirm", "3"))
    assert "is rejected" in err


def test_revoke_and_crl(cli):
    serial = run_json(cli, "issue", "--type", "internal-tls", "--dns",
                      "api.internal.example")["serial"]
    revoked = run_json(cli, "revoke", serial, "--reason", "superseded")
    assert revoked["revocation_reason"] == "superseded"
    crl = run_json(cli, "crl", "--out", "ca.crl")
    assert crl["revoked"] == [serial]
    assert crl["number"] == 1
    assert x509.load_pem_x509_crl(Path("ca.crl").read_bytes())
    assert "already revoked" in error_line(cli("revoke", serial))
    assert "not a hexadecimal serial" in error_line(cli("revoke", "xyz"))


def test_verify_fails_after_tampering(cli, tmp_path: Path):
    run_json(cli, "issue", "--type", "internal-tls", "--dns", "api.internal.example")
    conn = sqlite3.connect(tmp_path / "ca" / LEDGER)
    conn.execute("DROP TRIGGER audit_no_update")
    conn.execute("UPDATE audit SET actor = 'mallory' WHERE seq = 2")
    conn.commit()
    conn.close()
    err = error_line(cli("verify"))
    assert "audit entry 2 was edited" in err
    assert "trigger audit_no_update was removed" in err


def test_unrevoking_in_sqlite_fails_verify_but_stays_on_the_crl_with_a_warning(cli, tmp_path: Path):
    serial = run_json(cli, "issue", "--type", "internal-tls", "--dns",
                      "api.internal.example")["serial"]
    run_json(cli, "revoke", serial, "--reason", "key-compromise")
    conn = sqlite3.connect(tmp_path / "ca" / LEDGER)
    conn.execute("UPDATE certificates SET revoked_at = NULL, revocation_reason = NULL")
    conn.commit()
    conn.close()
    err = error_line(cli("verify"))
    assert f"certificate {serial} was changed after audit entry 4: revocation_reason is " \
        "NULL (recorded 'key-compromise'); revoked_at is NULL" in err
    # The CRL comes from the audit log, so the edit cannot take the serial off it.
    status, _, err = cli("crl")
    assert status == 0
    assert f"certroute: warning: certificate {serial} was changed after audit entry 4" in err
    assert serial in run_json(cli, "crl")["revoked"]


def other_project(tmp_path: Path, name: str = "other.certroute.json") -> Path:
    """The built-in example with the mainframe type overridden to combined, as a file."""
    data = json.loads(example_text())
    mainframe = next(t for t in data["types"] if t["id"] == "mainframe-tls")
    mainframe["override"] = {"workflow": "combined",
                             "justification": "The mainframe team now runs an ACME client"}
    path = tmp_path / name
    path.write_text(json.dumps(data, indent=2), encoding="utf-8")
    return path


def test_init_pins_the_built_in_example_and_issue_refuses_another_project(cli,
                                                                         tmp_path: Path):
    other = other_project(tmp_path)
    verified = run_json(cli, "verify")
    assert verified["project"]["label"] == "built-in example (financial-services.certroute.json)"
    err = error_line(cli("issue", "--project", str(other), "--type", "mainframe-tls",
                         "--dns", "mf01.internal.example"))
    assert "this CA is pinned to project built-in example" in err
    assert f"not {other} (digest" in err
    assert "certroute ca pin-project FILE" in err
    assert "--accept-project-change" in err
    assert run_json(cli, "list", "--audit")["audit"][-1]["action"] == "refused:issue"
    assert run_json(cli, "list", "--certificates")["certificates"] == []


def test_accepted_project_change_is_audited_with_file_hash_and_override(cli, tmp_path: Path):
    other = other_project(tmp_path)
    issued = run_json(cli, "issue", "--project", str(other), "--type", "mainframe-tls",
                      "--dns", "mf01.internal.example", "--accept-project-change")
    assert issued["workflow"] == "combined"
    pin, issue = run_json(cli, "list", "--audit")["audit"][-2:]
    assert pin["action"] == "pin-project"
    assert pin["detail"]["previous"]["label"].startswith("built-in example")
    assert pin["detail"]["reason"] == "project change accepted at issue"
    project = issue["detail"]["project"]
    assert project["label"] == str(other)
    assert project["file_sha256"] == hashlib.sha256(other.read_bytes()).hexdigest()
    assert issue["detail"]["override"] is True
    assert issue["detail"]["rule_workflow"] == "admin-mediated"
    assert issue["detail"]["override_justification"].startswith("The mainframe team")
    assert run_json(cli, "verify")["project"]["digest"] == project["digest"]


def test_pin_project_then_issue_without_the_flag(cli, tmp_path: Path):
    other = other_project(tmp_path)
    pinned = run_json(cli, "pin-project", str(other))
    assert pinned["project"]["file_sha256"] == hashlib.sha256(other.read_bytes()).hexdigest()
    assert pinned["previous"]["label"].startswith("built-in example")
    assert run_json(cli, "issue", "--project", str(other), "--type", "internal-tls",
                    "--dns", "api.internal.example")["issued"] is True
    # Re-saved with other formatting, the same project keeps its pin.
    respaced = tmp_path / "respaced.certroute.json"
    respaced.write_text(json.dumps(json.loads(other.read_text()), indent=4))
    assert run_json(cli, "request", "--project", str(respaced), "--type", "ev-tls",
                    "--dns", "www.example.com", "--key-out", "ev.key", "--requester",
                    "alice", "--justification", "brand site")["state"] == "pending"
    # The built-in example is now the other project: refused until accepted.
    assert "pinned to project" in error_line(
        cli("issue", "--type", "internal-tls", "--dns", "api.internal.example"))


def test_init_with_a_project_file_pins_it(tmp_path: Path, monkeypatch, capsys):
    monkeypatch.setenv(ENV_PASSPHRASE, "correct horse battery")
    monkeypatch.setenv(ENV_ROOT_PASSPHRASE, "root staple in the safe")
    other = other_project(tmp_path)
    assert main(["ca", "init", str(tmp_path / "ca2"), "--project", str(other)]) == 0
    out = capsys.readouterr().out
    assert f"pinned   to project {other} (digest " in out


def test_errors_are_one_line(cli, tmp_path: Path, monkeypatch):
    assert "choose a verb" in error_line(cli())
    assert "no certificate type 'nope'" in error_line(
        cli("issue", "--type", "nope", "--dns", "a.internal.example"))
    assert "cannot read the CSR" in error_line(
        cli("issue", "--type", "internal-tls", "--csr", "missing.pem"))
    assert "no request 9" in error_line(
        cli("approve", "9", "--approver", "bob", "--role", "Team lead"))
    (tmp_path / "bad.json").write_text("{")
    assert "bad.json: not a valid JSON document" in error_line(
        cli("issue", "--project", "bad.json", "--type", "internal-tls", "--dns", "a.b"))
    monkeypatch.delenv(ENV_PASSPHRASE)
    monkeypatch.setattr(sys, "stdin", io.StringIO())  # not a terminal: nobody to ask
    assert "no passphrase" in error_line(
        cli("issue", "--type", "internal-tls", "--dns", "a.internal.example"))
    monkeypatch.setenv(ENV_PASSPHRASE, "wrong passphrase")
    assert "wrong CA passphrase" in error_line(
        cli("issue", "--type", "internal-tls", "--dns", "a.internal.example"))
    monkeypatch.delenv(ENV_CA_DIR)
    assert "--ca DIR" in error_line(cli("list"))


def test_cli_module_is_cheap_to_import():
    code = ("import sys, app.ca.cli; "
            "print(sorted(m for m in ('cryptography', 'sqlite3') if m in sys.modules))")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                         check=True).stdout
    assert out.strip() == "[]"


def test_list_shows_the_audit_logs_revocation_and_says_the_ledger_fails(cli, tmp_path: Path):
    serial = run_json(cli, "issue", "--type", "internal-tls", "--dns",
                      "api.internal.example")["serial"]
    run_json(cli, "revoke", serial, "--reason", "key-compromise")
    status, out, _ = cli("list", "--certificates")
    assert status == 0
    assert "REVOKED" in out
    assert "fails verification" not in out
    edit(tmp_path / "ca", "UPDATE certificates SET revoked_at = NULL, revocation_reason = NULL")
    (listed,) = run_json(cli, "list", "--certificates")["certificates"]
    assert (listed["revocation_reason"], listed["ledger_verified"]) == ("key-compromise", False)
    assert listed["row_problem"].startswith(f"certificate {serial} was changed after audit")
    status, out, _ = cli("list", "--certificates")
    assert status == 0
    line = next(x for x in out.splitlines() if x.startswith(f"  {serial[:16]}"))
    assert "REVOKED  [row fails verification]" in line
    assert "  ! the ledger fails verification (certroute ca verify lists why)" in out


def test_the_serial_list_prints_is_one_revoke_takes(cli):
    """`ca list` showed 16 of the 40 hex digits; `ca revoke` with what it showed said there
    was no such certificate."""
    serial = run_json(cli, "issue", "--type", "internal-tls", "--dns",
                      "api.internal.example")["serial"]
    status, out, _ = cli("list", "--certificates")
    assert status == 0
    shown = next(x for x in out.splitlines() if "internal-tls" in x).split()[0]
    assert shown == serial
    status, out, err = cli("revoke", shown, "--reason", "superseded")
    assert status == 0, err


def test_a_row_edited_in_sqlite_cannot_stop_a_key_compromise_revocation(cli, tmp_path: Path):
    serial = run_json(cli, "issue", "--type", "internal-tls", "--dns",
                      "api.internal.example")["serial"]
    edit(tmp_path / "ca", "UPDATE certificates SET identity = 'evil'")
    status, out, err = cli("revoke", serial, "--reason", "key-compromise")
    assert status == 0, err
    assert f"Revoked certificate {serial} (key-compromise)" in out
    assert f"certroute: warning: certificate {serial} was changed after audit entry 3: " \
        "identity is 'evil'" in err
    status, out, err = cli("crl")
    assert status == 0, err
    assert "identity is 'evil'" in err  # shown with the CRL output
    crl = x509.load_pem_x509_crl((tmp_path / "ca" / "crl.pem").read_bytes())
    entry = crl.get_revoked_certificate_by_serial_number(int(serial, 16))
    assert entry.extensions.get_extension_for_class(x509.CRLReason).value.reason is \
        x509.ReasonFlags.key_compromise
    if shutil.which("openssl"):
        shown = subprocess.run(["openssl", "crl", "-in", str(tmp_path / "ca" / "crl.pem"),
                                "-noout", "-text"], capture_output=True, text=True, check=True)
        # openssl prints the serial's bytes: as many hex digits as the number needs, even.
        digits = f"{int(serial, 16):X}"
        assert digits.zfill(len(digits) + len(digits) % 2) in \
            shown.stdout.replace(":", "").upper()
        assert "Key Compromise" in shown.stdout
    assert "identity is 'evil'" in error_line(cli("verify"))  # still reported
    [*_, revoke] = [e for e in run_json(cli, "list", "--audit")["audit"]
                    if e["action"] == "revoke"]
    assert "identity is 'evil'" in revoke["detail"]["tampering"][0]


def test_a_row_deleted_in_sqlite_cannot_stop_a_key_compromise_revocation(cli, tmp_path: Path):
    serial = run_json(cli, "issue", "--type", "internal-tls", "--dns",
                      "api.internal.example")["serial"]
    edit(tmp_path / "ca", "DELETE FROM certificates WHERE serial = ?", serial)
    deleted = f"certificate {serial}, recorded by audit entry 3, is missing from the ledger " \
        "(deleted)"
    status, out, err = cli("revoke", serial, "--reason", "key-compromise")
    assert status == 0, err
    assert f"Revoked certificate {serial} (key-compromise)" in out
    assert f"certroute: warning: {deleted}" in err
    status, _, err = cli("crl")
    assert status == 0, err
    crl = x509.load_pem_x509_crl((tmp_path / "ca" / "crl.pem").read_bytes())
    entry = crl.get_revoked_certificate_by_serial_number(int(serial, 16))
    assert entry.extensions.get_extension_for_class(x509.CRLReason).value.reason is \
        x509.ReasonFlags.key_compromise
    assert "is missing from the ledger (deleted)" in error_line(cli("verify"))  # still
    [*_, revoke] = [e for e in run_json(cli, "list", "--audit")["audit"]
                    if e["action"] == "revoke"]
    assert revoke["detail"]["tampering"] == [deleted]
    assert "no certificate with serial abc123" in error_line(cli("revoke", "abc123"))


def test_a_broken_audit_chain_still_refuses_the_crl(cli, tmp_path: Path):
    serial = run_json(cli, "issue", "--type", "internal-tls", "--dns",
                      "api.internal.example")["serial"]
    run_json(cli, "revoke", serial, "--reason", "key-compromise")
    edit(tmp_path / "ca", "DROP TRIGGER IF EXISTS audit_no_update")
    edit(tmp_path / "ca", "UPDATE audit SET actor = 'nobody' WHERE action = 'revoke'")
    err = error_line(cli("crl"))
    assert "no CRL signed: the audit chain fails verification" in err
    assert "was edited: its hash does not match" in err


def mail_project_file(tmp_path: Path) -> Path:
    """The built-in example plus a combined S/MIME type and an admin-mediated one, as a file."""
    data = json.loads(example_text())
    for type_id, blast in (("smime", "low"), ("exec-mail", "high")):
        data["types"].append({"id": type_id, "name": type_id.title(), "purpose": "smime",
                              "ca": "private", "validity": "medium", "identity": "strong",
                              "blast_radius": blast})
    path = tmp_path / "mail.certroute.json"
    path.write_text(json.dumps(data, indent=2), encoding="utf-8")
    return path


def test_issue_with_email_puts_the_address_in_an_rfc822name_and_list_shows_it(
        cli, tmp_path: Path):
    project = str(mail_project_file(tmp_path))
    issued = run_json(cli, "issue", "--project", project, "--accept-project-change",
                      "--type", "smime", "--email", "alice@internal.example",
                      "--email", "a.smith@internal.example", "--out", "mail")
    cert = x509.load_pem_x509_certificate((tmp_path / "mail" / "cert.pem").read_bytes())
    san = cert.extensions.get_extension_for_class(x509.SubjectAlternativeName).value
    assert san.get_values_for_type(x509.RFC822Name) == ["alice@internal.example",
                                                        "a.smith@internal.example"]
    assert san.get_values_for_type(x509.DNSName) == []
    assert cert.subject.rfc4514_string() == "CN=alice@internal.example"
    (listed,) = run_json(cli, "list", "--certificates")["certificates"]
    assert (listed["serial"], listed["dns_names"]) == (issued["serial"], [])
    assert listed["email_addresses"] == ["alice@internal.example", "a.smith@internal.example"]
    status, out, _ = cli("list", "--certificates")
    assert status == 0
    assert "email:alice@internal.example, email:a.smith@internal.example" in out


def test_request_with_email_generates_the_key_and_csr(cli, tmp_path: Path):
    project = str(mail_project_file(tmp_path))
    args = ("request", "--project", project, "--accept-project-change", "--type",
            "exec-mail", "--email", "ceo@internal.example", "--requester", "carol",
            "--justification", "Board mail")
    assert "--key-out" in error_line(cli(*args))
    request = run_json(cli, *args, "--key-out", "ceo.key")
    conn = sqlite3.connect(tmp_path / "ca" / LEDGER)
    (pem,) = conn.execute("SELECT csr_pem FROM requests WHERE id = ?",
                          (request["id"],)).fetchone()
    conn.close()
    csr = x509.load_pem_x509_csr(pem.encode("ascii"))
    san = csr.extensions.get_extension_for_class(x509.SubjectAlternativeName).value
    assert san.get_values_for_type(x509.RFC822Name) == ["ceo@internal.example"]
    assert (tmp_path / "ceo.key").is_file()


def test_dns_with_an_at_sign_is_refused_and_pointed_to_email(cli, tmp_path: Path):
    err = error_line(cli("issue", "--type", "internal-tls", "--dns", "ops@internal.example"))
    assert "--dns ops@internal.example: a DNS name has no '@'" in err
    assert "--email ops@internal.example" in err
    assert "give an email address" in error_line(cli(
        "request", "--type", "mainframe-tls", "--dns", "x@internal.example", "--key-out", "k",
        "--requester", "a", "--justification", "j"))
    assert "not an email address" in error_line(cli("issue", "--type", "internal-tls",
                                                    "--email", "internal.example"))
    assert "either --csr FILE or --dns NAME / --email ADDRESS" in error_line(cli(
        "issue", "--type", "internal-tls", "--csr", "x.csr", "--email", "a@internal.example"))
    assert run_json(cli, "list", "--certificates")["certificates"] == []


def _revoked_subordinate_ca(folder: Path) -> str:
    """A subordinate CA issued through the service (two approvals) and revoked via the CLI."""
    from app.ca.csr import build_csr, generate_key
    from app.ca.service import CaService
    from models.project import Project
    from models.project_file import load_example

    data = load_example().model_dump(mode="json")
    data["types"].append({"id": "team-ca", "name": "Team CA", "purpose": "ca-signing",
                          "ca": "private", "validity": "long", "identity": "strong",
                          "blast_radius": "high",
                          "profile": {"san_patterns": ["**.team.internal.example"]}})
    project = Project.model_validate(data)
    service = CaService.open(folder)
    try:
        service.unlock(b"correct horse battery", b"root staple in the safe")
        request = service.admin.request(
            project, "team-ca", build_csr(generate_key(), [], "Example Org Team CA"),
            requester="alice", justification="lab", accept_project_change=True)
        service.admin.approve(request.id, approver="bob", role="Team lead",
                              confirmed=[str(n) for n in
                                         range(1, len(request.policy.criteria) + 1)])
        return service.admin.fulfil(request.id, operator="ops").record.serial
    finally:
        service.close()


def test_crl_publishes_the_issuing_and_the_root_crl(cli, tmp_path: Path):
    serial = _revoked_subordinate_ca(tmp_path / "ca")
    assert run_json(cli, "revoke", serial)["revoked_at"]
    crl = run_json(cli, "crl", "--root-out", "root.crl")
    assert (crl["number"], crl["revoked"]) == (1, [])  # the issuing CA's, as before
    assert crl["root"]["revoked"] == [serial]
    assert crl["root"]["path"] == "root.crl"
    assert crl["root_problem"] is None
    assert (tmp_path / "ca" / "root.crl.pem").is_file()
    assert x509.load_pem_x509_crl(Path("root.crl").read_bytes())
    status, out, _ = cli("crl")
    assert status == 0
    assert "Root CRL 2 with 1 revoked certificate(s) written to" in out


def test_crl_without_a_usable_root_key_says_why(cli, tmp_path: Path):
    (tmp_path / "ca" / "root.key").rename(tmp_path / "root.key.offline")
    status, out, _ = cli("crl")
    assert status == 0  # nothing is missing from a root CRL
    assert "no root CRL signed: cannot read the root CA key" in out
    (tmp_path / "root.key.offline").rename(tmp_path / "ca" / "root.key")
    serial = _revoked_subordinate_ca(tmp_path / "ca")
    (tmp_path / "ca" / "root.key").rename(tmp_path / "root.key.offline")
    run_json(cli, "revoke", serial)
    err = error_line(cli("crl"))
    assert "no root CRL signed (cannot read the root CA key" in err
    assert "1 revoked subordinate CA(s) are on no new root CRL" in err
    assert (tmp_path / "ca" / "crl.pem").is_file()
