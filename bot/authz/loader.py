"""Reading policy files: the only module of the engine that touches the disk.

`.json` files are JSON; anything else is YAML (which also reads JSON). A key
written twice in one mapping is refused in both formats, also when a YAML merge
key (``<<``) brings it in: parsers silently keep one of them, which could drop a
deny. Only a regular file is read: a FIFO or a device at the path would block
the process or never end.
"""

from __future__ import annotations

import json
import os
import stat
from typing import Any, Literal

import yaml

from bot.authz.engine import PolicySet
from bot.authz.errors import PolicyError, shown
from bot.authz.policyfile import parse_policy_file

Format = Literal["json", "yaml"]
Fingerprint = tuple[int, int, int]


def load_policy_file(path: str | os.PathLike[str]) -> PolicySet:
    """Read, check and compile a policy file; raises PolicyError if it is not valid."""
    name = os.fspath(path)
    try:
        raw = _read_regular(name)
    except OSError as error:
        raise PolicyError(f"cannot read the file: {error.strerror or error}", file=name) from None
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        raise PolicyError(
            f"not UTF-8 text ({error.reason} at byte {error.start})", file=name
        ) from None
    return loads(text, file=name, fmt=format_of(name))


def _read_regular(name: str) -> bytes:
    """The file's bytes; refuses anything but a regular file without blocking on it."""
    # O_NONBLOCK: opening a FIFO for reading returns at once instead of waiting
    # for a writer; fstat on what was opened leaves no gap to swap the file.
    fd = os.open(name, os.O_RDONLY | os.O_NONBLOCK | os.O_CLOEXEC)
    try:
        mode = os.fstat(fd).st_mode
        if not stat.S_ISREG(mode):
            raise PolicyError(f"{_kind(mode)} is not a regular file; give a policy file", file=name)
    except BaseException:
        os.close(fd)
        raise
    with open(fd, "rb", closefd=True) as file:
        return file.read()


def _kind(mode: int) -> str:
    kinds = {
        stat.S_ISDIR: "a directory",
        stat.S_ISFIFO: "a FIFO",
        stat.S_ISCHR: "a character device",
        stat.S_ISBLK: "a block device",
        stat.S_ISSOCK: "a socket",
    }
    return next((name for test, name in kinds.items() if test(mode)), "this")


def loads(text: str, *, file: str = "<string>", fmt: Format = "yaml") -> PolicySet:
    """Compile a policy file held in a string."""
    return PolicySet(parse_policy_file(decode(text, file=file, fmt=fmt), file=file))


def format_of(path: str) -> Format:
    return "json" if path.lower().endswith(".json") else "yaml"


def fingerprint(path: str | os.PathLike[str]) -> Fingerprint | None:
    """What changes when the file is edited or replaced; None if it is missing."""
    try:
        stat = os.stat(path)
    except OSError:
        return None
    return (stat.st_mtime_ns, stat.st_size, stat.st_ino)


def decode(text: str, *, file: str, fmt: Format) -> object:
    try:
        if fmt == "json":
            return json.loads(text, object_pairs_hook=_unique_pairs)
        loader = _UniqueKeyLoader(text)
        try:
            return loader.get_single_data()
        finally:
            loader.dispose()
    except PolicyError as error:
        raise error.located(file=file) from None
    except json.JSONDecodeError as error:
        raise PolicyError(
            f"invalid JSON at line {error.lineno} column {error.colno}: {error.msg}", file=file
        ) from None
    except yaml.YAMLError as error:
        raise PolicyError(f"invalid YAML: {error}", file=file) from None
    except (RecursionError, ValueError, TypeError) as error:
        raise PolicyError(f"cannot read the file: {error}", file=file) from None


def _unique_pairs(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for key, value in pairs:
        if key in out:
            raise PolicyError(f"key {shown(key)} appears twice in one object", field=key)
        out[key] = value
    return out


class _UniqueKeyLoader(yaml.SafeLoader):
    """SafeLoader that refuses a key written twice in one mapping, merge keys included."""

    def construct_mapping(self, node: yaml.MappingNode, deep: bool = False) -> dict[Any, Any]:
        own = {id(key_node) for key_node, _ in node.value}
        self.flatten_mapping(node)  # what ``<<`` brings in, now in node.value too
        seen: dict[object, yaml.Node] = {}
        for key_node, _ in node.value:
            key = self.construct_object(key_node, deep=deep)
            try:
                first = seen.get(key)
            except TypeError:
                continue  # unhashable: the base class reports it
            if first is not None:
                line = key_node.start_mark.line + 1
                merged = id(first) not in own or id(key_node) not in own
                how = ", one brought in by a merge key <<" if merged else ""
                where = f"line {line}{how}"
                raise PolicyError(f"key {shown(key)} appears twice in one mapping ({where})")
            seen[key] = key_node
        return super().construct_mapping(node, deep=deep)
