"""The policy exports judged by ported upstream logic, request by request, against the profile.

Every request of policy_ports.table goes through Certroute's profile check and through each
target's port (policy_ports: approver-policy, Vault, step-ca, each citing its upstream files
and commit), applied as the target's README says. Wherever a target's fate differs from the
profile's, its LOST-IN-TRANSLATION.md must name the row's topic with that effect; and a topic
a report names must show in some row the table has for it, so a report can never claim what
the target does not do.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

import jsonschema
import pytest
import yaml

from exporters.policy import approver_policy, step_ca, vault
from exporters.policy.common import NOT_ENFORCEABLE, Translation, profile, resource_name
from exporters.policy.export import translations
from models.evaluation import Evaluation
from models.issuance_policy import KeyKind
from models.project import Project
from tests.exporters.policy_ports import approver_policy as ap
from tests.exporters.policy_ports import crd
from tests.exporters.policy_ports import step_ca as sc
from tests.exporters.policy_ports import vault as vp
from tests.exporters.policy_ports.table import (
    OUTSIDE,
    PENDING,
    REFUSED,
    Case,
    Certificate,
    asked_days,
    effect,
    fate,
    profile_outcome,
    profile_usages,
    resolve,
    rows,
)

DAY = 86400
CONTROLLER = "system:serviceaccount:cert-manager:cert-manager"


def _docs(text: str) -> list[dict[str, Any]]:
    return [d for d in yaml.safe_load_all(text) if d is not None]


# --- approver-policy ------------------------------------------------------------------------

def approver_fate(case: Case, files: dict[str, str]) -> str:
    """The request from a namespace labelled for its type, to the type's issuer, made by
    cert-manager's controller for a Certificate (README.md steps 2 and 3)."""
    r = case.request
    policies = _docs(files[approver_policy.FILE])
    rbac = _docs(files[approver_policy.RBAC_FILE])
    days = case.not_after or case.days
    request = ap.CertificateRequest(
        namespace=f"team-{r.type_id}",
        issuer=(approver_policy.issuer_name(case.ctype), "ClusterIssuer", "cert-manager.io"),
        username=CONTROLLER, key=r.key.cert_manager, dns_names=r.dns,
        common_name=r.cn or "", ip_addresses=r.ips,
        duration_seconds=None if days is None else days * DAY,
        usages=case.usages or (), is_ca=r.is_ca)
    result = ap.review(request, policies, rbac,
                       {approver_policy.namespace_label(case.ctype): "true"})
    if result.result == ap.UNPROCESSED:
        return PENDING
    if result.result == ap.DENIED:
        return REFUSED
    if case.usages is None:  # cert-manager's CA issuer default: no extended key usage
        ekus, bits = frozenset(), frozenset({"digital_signature", "key_encipherment"})
    else:
        ekus, bits = frozenset(case.requested_ekus), frozenset(case.requested_key_usages)
    return fate(case, Certificate(r.dns, r.cn, asked_days(case), ekus, bits, r.is_ca))


# --- Vault ----------------------------------------------------------------------------------

VAULT_KEYS = {KeyKind.RSA: "rsa", KeyKind.EC: "ec", KeyKind.ED25519: "ed25519"}
VAULT_KEY_USAGES = {v: k for k, v in vault.KEY_USAGE_NAMES.items()}


def _role_usages(role: dict[str, Any]) -> tuple[frozenset[str], frozenset[str]]:
    flags = {"server_flag": "1.3.6.1.5.5.7.3.1", "client_flag": "1.3.6.1.5.5.7.3.2",
             "code_signing_flag": "1.3.6.1.5.5.7.3.3",
             "email_protection_flag": "1.3.6.1.5.5.7.3.4"}
    ekus = {oid for flag, oid in flags.items() if role.get(flag)}
    return (frozenset(ekus | set(role["ext_key_usage_oids"])),
            frozenset(VAULT_KEY_USAGES[u] for u in role["key_usage"]))


