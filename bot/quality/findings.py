"""What went wrong for one user, why (likely), and how bad: a grade and a line of words.

Findings come from bad intervals (see ``thresholds``), from metrics that were
poor too often, and from events (abnormal exit, device errors). A likely cause
is chosen by correlation, most specific first: a network switch shortly before
or during a loss interval; CPU over its red line at the same time; otherwise the
direction of the loss (upstream: the user's own uplink; downstream: their
downlink). Ranking uses a score: seconds spent bad × how far over "poor".
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

import numpy as np

from bot.quality.accumulator import MetricResult, UserQuality
from bot.quality.incidents import Incident, IncidentKind
from bot.quality.intervals import Interval
from bot.quality.thresholds import DEFAULT_THRESHOLDS, Family, Metric, Thresholds
from bot.quality.window import hhmm, span

_DEVICES = {
    "ios": "iOS",
    "android": "Android",
    "windows": "Windows",
    "mac": "macOS",
    "web": "Web",
    "linux": "Linux",
}
SWITCH_LEAD_S = 60  # a network switch this soon before a loss interval explains it
THROUGHOUT = 0.9  # an interval covering this much of the user's stay is "throughout"
_EXIT_SCORE = 600.0  # an abnormal exit ranks like ten bad minutes
_DEVICE_ERROR_SCORE = 60.0


class Grade(StrEnum):
    GOOD = "good"
    DEGRADED = "degraded"
    BAD = "bad"

    @property
    def rank(self) -> int:
        return {"good": 0, "degraded": 1, "bad": 2}[self.value]


@dataclass(frozen=True, slots=True)
class Finding:
    grade: Grade
    start: int
    end: int
    words: str  # "20% upstream audio loss 14:05–14:09 (likely their uplink)"
    score: float
    metric: Metric | None = None


@dataclass(frozen=True, slots=True)
class Assessment:
    user: UserQuality
    grade: Grade
    findings: tuple[Finding, ...]
    context: tuple[str, ...]  # "switched Wi-Fi → 4G at 14:02"

    @property
    def score(self) -> float:
        return sum(f.score for f in self.findings)

    @property
    def main(self) -> Finding | None:
        """The finding that matters most: the worst grade, then the highest score."""
        return max(self.findings, key=lambda f: (f.grade.rank, f.score), default=None)

    @property
    def worst_metric(self) -> Metric | None:
        """What the sparkline shows: the metric of the top finding, else upstream loss."""
        ranked = sorted((f for f in self.findings if f.metric), key=lambda f: -f.score)
        if ranked:
            return ranked[0].metric
        return next((m for m in (Metric.AUDIO_LOSS_UP, Metric.RTT) if m in self.user.metrics), None)

    def line(self) -> str:
        """``alice — 18% upstream audio loss 14:02–14:06 (…), Android, SDK 11.4, …``"""
        what = "; ".join(f.words for f in self.findings) or "fine"
        parts = [what, *device_words(self.user), *self.context]
        return f"{self.user.user_id} — {', '.join(parts)}"


def device_words(user: UserQuality) -> list[str]:
    info = user.info
    words = [_DEVICES.get(info.device_type.lower(), info.device_type)] if info.device_type else []
    if info.sdk_version:
        words.append("SDK " + ".".join(info.sdk_version.split(".")[:2]))
    return words


def assess(user: UserQuality, thresholds: Thresholds = DEFAULT_THRESHOLDS) -> Assessment:
    story = user.story
    incidents = story.incidents if story else ()
    findings: list[Finding] = []
    used: set[Incident] = set()
    for result in user.metrics.values():
        for interval in result.intervals:
            finding, cause = _bad(user, result, interval, incidents, thresholds)
            findings.append(finding)
            if cause is not None:
                used.add(cause)
        if not result.intervals:
            findings.extend(_poor_often(user, result, thresholds))
    findings = _merge_media(findings)
    window = user.window
    for incident in incidents:
        if not window.start - SWITCH_LEAD_S <= incident.at < window.end:
            continue  # another stay, or after the window
        if incident.kind is IncidentKind.ABNORMAL_EXIT:
            words = f"{incident.words} at {hhmm(incident.at)}"
            words += f" ({incident.detail})" if incident.detail else ""
            findings.append(Finding(Grade.BAD, incident.at, incident.at, words, _EXIT_SCORE))
        elif incident.kind is IncidentKind.DEVICE_ERROR:
            words = f"{incident.words} at {hhmm(incident.at)}"
            finding = Finding(Grade.DEGRADED, incident.at, incident.at, words, _DEVICE_ERROR_SCORE)
            findings.append(finding)
    findings.sort(key=lambda f: (-f.grade.rank, f.start))
    grade = max((f.grade for f in findings), key=lambda g: g.rank, default=Grade.GOOD)
    context = tuple(
        f"{i.words} at {hhmm(i.at)}"
        for i in incidents
        if i not in used
        and i.kind in (IncidentKind.NETWORK_SWITCH, IncidentKind.RECONNECT, IncidentKind.KICKED)
        and window.start - SWITCH_LEAD_S <= i.at < window.end
    )
    return Assessment(user, grade, tuple(findings), context[:3])


def _bad(
    user: UserQuality,
    result: MetricResult,
    interval: Interval,
    incidents: tuple[Incident, ...],
    thresholds: Thresholds,
) -> tuple[Finding, Incident | None]:
    metric = result.metric
    when = _when(user, interval)
    cause: Incident | None = None
    if metric.family is Family.CPU:
        app = _mean_during(user.metrics.get(Metric.APP_CPU), interval)
        share = f" (app {Metric.APP_CPU.show(app)})" if app is not None else ""
        words = f"CPU {metric.show(interval.mean)}{share} {when} (device overloaded)"
    elif metric is Metric.RTT:
        network = user.story.network_at(interval.start) if user.story else None
        on = f", on {network}" if network else ""
        words = f"{metric.show(interval.mean)} round-trip time {when} (slow network path{on})"
    else:
        switch = next(
            (
                i
                for i in incidents
                if i.kind in (IncidentKind.NETWORK_SWITCH, IncidentKind.RECONNECT)
                and interval.start - SWITCH_LEAD_S <= i.at <= interval.end
            ),
            None,
        )
        cpu = user.metrics.get(Metric.CPU)
        busy = cpu is not None and any(
            i.overlaps(interval.start, interval.end) for i in cpu.intervals
        )
        if switch is not None:
            cause = switch
            likely = f"likely: {switch.words} at {hhmm(switch.at)}"
        elif busy:
            likely = "likely: CPU overload at the same time"
        else:
            likely = "likely their uplink" if metric.upstream else "likely their downlink"
        words = f"{metric.show(interval.mean)} {metric.label} {when} ({likely})"
    limits = thresholds.of(metric)
    poor = limits.poor if limits else 1.0
    score = interval.seconds * max(1.0, interval.mean / poor)
    return Finding(Grade.BAD, interval.start, interval.end, words, score, metric), cause


def _when(user: UserQuality, interval: Interval) -> str:
    stay = user.presence
    if stay.seconds and interval.seconds >= THROUGHOUT * stay.seconds:
        return f"throughout ({span(interval.start, interval.end)})"
    return span(interval.start, interval.end)


def _poor_often(user: UserQuality, result: MetricResult, thresholds: Thresholds) -> list[Finding]:
    limits = thresholds.of(result.metric)
    summary = result.summary
    if limits is None or summary.count == 0:
        return []
    metric, stay = result.metric, user.presence
    network = user.story.network_at(stay.start) if user.story else None
    on = f", on {network}" if network else ""
    if result.share_over >= thresholds.degraded_share:
        words = (
            f"{metric.label} often poor ({result.share_over:.0%} of the time, "
            f"p95 {metric.show(summary.p95)}{on})"
        )
    elif limits.median_counts and summary.p50 > limits.good:
        words = f"{metric.label} mediocre throughout (median {metric.show(summary.p50)}{on})"
    else:
        return []
    score = 1.0 + max(result.share_over, 0.05) * stay.seconds * 0.5
    return [Finding(Grade.DEGRADED, stay.start, stay.end, words, score, metric)]


def _mean_during(result: MetricResult | None, interval: Interval) -> float | None:
    """A metric's level during an interval, from its timeline's bucket maxima."""
    if result is None or result.timeline is None:
        return None
    line = result.timeline
    times = line.times()
    inside = (times + line.bucket_s > interval.start) & (times < interval.end)
    values = line.values()[inside]
    values = values[~np.isnan(values)]
    return float(values.mean()) if values.size else None


_PAIRS = {
    Metric.AUDIO_LOSS_UP: Metric.VIDEO_LOSS_UP,
    Metric.AUDIO_LOSS_DOWN: Metric.VIDEO_LOSS_DOWN,
}


def _merge_media(findings: list[Finding]) -> list[Finding]:
    """Audio and video loss in the same direction over the same minutes: one finding."""
    out = list(findings)
    for audio, video in _PAIRS.items():
        for a in [f for f in out if f.metric is audio]:
            match = next(
                (
                    v
                    for v in out
                    if v.metric is video
                    and v.grade is a.grade
                    and min(a.end, v.end) - max(a.start, v.start)
                    >= 0.5 * min(a.end - a.start, v.end - v.start)
                ),
                None,
            )
            if match is not None:
                out.remove(match)
                words = a.words.replace(" audio loss", " audio and video loss", 1)
                out[out.index(a)] = Finding(
                    a.grade, a.start, a.end, words, a.score + match.score, audio
                )
    return out
