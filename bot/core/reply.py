"""What goes out: a structured reply each adapter renders its own way.

All text here is plain: adapters escape it for their medium (Slack mrkdwn,
the terminal), so user-supplied words can never ping or reformat anything.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum


class Severity(StrEnum):
    INFO = "info"
    SUCCESS = "success"
    WARNING = "warning"
    ERROR = "error"


class ActionKind(StrEnum):
    CONFIRM = "confirm"
    CANCEL = "cancel"
    APPROVE = "approve"
    REJECT = "reject"
    UNDO = "undo"
    # A break-glass elevation's buttons: the id is "<kind>:<elevation>:<nonce>".
    EXTEND = "extend"
    END = "end"
    # Runs a read command as the person who pressed (e.g. one user's breakdown);
    # the id is "run:<command text>".
    RUN = "run"


@dataclass(frozen=True, slots=True)
class Action:
    """A button; ``id`` is opaque to adapters and comes back in a ``Press``."""

    kind: ActionKind
    id: str
    label: str
    danger: bool = False  # the button does harm (kick, dismiss): adapters colour it


def run_action(label: str, command: str, *, danger: bool = False) -> Action:
    """A button that runs ``command`` for whoever presses it, authorized as usual (a
    mutating command then asks for confirmation or approval, as typed)."""
    return Action(ActionKind.RUN, f"{ActionKind.RUN.value}:{command}", label, danger)


@dataclass(frozen=True, slots=True)
class Table:
    columns: tuple[str, ...]
    rows: tuple[tuple[str, ...], ...]
    title: str | None = None


@dataclass(frozen=True, slots=True)
class Attachment:
    """A file that goes with the reply (a PNG chart): Slack uploads it into the
    thread, the console writes it to a file and prints the path."""

    filename: str
    content: bytes
    title: str
    mimetype: str = "image/png"


@dataclass(frozen=True, slots=True)
class Reply:
    headline: str
    severity: Severity = Severity.INFO
    lines: tuple[str, ...] = ()
    fields: tuple[tuple[str, str], ...] = ()
    tables: tuple[Table, ...] = ()
    actions: tuple[Action, ...] = ()
    # "SIMULATOR" while the embedded simulator stands in for TRTC.
    label: str | None = None
    # Only the person who acted should see it (a refusal of a button press).
    private: bool = False
    # The operation this reply is about, so adapters can update its messages.
    operation_id: int | None = None
    # Shown with unexpected errors; the same id is in the log.
    reference: str | None = None
    # Who should also be told (an approval request): adapter posts a copy there.
    notify_approvers: bool = False
    # TRTC RequestIds of what was done, for the audit and for support tickets.
    request_ids: tuple[str, ...] = ()
    files: tuple[Attachment, ...] = ()
    # Some of what was asked happened, some did not (a kick with one batch refused).
    partial: bool = False
