"""pkilint judges every certificate the test CA issues: one per purpose × CA combination the
app offers (the example's six types, OV TLS, S/MIME mailbox- and organization-validated and
multipurpose, client-, device-auth, document signing, a subordinate CA), both CAs and both
CRLs. Zero ERROR findings but those docs/pkilint-accepted.md lists, with their reasons; the
list is kept exact both ways."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from cryptography import x509
from cryptography.hazmat.primitives import serialization

from app.ca.csr import build_csr, generate_key
from app.ca.service import CaService, Issued
from models.enums import Workflow
from models.project import Project
from models.project_file import load_example
from tests.ca.conftest import NOW, PASSPHRASE
from tests.ca.pkilint_judge import lint

ACCEPTED = Path(__file__).resolve().parents[2] / "docs" / "pkilint-accepted.md"

# Types beside the example's six: (id, purpose, CA, validity class, profile edits).
EXTRA_TYPES: tuple[tuple[str, str, str, str, dict[str, Any]], ...] = (
    ("ov-tls", "tls-external", "public", "medium", {"validation": "ov"}),
    ("smime", "smime", "public", "medium", {}),
    ("smime-org", "smime", "public", "medium", {"validation": "smime-organization-strict"}),
    ("smime-multi", "smime", "public", "long", {"validation": "smime-mailbox-multipurpose"}),
    ("client", "client-auth", "private", "medium", {}),
    ("device", "device-auth", "private", "medium", {}),
    ("docsign", "document-signing", "private", "long", {}),
    ("subca", "ca-signing", "private", "long", {
        "san_patterns": ["**.team.internal.example"],
        "email_patterns": ["*@team.internal.example"]}),
)

# What each type's certificate asks for, its validity (inside today's caps: public TLS ≤ 200
# days since 2026-03-15, code signing ≤ 460 since 2026-03-01; customer-tls at the cap itself)
# and the linter that judges it, with the validation type its policy OID names.
SEVERITY = "ERROR"  # and FATAL: what must not occur
SERVER = "lint_cabf_serverauth_cert"
SMIME = "lint_cabf_smime_cert"
PKIX = "lint_pkix_cert"
CHAIN = "lint_pkix_signer_signee_cert_chain"  # each certificate with the CA that signed it
CASES: dict[str, tuple[dict[str, Any], int, str, list[str]]] = {
    "customer-tls": ({"dns": ["www.example.com"]}, 200, SERVER, ["-t", "DV-FINAL-CERTIFICATE"]),
    "ov-tls": ({"dns": ["shop.example.com"]}, 199, SERVER, ["-t", "OV-FINAL-CERTIFICATE"]),
    "ev-tls": ({"dns": ["www.example.com"]}, 90, SERVER, ["-t", "EV-FINAL-CERTIFICATE"]),
    "mesh-mtls": ({"dns": ["api.payments.svc.cluster.local"]}, 7, PKIX, []),
    "internal-tls": ({"dns": ["api.internal.example"], "kind": "rsa"}, 199, PKIX, []),
    "mainframe-tls": ({"dns": ["mf.internal.example"]}, 365, PKIX, []),
    "code-signing": ({"cn": "Harbourview Financial Services Ltd", "kind": "rsa", "size": 3072},
                     365, PKIX, []),
    "smime": ({"email": ["alice@example.com"]}, 365, SMIME, ["-t", "MAILBOX-STRICT"]),
    "smime-org": ({"email": ["bob@example.com"], "kind": "rsa"}, 365, SMIME,
                  ["-t", "ORGANIZATION-STRICT"]),
    "smime-multi": ({"email": ["carol@example.com"]}, 825, SMIME,
                    ["-t", "MAILBOX-MULTIPURPOSE"]),
    "client": ({"cn": "alice@internal.example", "email": ["alice@internal.example"]}, 365,
               PKIX, []),
    "device": ({"dns": ["door-7.devices.internal.example"]}, 365, PKIX, []),
    "docsign": ({"cn": "Example Org Contracts"}, 365, PKIX, []),
    "subca": ({"cn": "Example Org Team CA"}, 365, PKIX, []),
}


def lab_project() -> Project:
    """The built-in example (its organisation's legal identity included) plus EXTRA_TYPES."""
    example = load_example()
    data = example.model_dump(mode="json")
    template = data["types"][0]
    for type_id, purpose, ca, validity, edits in EXTRA_TYPES:
        data["types"].append({**template, "id": type_id, "name": type_id, "purpose": purpose,
                              "ca": ca, "validity": validity, "profile": edits or None})
    return Project.model_validate(data)


def issue(ca: CaService, project: Project, type_id: str, days: int, *, dns: tuple[str, ...]
          = (), email: tuple[str, ...] = (), cn: str | None = None, kind: str = "ec",
          size: int | None = None) -> Issued:
    """Issue through the path the type's decision names: at once, or requested, approved by
    each role with every criterion confirmed, and fulfilled."""
    key = generate_key(kind, size)
    csr = build_csr(key, [*dns, *email], cn)
    ctype, decision = ca.lookup(project, type_id)
    if decision.workflow is Workflow.COMBINED:
        return ca.issue(project, type_id, csr, requester="svc", validity_days=days, now=NOW)
    request = ca.admin.request(project, type_id, csr, requester="alice", validity_days=days,
                               justification="pkilint judges it", now=NOW)
    admin = ctype.admin
    confirmed = [str(n) for n in range(1, len(admin.approval_criteria) + 1)]
    for n in range(admin.approvals_required):
        ca.admin.approve(request.id, approver=f"approver-{n}", role=admin.approver_roles[n],
                         confirmed=confirmed, now=NOW)
    return ca.admin.fulfil(request.id, operator="ops", now=NOW)


def findings_of(folder: Path, project: Project) -> Iterator[tuple[str, str, str]]:
    """(subject, code, message) of every ERROR pkilint finds: each type's certificate, the root
    and issuing CA, and both CRLs after a leaf and the subordinate CA were revoked."""
    ca = CaService.init(folder / "ca", PASSPHRASE, now=NOW)
    try:
        issued: dict[str, Issued] = {}
        for type_id, (request, days, linter, options) in CASES.items():
            asked = {k: tuple(v) if isinstance(v, list) else v for k, v in request.items()}
            issued[type_id] = cert = issue(ca, project, type_id, days, **asked)
            path = folder / f"{type_id}.pem"
            path.write_bytes(cert.certificate.public_bytes(serialization.Encoding.PEM))
            yield from ((type_id, code, message)
                        for _, code, message in lint(linter, options, path, SEVERITY))
            signer = ca.folder / ("root.crt" if type_id == "subca" else "issuing.crt")
            yield from ((f"{type_id} (chain)", code, message) for _, code, message in
                        lint(CHAIN, [str(signer)], path, SEVERITY))
        for tier in ("root", "issuing"):
            yield from ((tier, code, message) for _, code, message in
                        lint(PKIX, [], ca.folder / f"{tier}.crt", SEVERITY))
        yield from (("issuing (chain)", code, message) for _, code, message in
                    lint(CHAIN, [str(ca.folder / "root.crt")], ca.folder / "issuing.crt",
                         SEVERITY))
        ca.revoke(issued["internal-tls"].record.serial, reason="superseded", actor="ops",
                  now=NOW)
        ca.revoke(issued["subca"].record.serial, reason="key-compromise", actor="ops", now=NOW)
        ca.publish_crls(actor="ops", now=NOW)
        for subject, crl_type, file in (("issuing CRL", "CRL", "crl.pem"),
                                        ("root CRL", "ARL", "root.crl.pem")):
            for profile in ("PKIX", "BR"):
                yield from ((f"{subject} ({profile})", code, message) for _, code, message in
                            lint("lint_crl", ["-t", crl_type, "-p", profile],
                                 ca.folder / file))
    finally:
        ca.close()


def accepted_findings() -> set[tuple[str, str]]:
    """(subject, code) of each row of docs/pkilint-accepted.md's "Accepted" table."""
    section = ACCEPTED.read_text().split("## Accepted ERROR findings", 1)[1].split("\n## ")[0]
    rows = re.findall(r"^\| ([^|`]+?) \| `([^`]+)` \|", section, re.MULTILINE)
    return {(subject.strip(), code) for subject, code in rows}


@pytest.fixture(scope="module")
def found(tmp_path_factory: pytest.TempPathFactory) -> list[tuple[str, str, str]]:
    return list(findings_of(tmp_path_factory.mktemp("pkilint"), lab_project()))


def test_only_the_accepted_findings_remain(found: list[tuple[str, str, str]]) -> None:
    new = sorted({(s, c, m) for s, c, m in found if (s, c) not in accepted_findings()})
    assert new == [], "pkilint ERROR findings not in docs/pkilint-accepted.md"


def test_every_accepted_finding_still_occurs(found: list[tuple[str, str, str]]) -> None:
    gone = accepted_findings() - {(s, c) for s, c, _ in found}
    assert gone == set(), "docs/pkilint-accepted.md lists findings pkilint no longer reports"


def test_every_combination_was_judged() -> None:
    project = lab_project()
    offered = {(t.purpose.value, t.ca.value) for t in project.types}
    assert set(CASES) == {t.id for t in project.types}
    # ov-tls, smime-org, smime-multi and mainframe-tls repeat a pair with another validation
    # or validity class
    assert len(offered) == len(project.types) - 4
    assert dt.datetime(2026, 3, 15, tzinfo=dt.UTC) < NOW  # the 200-day TLS cap applies


def test_a_public_base_url_clears_the_internal_name_findings(tmp_path: Path) -> None:
    """The accepted findings come from the loopback base URL alone: published at a public
    name, the same DV certificate has no ERROR finding."""
    ca = CaService.init(tmp_path / "ca", PASSPHRASE, now=NOW,
                        base_url="http://pki.example.com/certroute")
    try:
        issued = issue(ca, lab_project(), "customer-tls", 200, dns=("www.example.com",))
    finally:
        ca.close()
    path = tmp_path / "dv.pem"
    path.write_bytes(issued.certificate.public_bytes(serialization.Encoding.PEM))
    assert lint(SERVER, ["-t", "DV-FINAL-CERTIFICATE"], path) == []
    aia = [d.access_location.value for d in issued.certificate.extensions.get_extension_for_oid(
        x509.ExtensionOID.AUTHORITY_INFORMATION_ACCESS).value]
    assert aia == ["http://pki.example.com/certroute/issuing.crt"]
