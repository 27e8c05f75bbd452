"""The Issue tab's ACME server: start and stop it, EAB keys for a requester, orders arriving
live from a real `acme`-library client, admin-mediated orders in the same approval queue."""

from __future__ import annotations

import datetime as dt

import josepy as jose
import pytest
from acme import challenges, client, messages
from cryptography.hazmat.primitives.asymmetric import ec

from app.ca.csr import build_csr, csr_pem, generate_key
from app.gui.issue_tab import IssueTab
from tests.gui.test_issue_tab import ca_tab as new_ca_tab  # noqa: F401 (fixtures)
from tests.gui.test_issue_tab import own_settings, tab  # noqa: F401


@pytest.fixture
def ca_tab(new_ca_tab: IssueTab):  # noqa: F811 (the imported fixture, wrapped)
    """The Issue tab on a new CA; its ACME server is stopped afterwards."""
    yield new_ca_tab
    new_ca_tab.stop_acme()


def _client(issue_tab: IssueTab, kid: str, hmac: str) -> client.ClientV2:
    key = jose.JWKEC(key=ec.generate_private_key(ec.SECP256R1()))
    net = client.ClientNetwork(key, alg=jose.ES256, verify_ssl=str(issue_tab.service.folder /
                                                                   "root.crt"))
    directory = client.ClientV2.get_directory(issue_tab.acme.running.directory_url, net)
    acme = client.ClientV2(directory, net)
    acme.new_account(messages.NewRegistration.from_data(
        terms_of_service_agreed=True, external_account_binding=messages.ExternalAccountBinding
        .from_data(account_public_key=key.public_key(), kid=kid, hmac_key=hmac,
                   directory=directory)))
    return acme


def test_start_stop_keys_and_live_orders(qtbot, ca_tab: IssueTab):
    panel = ca_tab.acme
    panel.port_spin.setValue(0)  # any free port
    panel.start_button.click()
    assert panel.running is not None
    assert panel.url_label.text().startswith("Serving https://localhost:")
    assert not panel.start_button.isEnabled()

    panel.requester_edit.setText("carol")
    panel.eab_button.click()
    assert panel.eab_model.rowCount() == 1
    key = panel.eab_model.record(0)
    assert key.requester == "carol"
    assert key.hmac_key in panel.eab_shown.text()
    panel.requester_edit.setText("someone else")
    assert panel.eab_model.rowCount() == 0
    panel.requester_edit.setText("carol")

    acme = _client(ca_tab, key.kid, key.hmac_key)
    csr = csr_pem(build_csr(generate_key("ec"), ["mf.internal.example"]))
    with qtbot.waitSignal(panel.orders_changed, timeout=10_000):
        order = acme.new_order(csr, profile="mainframe-tls")
    qtbot.waitUntil(lambda: panel.orders_model.rowCount() == 1, timeout=10_000)
    assert [panel.orders_model.text(0, c) for c in range(4)] == \
        ["1", "mainframe-tls", "mf.internal.example", "pending"]

    # dns-01 is offered too, but nothing answers: the failed challenge shows live.
    challb = next(c for c in order.authorizations[0].body.challenges
                  if isinstance(c.chall, challenges.HTTP01))
    with qtbot.waitSignal(panel.orders_changed, timeout=20_000):
        acme.answer_challenge(challb, challb.response(acme.net.key))
    qtbot.waitUntil(lambda: panel.orders_model.text(0, 3) == "invalid", timeout=10_000)
    tip = panel.orders_model.index(0, 3).data(3)  # the tooltip: the problem's detail
    assert "mf.internal.example" in tip

    panel.stop_button.click()
    assert panel.running is None
    assert panel.url_label.text() == "Not serving"
    assert panel.start_button.isEnabled()


def test_admin_mediated_acme_order_is_in_the_approval_queue(qtbot, ca_tab: IssueTab, tmp_path):
    """An order finalized over ACME is a request of the bound requester in the same queue."""
    from tests.ca.acme.support import Http01Responder

    responder = Http01Responder()
    try:
        panel = ca_tab.acme
        panel.port_spin.setValue(0)
        panel.http_port_spin.setValue(responder.port)
        panel.resolve_edit.setText("127.0.0.1")
        ca_tab.start_acme()
        panel.requester_edit.setText("carol")
        panel.eab_button.click()
        key = panel.eab_model.record(0)
        acme = _client(ca_tab, key.kid, key.hmac_key)
        csr = csr_pem(build_csr(generate_key("ec"), ["mf.internal.example"]))
        order = acme.new_order(csr, profile="mainframe-tls")
        challb = next(c for c in order.authorizations[0].body.challenges
                      if isinstance(c.chall, challenges.HTTP01))
        response, validation = challb.response_and_validation(acme.net.key)
        responder.tokens[challb.chall.path] = validation.encode()
        acme.answer_challenge(challb, response)
        deadline = dt.datetime.now() + dt.timedelta(seconds=20)
        acme.begin_finalization(acme.poll_authorizations(order, deadline))
        qtbot.waitUntil(lambda: ca_tab.approvals.queue_model.rowCount() == 1, timeout=10_000)
        request = ca_tab.approvals.queue_model.record(0)
        assert request.requester == "carol"
        assert request.justification.startswith("ACME order 1 for mf.internal.example")
        assert panel.orders_model.text(0, 3) == "processing"
        assert panel.orders_model.text(0, 4) == "request 1"
    finally:
        responder.close()


def test_the_dns_01_resolver_is_set_in_the_panel(qtbot, ca_tab: IssueTab):
    """As `ca serve --dns-resolver`: dns-01 asks the server given; a typo is said before the
    passphrase is asked, and nothing starts."""
    panel = ca_tab.acme
    panel.port_spin.setValue(0)
    panel.dns_edit.setText("127.0.0.1:domain")
    panel.start_button.click()
    assert panel.running is None
    assert "dns-01 resolver: '127.0.0.1:domain' is not HOST:PORT" in ca_tab.message.text()
    panel.dns_edit.setText("127.0.0.1:5353")
    panel.start_button.click()
    assert panel.running is not None
    assert panel.running.acme.validator.dns_server == ("127.0.0.1", 5353)
    assert not panel.dns_edit.isEnabled()
