"""Audit events around every signature dot2.spdu makes (style rule 14): one before, one after, never the key."""

from __future__ import annotations

import logging
from collections.abc import Callable, Mapping

from scms.crypto import Signature, Signer

__all__ = ["AUDIT_LOGGER", "audited_signature"]

AUDIT_LOGGER = logging.getLogger("scms.audit")


def audited_signature(key: Signer, digest: bytes, what: Callable[[], Mapping[str, object]]) -> Signature:
    """`key.sign_digest(digest)` between `spdu.sign.begin` and `spdu.sign.end` events carrying `what()`.

    The events are built only when `scms.audit` logs INFO: a CA signs thousands of SPDUs a second.
    """
    if not AUDIT_LOGGER.isEnabledFor(logging.INFO):
        return key.sign_digest(digest)
    event = {"digest": digest.hex(), **what()}
    AUDIT_LOGGER.info("spdu.sign.begin %s", event["type"], extra={"audit": {"event": "spdu.sign.begin", **event}})
    signature = key.sign_digest(digest)
    AUDIT_LOGGER.info("spdu.sign.end %s", event["type"], extra={"audit": {"event": "spdu.sign.end", **event}})
    return signature
