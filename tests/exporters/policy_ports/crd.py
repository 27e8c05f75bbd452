"""approver-policy's CRD schema, vendored, as a strict JSON Schema for every exported policy.

tests/exporters/schemas/policy.cert-manager.io_certificaterequestpolicies.yaml is
cert-manager/approver-policy's deploy/crds/policy.cert-manager.io_certificaterequestpolicies.yaml
at commit 81ac7e0cf259c6be3fb20c14c03017880b88ef69, unchanged. Strict as `kubectl apply
--validate=strict` is: an object schema that lists its properties gets
`additionalProperties: false` (the API server would drop or reject an unknown field), and
`x-kubernetes-int-or-string` becomes an integer-or-string choice.
"""

from __future__ import annotations

from functools import cache
from pathlib import Path
from typing import Any

import jsonschema
import yaml

CRD = Path(__file__).parent.parent / "schemas" / \
    "policy.cert-manager.io_certificaterequestpolicies.yaml"
# Kubernetes object names (metadata.name of a cluster-scoped object): DNS-1123 subdomains.
NAME = {"type": "string", "maxLength": 253,
        "pattern": r"^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$"}


def _strict(node: Any) -> Any:
    if isinstance(node, list):
        return [_strict(x) for x in node]
    if not isinstance(node, dict):
        return node
    out = {k: _strict(v) for k, v in node.items()}
    if out.pop("x-kubernetes-int-or-string", False):
        out.pop("type", None)
        out["anyOf"] = [{"type": "integer"}, {"type": "string"}]
    if "properties" in out and "additionalProperties" not in out:
        out["additionalProperties"] = False
    return out


@cache
def schema() -> dict[str, Any]:
    crd = yaml.safe_load(CRD.read_text("utf-8"))
    [version] = [v for v in crd["spec"]["versions"] if v["name"] == "v1alpha1"]
    root = _strict(version["schema"]["openAPIV3Schema"])
    root["properties"]["apiVersion"] = {"const": "policy.cert-manager.io/v1alpha1"}
    root["properties"]["kind"] = {"const": "CertificateRequestPolicy"}
    root["properties"]["metadata"] = {
        "type": "object", "required": ["name"], "additionalProperties": False,
        "properties": {"name": NAME,
                       "labels": {"type": "object", "additionalProperties": {"type": "string"}},
                       "annotations": {"type": "object",
                                       "additionalProperties": {"type": "string"}}}}
    root["required"] = ["apiVersion", "kind", "metadata", "spec"]
    return root


def validate(document: dict[str, Any]) -> None:
    """Raises jsonschema.ValidationError where the CRD would reject the policy."""
    jsonschema.Draft7Validator(schema()).validate(document)
