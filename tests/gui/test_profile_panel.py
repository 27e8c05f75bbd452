"""ProfilePanel: the issuance profile's lines, the common-name rule among them."""

from __future__ import annotations

import pytest

from app.gui.profile_panel import ProfilePanel
from models.evaluation import evaluate
from models.issuance_policy import IssuanceProfileSettings, profile_for
from models.project_file import load_example
from tests.conftest import TODAY


@pytest.fixture
def panel(qtbot):
    widget = ProfilePanel()
    qtbot.addWidget(widget)
    return widget


def show(panel: ProfilePanel, type_id: str, **edits) -> list[str]:
    """Show a type of the worked example (its profile edited by `edits`); the profile lines."""
    project = load_example()
    row = project.index_of(type_id)
    ctype = project.types[row]
    if edits:
        ctype = ctype.model_copy(update={"profile": IssuanceProfileSettings(**edits)})
    decision = evaluate(project).decisions[row]
    panel.show_type(ctype, decision, profile_for(ctype, on=TODAY))
    return panel.profile_text.text().splitlines()


def test_profile_panel_shows_the_common_name_patterns_of_a_type_without_dns_names(panel):
    lines = show(panel, "code-signing")
    [rule] = [line for line in lines if line.startswith("Common name:")]
    assert rule == "Common name: required, matching Example Org, Example Org *"
    assert lines.index(rule) == lines.index("Wildcards: not allowed") + 1


def test_profile_panel_shows_an_edited_common_name_rule(panel):
    assert "Common name: required, matching *@example.org" in show(
        panel, "code-signing", cn_patterns=("*@example.org",))


def test_profile_panel_says_a_dns_type_repeats_one_of_its_names(panel):
    assert "Common name: optional, one of the DNS names" in show(panel, "internal-tls")
    assert "Common name: optional, one of the DNS names matching api-*" in show(
        panel, "internal-tls", cn_patterns=("api-*",))


def test_profile_panel_warns_when_no_common_name_can_be_issued(panel):
    assert "Common name: required, but no pattern allows one (add a common-name pattern)" \
        in show(panel, "code-signing", cn_patterns=())


def show_new(panel: ProfilePanel, purpose: str, **edits) -> list[str]:
    """Show a new type of `purpose` (the worked example's tolerance); the profile lines."""
    project = load_example()
    data = project.model_dump(mode="json")
    data["types"].append({"id": "new", "name": "New", "purpose": purpose, "ca": "private",
                          "validity": "medium", "identity": "strong", "blast_radius": "low",
                          "profile": edits or None})
    project = project.model_validate(data)
    ctype = project.types[-1]
    panel.show_type(ctype, evaluate(project).decisions[-1], profile_for(ctype, on=TODAY))
    return panel.profile_text.text().splitlines()


def test_profile_panel_shows_the_required_mailbox_of_an_smime_type(panel):
    lines = show_new(panel, "smime")
    email = "Email addresses: required, at least one, matching *@internal.example"
    assert email in lines
    assert lines[lines.index(email) + 1] == (
        "Common name: optional, matching *@internal.example (a mailbox must also be one of "
        "the email addresses)")


def test_profile_panel_shows_optional_mailboxes_of_a_client_type(panel):
    lines = show_new(panel, "client-auth", email_patterns=["*@**.corp.example"])
    assert "Email addresses: optional, matching *@**.corp.example" in lines
    assert any(line.startswith("Common name: required without an email address")
               for line in lines)


def test_profile_panel_names_no_mailbox_rule_for_tls_and_warns_when_none_is_allowed(panel):
    assert not any(line.startswith("Email") for line in show(panel, "internal-tls"))
    assert "Email addresses: required, but no pattern allows one (add an email pattern)" in \
        show_new(panel, "smime", email_patterns=[])


def test_profile_panel_describes_a_subordinate_ca_and_its_name_constraints(panel):
    lines = show_new(panel, "ca-signing", san_patterns=["**.team.example"],
                     email_patterns=["*@team.example"])
    assert lines[0].startswith("Issued as a subordinate CA signed by the root")
    assert lines[1] == ("Name constraints: DNS team.example; email team.example; "
                        "no IP addresses or URIs")
    assert "Common name: required, matching Example Org * CA, Example Org * CA *" in lines
    assert not any(line.startswith(("SAN patterns", "Email addresses")) for line in lines)
    assert "Name constraints: DNS team.example; email none; no IP addresses or URIs" in \
        show_new(panel, "ca-signing", san_patterns=["**.team.example"])
    refused = show_new(panel, "ca-signing")[1]
    assert refused.startswith("Name constraints: cannot be made, so it is not issued")
    assert "add SAN or email patterns to this type's profile" in refused
