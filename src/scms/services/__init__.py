"""The SCMS components (IEEE 1609.2.1 clause 4): RA, ECA, ACA, LA, MA, each an HTTP app with its own database.

`scms.services.common` is the runtime every component stands on (docs/services.md): the app factory and its
error rendering, body limits and health endpoints, the database engine and migrations, the durable job queue and
the HTTP client between components. No component imports another; they talk over HTTP or through the queue.
`scms.services.runtime` is no component: it assembles them all into the embedded default (`scms up`).
"""

__all__: list[str] = []
