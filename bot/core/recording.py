"""How a recording reads in chat, and what the bot needs to start one.

One view (``recording_reply``) serves the reply to `record`, every in-place update as
callbacks arrive, and `recordings`: the same words for the same facts, wherever shown.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from bot.core.buttons import action_id
from bot.core.markup import code, person
from bot.core.reply import Action, ActionKind, Reply, Severity, Table, run_action
from bot.core.values import clock_time, format_duration
from bot.storage_params import describe_storage, storage_kind
from bot.store.tables import Operation, Recording, RecordingFile, RecordingState
from bot.trtc.usersig import user_sig

EXTEND_S = 1800  # what the "Extend 30 min" button adds
DEFAULT_PRIVACY = (
    "Everyone in the room is recorded while this runs: tell the participants, "
    "and record only what the incident needs."
)
LEAVE_CODES = {
    0: "stopped",
    1: "the recorder was removed from the room",
    2: "the room was dismissed",
    3: "the recorder was removed from the room by TRTC",
    4: "the room was dismissed by TRTC",
    99: "nobody published for the idle time",
    100: "the room timed out",
    101: "another task used the same recorder id",
}


@dataclass(frozen=True)
class RecordingTerms:
    """Where files go and who the recording robot is; built once at start-up."""

    storage: dict[str, Any] = field(repr=False)
    robot: str
    sdk_secret: str = field(repr=False)
    # True when nothing was configured and the simulator's default (VOD) is in use.
    simulated_default: bool = False

    @property
    def where(self) -> str:
        text = describe_storage(self.storage)
        return f"{text} (the simulator's default)" if self.simulated_default else text

    @property
    def kind(self) -> str:
        return storage_kind(self.storage)

    def user_sig(self, sdkappid: int, valid_s: int, now: float) -> str:
        # Valid past the recording: TRTC re-enters with it after a failover (§4.1).
        return user_sig(sdkappid, self.sdk_secret, self.robot, expire_s=valid_s, now=int(now))

    def url_base(self, task_id: str) -> str | None:
        """Where a COS file of the task can be found (VOD files come with their URL)."""
        cos = self.storage.get("CloudStorage")
        if not cos:
            return None
        prefix = "".join(f"{p}/" for p in cos.get("FileNamePrefix") or ())
        if cos.get("Vendor") == 1:
            return f"s3://{cos['Bucket']}/{prefix}{task_id}/"
        return f"https://{cos['Bucket']}.cos.{cos['Region']}.myqcloud.com/{prefix}{task_id}/"


def what(users: Sequence[str], mode: str) -> str:
    if not users:
        return f"the whole room, {mode}"
    return f"{', '.join(users)} only, {mode}"


def ended_why(rec: Recording) -> str:
    if rec.leave_code is None:
        return "ended"
    return LEAVE_CODES.get(rec.leave_code, f"ended (LeaveCode {rec.leave_code})")


def _headline(rec: Recording, now: float) -> tuple[str, Severity]:
    room = rec.room_ref
    match rec.status:
        case RecordingState.STARTING:
            return (
                f"Recording room {room}: TRTC accepted it, waiting for it to start",
                Severity.INFO,
            )
        case RecordingState.RECORDING:
            since = clock_time(rec.started_at or rec.created_at)
            return f"Recording room {room} since {since}", Severity.SUCCESS
        case RecordingState.STALLED:
            return (
                f"Room {room} is NOT being recorded: TRTC accepted the task but it has "
                "produced nothing",
                Severity.WARNING,
            )
        case RecordingState.STOPPING:
            return f"Stopping the recording of room {room}", Severity.INFO
        case RecordingState.FAILED:
            return (
                f"Recording of room {room} failed: {rec.note or 'TRTC did not start it'}",
                Severity.ERROR,
            )
    lasted = format_duration((rec.ended_at or now) - (rec.started_at or rec.created_at))
    if rec.uploads == "failed":
        return (
            f"Recording of room {room} ended ({ended_why(rec)}); an upload FAILED",
            Severity.WARNING,
        )
    return f"Recording of room {room} ended after {lasted}: {ended_why(rec)}", Severity.INFO


def _uploads(rec: Recording) -> str:
    return {
        None: "pending" if rec.status is RecordingState.ENDED else "after the recording ends",
        "done": "complete",
        "failed": "FAILED (see the files)",
        "none": "nothing was recorded",
    }.get(rec.uploads, rec.uploads or "")


def files_table(files: Sequence[RecordingFile]) -> Table:
    rows = tuple(
        (
            f.name,
            f.user_id or "(mixed)",
            f.track or "-",
            clock_time(f.begin_ms / 1000) if f.begin_ms else "-",
            "not reported" if f.size is None else f"{f.size} B",
            f.upload + (f": {f.detail}" if f.detail else ""),
            f.url or "-",
        )
        for f in files
    )
    columns = ("File", "User", "Track", "Began", "Size", "Upload", "URL")
    return Table(columns, rows, title="Files (never deleted by the bot)")


def recording_reply(
    rec: Recording, files: Sequence[RecordingFile], op: Operation | None, *, now: float
) -> Reply:
    headline, severity = _headline(rec, now)
    fields = [
        ("TaskId", rec.task_id),
        ("Recording", what(rec.users, rec.mode)),
        ("Storage", rec.storage_where),
        ("Requested by", person(rec.requester)),
    ]
    if rec.approver:
        fields.append(("Approved by", person(rec.approver)))
    if rec.reason:
        fields.append(("Reason", rec.reason))
    live = rec.status.live
    if live:
        fields.append(("Stops by itself at", clock_time(rec.until)))
    fields.append(("Uploads", _uploads(rec)))
    actions: list[Action] = []
    if live and op is not None:
        actions.append(
            Action(ActionKind.UNDO, action_id(ActionKind.UNDO, op), "Stop recording", danger=True)
        )
    if live:
        actions.append(run_action("Extend 30 min", f"record extend {rec.task_id}"))
    lines = (
        ()
        if files or not live
        else (f"Files appear here as TRTC reports them; {code('recordings')} lists them.",)
    )
    return Reply(
        headline=headline,
        severity=severity,
        lines=lines,
        fields=tuple(fields),
        tables=(files_table(files),) if files else (),
        actions=tuple(actions),
        operation_id=op.id if op is not None else None,
        request_ids=tuple(rec.request_ids),
    )
