"""The TRTC preset (system) policies, mirrored from CAM.

CAM lists `QcloudTRTCFullAccess` (read and write on all of TRTC) and
`QcloudTRTCReadonlyAccess` (read only; note the lowercase "o"), but Tencent does
not publish their JSON. What we assume, so a policy file means the same here as
the names suggest there:

- `QcloudTRTCFullAccess`: allow `name/trtc:*` on `*`. Only TRTC: it grants no
  `chatops:` action, so it does not let anyone approve requests.
- `QcloudTRTCReadonlyAccess`: allow `name/trtc:Describe*` and `name/trtc:Get*` on
  `*`: every TRTC read API we know (the call-quality and usage `Describe*` APIs and
  the console `Get*` reads), none of the room-management writes (`RemoveUser*`,
  `DismissRoom*`, `SetUserBlocked*`).

Both use resource `*`, as CAM's presets do (they are not scoped to one account's
applications). A policy file may not define a policy under either name.
"""

from __future__ import annotations

from types import MappingProxyType
from typing import Any

FULL_ACCESS = "QcloudTRTCFullAccess"
READONLY_ACCESS = "QcloudTRTCReadonlyAccess"

PRESETS: MappingProxyType[str, dict[str, Any]] = MappingProxyType(
    {
        FULL_ACCESS: {
            "version": "2.0",
            "statement": [{"effect": "allow", "action": ["name/trtc:*"], "resource": ["*"]}],
        },
        READONLY_ACCESS: {
            "version": "2.0",
            "statement": [
                {
                    "effect": "allow",
                    "action": ["name/trtc:Describe*", "name/trtc:Get*"],
                    "resource": ["*"],
                }
            ],
        },
    }
)
