"""Replay: every planted wildcard, weak key and over-long lifetime is refused; the rest route."""

from __future__ import annotations

from collections import Counter

from models.discovery import into_project, propose
from models.discovery_replay import replay, summary
from models.enums import Purpose
from models.evaluation import evaluate
from models.project_file import load_example
from models.violations import ViolationCode
from tests.discovery.estate import TODAY


def _replayed(scanned):
    certs = scanned.certificates
    proposals = [p for p in propose(certs, today=TODAY)
                 if p.key.purpose is not Purpose.CA_SIGNING]
    project, ids = into_project(load_example().model_copy(update={"types": ()}), proposals)
    mapping = {m: i for p, i in zip(proposals, ids, strict=True) for m in p.members}
    return replay(certs, mapping, project, evaluate(project))


def test_every_planted_case_gets_its_verdict(scanned):
    verdicts = _replayed(scanned)
    refused = [v for v in verdicts if v.refused]
    codes = Counter(v.violations[0].code for v in refused)
    assert codes == {ViolationCode.WILDCARD: 12, ViolationCode.WEAK_KEY: 25,
                     ViolationCode.VALIDITY: 2}
    wildcards = {v.certificate.common_name for v in refused
                 if v.violations[0].code is ViolationCode.WILDCARD}
    assert wildcards == {"*.shop.example.com"}
    weak = {v.certificate.key_label for v in refused
            if v.violations[0].code is ViolationCode.WEAK_KEY}
    assert weak == {"RSA-1024"}
    signing = [v for v in refused if v.violations[0].code is ViolationCode.VALIDITY]
    assert {v.certificate.lifetime_days for v in signing} == {1095}


def test_the_summary_reads_as_the_issue_asks(scanned):
    verdicts = _replayed(scanned)
    combined = sum(1 for v in verdicts if not v.refused and v.workflow.value == "combined")
    admin = len(verdicts) - 39 - combined
    assert summary(verdicts) == (
        f"39 of {len(verdicts):,} would be refused by the design — 25 RSA-1024, 12 wildcard, "
        f"2 lifetime over the maximum — and {combined:,} would route to combined, "
        f"{admin:,} to admin-mediated")
