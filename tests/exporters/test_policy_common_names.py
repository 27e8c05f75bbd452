"""Policy as code: the profile's common-name rule in approver-policy, Vault and step-ca."""

from __future__ import annotations

import json
import re

import pytest
import yaml
from hypothesis import given
from hypothesis import strategies as st

from exporters.policy import approver_policy, step_ca, vault
from exporters.policy.common import Translation
from exporters.policy.common_names import regex
from exporters.policy.export import translations
from models.evaluation import Evaluation, evaluate
from models.issuance_policy import cn_pattern_matches
from models.project import Project
from tests.conftest import TODAY
from tests.exporters.policy_ports import crd

INTERNAL = 3  # the worked example's "Internal services TLS": combined, private CA


def _as(example: Project, purpose: str, **profile: object) -> tuple[Project, Evaluation]:
    """The worked example with internal-tls given another purpose (it still routes combined)
    and, if given, these profile edits."""
    data = example.model_dump()
    types = list(data["types"])
    types[INTERNAL] = {**types[INTERNAL], "purpose": purpose, "profile": profile or None}
    project = Project.model_validate({**data, "types": types})
    return project, evaluate(project, today=TODAY)


def _cel_regex(rule: str) -> re.Pattern[str]:
    """The regex of a `self.matches('…')` rule, its CEL string escapes undone."""
    literal = re.fullmatch(r"self\.matches\('((?:[^'\\]|\\.)*)'\)", rule).group(1)
    return re.compile(re.sub(r"\\(.)", r"\1", literal))


def _internal_policy(translation: Translation) -> dict:
    documents = yaml.safe_load_all(translation.files[approver_policy.FILE])
    return next(d for d in documents if d and d["metadata"]["name"].startswith(
        "certroute-internal-tls"))


def _losses(translation: Translation, what: str) -> list[str]:
    return [x.detail for x in translation.losses if x.type_id == "internal-tls" and x.what == what]


PATTERN = st.lists(st.sampled_from(["*", "a", "B", ".", " ", "@", "(", "]", "^", "\\", "'",
                                    "$", "é"]), min_size=1, max_size=6).map("".join)
NAME = st.lists(st.sampled_from(["a", "A", "b", ".", " ", "@", "(", "]", "^", "\\", "'", "$",
                                 "É", "x"]), max_size=8).map("".join)


@given(patterns=st.lists(PATTERN, min_size=1, max_size=3), name=NAME)
def test_cn_regex_matches_exactly_what_the_profile_rule_matches(patterns, name):
    expected = any(cn_pattern_matches(p, name) for p in patterns)
    assert bool(re.search(regex(tuple(patterns)), name)) is expected


def test_approver_policy_checks_the_common_name_of_a_type_without_dns_names(example):
    project, evaluation = _as(example, "document-signing")
    policy = _internal_policy(approver_policy.translate(project, evaluation))
    crd.validate(policy)
    allowed = policy["spec"]["allowed"]
    assert "dnsNames" not in allowed  # omitted: the request must carry none
    assert allowed["commonName"]["required"] is True
    [rule] = allowed["commonName"]["validations"]
    pattern = _cel_regex(rule["rule"])
    for name in ("Example Org", "example org release signing", "alice@internal.example"):
        assert pattern.search(name), name
    for name in ("Example Orgs", "Example Org ", "Evil Org", "alice@internal.example.evil",
                 "@internal.example"):
        assert not pattern.search(name), name


def test_approver_policy_common_name_of_a_dns_type_is_one_its_dns_patterns_allow(example,
                                                                              example_evaluation):
    translation = approver_policy.translate(example, example_evaluation)
    common_name = _internal_policy(translation)["spec"]["allowed"]["commonName"]
    assert common_name["required"] is False
    pattern = _cel_regex(common_name["validations"][0]["rule"])
    assert pattern.search("api.internal.example")
    assert not pattern.search("api.example.org")
    assert _losses(translation, "common name among the DNS names")