def vault_fate(case: Case, files: dict[str, str]) -> str:
    """pki/sign/ROLE on each of the type's roles, with a token holding only the type's ACL
    policy (README.md steps 2 to 4); the first role that signs decides."""
    r = case.request
    prefix = f"vault/roles/{resource_name(r.type_id)}-"
    roles = {path.removeprefix(prefix).removesuffix(".json"): json.loads(text)
             for path, text in files.items() if path.startswith(prefix)}
    policy_file = f"vault/policies/{resource_name(r.type_id)}.json"
    policies = [json.loads(files[policy_file])] if policy_file in files else []
    parameters: dict[str, Any] = {"csr": "…"}
    if case.days is not None:
        parameters["ttl"] = case.days * DAY
    if case.not_after is not None:
        parameters["not_after"] = case.not_after * DAY
    bits = r.key.size if r.key.kind is not KeyKind.ED25519 else 0
    for kind, role in roles.items():
        path = f"{vault.MOUNT}/sign/{resource_name(r.type_id)}-{kind}"
        if not vp.acl_allows(policies, path, parameters):
            continue
        signed = vp.sign(role, vp.SignRequest(
            (VAULT_KEYS[r.key.kind], bits), r.dns, r.cn or "", r.ips,
            tuple((k, v) for k, v in parameters.items() if k != "csr")))
        if signed.result == vp.ISSUED:
            ekus, key_bits = _role_usages(role)
            return fate(case, Certificate(signed.dns_names, r.cn, signed.ttl_seconds // DAY,
                                          ekus, key_bits))
    return REFUSED


# --- step-ca --------------------------------------------------------------------------------

def _template_usages(template: str, kind: KeyKind) -> tuple[frozenset[str], frozenset[str]]:
    """The usages the template stamps for this key kind: its RSA branch for RSA keys."""
    names = {v: k for k, v in step_ca.KEY_USAGE_NAMES.items()} | {"keyAgreement":
                                                                    "key_agreement"}
    ekus = {v: k.oid for k, v in step_ca.EKU_NAMES.items()}
    extended = json.loads(template.split('"extKeyUsage": ')[1].split("\n")[0])
    if "{{- else }}" in template:
        rsa, other = template.split("{{- else }}")
        template = rsa if kind is KeyKind.RSA else other
    usage = json.loads(template.split('"keyUsage": ')[1].split("\n")[0].rstrip(","))
    return frozenset(ekus[e] for e in extended), frozenset(names[u] for u in usage)


def step_fate(case: Case, files: dict[str, str]) -> str:
    """A request to the type's provisioner, in a ca.json holding the authority policy and
    the provisioners (README.md steps 2 and 3)."""
    r = case.request
    fragments = sc.loaded_provisioners(json.loads(files[step_ca.FILE]))
    fragment = next((f for f in fragments if f["name"] == resource_name(r.type_id)), None)
    if fragment is None:
        return REFUSED
    policy = sc.NamePolicy(json.loads(files[step_ca.POLICY_FILE]).get("x509", {}))
    days = case.not_after or case.days
    if not sc.key_allowed(VAULT_KEYS[r.key.kind], r.key.size) or \
            not sc.validity_allowed(fragment["claims"], None if days is None else days * DAY) \
            or policy.validate(r.dns, r.ips, r.cn or ""):
        return REFUSED
    ekus, bits = _template_usages(fragment["options"]["x509"]["template"], r.key.kind)
    return fate(case, Certificate(r.dns, r.cn, asked_days(case), ekus, bits))


TARGETS: dict[str, Callable[[Case, dict[str, str]], str]] = {
    "cert-manager": approver_fate, "vault": vault_fate, "step-ca": step_fate}


@pytest.fixture(scope="module")
def exported(example: Project, example_evaluation: Evaluation) -> dict[str, Translation]:
    return dict(translations(example, example_evaluation))


@pytest.fixture(scope="module")
def cases(example: Project, example_evaluation: Evaluation) -> list[Case]:
    return [resolve(r, example, example_evaluation) for r in rows()]


def _differences(folder: str, translation: Translation, cases: list[Case]
                 ) -> list[tuple[Case, str, str]]:
    out = []
    for case in cases:
        want, got = profile_outcome(case), TARGETS[folder](case, translation.files)
        if want != got:
            out.append((case, want, got))
    return out


