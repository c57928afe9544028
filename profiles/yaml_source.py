"""Reading a profile's YAML so that every setting keeps the line it was written on."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

from profiles.errors import Problem

# A profile is a few kilobytes; anything far larger is a wrong file or a hostile one.
MAX_PROFILE_BYTES = 1 << 20


@dataclass(frozen=True)
class YamlSource:
    """A parsed YAML document together with its node tree (for line numbers)."""

    path: Path
    data: Any
    root: yaml.Node

    def line_of(self, loc: Sequence[str | int]) -> int:
        """The 1-based line of the setting at `loc`, or of its nearest enclosing setting that exists.

        The last part found as a mapping key gives the key's line, so an unknown or
        misspelt key points at itself.
        """
        node = self.root
        line = node.start_mark.line + 1
        for part in loc:
            if isinstance(node, yaml.MappingNode):
                match = next(
                    ((k, v) for k, v in node.value if isinstance(k, yaml.ScalarNode) and k.value == str(part)), None
                )
                if match is None:
                    return line
                line = match[0].start_mark.line + 1
                node = match[1]
            elif isinstance(node, yaml.SequenceNode) and isinstance(part, int) and 0 <= part < len(node.value):
                node = node.value[part]
                line = node.start_mark.line + 1
            else:
                return line
        return line


def _structure_problems(path: Path, root: yaml.Node) -> list[Problem]:
    """Aliases (which can blow up into huge data) and duplicate keys (the later silently wins)."""
    problems: list[Problem] = []
    seen: set[int] = set()
    stack: list[tuple[yaml.Node, str]] = [(root, "")]
    while stack:
        node, where = stack.pop()
        if id(node) in seen:
            problems.append(
                Problem(
                    path,
                    node.start_mark.line + 1,
                    where,
                    "uses a YAML anchor/alias (& or *), which profiles do not allow",
                    "write the value out in full",
                )
            )
            continue
        seen.add(id(node))
        if isinstance(node, yaml.MappingNode):
            keys: set[str] = set()
            for key, value in node.value:
                name = key.value if isinstance(key, yaml.ScalarNode) else "?"
                child = f"{where}.{name}" if where else name
                if name in keys:
                    problems.append(
                        Problem(
                            path,
                            key.start_mark.line + 1,
                            child,
                            "is set twice in the same section",
                            "keep one of the two lines",
                        )
                    )
                keys.add(name)
                stack.append((value, child))
        elif isinstance(node, yaml.SequenceNode):
            for i, item in enumerate(node.value):
                stack.append((item, f"{where}[{i}]"))
    return sorted(problems, key=lambda p: p.line or 0)


def _unreadable_scalars(root: yaml.Node) -> list[tuple[yaml.ScalarNode, str]]:
    """Every value YAML parses but cannot build (a date like 2024-13-45), in file order, with why."""
    loader = yaml.SafeLoader("")
    found = []
    stack = [root]
    while stack:
        node = stack.pop(0)
        if isinstance(node, yaml.MappingNode):
            stack[:0] = [part for pair in node.value for part in pair]
        elif isinstance(node, yaml.SequenceNode):
            stack[:0] = list(node.value)
        else:
            try:
                loader.construct_object(node, deep=True)
            except (yaml.YAMLError, ValueError) as exc:
                found.append((node, str(exc)))
    return found


def _too_deep(path: Path) -> Problem:
    # PyYAML builds nested collections recursively: thousands of levels exhaust Python's stack
    return Problem(path, None, "", "is nested far too deeply to be a profile (thousands of levels)",
                   "check this is a profile file; a profile is at most a few levels deep")


def read_yaml(path: Path, raw: bytes) -> tuple[YamlSource | None, list[Problem]]:
    """Parse `raw` (the bytes of `path`); return the document or the problems that stop it.

    With values YAML cannot build, both: the document (those values read as text, so the schema
    can still find the rest) and a problem for each of them.
    """
    if len(raw) > MAX_PROFILE_BYTES:
        return None, [
            Problem(path, None, "", f"is {len(raw)} bytes, too large for a profile", "check this is a profile file")
        ]
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = raw[: exc.start].count(b"\n") + 1
        return None, [Problem(path, line, "", "is not UTF-8 text", "save the file as UTF-8")]
    try:
        root = yaml.compose(text, Loader=yaml.SafeLoader)
    except RecursionError:
        return None, [_too_deep(path)]
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line = mark.line + 1 if mark else None
        detail = " ".join(str(p) for p in (exc.context, exc.problem) if p)
        return None, [
            Problem(
                path,
                line,
                "",
                f"is not valid YAML ({detail})",
                "check the indentation, the ':' after each key, and quote text that contains ': ' or '#'",
            )
        ]
    except yaml.YAMLError as exc:
        return None, [Problem(path, None, "", f"is not valid YAML ({exc})", "check the file's syntax")]
    if root is None:
        return None, [Problem(path, 1, "", "is empty", "write the profile's settings, at least `name: ...`")]
    if not isinstance(root, yaml.MappingNode):
        return None, [
            Problem(
                path,
                root.start_mark.line + 1,
                "",
                "is not a mapping of settings",
                "write one `key: value` per line, starting with `name: ...`",
            )
        ]
    problems = _structure_problems(path, root)
    if problems:
        return None, problems
    try:
        data = yaml.safe_load(text)
    except RecursionError:
        return None, [_too_deep(path)]
    except (yaml.YAMLError, ValueError) as exc:  # e.g. a date like 2024-13-45
        unreadable = _unreadable_scalars(root)
        if not unreadable:
            mark = getattr(exc, "problem_mark", None)
            return None, [Problem(path, mark.line + 1 if mark else None, "", f"has a value YAML cannot read ({exc})",
                                  "write dates as YYYY-MM-DD, and put other text in quotes")]
        problems = [
            Problem(path, node.start_mark.line + 1, "", f"has a value YAML cannot read ({node.value!r}: {why})",
                    "write dates as YYYY-MM-DD, and put other text in quotes")
            for node, why in unreadable
        ]
        # Read those values as plain text, so that every other problem of the file is found too.
        for node, _ in unreadable:
            node.tag = "tag:yaml.org,2002:str"
        data = yaml.SafeLoader("").construct_document(root)
        return YamlSource(path, data, root), problems
    return YamlSource(path, data, root), []
