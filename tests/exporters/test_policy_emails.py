"""Policy as code: the profile's email (rfc822Name) patterns in approver-policy, Vault, step-ca."""

from __future__ import annotations

import json
import re

import yaml
from hypothesis import given
from hypothesis import strategies as st

from exporters.policy import approver_policy, step_ca, vault
from exporters.policy.common import Translation, profile
from exporters.policy.emails import email_patterns, exact_regex
from models.email_names import email_pattern_matches, normalise_email_pattern
from models.evaluation import evaluate
from models.project import Project
from tests.conftest import TODAY
from tests.exporters.policy_ports import crd

INTERNAL = 3  # the worked example's "Internal services TLS": combined, private CA
NAME = "certroute-internal-tls"


def _as(example: Project, purpose: str, **profile: object) -> tuple[Project, object]:
    """The worked example with internal-tls given another purpose and profile edits."""
    data = example.model_dump()
    types = list(data["types"])
    types[INTERNAL] = {**types[INTERNAL], "purpose": purpose, "profile": profile or None}
    project = Project.model_validate({**data, "types": types})
    return project, evaluate(project, today=TODAY)


def _policy(translation: Translation) -> dict:
    documents = yaml.safe_load_all(translation.files[approver_policy.FILE])
    return next(d for d in documents if d and d["metadata"]["name"].startswith(NAME))


def _role(translation: Translation) -> dict:
    return json.loads(translation.files[f"vault/roles/{NAME}-ec.json"])


def _allow(project: Project) -> dict:
    """The names internal-tls's provisioner needs at step-ca's authority policy."""
    ctype = project.types[INTERNAL]
    return step_ca.provisioner(ctype, profile(ctype, project.as_of), Translation("step-ca"))[1]


def _losses(translation: Translation) -> dict[str, str]:
    return {x.what: x.detail for x in translation.losses if x.type_id == "internal-tls"}


def _cel_regex(rule: str) -> re.Pattern[str]:
    literal = re.fullmatch(r"self\.matches\('((?:[^'\\]|\\.)*)'\)", rule).group(1)
    return re.compile(re.sub(r"\\(.)", r"\1", literal))


# --- the regex -----------------------------------------------------------------------------

LOCAL = st.sampled_from(["*", "alice", "Alice", "a.b", "o'brien", "x+y", "a^b", "q?{}"])
DOMAIN = st.sampled_from(["x.example", "**.x.example", "*.x.example", "mail.*.example"])
ADDRESS = st.tuples(st.sampled_from(["alice", "Alice", "a.b", "o'brien", "x+y", "a^b",
                                     "q?{}", "bob", "", "a@b"]),
                    st.sampled_from(["x.example", "X.Example", "m.x.example", "a.b.x.example",
                                     "mail.eu.example", "x.example.evil", "m@x.example",
                                     "example"])).map("@".join)


@given(patterns=st.lists(st.tuples(LOCAL, DOMAIN).map("@".join), min_size=1, max_size=3),
       address=ADDRESS)
def test_email_regex_matches_exactly_what_the_profile_patterns_match(patterns, address):
    canonical = [normalise_email_pattern(p) for p in patterns]
    expected = any(email_pattern_matches(p, address) for p in canonical)
    assert bool(re.search(exact_regex(email_patterns(tuple(canonical))), address)) is expected


def test_email_regex_lets_no_local_part_or_label_hold_an_at_sign():
    allowed = re.compile(exact_regex(email_patterns(("*@*.x.example", "*@**.y.example"))))
    for address in ("a@b@m.x.example", "a@m@x.example", "a@b.c@y.example"):
        assert not allowed.search(address), address


# --- approver-policy -------------------------------------------------------------------------

def test_approver_policy_requires_and_checks_the_mailbox_of_an_smime_type(example):
    project, evaluation = _as(example, "smime")
    translation = approver_policy.translate(project, evaluation)
    policy = _policy(translation)
    crd.validate(policy)
    allowed = policy["spec"]["allowed"]
    emails = allowed["emailAddresses"]
    assert (emails["required"], emails["values"]) == (True, ["*@internal.example"])
    pattern = _cel_regex(emails["validations"][0]["rule"])
    for address in ("alice@internal.example", "a.smith+x@Internal.EXAMPLE"):
        assert pattern.search(address), address
    for address in ("alice@mail.internal.example", "alice@internal.example.evil",
                    "a@b@internal.example", "@internal.example"):
        assert not pattern.search(address), address
    assert "email protection" in allowed["usages"]
    assert "dnsNames" not in allowed
    assert allowed["commonName"]["required"] is False  # the email SAN names the subject
    assert "common name among the email addresses" in _losses(translation)