@pytest.mark.parametrize("folder", TARGETS)
def test_every_difference_from_the_profile_is_a_reported_loss(folder, exported, cases):
    translation = exported[folder]
    losses = {(x.type_id, x.what): x for x in translation.losses}
    unreported = []
    for case, want, got in _differences(folder, translation, cases):
        loss = losses.get((case.request.type_id, case.request.topic))
        expected = effect(got) if case.request.topic != NOT_ENFORCEABLE else ""
        if loss is None or loss.effect != expected:
            unreported.append(f"{case.request.label!r} ({case.request.type_id}): profile "
                              f"{want}, {folder} {got}; needs {case.request.topic!r} "
                              f"({expected or 'approval'}), report has {loss}")
    assert not unreported, "\n".join(unreported)


@pytest.mark.parametrize("folder", TARGETS)
def test_no_report_claims_a_loss_the_target_does_not_show(folder, exported, cases):
    """A (type, topic) the table covers and the report names must differ in some row."""
    translation = exported[folder]
    shown = {(c.request.type_id, c.request.topic)
             for c, _, _ in _differences(folder, translation, cases)}
    covered = {(c.request.type_id, c.request.topic) for c in cases if c.request.topic}
    claimed = {(x.type_id, x.what) for x in translation.losses
               if x.what != NOT_ENFORCEABLE} & covered
    assert claimed <= shown, sorted(claimed - shown)


@pytest.mark.parametrize("folder", TARGETS)
def test_more_permissive_losses_head_the_report(folder, exported):
    translation = exported[folder]
    report = translation.files[f"{folder}/LOST-IN-TRANSLATION.md"]
    head = report.split("## Everything lost in translation")[0]
    for loss in translation.losses:
        assert (f"**{loss.type_name} — {loss.what}**" in head) == loss.security, loss


@pytest.mark.parametrize("folder", TARGETS)
def test_no_admin_mediated_request_is_signed_by_any_target(folder, exported, cases):
    for case in cases:
        if not case.combined:
            assert TARGETS[folder](case, exported[folder].files) in (PENDING, REFUSED)


def test_the_table_exercises_every_fate(exported, cases):
    """The table is not vacuous: the profile issues and refuses, and each target differs."""
    profile = {profile_outcome(c) for c in cases}
    assert {"issued", REFUSED, PENDING, "adjusted"} <= profile
    for folder, translation in exported.items():
        fates = {got for _, _, got in _differences(folder, translation, cases)}
        assert fates, folder
    assert OUTSIDE in {got for _, _, got in _differences("step-ca", exported["step-ca"],
                                                          cases)}


# --- approver-policy: selection, RBAC, schema ---------------------------------------------

def test_every_exported_policy_validates_against_the_vendored_crd(exported):
    policies = _docs(exported["cert-manager"].files[approver_policy.FILE])
    assert len(policies) == 7
    for policy in policies:
        crd.validate(policy)


def test_the_strict_crd_schema_rejects_what_the_api_server_would(exported):
    policy = _docs(exported["cert-manager"].files[approver_policy.FILE])[0]
    bad = json.loads(json.dumps(policy))
    bad["spec"]["allowed"]["dnsNames"]["bogus"] = True
    with pytest.raises(jsonschema.ValidationError, match="bogus"):
        crd.validate(bad)
    bad = json.loads(json.dumps(policy))
    bad["spec"]["allowed"]["usages"].append("document signing")
    with pytest.raises(jsonschema.ValidationError, match="document signing"):
        crd.validate(bad)


