"""RFC 8555 §6.7 problem documents: the one error type the ACME server raises and answers with."""

from __future__ import annotations

from typing import Any

from acme import messages

PREFIX = "urn:ietf:params:acme:error:"
# draft-ietf-acme-profiles: an order naming a profile the server does not have.
INVALID_PROFILE = "invalidProfile"

# HTTP status of each problem type (RFC 8555 §6.7 and Boulder's choices where it is silent).
STATUS = {
    "malformed": 400, "badNonce": 400, "badCSR": 400, "badPublicKey": 400,
    "badSignatureAlgorithm": 400, "badRevocationReason": 400, "invalidContact": 400,
    "unsupportedIdentifier": 400, "rejectedIdentifier": 400, INVALID_PROFILE: 400,
    "unauthorized": 403, "accountDoesNotExist": 400, "orderNotReady": 403,
    "alreadyRevoked": 400, "externalAccountRequired": 400, "serverInternal": 500,
    "incorrectResponse": 403, "connection": 400, "dns": 400, "conflict": 409,
    "notFound": 404, "tooLarge": 413, "unsupportedMediaType": 415, "methodNotAllowed": 405,
}


class AcmeProblem(Exception):
    """A refused ACME request: its problem type (without the URN prefix) and one-line detail."""

    def __init__(self, code: str, detail: str, *, status: int | None = None,
                 identifier: str | None = None) -> None:
        self.code = code
        self.detail = " ".join(detail.split())  # always one line
        self.status = status or STATUS.get(code, 400)
        self.identifier = identifier
        self.actor: str | None = None  # who the refusal is logged against, once known
        super().__init__(f"{code}: {self.detail}")

    @property
    def type(self) -> str:
        # Codes the RFC does not define (notFound, tooLarge …) are plain strings, not URNs.
        if self.code in messages.ERROR_CODES or self.code == INVALID_PROFILE:
            return PREFIX + self.code
        return f"about:blank#{self.code}"

    def to_json(self) -> dict[str, Any]:
        """The problem document, parsed back by the acme library's `messages.Error`."""
        body: dict[str, Any] = {"type": self.type, "detail": self.detail,
                                "status": self.status}
        if self.identifier:
            body["identifier"] = {"type": "dns", "value": self.identifier}
        return body

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> AcmeProblem:
        """A problem stored with an order or challenge, as it was."""
        code = str(data.get("type", "")).removeprefix(PREFIX).split("#")[-1]
        value = (data.get("identifier") or {}).get("value")
        return cls(code, str(data.get("detail", "")), status=int(data.get("status", 400)),
                   identifier=value)
