"""`certroute ca eab add/list/revoke`, `ca orders` and the refusals of `ca serve`."""

from __future__ import annotations

import socket
from pathlib import Path

from tests.ca.helpers import error_line, run_json
from tests.ca.test_cli import other_project


def test_eab_add_list_revoke(cli):
    added = run_json(cli, "eab", "add", "platform-team")
    assert added["requester"] == "platform-team"
    assert added["kid"].startswith("kid-")
    assert len(added["hmac_key"]) == 43  # 32 bytes, base64url without padding
    [listed] = run_json(cli, "eab", "list")
    assert listed == {k: v for k, v in added.items() if k != "hmac_key"}  # key not listed
    status, out, _ = cli("eab", "revoke", added["kid"])
    assert status == 0
    assert "revoked" in out
    assert "already revoked" in error_line(cli("eab", "revoke", added["kid"]))
    assert "no EAB key kid-nope" in error_line(cli("eab", "revoke", "kid-nope"))
    assert "needs the requester's name" in error_line(cli("eab", "add", "  "))
    audit = run_json(cli, "list", "--audit")["audit"]
    actions = [e["action"] for e in audit]
    assert actions[-2:] == ["acme:eab-add", "acme:eab-revoke"]
    assert added["hmac_key"] not in str(audit)  # the secret never enters the log
    status, out, _ = cli("verify")
    assert status == 0


def test_orders_empty(cli):
    assert run_json(cli, "orders") == []
    _, out, _ = cli("orders")
    assert out == "No ACME orders\n"


def test_serve_refuses_a_project_the_ca_is_not_pinned_to(cli, tmp_path: Path):
    other = other_project(tmp_path)
    assert "is pinned to" in error_line(cli("serve", "--project", str(other), "--port", "0"))


def test_serve_refuses_a_port_in_use(cli):
    with socket.socket() as busy:
        busy.bind(("127.0.0.1", 0))
        busy.listen()
        port = busy.getsockname()[1]
        assert "cannot listen on 127.0.0.1" in error_line(cli("serve", "--port", str(port)))
    # Bound first: nothing was issued for a server that never started.
    assert run_json(cli, "list", "--certificates")["certificates"] == []


def test_serve_refuses_bad_options(cli):
    assert "not HOST:PORT" in error_line(cli("serve", "--dns-resolver", "nowhere"))
    assert "give NAME=IP" in error_line(cli("serve", "--resolve", "a.example.com"))
