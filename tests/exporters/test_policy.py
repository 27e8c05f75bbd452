"""Policy as code: approver-policy YAML, Vault roles, step-ca provisioners, parsed and checked."""

from __future__ import annotations

import json
import os
import re
from pathlib import Path

import kubernetes_validate
import pytest
import yaml

from exporters.policy import approver_policy, step_ca, vault
from exporters.policy.common import NOT_ENFORCEABLE
from exporters.policy.export import translations, write_policy
from exporters.policy.yaml_text import dump_all
from models.evaluation import evaluate
from models.issuance_policy import IssuanceProfileSettings, KeyKind, KeyRequirement
from models.project import Project
from tests.conftest import TODAY
from tests.exporters.policy_ports import crd

HERE = Path(__file__).parent
GOLDEN = HERE / "golden" / "policy"
# Role parameters of Vault's PKI API "Create/Update role" that the export may set.
VAULT_ROLE_PARAMETERS = {
    "ttl", "max_ttl", "allow_localhost", "allowed_domains", "allowed_domains_template",
    "allow_bare_domains", "allow_subdomains", "allow_glob_domains",
    "allow_wildcard_certificates", "allow_any_name", "enforce_hostnames", "allow_ip_sans",
    "allowed_uri_sans", "allowed_other_sans", "server_flag", "client_flag",
    "code_signing_flag", "email_protection_flag", "key_type", "key_bits", "signature_bits",
    "key_usage", "ext_key_usage", "ext_key_usage_oids", "use_csr_common_name",
    "use_csr_sans", "require_cn", "cn_validations", "basic_constraints_valid_for_non_ca",
    "not_before_duration",
    "no_store", "generate_lease", "issuer_ref",
}
ADMIN_TYPES = {"ev-tls", "code-signing", "mainframe-tls"}


@pytest.fixture(scope="module")
def exported(tmp_path_factory, example, example_evaluation) -> Path:
    root = tmp_path_factory.mktemp("policy")
    write_policy(example, example_evaluation, root)
    return root


def _files(root: Path) -> dict[str, str]:
    return {p.relative_to(root).as_posix(): p.read_text("utf-8")
            for p in sorted(root.rglob("*")) if p.is_file()}


def test_policy_matches_the_golden_files_for_the_worked_example(exported):
    """Regenerate after a deliberate change with CERTROUTE_UPDATE_GOLDEN=1, then review."""
    got = _files(exported)
    if os.environ.get("CERTROUTE_UPDATE_GOLDEN"):
        for relative, text in got.items():
            (GOLDEN / relative).parent.mkdir(parents=True, exist_ok=True)
            (GOLDEN / relative).write_text(text, "utf-8")
    assert got == _files(GOLDEN)


def _policies(root: Path) -> list[dict]:
    text = (root / approver_policy.FILE).read_text("utf-8")
    return [d for d in yaml.safe_load_all(text) if d is not None]


def test_approver_policies_validate_against_the_crd_schema(exported):
    policies = _policies(exported)
    # Customer TLS and internal TLS: RSA or ECDSA; the mesh: RSA, ECDSA or Ed25519.
    assert len(policies) == 7
    for policy in policies:
        crd.validate(policy)
    names = [p["metadata"]["name"] for p in policies]
    assert len(set(names)) == len(names)


def test_rbac_is_what_a_kubernetes_api_server_accepts(exported):
    """Every ClusterRole and ClusterRoleBinding validates strictly (no unknown field) against
    Kubernetes' own schema for the latest release kubernetes-validate bundles."""
    docs = [d for d in yaml.safe_load_all((exported / approver_policy.RBAC_FILE).read_text())
            if d is not None]
    assert {d["kind"] for d in docs} == {"ClusterRole", "ClusterRoleBinding"}
    version = kubernetes_validate.latest_version()
    for doc in docs:
        kubernetes_validate.validate(doc, version, strict=True)
    rule = docs[0]["rules"][0]
    typo = {**docs[0], "rules": [{**rule, "verb": rule["verbs"]}]}  # the judge can say no
    with pytest.raises(kubernetes_validate.ValidationError):
        kubernetes_validate.validate(typo, version, strict=True)