def test_approver_policy_omits_the_common_name_where_the_profile_allows_none(example):
    project, evaluation = _as(example, "smime", cn_patterns=[])
    allowed = _policy(approver_policy.translate(project, evaluation))["spec"]["allowed"]
    assert "commonName" not in allowed  # omitted: the request must carry none
    assert allowed["emailAddresses"]["required"] is True


def test_approver_policy_exact_mailbox_keeps_the_local_part_case(example):
    project, evaluation = _as(example, "client-auth", email_patterns=["Ops.Team@x.example"])
    translation = approver_policy.translate(project, evaluation)
    emails = _policy(translation)["spec"]["allowed"]["emailAddresses"]
    assert (emails["required"], emails["values"]) == (False, ["Ops.Team@x.example"])
    pattern = _cel_regex(emails["validations"][0]["rule"])
    assert pattern.search("Ops.Team@X.example")
    assert not pattern.search("ops.team@x.example")
    assert not pattern.search("OpsxTeam@x.example")  # the dot is no wildcard
    assert "common name required only without an email address" in _losses(translation)


# --- Vault -----------------------------------------------------------------------------------

def test_vault_checks_the_domain_of_an_email_san_and_says_what_it_cannot(example):
    project, evaluation = _as(example, "smime")
    translation = vault.translate(project, evaluation)
    role = _role(translation)
    assert role["allowed_domains"] == ["internal.example"]
    assert (role["allow_bare_domains"], role["allow_subdomains"]) == (True, False)
    assert role["email_protection_flag"] is True
    assert role["require_cn"] is False
    losses = _losses(translation)
    assert "would also issue DNS names there" in losses["mailbox domains in allowed_domains"]
    assert "cannot require an e-mail SAN" in losses["required e-mail address"]
    assert "common name among the email addresses" in losses


def test_vault_subdomain_and_exact_mailbox_patterns(example):
    project, evaluation = _as(example, "client-auth",
                              email_patterns=["*@**.corp.example", "ops@x.example"])
    translation = vault.translate(project, evaluation)
    role = _role(translation)
    # internal.example: the domain of the derived common-name pattern *@internal.example.
    assert role["allowed_domains"] == ["corp.example", "x.example", "internal.example"]
    assert (role["allow_bare_domains"], role["allow_subdomains"]) == (True, True)
    assert "any mailbox at x.example is issued" in _losses(translation)["mailbox local parts"]


def test_vault_dns_type_with_email_patterns_reports_the_shared_domain_flags(example):
    project, evaluation = _as(example, "tls-internal", email_patterns=["ops@internal.example"])
    translation = vault.translate(project, evaluation)
    role = _role(translation)
    assert role["allowed_domains"] == ["internal.example"]  # already there for DNS names
    assert role["allow_bare_domains"] is True
    losses = _losses(translation)
    assert "role-wide domain flags" in losses
    assert "mailbox domains in allowed_domains" not in losses


# --- step-ca ---------------------------------------------------------------------------------

def test_step_ca_allows_the_mailbox_domain_of_an_smime_type(example):
    project, evaluation = _as(example, "smime")
    translation = step_ca.translate(project, evaluation)
    assert _allow(project) == {"email": ["internal.example"]}
    losses = _losses(translation)
    assert "required e-mail address" in losses
    assert "common name among the email addresses" in losses
    assert "mailbox domains in allow.email" not in losses  # the profile allows them now


def test_step_ca_lists_mailboxes_and_reports_wildcard_domains(example):
    project, evaluation = _as(example, "client-auth", email_patterns=[
        "ops@x.example", "Ops@y.example", "*@**.corp.example"])
    translation = step_ca.translate(project, evaluation)
    assert _allow(project)["email"] == ["ops@x.example", "Ops@y.example",
                                            "internal.example"]
    losses = _losses(translation)
    assert losses["email pattern shape"].startswith("*@**.corp.example: ")
    assert losses["mailbox case"].startswith("Ops@y.example: ")
    assert "internal.example" in losses["mailbox domains in allow.email"]  # the CN's domain


def test_step_ca_dns_type_with_email_patterns_allows_them(example):
    project, _evaluation = _as(example, "tls-internal", email_patterns=["*@internal.example"])
    allow = _allow(project)
    assert allow["email"] == ["internal.example"]
    assert allow["dns"] == ["*.internal.example"]
