"""What `verify_deployment` returns and raises: a report of every artifact checked, or the first defect.

`TrustError` is the one error type: it names the artifact (a path relative to the deployment directory, or
`deployment.json` / `scms.toml`) and the reason, with the 1609.2.1 error code when a protocol check failed
(`Ieee1609Error`). `Recorder.artifact(path)` turns every error a check raises into it, so each check names its
artifact once. Nothing secret goes into a message: key errors name the file (`scms.deployment.keystore`).
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

from scms.deployment.errors import DeploymentError
from scms.dot2.errors import Ieee1609Error
from scms.dot2.time import Time32
from scms.protocol.ctl_trust import TrustState

__all__ = ["CheckedArtifact", "Recorder", "TrustError", "TrustReport"]


class TrustError(DeploymentError):
    """The first defect found: `artifact` (relative path), `reason`, and `code` (e.g. "400-43") when known."""

    def __init__(self, artifact: str, reason: str, code: str | None = None) -> None:
        super().__init__(f"{artifact}: {reason}")
        self.artifact = artifact
        self.reason = reason
        self.code = code


@dataclass(frozen=True)
class CheckedArtifact:
    """One artifact that passed: its path, what it is, and what was checked."""

    artifact: str
    kind: str
    detail: str


@dataclass(frozen=True)
class TrustReport:
    """Everything checked (in order), warnings that do not fail (an overdue CRL), and the trust of the latest CTL."""

    directory: Path
    at: Time32
    checked: tuple[CheckedArtifact, ...]
    warnings: tuple[str, ...]
    trust: TrustState


def _reason(message: str, root: Path, artifact: str) -> str:
    for prefix in (str(root / artifact), artifact, str(root)):
        if message.startswith(prefix + ": "):
            return message[len(prefix) + 2 :]
    return message


@dataclass
class Recorder:
    """Collects the checked artifacts; `artifact(path)` names the artifact of any error raised in its block."""

    root: Path
    checked: list[CheckedArtifact] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)

    @contextmanager
    def artifact(self, artifact: str) -> Iterator[None]:
        try:
            yield
        except TrustError:
            raise
        except Ieee1609Error as error:
            raise TrustError(artifact, str(error), error.header_value) from None
        except DeploymentError as error:
            raise TrustError(artifact, _reason(str(error), self.root, artifact)) from None

    def ok(self, artifact: str, kind: str, detail: str) -> None:
        self.checked.append(CheckedArtifact(artifact, kind, detail))

    def warn(self, artifact: str, message: str) -> None:
        self.warnings.append(f"{artifact}: {message}")

    @staticmethod
    def fail(artifact: str, reason: str) -> TrustError:
        return TrustError(artifact, reason)
