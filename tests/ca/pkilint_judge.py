"""pkilint as the external judge: run its own command-line entry points in-process, as JSON.

Each linter's `main` does what its console script does (the linter for the certificate type,
PKIX findings filtered where the CA/B Forum rules supersede them), so a finding here is one
`lint_cabf_serverauth_cert lint -t … FILE` prints too.
"""

from __future__ import annotations

import contextlib
import gc
import io
import json
import warnings
from collections.abc import Callable
from pathlib import Path

from pkilint.bin import (
    lint_cabf_serverauth_cert,
    lint_cabf_smime_cert,
    lint_crl,
    lint_pkix_cert,
    lint_pkix_signer_signee_cert_chain,
)

LINTERS: dict[str, Callable[[list[str]], int]] = {
    "lint_cabf_serverauth_cert": lint_cabf_serverauth_cert.main,
    "lint_cabf_smime_cert": lint_cabf_smime_cert.main,
    "lint_pkix_cert": lint_pkix_cert.main,
    "lint_crl": lint_crl.main,
    # options: the issuer's file; path: the certificate it signed
    "lint_pkix_signer_signee_cert_chain": lint_pkix_signer_signee_cert_chain.main,
}


def lint(linter: str, options: list[str], path: Path,
         severity: str = "ERROR") -> list[tuple[str, str, str]]:
    """(severity, code, message) of each finding at or above `severity`, as
    `LINTER lint OPTIONS -s SEVERITY -f JSON PATH` reports it."""
    out = io.StringIO()
    with contextlib.redirect_stdout(out), warnings.catch_warnings():
        # argparse.FileType leaves the file to the garbage collector, as in the console script
        warnings.simplefilter("ignore", ResourceWarning)
        LINTERS[linter](["lint", *options, "-s", severity, "-f", "JSON", str(path)])
        gc.collect()
    report = json.loads(out.getvalue())
    return [(f["severity"], f["code"], f.get("message") or "")
            for result in report["results"] for f in result["finding_descriptions"]]
