"""The console on a terminal: line editing, history kept across sessions, Tab completion,
Ctrl-C that cancels the running command (not the console), notices drawn above the prompt.

prompt_toolkit rather than readline: its prompt is a coroutine on the loop the bot runs
on (readline's ``input()`` would sit in a thread), and ``patch_stdout`` prints a notice
that arrives while a line is half typed above the prompt and redraws the line. Imported
only on a terminal; piped input needs none of it.
"""

from __future__ import annotations

import asyncio
import contextlib
import os
import signal
from collections.abc import Iterable
from pathlib import Path

from prompt_toolkit import PromptSession
from prompt_toolkit.completion import CompleteEvent, Completer, Completion
from prompt_toolkit.document import Document
from prompt_toolkit.history import FileHistory
from prompt_toolkit.patch_stdout import patch_stdout

from bot.console.leaving import still_open
from bot.console.repl import WORDS, Console
from bot.console.words import Vocabulary


def history_file() -> Path:
    """``$XDG_STATE_HOME/trtc-chatops/history`` (``~/.local/state`` when unset), private."""
    base = os.environ.get("XDG_STATE_HOME")
    state = Path(base) if base and os.path.isabs(base) else Path.home() / ".local" / "state"
    folder = state / "trtc-chatops"
    folder.mkdir(mode=0o700, parents=True, exist_ok=True)
    path = folder / "history"
    path.touch(mode=0o600, exist_ok=True)
    return path


class _Tab(Completer):
    def __init__(self, vocabulary: Vocabulary) -> None:
        self.vocabulary = vocabulary

    def get_completions(self, document: Document, event: CompleteEvent) -> Iterable[Completion]:
        before = document.text_before_cursor
        words = before.split()
        typing = "" if not words or before[-1:].isspace() else words.pop()
        for word in self.vocabulary.candidates(words):
            if word.lower().startswith(typing.lower()):
                yield Completion(word, start_position=-len(typing))


async def run_terminal(console: Console) -> None:
    vocabulary = Vocabulary(console.core.services.grammar)
    history = FileHistory(str(history_file()))
    for line in history.load_history_strings():
        vocabulary.learn_line(line)
    console.seen.append(vocabulary.learn_reply)
    session: PromptSession[str] = PromptSession(
        history=history, completer=_Tab(vocabulary), complete_while_typing=False
    )
    with patch_stdout(raw=True):
        while True:
            try:
                text = await session.prompt_async(console.prompt)
            except KeyboardInterrupt:  # Ctrl-C at the prompt: drop the line, as a shell does
                continue
            except EOFError:  # Ctrl-D
                text = "quit"
            if text.strip().lower() in ("quit", "exit"):
                if await _may_leave(console):
                    return
                continue
            vocabulary.learn_line(text)
            await _cancellable(console, text)


async def _cancellable(console: Console, text: str) -> None:
    """Run one line; Ctrl-C cancels it. A press (a change under way) is not cut in half:
    it goes on, and its result is printed when it comes."""
    task = asyncio.create_task(console.line(text))
    loop = asyncio.get_running_loop()
    words = text.split()
    pressing = bool(words) and (words[0].isdigit() or words[0].lower() in WORDS)
    loop.add_signal_handler(signal.SIGINT, lambda: _interrupt(console, task, pressing))
    try:
        await task
    except asyncio.CancelledError:
        if not task.cancelled():
            raise  # the console itself is being stopped
        console.write("· cancelled")
    finally:
        loop.remove_signal_handler(signal.SIGINT)


def _interrupt(console: Console, task: asyncio.Task[bool], pressing: bool) -> None:
    if not pressing:
        task.cancel()
        return
    console.write("· a change is under way and cannot be cut in half; its result follows")


async def _may_leave(console: Console) -> bool:
    """Quit at once when nothing is in force; else say what stops, and ask again."""
    open_now = await still_open(console.core)
    if not open_now:
        return True
    console.write("⚠ this console is the bot: when it stops, nobody minds")
    for line in open_now:
        console.write(f"  {line}")
    ask: PromptSession[str] = PromptSession()  # the answer is not kept in the history
    with contextlib.suppress(KeyboardInterrupt):
        try:
            answer = await ask.prompt_async("quit anyway? [y/N] ")
        except EOFError:
            return True
        return answer.strip().lower() in ("y", "yes")
    return False
