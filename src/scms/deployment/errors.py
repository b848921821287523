"""Errors of the deployment layer: a bad configuration, policy, key file or deployment directory.

These are operator errors, not protocol errors (those are `scms.dot2.Ieee1609Error`): each message is one line that
names the file and the option or path at fault, and never carries key material.
"""

from __future__ import annotations

__all__ = ["ConfigError", "DeploymentError", "KeyFileError", "PolicyError"]


class DeploymentError(Exception):
    """A deployment directory that is missing, incomplete, or already holds a deployment."""


class ConfigError(DeploymentError):
    """`scms.toml` is unreadable or invalid; `options` lists the dotted names of the bad options."""

    def __init__(self, message: str, options: tuple[str, ...] = ()) -> None:
        super().__init__(message)
        self.options = options


class PolicyError(ConfigError):
    """A policy file (global or per device type) is unreadable or invalid."""


class KeyFileError(DeploymentError):
    """A private key file is missing, malformed, of the wrong kind, or readable by others than its owner."""
