"""Issuance records its project and any manual override; a pinned CA refuses other projects."""

from __future__ import annotations

import json
import sqlite3
from pathlib import Path

import pytest

from app.ca.errors import Refused
from app.ca.ledger import LEDGER
from app.ca.provenance import ProjectSource
from app.ca.service import APP_DOCUMENT, CaService
from models.certificate import Override
from models.enums import Workflow
from models.project import Project
from models.project_file import example_text
from tests.ca.conftest import NOW, PASSPHRASE, ROOT_PASSPHRASE


def overridden(project: Project, type_id: str, workflow: str) -> Project:
    """The project with one type's decision overridden by hand."""
    override = Override(workflow=Workflow(workflow),
                        justification="The mainframe team now runs an ACME client")
    types = tuple(t.model_copy(update={"override": override}) if t.id == type_id else t
                  for t in project.types)
    return project.model_copy(update={"types": types})


def renamed(project: Project) -> Project:
    organisation = project.organisation.model_copy(update={"name": "Someone else"})
    return project.model_copy(update={"organisation": organisation})


@pytest.fixture
def pinned_ca(tmp_path: Path, project):
    service = CaService.init(tmp_path / "pinned", PASSPHRASE, root_passphrase=ROOT_PASSPHRASE,
                             now=NOW, project=ProjectSource.of(project, "approved.certroute.json"))
    yield service
    service.close()


def test_issue_records_the_project_and_that_no_override_decided(ca: CaService, project,
                                                                make_csr):
    csr, _ = make_csr("api.internal.example")
    ca.issue(project, "internal-tls", csr, requester="svc", now=NOW)
    detail = ca.ledger.audit()[-1].detail
    assert detail["project"] == ProjectSource.of(project, APP_DOCUMENT).to_json()
    assert detail["project"]["file_sha256"] is None  # an in-memory document, not a file
    assert (detail["override"], detail["rule"]) == (False, 8)  # rule 8: standard logic


def test_issue_records_a_manual_override_with_its_justification(ca: CaService, project,
                                                                make_csr):
    manual = overridden(project, "mainframe-tls", "combined")
    csr, _ = make_csr("mf01.internal.example")
    ca.issue(manual, "mainframe-tls", csr, requester="svc", now=NOW)
    detail = ca.ledger.audit()[-1].detail
    assert detail["override"] is True
    assert detail["rule_workflow"] == "admin-mediated"
    assert detail["override_justification"] == "The mainframe team now runs an ACME client"


def test_request_records_the_project_and_a_manual_override(ca: CaService, project, make_csr):
    manual = overridden(project, "internal-tls", "admin-mediated")
    csr, _ = make_csr("api.internal.example")
    ca.admin.request(manual, "internal-tls", csr, requester="alice",
                     justification="review it by hand", now=NOW)
    detail = ca.ledger.audit()[-1].detail
    assert (detail["override"], detail["rule_workflow"]) == (True, "combined")
    assert detail["project"]["digest"] == ProjectSource.of(manual, "x").digest


def test_init_with_a_project_pins_it(pinned_ca: CaService, project):
    entry = pinned_ca.ledger.audit()[1]
    assert (entry.action, entry.detail["reason"]) == ("pin-project", "ca init")
    assert entry.detail["project"]["label"] == "approved.certroute.json"
    assert pinned_ca.verify().ok


def test_pinned_ca_refuses_another_project_and_logs_it(pinned_ca: CaService, project,
                                                      make_csr):
    other = renamed(project)
    csr, _ = make_csr("api.internal.example")
    with pytest.raises(Refused, match=r"this CA is pinned to project approved\.certroute\.json "
                       r"\(digest [0-9a-f]{12}…\), not the document open in the app .*: pin "
                       r"the new project \(certroute ca pin-project FILE\) or accept the "
                       r"change \(--accept-project-change\)"):
        pinned_ca.issue(other, "internal-tls", csr, requester="svc", now=NOW)
    entry = pinned_ca.ledger.audit()[-1]
    assert entry.action == "refused:issue"
    assert entry.detail["project"]["digest"] == ProjectSource.of(other, "x").digest
    assert entry.detail["pinned"]["label"] == "approved.certroute.json"
    assert pinned_ca.ledger.certificates() == []
    with pytest.raises(Refused, match="pinned to project"):
        pinned_ca.admin.request(other, "mainframe-tls", csr, requester="alice",
                                justification="needs TLS", now=NOW)
    # The approved project, as the app holds it, issues as before.
    assert pinned_ca.issue(project, "internal-tls", csr, requester="svc", now=NOW)


def test_accepted_project_change_is_logged_and_re_pins(pinned_ca: CaService, project,
                                                      make_csr):
    other = renamed(project)
    csr, _ = make_csr("api.internal.example")
    pinned_ca.issue(other, "internal-tls", csr, requester="svc", now=NOW,
                    accept_project_change=True)
    pin, issue = pinned_ca.ledger.audit()[-2:]
    assert (pin.action, pin.actor) == ("pin-project", "svc")
    assert pin.detail["reason"] == "project change accepted at issue"
    assert pin.detail["previous"]["label"] == "approved.certroute.json"
    assert issue.detail["project"]["digest"] == pin.detail["project"]["digest"]
    assert pinned_ca.issue(other, "internal-tls", csr, requester="svc", now=NOW)
    with pytest.raises(Refused, match="pinned to project the document open in the app"):
        pinned_ca.issue(project, "internal-tls", csr, requester="svc", now=NOW)
    assert pinned_ca.verify().ok


def test_unpinned_ca_takes_any_project(ca: CaService, project, make_csr):
    csr, _ = make_csr("api.internal.example")
    assert ca.issue(renamed(project), "internal-tls", csr, requester="svc", now=NOW)
    assert [e.action for e in ca.ledger.audit()] == ["init", "issue"]


def test_pin_is_the_content_not_the_formatting(project):
    text = example_text()
    reformatted = json.dumps(json.loads(text), indent=4).encode("utf-8")
    a = ProjectSource.of(project, "a", text.encode("utf-8"))
    b = ProjectSource.of(project, "b", reformatted)
    assert a.digest == b.digest == ProjectSource.of(project, APP_DOCUMENT).digest
    assert a.file_sha256 != b.file_sha256


def test_verify_catches_an_altered_pin(pinned_ca: CaService, project):
    forged = ProjectSource.of(renamed(project), "mine.json").to_json()
    conn = sqlite3.connect(pinned_ca.folder / LEDGER)
    conn.execute("UPDATE meta SET value = ? WHERE key = 'project_pin'",
                 (json.dumps(forged, sort_keys=True, separators=(",", ":")),))
    conn.commit()
    conn.close()
    [problem] = pinned_ca.verify().problems
    assert problem.startswith("the project pin was altered: audit entry 2 pinned ")


def test_an_unreadable_pin_refuses_and_is_reported(pinned_ca: CaService, project, make_csr):
    conn = sqlite3.connect(pinned_ca.folder / LEDGER)
    conn.execute("UPDATE meta SET value = 'not json' WHERE key = 'project_pin'")
    conn.commit()
    conn.close()
    csr, _ = make_csr("api.internal.example")
    with pytest.raises(Refused, match="pinned to project an unreadable pin"):
        pinned_ca.issue(project, "internal-tls", csr, requester="svc", now=NOW)
    assert pinned_ca.verify().problems[0].startswith("the project pin was altered")
