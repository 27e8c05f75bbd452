"""Each target's apply guide (README.md): the exact commands, and the versions checked against."""

from __future__ import annotations

from typing import Any

from models.certificate import CertificateType
from models.evaluation import Evaluation
from models.project import Project

# The upstream sources the exports and their tests were checked against (tests/exporters/
# policy_ports/ cites the files and functions).
APPROVER_POLICY = "cert-manager/approver-policy 81ac7e0 (v0.27.0 + 44 commits, August 2026)"
VAULT = ("hashicorp/vault c33a27f (builtin/logical/pki/issuing: issue_common.go, "
         "sign_cert.go)")
VAULT_NOT_AFTER_FIX = "2.0.3, 1.21.8, 1.20.13 or 1.19.19 (hashicorp/vault#29928)"
STEP_CA = "smallstep/certificates 1c44aec (v0.30.2 + 227 commits, August 2026)"


def _admin(project: Project, evaluation: Evaluation) -> list[str]:
    return [f"- {t.name} ({d.label})" for t, d in zip(project.types, evaluation.decisions,
                                                      strict=True)
            if d.workflow.value != "combined"]


def approver_policy_readme(project: Project, evaluation: Evaluation,
                           types: list[tuple[CertificateType, str, str, list[str]]]) -> str:
    """How to apply the CertificateRequestPolicies and their RBAC; `types` holds each
    exported type with its issuer name, namespace label and policy names."""
    lines = [
        "# Applying the approver-policy export",
        "",
        f"Checked against {APPROVER_POLICY}; the policies validate against its CRD "
        "(policy.cert-manager.io/v1alpha1). Read LOST-IN-TRANSLATION.md first: what it lists "
        "at the top is more permissive than the profile.",
        "",
        "1. Install approver-policy and turn off cert-manager's built-in auto-approver (the "
        "cert-manager Helm value `disableAutoApproval=true`, or the controller flag "
        "`--controllers=*,-certificaterequests-approver`), or every request is approved "
        "before a policy sees it.",
        "2. Apply the policies and who may use them:",
        "",
        "   ```sh",
        "   kubectl apply -f certificaterequestpolicies.yaml",
        "   kubectl apply -f rbac.yaml",
        "   ```",
        "",
        "   rbac.yaml binds each type's policies to cert-manager's controller "
        "(ServiceAccount cert-manager/cert-manager), which creates the CertificateRequests "
        "of Certificate resources. If cert-manager runs elsewhere, change the subjects; if "
        "people or workloads create CertificateRequests themselves, add a RoleBinding to the "
        "same ClusterRole in their namespace.",
        "3. Give each type its own issuer and mark the namespaces that may request it. A "
        "policy judges only requests to its type's issuer (any kind, any API group, so "
        "external issuers such as EJBCA's are covered) from namespaces with its label:",
        "",
        "   | Type | Issuer name | Namespace label | Policies |",
        "   |---|---|---|---|",
    ]
    for ctype, issuer, label, names in types:
        lines.append(f"   | {ctype.name} | `{issuer}` | `{label}=true` | {', '.join(names)} |")
    lines += [
        "",
        "   ```sh",
        *[f"   kubectl label namespace TEAM_NAMESPACE {label}=true"
          for _, _, label, _ in types],
        "   ```",
        "",
        "4. On every Certificate set `duration` (a request without one is denied) and "
        "`usages` (digital signature, key encipherment only for RSA keys, and the type's "
        "extended key usages: a request that names none is approved without them).",
        "5. Check: `kubectl get certificaterequestpolicies` shows every policy Ready.",
        "",
        "## Types that need a person",
        "",
        "No policy selects the issuers of these types, so their requests stay unprocessed "
        "until an approver runs `cmctl approve -n NAMESPACE REQUEST` (or `cmctl deny`). "
        "Give them issuers of their own, never one of the issuers above:",
        "",
        *_admin(project, evaluation),
        "",
    ]
    return "\n".join(lines)


