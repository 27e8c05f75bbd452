"""Go's IDNA handling of an `xn--` label, which Vault and step-ca both call.

golang.org/x/net idna/idna.go @ 0ca694d2a5adcce7f36d4d65e5f8d72390d94051: `process` decodes an
ACE label (L393-415; a label that does not decode is an error), then, only in a profile with
`fromPuny` set (ValidateLabels, or `Lookup`: L87-98, L295-304), `validateFromPunycode` judges
the decoded label (L686-704): NFC, and every code point valid or a deviation under UTS #46,
where `simplify` (L661-681) counts IDNA2008's NV8 and XV8 code points as valid. The `idna`
package's UTS #46 table stands in for x/net/idna's trie.
"""

from __future__ import annotations

import unicodedata

import idna


class IdnaError(ValueError):
    pass


def decode(encoded: str) -> str:
    """RFC 3492 decoding of an `xn--` label's rest, as x/net/idna's `decode` (punycode.go)."""
    try:
        return encoded.encode("ascii").decode("punycode")
    except ValueError:  # UnicodeError among them
        raise IdnaError(f"xn--{encoded}: not Punycode") from None


def validate_from_punycode(label: str) -> None:
    """`validateFromPunycode`: IdnaError unless `label` is NFC and every code point stays."""
    if unicodedata.normalize("NFC", label) != label:
        raise IdnaError(f"{label!r}: not NFC (V1)")
    try:  # valid or deviation: a code point UTS #46 maps or disallows changes or fails here
        kept = idna.uts46_remap(label, std3_rules=True)
    except idna.IDNAError:
        raise IdnaError(f"{label!r}: a code point UTS #46 disallows (V6)") from None
    if kept != label:
        raise IdnaError(f"{label!r}: a code point UTS #46 maps (V6)")