def test_approver_policy_only_for_combined_types(exported):
    types = {p["metadata"]["annotations"]["certroute.io/type"] for p in _policies(exported)}
    assert types == {"Customer-facing TLS", "mTLS service mesh", "Internal services TLS"}


def test_approver_policy_duration_keys_and_usages(exported):
    mesh = [p["spec"] for p in _policies(exported)
            if p["metadata"]["name"].startswith("certroute-mesh-mtls")]
    assert {s["constraints"]["maxDuration"] for s in mesh} == {"168h"}  # short: 7 days
    assert {s["constraints"]["privateKey"]["algorithm"] for s in mesh} == {
        "RSA", "ECDSA", "Ed25519"}
    assert set(mesh[0]["allowed"]["usages"]) >= {"server auth", "client auth"}
    assert mesh[0]["allowed"]["isCA"] is False


def test_approver_policy_cel_regex_allows_exactly_the_profile_names(exported):
    spec = next(p["spec"] for p in _policies(exported)
                if p["metadata"]["name"].startswith("certroute-customer-tls"))
    rule = spec["allowed"]["dnsNames"]["validations"][0]["rule"]
    pattern = re.fullmatch(r"self\.matches\('(.*)'\)", rule).group(1)
    assert "\\" not in pattern  # nothing for CEL or YAML escaping to mangle
    allowed = re.compile(pattern)
    for name in ("example.com", "www.example.com", "a.b.example.com", "a-b.example.com"):
        assert allowed.search(name), name
    for name in ("example.org", "badexample.com", "example.com.evil.net", ".example.com",
                 "WWW.example.com", "foo_bar.example.com", "a.*.example.com",
                 "*.example.com", "ab--cd.example.com", "-a.example.com"):
        assert not allowed.search(name), name


def test_the_label_regex_accepts_exactly_the_labels_the_profile_accepts():
    """Every label of up to 8 characters over letters, digits and hyphens, and the length
    limits: models.dns_names.label_problem is the reference (`xn--` Punycode aside)."""
    import itertools

    from exporters.policy.names import LABEL
    from models.dns_names import label_problem

    label = re.compile(f"^{LABEL}$")
    texts = ["".join(t) for n in range(1, 9) for t in itertools.product("ab0-", repeat=n)]
    texts += ["x" * 63, "x" * 64, "a-" + "b" * 61, "a-" + "b" * 62, "xn--bcher-kva"]
    wrong = [t for t in texts if (label_problem(t) is None) != bool(label.match(t))]
    assert not wrong


def test_vault_roles_use_documented_parameters(exported):
    roles = {p.name: json.loads(p.read_text()) for p in (exported / "vault" / "roles").iterdir()}
    assert set(roles) == {f"certroute-{t}-{k}.json" for t, kinds in (
        ("customer-tls", ("rsa", "ec")), ("mesh-mtls", ("rsa", "ec", "ed25519")),
        ("internal-tls", ("rsa", "ec"))) for k in kinds}
    for body in roles.values():
        assert set(body) <= VAULT_ROLE_PARAMETERS
        assert body["allow_any_name"] is False
    internal = roles["certroute-internal-tls-ec.json"]
    assert internal["allowed_domains"] == ["internal.example"]
    assert (internal["allow_subdomains"], internal["allow_bare_domains"]) == (True, False)
    assert internal["allow_wildcard_certificates"] is True  # low blast radius internal TLS
    assert internal["max_ttl"] == "9528h"  # medium: 397 days
    assert (internal["key_type"], internal["key_bits"]) == ("ec", 256)
    assert roles["certroute-mesh-mtls-ed25519.json"]["client_flag"] is True


def _render(template: str) -> dict:
    """The template with its Go actions replaced as step-ca would render them for RSA."""
    text = template.replace("{{ toJson .Subject }}", '{"commonName": "a"}')
    text = text.replace("{{ toJson .SANs }}", "[]")
    text = re.sub(r"\{\{- else \}\}.*?\{\{- end \}\}\n", "", text, flags=re.S)
    text = re.sub(r"\{\{-? if [^}]*\}\}\n", "", text)
    return json.loads(text)