def vault_readme(project: Project, evaluation: Evaluation,
                 types: list[tuple[CertificateType, str, list[str]]]) -> str:
    """How to write the roles and ACL policies; `types` holds each exported type with its
    ACL policy name and role names."""
    lines = [
        "# Applying the Vault PKI export",
        "",
        f"Checked against {VAULT}. Read LOST-IN-TRANSLATION.md first: what it lists at the top "
        "is more permissive than the profile.",
        "",
        "The roles and policies assume the PKI secrets engine is mounted at `pki/`; for another "
        "mount, replace `pki/` in the commands and in the `path` keys of policies/*.json.",
        "",
        "1. Use Vault " + VAULT_NOT_AFTER_FIX + " or later where you can: older versions let a "
        "request's `not_after` pass `max_ttl`. The ACL policies below deny `not_after` either "
        "way, so only a token with a broader policy (root, an admin) can use it.",
        "2. Write one role per type and key type (a role allows one key type, and "
        "`pki/issue` refuses a role of key type `any`):",
        "",
        "   ```sh",
    ]
    for _ctype, _policy, roles in types:
        lines += [f"   vault write pki/roles/{r} @roles/{r}.json" for r in roles]
    lines += [
        "   ```",
        "",
        "3. Write one ACL policy per type: it permits exactly `pki/sign/ROLE` and "
        "`pki/issue/ROLE` on the type's roles and denies `not_after` and "
        "`exclude_cn_from_sans` (no `sign-verbatim`, no `issuer/…/sign` paths):",
        "",
        "   ```sh",
        *[f"   vault policy write {policy} policies/{policy}.json" for _, policy, _ in types],
        "   ```",
        "",
        "4. Attach each policy only to the identities that request that type (an auth "
        "method role's `token_policies`, or an entity or group), for example "
        "`vault write auth/kubernetes/role/ROLE token_policies=POLICY …`. No other policy of "
        "theirs may grant `pki/sign-verbatim`, `pki/issuer/+/sign/+` or `pki/root/sign-*`.",
        "",
        "| Type | ACL policy | Roles |",
        "|---|---|---|",
        *[f"| {c.name} | `{policy}` | {', '.join(f'`{r}`' for r in roles)} |"
          for c, policy, roles in types],
        "",
        "## Types that need a person",
        "",
        "No role is written for these types: Vault refuses their requests, which go through "
        "the approval workflow and its CA instead.",
        "",
        *_admin(project, evaluation),
        "",
    ]
    return "\n".join(lines)


def step_ca_readme(project: Project, evaluation: Evaluation,
                   fragments: list[dict[str, Any]]) -> str:
    """Where each step-ca file goes: authority-policy.json into ca.json, one provisioner per
    fragment with its template and claims."""
    lines = [
        "# Applying the step-ca export",
        "",
        f"Checked against {STEP_CA} (open-source, standalone step-ca). Read "
        "LOST-IN-TRANSLATION.md first: what it lists at the top is more permissive than the "
        "profile.",
        "",
        "1. Stop step-ca and back up `$(step path)/config/ca.json`.",
        "2. Put the name policy under `authority.policy` (it holds every provisioner, "
        "including ones you already have):",
        "",
        "   ```sh",
        "   CA_JSON=$(step path)/config/ca.json",
        "   jq --slurpfile policy authority-policy.json '.authority.policy = $policy[0]' "
        "\"$CA_JSON\" > ca.json.new && mv ca.json.new \"$CA_JSON\"",
        "   ```",
        "",
        "3. Add one provisioner per type, with its template and validity claims "
        "(`step ca provisioner add` edits ca.json when step-ca is stopped):",
        "",
        "   ```sh",
    ]
    for f in fragments:
        claims = f["claims"]
        create = " --create" if f["type"] == "JWK" else ""
        lines.append(
            f"   step ca provisioner add {f['name']} --type {f['type']}{create} "
            f"--x509-template templates/{f['name']}.tpl "
            f"--x509-min-dur {claims['minTLSCertDuration']} "
            f"--x509-max-dur {claims['maxTLSCertDuration']} "
            f"--x509-default-dur {claims['defaultTLSCertDuration']} --ca-config \"$CA_JSON\"")
    lines += [
        "   ```",
        "",
        "   `--create` makes a JWK provisioner's key pair and asks for the password that "
        "encrypts it. provisioners.json holds the same provisioners as ca.json fragments "
        "(`authority.provisioners`), the template inline; a JWK one also needs the `key` and "
        "`encryptedKey` that `--create` writes, so add those with the command.",
        "4. Start step-ca and check the configuration loaded: `step ca provisioner list`.",
        "",
        "## Types that need a person",
        "",
        "No provisioner is written for these types: step-ca cannot issue them, and their "
        "requests go through the approval workflow and its CA instead.",
        "",
        *_admin(project, evaluation),
        "",
    ]
    return "\n".join(lines)
