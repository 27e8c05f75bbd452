"""The exported step-ca X.509 templates, executed by Go's text/template as step-ca executes them.

`step_ca_render/main.go` gives each template the data step-ca gives it (the parsed CSR's key at
.Insecure.CR.PublicKey) and sprig's two functions the templates use. Each template must parse,
render JSON, and name the profile's key usages for the CSR's key kind and its EKUs: a typo in a
Go type name (`*rsa.PublicKey`) would silently give RSA keys the ECDSA usages, which only Go's
own `%T` catches.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
from pathlib import Path

import pytest
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ec, ed25519, rsa

from app.ca.csr import build_csr
from exporters.policy import step_ca
from exporters.policy.common import profile
from exporters.policy.export import write_policy
from models.issuance_policy import KeyKind, key_usages

HARNESS = Path(__file__).with_name("step_ca_render") / "main.go"
KEYS = {KeyKind.RSA: lambda: rsa.generate_private_key(public_exponent=65537, key_size=2048),
        KeyKind.EC: lambda: ec.generate_private_key(ec.SECP256R1()),
        KeyKind.ED25519: ed25519.Ed25519PrivateKey.generate}


@pytest.fixture(scope="module")
def render(tmp_path_factory):
    go = shutil.which("go")
    if go is None:
        pytest.skip("Go is not installed (.ci/run installs golang-go)")
    folder = tmp_path_factory.mktemp("go")
    binary = folder / "step_ca_render"
    env = {**os.environ, "GOCACHE": str(folder / "cache"), "GO111MODULE": "off",
           "GOPATH": str(folder / "gopath")}
    subprocess.run([go, "build", "-o", str(binary), str(HARNESS)], env=env, check=True,
                   capture_output=True, timeout=300)

    def run(template: Path, csr_pem: bytes) -> dict:
        csr_file = template.with_suffix(".csr.pem")
        csr_file.write_bytes(csr_pem)
        done = subprocess.run([str(binary), str(template), str(csr_file)], capture_output=True,
                              text=True, timeout=60)
        assert done.returncode == 0, done.stderr
        return json.loads(done.stdout)
    return run


def test_every_template_renders_the_profiles_usages_for_each_key_kind(
        render, tmp_path, example, example_evaluation):
    write_policy(example, example_evaluation, tmp_path)
    fragments = json.loads((tmp_path / step_ca.FILE).read_text())
    rendered = 0
    for fragment in fragments:
        type_id = fragment["name"].removeprefix("certroute-")
        ctype = next(t for t in example.types if t.id == type_id)
        p = profile(ctype, example.as_of)
        template = tmp_path / "step-ca" / "templates" / f"{fragment['name']}.tpl"
        assert template.read_text().rstrip("\n") == fragment["options"]["x509"]["template"]
        for requirement in p.key_types:
            name = p.san_patterns[0].replace("**.", "").replace("*.", "www.")
            key = KEYS[requirement.kind]()
            csr = build_csr(key, [name]).public_bytes(serialization.Encoding.PEM)
            cert = render(template, csr)
            want = sorted(step_ca.KEY_USAGE_NAMES[u]
                          for u in key_usages(p, requirement.kind.value))
            assert sorted(cert["keyUsage"]) == want, (type_id, requirement.kind)
            assert cert["extKeyUsage"] == [step_ca.EKU_NAMES[e] for e in p.ekus
                                           if e in step_ca.EKU_NAMES]
            assert cert["sans"] == [{"type": "dns", "value": name}]
            rendered += 1
    assert rendered >= 7  # three types, RSA and EC each, Ed25519 for the mesh