def test_a_policy_selects_only_its_own_types_issuer_and_namespaces(example, exported):
    """One type's request never reaches another type's policy, nor one from an unlabelled
    namespace, nor one by a user the RBAC does not bind."""
    files = exported["cert-manager"].files
    policies, rbac = _docs(files[approver_policy.FILE]), _docs(files[approver_policy.RBAC_FILE])
    types = {t.id: t for t in example.types}
    for policy in policies:
        owner = next(t for t in types.values()
                     if policy["metadata"]["name"].startswith(resource_name(t.id) + "-"))
        for other in types.values():
            request = ap.CertificateRequest(
                namespace="team", issuer=(approver_policy.issuer_name(other), "Issuer", ""),
                username=CONTROLLER, key=("RSA", 2048))
            labels = {approver_policy.namespace_label(t): "true" for t in types.values()}
            selected = ap.review(request, [policy], rbac, labels).result != ap.UNPROCESSED
            assert selected == (other.id == owner.id), (policy["metadata"]["name"], other.id)
        mine = ap.CertificateRequest(
            namespace="team", issuer=(approver_policy.issuer_name(owner), "Issuer", ""),
            username=CONTROLLER, key=("RSA", 2048))
        assert ap.review(mine, [policy], rbac, {}).result == ap.UNPROCESSED
        stranger = ap.CertificateRequest(
            namespace="team", issuer=(approver_policy.issuer_name(owner), "Issuer", ""),
            username="system:serviceaccount:team:app", key=("RSA", 2048))
        assert ap.review(stranger, [policy], rbac,
                         {approver_policy.namespace_label(owner): "true"}
                         ).result == ap.UNPROCESSED


def test_policy_usages_follow_the_key_kind(exported):
    """RFC 8813: no keyEncipherment for ECDSA or Ed25519 keys."""
    for policy in _docs(exported["cert-manager"].files[approver_policy.FILE]):
        usages = policy["spec"]["allowed"]["usages"]
        algorithm = policy["spec"]["constraints"]["privateKey"]["algorithm"]
        assert ("key encipherment" in usages) == (algorithm == "RSA"), policy["metadata"]
        assert "server auth" in usages


def test_wildcard_matches_as_upstream_documents():
    """pkg/internal/util/wildcard_test.go cases: `*` spans dots and may be empty."""
    assert ap.wildcard_matches("*.example.com", "a.b.example.com")
    assert ap.wildcard_matches("*.example.com", ".example.com")
    assert ap.wildcard_matches("*foo", "foo")
    assert ap.wildcard_matches("*foo", "bar-foo")
    assert not ap.wildcard_matches("*.example.com", "example.com")
    assert not ap.wildcard_matches("", "a")
    assert ap.wildcard_matches("", "")
    assert not ap.wildcard_matches("ABC", "abc")


# --- Vault: roles, ACL ----------------------------------------------------------------------

def test_vault_roles_have_one_key_type_and_the_profile_usages(example, exported):
    files = exported["vault"].files
    for ctype in example.types:
        p_roles = {path: json.loads(text) for path, text in files.items()
                   if path.startswith(f"vault/roles/{resource_name(ctype.id)}-")}
        for role in p_roles.values():
            assert role["key_type"] in ("rsa", "ec", "ed25519")  # never "any": issue works
            kind = {v: k for k, v in VAULT_KEYS.items()}[role["key_type"]]
            assert _role_usages(role) == profile_usages(profile(ctype, example.as_of), kind)


def test_vault_acl_denies_not_after_and_permits_only_sign_and_issue(exported):
    files = exported["vault"].files
    policy = json.loads(files["vault/policies/certroute-mesh-mtls.json"])
    assert set(policy["path"]) == {f"pki/{verb}/certroute-mesh-mtls-{k}"
                                   for verb in ("sign", "issue")
                                   for k in ("rsa", "ec", "ed25519")}
    role = json.loads(files["vault/roles/certroute-mesh-mtls-ec.json"])
    two_years = 730 * DAY
    # Vault before hashicorp/vault#29928: not_after passes max_ttl...
    assert vp.sign(role, vp.SignRequest(("ec", 256), ("web.svc.cluster.local",),
                                        parameters=(("not_after", two_years),))
                   ).ttl_seconds == two_years
    # ...so the ACL policy refuses the parameter before the role sees it.
    assert not vp.acl_allows([policy], "pki/sign/certroute-mesh-mtls-ec",
                             {"csr": "…", "not_after": two_years})
    assert vp.acl_allows([policy], "pki/issue/certroute-mesh-mtls-ec",
                         {"common_name": "web.svc.cluster.local", "ttl": DAY})
    for path in ("pki/sign-verbatim/certroute-mesh-mtls-ec",
                 "pki/issuer/default/sign/certroute-mesh-mtls-ec",
                 "pki/sign/certroute-internal-tls-ec"):
        assert not vp.acl_allows([policy], path, {"csr": "…"}), path


