"""A synthetic certificate estate for the discovery tests: public-like and private chains,
renewals, wildcards, weak keys, expired and duplicate certificates, corrupt files."""

from __future__ import annotations

import datetime as dt
import json
from dataclasses import dataclass, field
from pathlib import Path

from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec, rsa
from cryptography.hazmat.primitives.serialization import pkcs7, pkcs12
from cryptography.x509.oid import ExtendedKeyUsageOID, NameOID

TODAY = dt.date(2026, 12, 2)
NOW = dt.datetime(2026, 12, 2, 12, 0, tzinfo=dt.UTC)
DV, OV_CS, EV = "2.23.140.1.2.1", "2.23.140.1.4.1", "2.23.140.1.1"
P12_PASSWORD = b"s3cret-bundle"

_EC = ec.generate_private_key(ec.SECP256R1())
_RSA1024 = rsa.generate_private_key(public_exponent=65537, key_size=1024)


def _name(cn: str, org: str | None = None) -> x509.Name:
    attrs = [x509.NameAttribute(NameOID.COMMON_NAME, cn)]
    if org:
        attrs.append(x509.NameAttribute(NameOID.ORGANIZATION_NAME, org))
    return x509.Name(attrs)


@dataclass
class Authority:
    """A CA certificate and its key."""

    cert: x509.Certificate
    key: ec.EllipticCurvePrivateKey


def make_ca(cn: str, org: str, issuer: Authority | None = None) -> Authority:
    key = ec.generate_private_key(ec.SECP256R1())
    subject = _name(cn, org)
    builder = (x509.CertificateBuilder().subject_name(subject)
               .issuer_name(issuer.cert.subject if issuer else subject)
               .public_key(key.public_key()).serial_number(x509.random_serial_number())
               .not_valid_before(NOW - dt.timedelta(days=3000))
               .not_valid_after(NOW + dt.timedelta(days=3000))
               .add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True)
               .add_extension(x509.KeyUsage(False, False, False, False, False, True, True,
                                            False, False), critical=True))
    signer = issuer.key if issuer else key
    return Authority(builder.sign(signer, hashes.SHA256()), key)


def leaf(issuer: Authority, *, names: tuple[str, ...] = (), emails: tuple[str, ...] = (),
         cn: str | None = None, days: int, issued_days_ago: int,
         ekus: tuple[x509.ObjectIdentifier, ...] = (ExtendedKeyUsageOID.SERVER_AUTH,),
         policy: str | None = None, weak: bool = False) -> x509.Certificate:
    key = _RSA1024 if weak else _EC
    start = NOW - dt.timedelta(days=issued_days_ago)
    general: list[x509.GeneralName] = [x509.DNSName(n) for n in names]
    general += [x509.RFC822Name(e) for e in emails]
    common = cn or (names[0] if names else emails[0] if emails else "leaf")
    builder = (x509.CertificateBuilder().subject_name(_name(common))
               .issuer_name(issuer.cert.subject).public_key(key.public_key())
               .serial_number(x509.random_serial_number())
               .not_valid_before(start).not_valid_after(start + dt.timedelta(days=days))
               .add_extension(x509.SubjectAlternativeName(general), critical=False)
               .add_extension(x509.ExtendedKeyUsage(list(ekus)), critical=False))
    if policy:
        builder = builder.add_extension(x509.CertificatePolicies(
            [x509.PolicyInformation(x509.ObjectIdentifier(policy), None)]), critical=False)
    return builder.sign(issuer.key, hashes.SHA256())


@dataclass
class Estate:
    """What was planted, to check the scan against."""

    folder: Path
    public_root: Authority
    counts: dict[str, int] = field(default_factory=dict)
    corrupt: list[Path] = field(default_factory=list)


def pem(certs: list[x509.Certificate]) -> bytes:
    return b"".join(c.public_bytes(serialization.Encoding.PEM) for c in certs)


