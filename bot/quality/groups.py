"""What the users with problems share, said before any one of them is listed.

In a 1,000-user webinar twenty names tell an engineer less than one sentence:
"all 21 degraded users are on 3G; median RTT 153 ms". The users with problems are
grouped by what the data holds about each: the network their SDK reported (events
are read for users with problems only), the device and the SDK version. A value
is told when it covers ``SHARED_SHARE`` of them; TRTC's per-user data carries no
region, so none is guessed from an IP address.
"""

from __future__ import annotations

import math
import statistics
from collections import Counter
from collections.abc import Callable, Sequence

from bot.quality.findings import Assessment, device_words
from bot.quality.thresholds import Family, Metric

GROUP_MIN = 5  # fewer users with problems are read one by one
SHARED_SHARE = 0.6

Trait = Callable[[Assessment], str | None]


def network(a: Assessment) -> str | None:
    """The network they were on when their main problem began (else when they came)."""
    story = a.user.story
    if story is None or not story.networks:
        return None
    main = a.main
    return story.network_at(main.start if main else a.user.presence.start)


def device(a: Assessment) -> str | None:
    words = device_words(a.user)
    return words[0] if words and not words[0].startswith("SDK") else None


def sdk(a: Assessment) -> str | None:
    return next((w for w in device_words(a.user) if w.startswith("SDK ")), None)


TRAITS: tuple[tuple[str, Trait], ...] = (("network", network), ("device", device), ("SDK", sdk))


def group_line(assessments: Sequence[Assessment]) -> str | None:
    """One line about the group, or None when it is too small to be worth one."""
    count = len(assessments)
    if count < GROUP_MIN:
        return None
    grades = {a.grade for a in assessments}
    who = f"{next(iter(grades)).value} users" if len(grades) == 1 else "users with problems"
    shared = [s for _, trait in TRAITS if (s := _shared(assessments, trait)) is not None]
    numbers = _medians(assessments)
    if shared:
        head = _joined(shared, count, who)
    else:
        head = f"the {count:,} {who} share no network, device or SDK version"
    return "; ".join([head, *numbers]) + "."


def _shared(assessments: Sequence[Assessment], trait: Trait) -> tuple[str, int] | None:
    values = Counter(v for a in assessments if (v := trait(a)) is not None)
    if not values:
        return None
    value, hits = values.most_common(1)[0]
    if hits < max(GROUP_MIN - 2, SHARED_SHARE * len(assessments)):
        return None
    return value, hits


def _joined(shared: list[tuple[str, int]], count: int, who: str) -> str:
    """ "all 21 degraded users are on 3G and Android, 15 of them on SDK 11.2"."""
    everyone = [value for value, hits in shared if hits == count]
    most = [f"{hits:,} of them on {value}" for value, hits in shared if hits < count]
    if everyone:
        head = f"all {count:,} {who} are on {_listing(everyone)}"
        return ", ".join([head, *most])
    first, hits = shared[0]
    rest = [f"{h:,} on {v}" for v, h in shared[1:]]
    return ", ".join([f"{hits:,} of the {count:,} {who} are on {first}", *rest])


def _medians(assessments: Sequence[Assessment]) -> list[str]:
    """The group's typical RTT and loss: the median of each user's median."""
    out = []
    rtt = _median_of(assessments, lambda a: _p50(a, (Metric.RTT,)))
    if rtt is not None:
        out.append(f"median RTT {Metric.RTT.show(rtt)}")
    losses = tuple(m for m in Metric if m.family is Family.LOSS)
    loss = _median_of(assessments, lambda a: _p50(a, losses))
    if loss is not None and loss > 0:
        out.append(f"median loss {Metric.AUDIO_LOSS_UP.show(loss)}")
    return out


def _p50(a: Assessment, metrics: tuple[Metric, ...]) -> float | None:
    values = [
        r.summary.p50
        for m in metrics
        if (r := a.user.metrics.get(m)) is not None and r.summary.count
        if not math.isnan(r.summary.p50)
    ]
    return max(values) if values else None


def _median_of(
    assessments: Sequence[Assessment], value: Callable[[Assessment], float | None]
) -> float | None:
    values = [v for a in assessments if (v := value(a)) is not None]
    return statistics.median(values) if values else None


def _listing(items: list[str]) -> str:
    return items[0] if len(items) == 1 else f"{', '.join(items[:-1])} and {items[-1]}"
