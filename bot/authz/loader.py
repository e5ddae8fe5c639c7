"""Reading policy files: the only module of the engine that touches the disk.

`.json` files are JSON; anything else is YAML (which also reads JSON). A key
written twice in one mapping is refused in both formats: parsers silently keep
the last one, which could drop a deny.
"""

from __future__ import annotations

import json
import os
from pathlib import Path
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
        raw = Path(name).read_bytes()
    except OSError as error:
        raise PolicyError(f"cannot read the file: {error.strerror or error}", file=name) from None
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        raise PolicyError(
            f"not UTF-8 text ({error.reason} at byte {error.start})", file=name
        ) from None
    return loads(text, file=name, fmt=format_of(name))


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
    """SafeLoader that refuses a key written twice in one mapping."""

    def construct_mapping(self, node: yaml.MappingNode, deep: bool = False) -> dict[Any, Any]:
        seen: set[object] = set()
        for key_node, _ in node.value:
            if key_node.tag == "tag:yaml.org,2002:merge":
                continue
            key = self.construct_object(key_node, deep=deep)
            try:
                duplicate = key in seen
            except TypeError:
                continue  # unhashable: the base class reports it
            if duplicate:
                line = key_node.start_mark.line + 1
                raise PolicyError(f"key {shown(key)} appears twice in one mapping (line {line})")
            seen.add(key)
        return super().construct_mapping(node, deep=deep)