def test_step_ca_provisioners_parse_and_templates_render(exported):
    fragments = json.loads((exported / step_ca.FILE).read_text())
    assert [f["name"] for f in fragments] == [
        "certroute-customer-tls", "certroute-mesh-mtls", "certroute-internal-tls"]
    for fragment in fragments:
        claims = fragment["claims"]
        assert claims["defaultTLSCertDuration"] == claims["maxTLSCertDuration"]
        rendered = _render(fragment["options"]["x509"]["template"])
        assert "digitalSignature" in rendered["keyUsage"]
    assert [f["type"] for f in fragments] == ["ACME", "JWK", "JWK"]
    policy = json.loads((exported / step_ca.POLICY_FILE).read_text())
    assert policy["x509"]["allow"]["dns"] == ["example.com", "*.example.com",
                                              "*.svc.cluster.local", "*.internal.example"]
    assert _render(fragments[1]["options"]["x509"]["template"])["extKeyUsage"] == [
        "serverAuth", "clientAuth"]


def test_every_report_lists_admin_types_as_not_enforceable(example, example_evaluation):
    for folder, translation in translations(example, example_evaluation):
        blocked = {x.type_id for x in translation.losses if x.what == NOT_ENFORCEABLE}
        assert blocked == ADMIN_TYPES, folder
        report = translation.files[f"{folder}/LOST-IN-TRANSLATION.md"]
        assert report.count(NOT_ENFORCEABLE) == 3
        assert "Legacy mainframe TLS" in report
        assert "Legacy mainframe TLS" in translation.files[f"{folder}/README.md"]


def test_step_ca_reports_key_types_it_cannot_constrain(example, example_evaluation):
    losses = step_ca.translate(example, example_evaluation).losses
    assert {x.type_id for x in losses if x.what == "key types"} == {
        "customer-tls", "mesh-mtls", "internal-tls"}


def test_profile_edits_flow_into_every_target(example):
    settings = IssuanceProfileSettings(
        san_patterns=("**.apps.corp.example",),
        key_types=(KeyRequirement(kind=KeyKind.EC, min_size=384),), max_validity_days=90)
    data = example.model_dump()
    types = list(data["types"])
    types[3] = {**types[3], "profile": settings.model_dump()}
    project = Project.model_validate({**data, "types": types})
    evaluation = evaluate(project, today=TODAY)
    role = json.loads(vault.translate(project, evaluation).files[
        "vault/roles/certroute-internal-tls-ec.json"])
    assert (role["key_type"], role["key_bits"], role["max_ttl"]) == ("ec", 384, "2160h")
    assert role["allowed_domains"] == ["apps.corp.example"]
    policies = [d for d in yaml.safe_load_all(approver_policy.translate(
        project, evaluation).files[approver_policy.FILE]) if d]
    internal = [p for p in policies if p["metadata"]["name"].startswith("certroute-internal")]
    assert [p["metadata"]["name"] for p in internal] == ["certroute-internal-tls-ecdsa"]
    assert internal[0]["spec"]["constraints"]["privateKey"] == {"algorithm": "ECDSA",
                                                                "minSize": 384}


def test_yaml_writer_round_trips_awkward_strings():
    document = {"a": "yes", "b": "null", "c": "# not a comment", "d": "key: value",
                "e": "ünïcode ✓", "f": [], "g": {}, "h": [{"x": 1, "y": True}, "'q'"],
                "i": "line\nbreak", "j": "*"}
    assert list(yaml.safe_load_all(dump_all([document, {"k": 0}], header="x\n\ny"))) == [
        document, {"k": 0}]


def test_a_ca_signing_type_overridden_to_combined_is_written_by_no_target(example):
    data = example.model_dump(mode="json")
    data["types"].append({
        "id": "team-ca", "name": "Team CA", "purpose": "ca-signing", "ca": "private",
        "validity": "long", "identity": "strong", "blast_radius": "low",
        "override": {"workflow": "combined",
                     "justification": "Lab CA, issued by the platform team's pipeline"}})
    project = Project.model_validate(data)
    evaluation = evaluate(project, today=TODAY)
    assert evaluation.decisions[-1].workflow.value == "combined"
    for folder, translation in translations(project, evaluation):
        [loss] = [x for x in translation.losses if x.type_id == "team-ca"]
        assert loss.what == "subordinate CA", folder
        assert not any("team-ca" in text for text in translation.files.values()), folder
