"""The last line of the HTTP edge: an exception nobody handled becomes a bare 500 (standards-notes §10.3).

Starlette's own error middleware would answer 500 and then re-raise, so the server would log the exception with
its message (which may hold SQL parameters or bytes). This middleware sits inside it and stops the exception:
the client sees a bare 500 and the log names the exception's class and frames only (`describe_exception`).
"""

from __future__ import annotations

import logging

from starlette.types import ASGIApp, Message, Receive, Scope, Send

from scms.services.common.errors import bare_500, log_unexpected

__all__ = ["UnexpectedErrorMiddleware"]


class UnexpectedErrorMiddleware:
    """Pure ASGI middleware: answer a bare 500 for any exception escaping the app, and log it without message."""

    def __init__(self, app: ASGIApp, *, logger: logging.Logger) -> None:
        self.app = app
        self.logger = logger

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        started = False

        async def tracking_send(message: Message) -> None:
            nonlocal started
            if message["type"] == "http.response.start":
                started = True
            await send(message)

        try:
            await self.app(scope, receive, tracking_send)
        except Exception as exc:
            log_unexpected(self.logger, exc, f"error in {scope['method']} {scope['path']}")
            if not started:
                await bare_500()(scope, receive, send)
            # A response already under way cannot be changed; it ends here, cut short, and the server closes it.
