"""Answer as one TRTC site: refuse what that site does not offer (bot/trtc/sites.py).

Two steps of the request pipeline in ``app.py``: the action, right after it is known,
and the parameters, once they have parsed. A simulator pinned to no site refuses nothing.
"""

from __future__ import annotations

from typing import Any

from bot.settings import Site
from bot.trtc import sites
from bot.trtc.simulator.envelope import ApiError


def check_action(site: Site | None, action: str) -> None:
    """An action the site does not offer is answered as one that does not exist there.

    InvalidAction ("the API does not exist") rather than UnsupportedRegion: the mainland
    site documents no SetUserBlocked at all, in no region, and its SDK and API catalogue
    have no such action. What the real mainland endpoint answers is UNCONFIRMED.
    """
    if not sites.offers(site, action):
        assert site is not None
        raise ApiError(
            "InvalidAction",
            f"The requested action `{action}` does not exist on the {sites.NAMES[site]} "
            f"({sites.HOSTS[site]}).",
        )


def check_params(site: Site | None, action: str, params: dict[str, Any]) -> None:
    """DescribeCallDetailInfo metrics the site does not list are a bad DataType value.

    InvalidParameter is the code the API documents for a bad parameter (there is no
    DataType-specific one); that the international site refuses rather than ignores
    the mainland-only metrics is UNCONFIRMED.
    """
    if action != "DescribeCallDetailInfo":
        return
    for name in params.get("DataType") or ():
        if not sites.data_type_offered(site, name):
            assert site is not None
            raise ApiError(
                "InvalidParameter",
                f"DataType `{name}` is not offered on the {sites.NAMES[site]}; "
                f"{', '.join(sorted(sites.MAINLAND_ONLY_DATA_TYPES))} are mainland-only.",
            )
