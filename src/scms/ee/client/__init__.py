"""Drivers that run the device's flows over HTTP, and the `Device` facade (docs/api-ee.md).

* `SyncDriver` (httpx.Client) and `AsyncDriver` (httpx.AsyncClient): timeouts and bounded retries always set
  (`DriverSettings`), the transport an argument (network, `httpx.MockTransport`, `httpx.ASGITransport` for the
  async driver, `AsgiTransport` for the sync one), the clock and the sleep arguments too;
* `Device`: a state directory and a driver, one method per step of a device's life.
"""

from scms.ee.client.asgi import AsgiTransport
from scms.ee.client.async_driver import AsyncDriver
from scms.ee.client.device import Device, DownloadReport
from scms.ee.client.status import DeviceStatus, RequestStatus
from scms.ee.client.sync_driver import SyncDriver
from scms.ee.client.transport import DriverSettings, system_clock

__all__ = [
    "AsgiTransport",
    "AsyncDriver",
    "Device",
    "DeviceStatus",
    "DownloadReport",
    "DriverSettings",
    "RequestStatus",
    "SyncDriver",
    "system_clock",
]