def build_estate(folder: Path, *, scale: int = 1) -> Estate:
    """Public DV TLS (renewed every 60 days, 90-day lifetimes; 12 wildcards, 25 RSA-1024),
    EV TLS, public OV code signing with 3-year lifetimes, private internal TLS, a 1-day mTLS
    mesh, private S/MIME, certificates expired years ago, duplicates and corrupt files."""
    public_root = make_ca("Example Public Root R1", "Example Trust Services")
    public_int = make_ca("Example Public DV CA 1", "Example Trust Services", public_root)
    private_root = make_ca("Corp Root CA", "Example Corp")
    private_int = make_ca("Corp Issuing CA 2", "Example Corp", private_root)
    estate = Estate(folder, public_root)
    groups: dict[str, list[x509.Certificate]] = {}

    # 100 shop hosts, each renewed every 60 days over the last year: 6 certificates a host.
    public = []
    for host in range(100 * scale):
        for ago in (20, 80, 140, 200, 260, 320):
            public.append(leaf(public_int, names=(f"h{host}.shop.example.com",), days=90,
                               issued_days_ago=ago, policy=DV))
    public += [leaf(public_int, names=("*.shop.example.com",), cn="*.shop.example.com",
                    days=90, issued_days_ago=10 + i, policy=DV) for i in range(12)]
    public += [leaf(public_int, names=(f"legacy{i}.shop.example.com",), days=90,
                    issued_days_ago=30, policy=DV, weak=True) for i in range(25)]
    groups["public_tls"] = public
    # 200 days: what a public CA may issue since 2026-03-15 (ballot SC-081v3); a 365-day EV
    # certificate issued in 2026 would be over the public cap, not a planted case.
    groups["ev"] = [leaf(public_int, names=("www.example.com", "example.com"), days=200,
                         issued_days_ago=100 + i, policy=EV) for i in range(3)]
    groups["code_signing"] = [leaf(public_int, cn=f"Example Corp Release {i}", days=1095,
                                   issued_days_ago=200, policy=OV_CS,
                                   ekus=(ExtendedKeyUsageOID.CODE_SIGNING,))
                              for i in range(2)]
    groups["internal_tls"] = [leaf(private_int, names=(f"svc{i}.corp.example.net",),
                                   days=365, issued_days_ago=i % 300)
                              for i in range(300 * scale)]
    groups["mesh"] = [leaf(private_int, names=(f"web{i}.ns{i % 50}.svc.cluster.local",),
                           days=1, issued_days_ago=0,
                           ekus=(ExtendedKeyUsageOID.SERVER_AUTH,
                                 ExtendedKeyUsageOID.CLIENT_AUTH))
                      for i in range(500 * scale)]
    groups["smime"] = [leaf(private_int, emails=(f"user{i}@example.com",), days=365,
                            issued_days_ago=50, ekus=(ExtendedKeyUsageOID.EMAIL_PROTECTION,))
                       for i in range(50)]
    # Long gone: expired in 2023, not part of the estate a design is for.
    groups["expired"] = [leaf(public_int, names=(f"old{i}.example.com",), days=398,
                              issued_days_ago=1400, policy=DV) for i in range(20)]
    estate.counts = {k: len(v) for k, v in groups.items()}

    tls = folder / "tls"
    tls.mkdir(parents=True)
    for name, certs in groups.items():
        (tls / f"{name}.pem").write_bytes(pem(certs))
    # The chain, as teams keep it beside their certificates.
    (folder / "chain.pem").write_bytes(pem([public_int.cert, private_int.cert,
                                            private_root.cert]))
    # Duplicates: a few certificates again, one as DER, one inside a .p7b and one in a .p12.
    dup = groups["ev"][0]
    (folder / "copy.pem").write_bytes(pem(groups["smime"][:5]))
    (folder / "ev.der").write_bytes(dup.public_bytes(serialization.Encoding.DER))
    (folder / "bundle.p7b").write_bytes(pkcs7.serialize_certificates(
        groups["code_signing"], serialization.Encoding.DER))
    (folder / "server.p12").write_bytes(pkcs12.serialize_key_and_certificates(
        b"server", _EC, groups["internal_tls"][0], [private_int.cert],
        serialization.BestAvailableEncryption(P12_PASSWORD)))
    # Corrupt and unreadable files: listed with a reason, the scan goes on.
    bad = folder / "broken"
    bad.mkdir()
    estate.corrupt = [bad / "truncated.pem", bad / "garbage.der", bad / "notes.crt"]
    whole = pem([groups["ev"][1]])
    estate.corrupt[0].write_bytes(whole[: len(whole) // 2] + b"\n-----END CERTIFICATE-----\n")
    estate.corrupt[1].write_bytes(b"\x30\x82\x01\x00" + b"\xff" * 40)
    estate.corrupt[2].write_text("this is not a certificate\n")
    return estate


def crtsh_json(entries: int = 30) -> str:
    """A crt.sh export: each certificate listed twice (precertificate and certificate)."""
    rows = []
    for i in range(entries):
        start = NOW - dt.timedelta(days=10 * i)
        for pre in (True, False):
            rows.append({
                "issuer_ca_id": 295810, "issuer_name": "C=US, O=Let's Encrypt, CN=R10",
                "common_name": f"api{i}.example.org",
                "name_value": f"api{i}.example.org\nwww.api{i}.example.org",
                "id": 10_000 + 2 * i + pre, "entry_timestamp": start.isoformat(),
                "not_before": start.replace(tzinfo=None).isoformat(),
                "not_after": (start + dt.timedelta(days=90)).replace(tzinfo=None).isoformat(),
                "serial_number": f"04{i:030x}", "result_count": 2,
            })
    return json.dumps(rows)


CLM_CSV = """Common Name,Subject Alternative Names,Issuer DN,Valid From,Valid To,Key Algorithm,\
Key Size,Serial Number,Owner Email,Business Unit
pay.example.com,"pay.example.com, api.pay.example.com","CN=R10, O=Let's Encrypt, C=US",\
2026-10-01,2026-12-30,RSA,2048,0a1b,payments@example.com,Payments
hr.corp.example.net,hr.corp.example.net,"CN=Corp Issuing CA 2, O=Example Corp",2026-01-10,\
2027-01-10,EC,256,0c2d,hr-it@example.com,HR
broken.example.com,broken.example.com,"CN=R10, O=Let's Encrypt",not a date,2027-01-01,RSA,\
2048,0e3f,x@example.com,Sales
"""
