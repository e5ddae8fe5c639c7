"""What each TRTC site offers that the other does not (trtc-server-api.md §1, §6.5, §7.3.1).

The mainland site (trtc.tencentcloudapi.com) and the international site
(trtc.intl.tencentcloudapi.com) share the API version but not everything in it:
SetUserBlocked* is documented, and in the SDKs, on the international site only; four
DescribeCallDetailInfo metrics are listed on the mainland site only. The bot asks here
before a call, so it can explain instead of sending a request the site cannot serve;
the simulator asks here to answer as the site it plays.
"""

from __future__ import annotations

from bot.settings import DEFAULT_ENDPOINT, INTL_ENDPOINT, Site

HOSTS = {Site.MAINLAND: DEFAULT_ENDPOINT, Site.INTL: INTL_ENDPOINT}
NAMES = {Site.MAINLAND: "mainland site", Site.INTL: "international site"}

# Actions one site alone offers. Checked against the SDKs: the mainland Python SDK has
# never had SetUserBlocked*, the international one has both (snapshots of 2026-08).
ONLY_ON: dict[str, Site] = {
    "SetUserBlocked": Site.INTL,
    "SetUserBlockedByStrRoomId": Site.INTL,
}

# DescribeCallDetailInfo DataType values listed on the mainland pages and SDK only; the
# international pages and SDK list the other 13 (and "all").
MAINLAND_ONLY_DATA_TYPES = frozenset({"aCapEnergy", "aPlayEnergy", "rtt", "bigvRecFps"})


def offers(site: Site | None, action: str) -> bool:
    """Whether ``site`` offers ``action``; ``None`` (a site not pinned) offers all."""
    only = ONLY_ON.get(action)
    return site is None or only is None or only is site


def data_type_offered(site: Site | None, data_type: str) -> bool:
    return site is not Site.INTL or data_type not in MAINLAND_ONLY_DATA_TYPES


def unavailable(command: str, action: str, site: Site | None) -> str | None:
    """Why ``command`` cannot run on ``site`` (it needs ``action``), or None if it can."""
    if offers(site, action):
        return None
    assert site is not None
    only = ONLY_ON[action]
    return (
        f"`{command}` uses {action}, which TRTC offers only on the {NAMES[only]} "
        f"({HOSTS[only]}); this bot talks to the {NAMES[site]} ({HOSTS[site]}). "
        f"Nothing was sent to TRTC. To use it, point TRTC_ENDPOINT at {HOSTS[only]} "
        "with that site's credentials."
    )