def test_vault_names_follow_validate_names():
    role = {"allowed_domains": ["internal.example"], "allow_subdomains": True,
            "allow_bare_domains": False, "allow_wildcard_certificates": True,
            "enforce_hostnames": True}
    ok = ["a.internal.example", "*.internal.example", "*.a.internal.example",
          "foo*.internal.example", "API.internal.example"]
    refused = ["internal.example", "a.*.internal.example", "foo_bar.internal.example",
               "evil.example", "a.INTERNAL.example"]
    assert [vp.validate_names(role, [n]) for n in ok] == [""] * len(ok)
    assert [vp.validate_names(role, [n]) for n in refused] == refused


# --- step-ca: ca.json loading, names ------------------------------------------------------

def test_step_ca_fragments_load_with_their_type_and_known_fields(exported):
    files = exported["step-ca"].files
    fragments = json.loads(files[step_ca.FILE])
    assert sc.loaded_provisioners(fragments) == fragments  # none silently skipped
    for f in fragments:
        assert set(f) <= sc.PROVISIONER_FIELDS[f["type"]]
        assert set(f["claims"]) <= sc.CLAIM_FIELDS
        assert set(f["options"]["x509"]) <= sc.X509_OPTION_FIELDS
        assert "policy" not in f  # a ca.json provisioner has no such field
    policy = json.loads(files[step_ca.POLICY_FILE])
    assert set(policy) <= sc.POLICY_FIELDS
    assert set(policy["x509"]) <= sc.X509_POLICY_FIELDS
    assert set(policy["x509"]["allow"]) <= sc.NAME_FIELDS
    for name in policy["x509"]["allow"]["dns"]:
        sc.normalize_dns_constraint(name)  # step-ca would refuse to start otherwise


def test_step_ca_wildcard_constraint_is_exactly_one_label():
    constraint = sc.normalize_dns_constraint("*.svc.cluster.local")
    assert constraint == ".svc.cluster.local"
    assert sc.match_domain_constraint("web.svc.cluster.local", constraint, False)
    assert not sc.match_domain_constraint("web.default.svc.cluster.local", constraint, False)
    assert not sc.match_domain_constraint("svc.cluster.local", constraint, False)
    assert sc.match_domain_constraint("*.svc.cluster.local", constraint, True)
    assert not sc.match_domain_constraint("*.svc.cluster.local", constraint, False)


# --- apply guides ---------------------------------------------------------------------------

def test_each_apply_guide_applies_every_exported_file(exported):
    """Every file to apply appears in its guide's commands, and the guide names the upstream
    versions it was checked against."""
    for folder, translation in exported.items():
        guide = translation.files[f"{folder}/README.md"]
        assert "Checked against" in guide, folder
        for path in translation.files:
            relative = path.removeprefix(f"{folder}/")
            if relative in ("README.md", "LOST-IN-TRANSLATION.md", "provisioners.json"):
                continue
            assert relative in guide, (folder, relative)
    vault_guide = exported["vault"].files["vault/README.md"]
    assert "vault write pki/roles/certroute-mesh-mtls-ed25519 " \
           "@roles/certroute-mesh-mtls-ed25519.json" in vault_guide
    assert "vault policy write certroute-mesh-mtls policies/certroute-mesh-mtls.json" in \
        vault_guide
    assert "kubectl apply -f rbac.yaml" in exported["cert-manager"].files["cert-manager/README.md"]


def test_each_cluster_role_grants_use_on_exactly_its_types_policies(exported):
    files = exported["cert-manager"].files
    names = [p["metadata"]["name"] for p in _docs(files[approver_policy.FILE])]
    granted = []
    for document in _docs(files[approver_policy.RBAC_FILE]):
        if document["kind"] == "ClusterRole":
            [rule] = document["rules"]
            assert (rule["verbs"], rule["resources"]) == (["use"],
                                                          ["certificaterequestpolicies"])
            owner = document["metadata"]["name"].removesuffix("-policy-use")
            assert all(n.startswith(owner + "-") for n in rule["resourceNames"])
            granted += rule["resourceNames"]
    assert sorted(granted) == sorted(names)
