"""The published files the RA's distribution centre serves, kept current while it runs (`PublishedSource`).

The manager publishes by writing the new files, then the manifest (`deployment.json`, swapped in atomically), so a
changed manifest means a complete new publication: a CRL issued with `scms manager crl issue`, a new CTL, CCF or
composite CRL. `PublishedSource.current()` looks at the manifest's identity (inode, size, modification time) at
most once per `check_interval_s` and, when it changed, loads the deployment again and checks every file as at start
(`PublishedFiles.load`); a publication that does not load or verify is logged once and the previous files stay
served (never fail open, never serve a broken file). A publication with another RA certificate (`scms manager
rotate ra`) needs a restart: the running RA holds the old certificate's keys, so it keeps serving what it had and
says so in the log.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable
from pathlib import Path

from scms.crypto import Signer
from scms.deployment import Deployment, DeploymentError, load_deployment
from scms.dot2.errors import Ieee1609Error
from scms.dot2.time import Time32
from scms.services.ra.distribution import PublishedFiles

__all__ = ["PublishedSource"]

_LOG = logging.getLogger("scms.services.ra.distribution")
_Identity = tuple[int, int, int] | None


def _identity(path: Path) -> _Identity:
    try:
        stat = path.stat()
    except OSError:
        return None
    return stat.st_ino, stat.st_size, stat.st_mtime_ns


class PublishedSource:
    """The files of the latest good publication of a deployment directory."""

    def __init__(self, deployment: Deployment, ra_key: Signer, now: Callable[[], Time32], *,
                 check_interval_s: float = 1.0, monotonic: Callable[[], float] = time.monotonic) -> None:
        self._root = deployment.layout.root
        self._manifest = deployment.layout.manifest_file
        self._ra_key, self._now, self._interval, self._monotonic = ra_key, now, check_interval_s, monotonic
        self._seen = _identity(self._manifest)
        self._files = PublishedFiles.load(deployment, ra_key, now())
        self._next_check = monotonic() + check_interval_s
        self._lock = threading.Lock()

    def current(self) -> PublishedFiles:
        """The files to serve now (reloaded first if the manifest changed since the last look)."""
        if self._monotonic() >= self._next_check:
            with self._lock:
                self._next_check = self._monotonic() + self._interval
                identity = _identity(self._manifest)
                if identity != self._seen:
                    self._seen = identity
                    self._reload()
        return self._files

    def _reload(self) -> None:
        try:
            deployment = load_deployment(self._root)
            if deployment.certificate("ra").data != self._files.ra_certificate.data:
                _LOG.warning("the publication in %s has another RA certificate: restart the RA to serve it",
                             self._root)
                return
            self._files = PublishedFiles.load(deployment, self._ra_key, self._now())
        except (DeploymentError, Ieee1609Error, OSError, ValueError) as error:
            _LOG.error("the publication in %s is not served, the previous one stays: %s", self._root, error)
            return
        _LOG.info("serving the publication in %s (CTL %d, CCF %s, composite CRL %s)", self._root,
                  max(self._files.ctls), self._files.ccf[0], self._files.composite_crl[0])
