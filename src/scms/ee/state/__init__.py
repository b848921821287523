"""The device state directory (docs/api-ee.md, "The state directory"): `DeviceState` and the versioned index
`device.json`; files written atomically, secrets 0600.

* `directory`: `DeviceState` (create, open, change the index; identity, registration, policy, trust);
* `enrollments`: enrollment certificates and the enrollment request in flight;
* `requests`: authorization requests, their secrets and the downloaded certificates;
* `index`: the `device.json` models; `files`: atomic writes and mode-checked reads;
* `store`: where the files live, a directory (`DirectoryStore`) or memory (`MemoryStore`, simulated devices).
"""

from scms.ee.state.directory import INDEX_FILE, DeviceState
from scms.ee.state.enrollments import Enrollments, PendingEnrollment, StoredEnrollment
from scms.ee.state.index import DeviceIndex, RequestRecord
from scms.ee.state.requests import Requests, StoredCertificate
from scms.ee.state.store import DirectoryStore, MemoryStore, Store

__all__ = [
    "INDEX_FILE",
    "DeviceIndex",
    "DeviceState",
    "DirectoryStore",
    "Enrollments",
    "MemoryStore",
    "PendingEnrollment",
    "RequestRecord",
    "Requests",
    "Store",
    "StoredCertificate",
    "StoredEnrollment",
]