def test_approver_policy_never_grants_a_type_whose_profile_names_nobody(example):
    data = example.model_dump()
    types = list(data["types"])
    types[INTERNAL] = {**types[INTERNAL], "purpose": "client-auth",
                       "profile": {"cn_patterns": [], "email_patterns": []}}
    project = Project.model_validate({**data, "types": types})
    policy = _internal_policy(approver_policy.translate(project, evaluate(project, today=TODAY)))
    assert policy["spec"]["allowed"]["commonName"] == {"required": True, "value": ""}


def test_vault_checks_a_mailbox_common_name_against_its_domain(example):
    project, evaluation = _as(example, "client-auth", email_patterns=[])
    translation = vault.translate(project, evaluation)
    role = json.loads(translation.files["vault/roles/certroute-internal-tls-ec.json"])
    assert (role["cn_validations"], role["require_cn"]) == (["email"], True)
    assert (role["allowed_domains"], role["allow_bare_domains"]) == (["internal.example"], True)
    assert role["allow_subdomains"] is False  # alice@sub.internal.example is refused
    [detail] = _losses(translation, "mailbox domains in allowed_domains")
    assert "copies the common name into an e-mail SAN" in detail


def test_vault_disables_common_name_checks_it_cannot_express_and_says_so(example):
    project, evaluation = _as(example, "document-signing")
    translation = vault.translate(project, evaluation)
    role = json.loads(translation.files["vault/roles/certroute-internal-tls-ec.json"])
    assert role["cn_validations"] == ["disabled"]
    [detail] = _losses(translation, "common-name patterns")
    assert detail.startswith("Example Org, Example Org *: ")
    assert "any common name is issued" in detail


def test_step_ca_allows_whole_common_names_and_mailbox_domains(example):
    project, evaluation = _as(example, "document-signing")
    translation = step_ca.translate(project, evaluation)
    allow = json.loads(translation.files[step_ca.POLICY_FILE])["x509"]["allow"]
    # At the authority, beside the other exported types' DNS names (a reported loss).
    assert (allow["cn"], allow["email"]) == (["Example Org"], ["internal.example"])
    assert _losses(translation, "names of other exported types")
    [detail] = _losses(translation, "common-name patterns")
    assert detail.startswith("Example Org *: ")
    assert _losses(translation, "mailbox domains in allow.email")


@pytest.mark.parametrize("purpose", ["client-auth", "smime", "document-signing"])
def test_every_target_translates_a_type_without_dns_names(example, purpose):
    project, evaluation = _as(example, purpose)
    for folder, translation in translations(project, evaluation):
        assert not _losses(translation, "no names"), folder
        assert not _losses(translation, "common name among the DNS names"), folder


def test_vault_and_step_ca_give_an_ec_smime_key_the_key_agreement_the_ca_sets(example):
    """S/MIME BR 7.1.2.3(e): a dual-use EC key gets keyAgreement (app/ca/authority.py)."""
    project, evaluation = _as(example, "smime")
    translation = vault.translate(project, evaluation)
    ec = json.loads(translation.files["vault/roles/certroute-internal-tls-ec.json"])
    rsa = json.loads(translation.files["vault/roles/certroute-internal-tls-rsa.json"])
    assert ec["key_usage"] == ["DigitalSignature", "KeyAgreement"]  # one role per key type
    assert rsa["key_usage"] == ["DigitalSignature", "KeyEncipherment"]
    template = next(f for f in json.loads(step_ca.translate(project, evaluation)
                                          .files[step_ca.FILE])
                    if f["name"] == "certroute-internal-tls")["options"]["x509"]["template"]
    rsa_branch, other_branch = template.split("{{- else }}")
    assert "keyAgreement" not in rsa_branch
    assert '"keyUsage": ["digitalSignature", "keyAgreement"]' in other_branch
