"""Replay judges each certificate by the public caps in force on the day it was issued."""

from __future__ import annotations

import datetime as dt

from models.discovery import ObservedCertificate, Trust
from models.discovery_replay import replay
from models.evaluation import evaluate
from models.project_file import load_example
from models.violations import ViolationCode
from tests.discovery.estate import TODAY

SERVER_AUTH = "1.3.6.1.5.5.7.3.1"


def public_tls(issued: dt.date, days: int) -> ObservedCertificate:
    start = dt.datetime(issued.year, issued.month, issued.day, tzinfo=dt.UTC)
    return ObservedCertificate(
        source=f"shop-{issued}.pem", fingerprint=f"{issued}-{days}",
        common_name="shop.example.com", dns_names=("shop.example.com",), email_addresses=(),
        issuer="CN=Public CA", not_before=start, not_after=start + dt.timedelta(days=days),
        key_kind="ec", key_size=256, curve="secp256r1", ekus=(SERVER_AUTH,),
        trust=Trust.PUBLIC)


def test_a_397_day_certificate_is_refused_only_when_issued_under_the_200_day_cap():
    project = load_example().model_copy(update={"as_of": TODAY})
    certs = [public_tls(dt.date(2026, 1, 10), 397), public_tls(dt.date(2026, 6, 1), 397),
             public_tls(dt.date(2026, 6, 1), 200)]
    verdicts = replay(certs, dict.fromkeys(range(3), "customer-tls"), project,
                      evaluate(project))
    assert [v.refused for v in verdicts] == [False, True, False]
    assert verdicts[1].violations[0].code is ViolationCode.VALIDITY
    assert "issued on 2026-06-01 live at most 200 days" in verdicts[1].violations[0].message
