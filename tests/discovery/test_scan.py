"""Reading an estate: formats, duplicates once, corrupt files listed, public vs private."""

from __future__ import annotations

import datetime as dt
from collections import Counter
from pathlib import Path

import pytest

from app.discovery.crtsh import read_crtsh
from app.discovery.files import MAX_FILE_BYTES, read_certificates
from app.discovery.inventory_csv import map_columns, read_inventory
from app.discovery.scan import Sources, scan
from app.discovery.trust import TrustStore
from models.discovery import Trust, deduplicate
from tests.discovery.estate import CLM_CSV, Estate, crtsh_json


def test_every_planted_certificate_is_found_once(estate: Estate, scanned):
    planted = sum(estate.counts.values())
    # The chain file adds 3 CA certificates; copies, DER, p7b and p12 add only duplicates
    # (the p12's issuing CA repeats the chain's).
    assert len(scanned.certificates) == planted + 3
    assert scanned.duplicates == 5 + 1 + 2 + 2  # copy.pem, ev.der, bundle.p7b, server.p12
    fingerprints = [c.fingerprint for c in scanned.certificates]
    assert len(set(fingerprints)) == len(fingerprints)


def test_corrupt_files_are_listed_with_a_reason_and_the_scan_goes_on(estate: Estate, scanned):
    reasons = {p.source: p.reason for p in scanned.problems}
    assert set(reasons) == {str(p) for p in estate.corrupt}
    assert reasons[str(estate.corrupt[0])].startswith("corrupt PEM")
    assert reasons[str(estate.corrupt[1])].startswith("corrupt DER")
    assert reasons[str(estate.corrupt[2])] == "not a certificate file (no PEM block, not DER)"


def test_public_and_private_follow_the_verified_chain(estate: Estate, scanned):
    by_trust = Counter(c.trust for c in scanned.certificates)
    public = (estate.counts["public_tls"] + estate.counts["ev"] + estate.counts["code_signing"]
              + estate.counts["expired"] + 1)  # + the public intermediate itself
    assert by_trust[Trust.PUBLIC] == public
    assert by_trust[Trust.PRIVATE] == len(scanned.certificates) - public
    sample = next(c for c in scanned.certificates if c.common_name == "h0.shop.example.com")
    assert sample.trust_reason == "chains to “Example Public Root R1” (Mozilla root program)"
    internal = next(c for c in scanned.certificates if c.common_name == "svc0.corp.example.net")
    assert internal.trust_reason == "chains to “Corp Root CA”, not in Mozilla's program"


def test_without_the_chain_a_leaf_is_unknown_not_guessed(estate: Estate, trust, tmp_path):
    found, _ = read_certificates(estate.folder / "tls" / "internal_tls.pem")
    alone = TrustStore(roots=dict(trust.roots))
    assert alone.judge(found[0].certificate)[0] is Trust.UNKNOWN


def test_pkcs12_needs_its_password_and_a_wrong_one_is_reported(estate: Estate):
    p12 = estate.folder / "server.p12"
    assert read_certificates(p12)[1][0].reason.startswith("PKCS#12 needs a password")
    wrong = read_certificates(p12, password=lambda _p: b"nope")
    assert wrong[1][0].reason == "PKCS#12: wrong password or corrupt file"
    assert wrong[0] == []


def test_oversized_files_are_refused_unread(tmp_path: Path):
    big = tmp_path / "huge.pem"
    with big.open("wb") as handle:
        handle.truncate(MAX_FILE_BYTES + 1)
    found, problems = read_certificates(big)
    assert found == []
    assert "over the 16 MiB limit" in problems[0].reason


def test_missing_paths_are_problems_not_crashes(tmp_path: Path):
    result = scan(Sources(paths=[tmp_path / "nope"]), store=TrustStore())
    assert [str(p) for p in result.problems] == [f"{tmp_path / 'nope'}: no such file or folder"]


def test_crtsh_export_is_public_and_precertificates_count_once():
    certs, problems = read_crtsh(crtsh_json(30), "ct.json")
    assert problems == []
    unique = deduplicate(certs)
    assert len(certs) == 60
    assert len(unique) == 30
    assert {c.trust for c in unique} == {Trust.PUBLIC}
    assert unique[0].dns_names == ("api0.example.org", "www.api0.example.org")
    assert unique[0].issuer == "R10 · Let's Encrypt"
    assert unique[0].lifetime_days == 90


def test_crtsh_rejects_what_is_not_an_export():
    assert read_crtsh("{}", "x.json")[1][0].reason == "not a crt.sh export: expected a JSON list"
    assert read_crtsh("[[[", "x.json")[1][0].reason.startswith("not JSON")
    certs, problems = read_crtsh('[{"id": 1}]', "x.json")
    assert certs == []
    assert problems[0].reason.startswith("not a crt.sh entry")


def test_clm_csv_columns_are_matched_forgivingly_and_the_rest_kept_as_notes():
    certs, problems = read_inventory(CLM_CSV, "clm.csv", TrustStore.mozilla())
    assert [str(p) for p in problems] == ["clm.csv row 4: 'not a date' is not a date"]
    pay, hr = certs
    assert pay.dns_names == ("pay.example.com", "api.pay.example.com")
    assert (pay.key_kind, pay.key_size, pay.owner) == ("rsa", 2048, "payments@example.com")
    assert pay.trust is Trust.PUBLIC  # Let's Encrypt is ISRG's, a Mozilla-program CA
    assert hr.trust is Trust.UNKNOWN
    assert (hr.key_kind, hr.curve) == ("ec", "secp256r1")
    assert pay.notes == ("Business Unit: Payments",)
    assert pay.not_after == dt.datetime(2026, 12, 30, tzinfo=dt.UTC)


def test_a_mapping_names_a_column_that_does_not_exist():
    with pytest.raises(ValueError, match="no column 'Certificate' in the CSV"):
        map_columns(["Name"], {"Certificate": "common_name"})


def test_presets_map_a_clm_tools_column_names():
    columns = map_columns(["IssuedCN", "NotAfter", "KeySizeInBits", "Extra"],
                          preset="keyfactor")
    assert dict(columns.fields) == {"common_name": 0, "not_after": 1, "key_size": 2}
    assert dict(columns.notes) == {3: "Extra"}


def test_remembered_chains_give_the_verdict_a_fresh_walk_gives(estate: Estate, trust):
    """The chain above each issuer is walked once per scan; a fresh store per certificate
    (nothing remembered) judges every certificate of the estate the same, reason included."""
    found = [f.certificate for path in sorted(estate.folder.rglob("*.pem"))
             for f in read_certificates(path)[0]]
    shared = TrustStore(roots=dict(trust.roots))
    shared.add_pool(found)
    verdicts = [shared.judge(c) for c in found]
    assert {t for t, _ in verdicts} == {Trust.PUBLIC, Trust.PRIVATE}
    for cert, verdict in zip(found[::7], verdicts[::7], strict=True):
        fresh = TrustStore(roots=dict(trust.roots))
        fresh.add_pool(found)
        assert fresh.judge(cert) == verdict


def test_a_root_added_after_judging_is_seen(estate: Estate):
    leaf = read_certificates(estate.folder / "tls" / "public_tls.pem")[0][0].certificate
    store = TrustStore()
    store.add_pool([leaf, *(f.certificate for f in
                            read_certificates(estate.folder / "chain.pem")[0])])
    assert store.judge(leaf)[0] is Trust.PRIVATE
    root = estate.public_root.cert
    store.roots.setdefault(root.subject, []).append(root)
    assert store.judge(leaf)[0] is Trust.PUBLIC
