"""The test SCMS as a raw ASGI app (with a lifespan that records startup and shutdown), for the drivers' tests."""

from __future__ import annotations

from typing import Any

from scms.ee.exchange import HttpRequest

from ._scms import MiniScms


class AsgiScms:
    def __init__(self, scms: MiniScms) -> None:
        self.scms = scms
        self.lifespan: list[str] = []

    async def __call__(self, scope: dict[str, Any], receive: Any, send: Any) -> None:
        if scope["type"] == "lifespan":
            while True:
                message = await receive()
                event = message["type"].rsplit(".", 1)[-1]
                self.lifespan.append(event)
                await send({"type": f"lifespan.{event}.complete"})
                if event == "shutdown":
                    return
        body = b""
        while True:
            message = await receive()
            body += message.get("body", b"")
            if not message.get("more_body"):
                break
        headers = {k.decode("latin-1"): v.decode("latin-1") for k, v in scope["headers"]}
        query = scope["query_string"].decode()
        url = f"http://{headers.get('host', 'scms.test')}{scope['path']}" + (f"?{query}" if query else "")
        answer = self.scms.handle(HttpRequest(scope["method"], url, "test", {}, headers, body))
        await send({"type": "http.response.start", "status": answer.status,
                    "headers": [(k.encode(), v.encode()) for k, v in answer.headers.items()]})
        await send({"type": "http.response.body", "body": answer.body})
