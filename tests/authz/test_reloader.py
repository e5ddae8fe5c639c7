"""Reloading the policy file: fail closed at start-up, keep the last good policy afterwards."""

from __future__ import annotations

import asyncio
import logging
import os
import signal
from itertools import count
from pathlib import Path

import pytest

from bot.authz import AuthzRequest, Effect, PolicyError, PolicyReloader

APP = "qcs::trtc::uin/1:sdkappid/1400000001"
KICK = AuthzRequest("U1", frozenset(), "C1", "trtc:RemoveUser", APP)
_ticks = count(1)


def _policy(action: str) -> str:
    return (
        'account_uin: "1"\n'
        "policies:\n"
        '  p: {version: "2.0", statement: '
        f'[{{effect: allow, action: "{action}", resource: "*"}}]}}\n'
        "attach: {users: {U1: [p]}}\n"
    )


BROKEN = _policy("trtc:RemoveUser").replace("effect: allow", "Effect: allow, effect: deny")


def _write(path: Path, text: str) -> None:
    """Write and give the file a new modification time (file times are coarse)."""
    path.write_text(text, encoding="utf-8")
    stamp = 1_700_000_000_000_000_000 + next(_ticks) * 1_000_000_000
    os.utime(path, ns=(stamp, stamp))


def _rewrite_unnoticed(path: Path, text: str) -> None:
    """New content of the same size and modification time: polling cannot see it."""
    stat = path.stat()
    assert len(text) == stat.st_size
    path.write_text(text, encoding="utf-8")
    os.utime(path, ns=(stat.st_atime_ns, stat.st_mtime_ns))


@pytest.fixture
def policy_path(tmp_path: Path) -> Path:
    path = tmp_path / "policy.yaml"
    _write(path, _policy("trtc:RemoveUser"))
    return path


def test_broken_file_at_startup_fails_closed(tmp_path: Path) -> None:
    """A broken file at start-up raises, so the bot never runs without a valid policy."""
    path = tmp_path / "policy.yaml"
    _write(path, BROKEN)
    with pytest.raises(PolicyError, match="appears twice"):
        PolicyReloader(path)


def test_missing_file_at_startup_fails_closed(tmp_path: Path) -> None:
    """A missing file at start-up raises too."""
    with pytest.raises(PolicyError, match="cannot read"):
        PolicyReloader(tmp_path / "nowhere.yaml")


def test_changed_file_is_reloaded(policy_path: Path) -> None:
    """A valid new version is in force after check() sees the change."""
    reloader = PolicyReloader(policy_path)
    assert reloader.evaluate(KICK).effect is Effect.ALLOW
    _write(policy_path, _policy("trtc:Describe*"))
    assert reloader.check() is True
    assert reloader.evaluate(KICK).effect is Effect.DENY


def test_unchanged_file_is_not_reloaded(policy_path: Path) -> None:
    """check() does nothing while the file is unchanged."""
    reloader = PolicyReloader(policy_path)
    before = reloader.current
    assert reloader.check() is False
    assert reloader.current is before


def test_broken_file_keeps_previous_policy(
    policy_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    """A broken new version is refused, logged precisely, and the old policy stays in force."""
    reloader = PolicyReloader(policy_path)
    before = reloader.current
    _write(policy_path, BROKEN)
    with caplog.at_level(logging.ERROR, logger="bot.authz.reloader"):
        assert reloader.check() is False
    assert reloader.current is before
    assert reloader.evaluate(KICK).effect is Effect.ALLOW
    assert f"{policy_path}: policy 'p': statement[0]: field 'effect'" in caplog.text
    assert "previous policy stays in force" in caplog.text
    caplog.clear()
    assert reloader.check() is False  # the same broken file is not reported again
    assert caplog.text == ""
    _write(policy_path, _policy("trtc:Describe*"))
    assert reloader.check() is True
    assert reloader.evaluate(KICK).effect is Effect.DENY


def test_deleted_file_keeps_previous_policy(policy_path: Path) -> None:
    """A file that disappears is refused like a broken one."""
    reloader = PolicyReloader(policy_path)
    policy_path.unlink()
    assert reloader.check() is False
    assert reloader.evaluate(KICK).effect is Effect.ALLOW


def test_atomic_replace_is_seen(policy_path: Path, tmp_path: Path) -> None:
    """Replacing the file by rename (as editors and config tools do) is a change."""
    reloader = PolicyReloader(policy_path)
    staged = tmp_path / "staged.yaml"
    _write(staged, _policy("trtc:Describe*"))
    staged.replace(policy_path)
    assert reloader.check() is True
    assert reloader.evaluate(KICK).effect is Effect.DENY


async def test_sighup_reloads(policy_path: Path) -> None:
    """SIGHUP reloads the file even when polling would not notice."""
    reloader = PolicyReloader(policy_path)
    loop = asyncio.get_running_loop()
    reloader.install_sighup(loop)
    try:
        _rewrite_unnoticed(policy_path, _policy("trtc:Describe??"))
        assert reloader.check() is False  # invisible to polling
        os.kill(os.getpid(), signal.SIGHUP)
        for _ in range(100):
            await asyncio.sleep(0.01)
            if reloader.evaluate(KICK).effect is Effect.DENY:
                break
        assert reloader.evaluate(KICK).effect is Effect.DENY
    finally:
        loop.remove_signal_handler(signal.SIGHUP)


async def test_watch_polls_for_changes(policy_path: Path) -> None:
    """The watch task picks up a change on its own."""
    reloader = PolicyReloader(policy_path)
    task = asyncio.create_task(reloader.watch(interval=0.01))
    try:
        _write(policy_path, _policy("trtc:Describe*"))
        for _ in range(200):
            await asyncio.sleep(0.01)
            if reloader.evaluate(KICK).effect is Effect.DENY:
                break
        assert reloader.evaluate(KICK).effect is Effect.DENY
    finally:
        task.cancel()
        with pytest.raises(asyncio.CancelledError):
            await task
