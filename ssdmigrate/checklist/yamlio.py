"""Read YAML data files keeping each value's line, and check values strictly.

PyYAML's safe loader is used to compose nodes only; we build dicts and lists
ourselves so that every mapping remembers where its keys were, and so that a
repeated key is an error instead of silently overwriting the first one.
"""

from __future__ import annotations

import re
from typing import Any, NoReturn

import yaml

from ssdmigrate.errors import SsdmigrateError

# Ids in the data files: lower case, digits, dots and dashes.
SLUG = re.compile(r"^[a-z0-9][a-z0-9.-]*$")


class DataFileError(SsdmigrateError):
    """A bundled or edited data file is malformed: names the file, line and problem."""

    remedy_text = "Fix the file, or reinstall ssdmigrate if you did not edit it."

    def __init__(self, file: str, line: int | None, problem: str) -> None:
        where = f"{file}, line {line}" if line is not None else file
        super().__init__(f"{where}: {problem}", remedy=self.remedy_text)
        self.file = file
        self.line = line
        self.problem = problem


class MarkedDict(dict[str, Any]):
    """A YAML mapping that knows its own line and the line of each key."""

    def __init__(self, file: str, line: int) -> None:
        super().__init__()
        self.file = file
        self.line = line
        self.key_lines: dict[str, int] = {}


class MarkedList(list[Any]):
    """A YAML sequence that knows its own line and the line of each item."""

    def __init__(self, file: str, line: int) -> None:
        super().__init__()
        self.file = file
        self.line = line
        self.item_lines: list[int] = []


class _Loader(yaml.SafeLoader):
    """Safe loader used only to compose nodes and to build plain scalars."""


def load(text: str, file: str, error: type[DataFileError]) -> Any:
    """Parse one YAML document into MarkedDict/MarkedList/scalars."""
    loader = _Loader(text)
    try:
        node = loader.get_single_node()
        return None if node is None else _convert(loader, node, file, error)
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line = mark.line + 1 if mark is not None else None
        raise error(file, line, f"not valid YAML: {exc.problem or exc}") from None
    except yaml.YAMLError as exc:
        raise error(file, None, f"not valid YAML: {exc}") from None
    finally:
        loader.dispose()


def _convert(
    loader: _Loader, node: yaml.Node, file: str, error: type[DataFileError]
) -> Any:
    if isinstance(node, yaml.MappingNode):
        return _mapping(loader, node, file, error)
    if isinstance(node, yaml.SequenceNode):
        items = MarkedList(file, node.start_mark.line + 1)
        for child in node.value:
            items.append(_convert(loader, child, file, error))
            items.item_lines.append(child.start_mark.line + 1)
        return items
    _check_no_comment_after(node, file, error)
    return loader.construct_object(node, deep=True)


def _check_no_comment_after(
    node: yaml.Node, file: str, error: type[DataFileError]
) -> None:
    # "Phillips #00" unquoted reads as "Phillips" plus a comment: YAML starts a
    # comment at " #". A comment after a plain value is almost always that
    # mistake in these files, so refuse it rather than print half a sentence.
    plain = isinstance(node, yaml.ScalarNode) and node.style is None
    if not plain or node.end_mark.buffer is None:
        return
    rest = node.end_mark.buffer[node.end_mark.pointer :].split("\n", 1)[0]
    if rest.lstrip().startswith("#"):
        raise error(
            file,
            node.end_mark.line + 1,
            "text followed by ' #' on the same line: YAML reads the rest "
            "as a comment; put the whole text in quotes",
        )


def _mapping(
    loader: _Loader, node: yaml.MappingNode, file: str, error: type[DataFileError]
) -> MarkedDict:
    result = MarkedDict(file, node.start_mark.line + 1)
    for key_node, value_node in node.value:
        line = key_node.start_mark.line + 1
        key = loader.construct_object(key_node, deep=True)
        if not isinstance(key, str):
            raise error(file, line, f"the key {key!r} must be text (put it in quotes)")
        if key in result:
            raise error(file, line, f"the key {key!r} appears twice in one mapping")
        result[key] = _convert(loader, value_node, file, error)
        result.key_lines[key] = line
    return result


def describe_type(value: object) -> str:
    """Name a YAML value's type the way a person editing the file would."""
    if isinstance(value, bool):
        return "true/false (YAML reads yes, no, on and off as booleans)"
    if value is None:
        return "nothing"
    if isinstance(value, (int, float)):
        return "a number"
    if isinstance(value, MarkedDict):
        return "a mapping"
    if isinstance(value, MarkedList):
        return "a list"
    return type(value).__name__


class Fields:
    """One mapping under validation: typed getters that fail with the line."""

    def __init__(self, data: MarkedDict, what: str, error: type[DataFileError]) -> None:
        self.data = data
        self.what = what
        self.error = error

    def fail(self, key: str | None, problem: str) -> NoReturn:
        line = self.data.key_lines.get(key, self.data.line) if key else self.data.line
        raise self.error(self.data.file, line, problem)

    def check_keys(self, required: set[str], optional: set[str]) -> None:
        for key in self.data:
            if key not in required | optional:
                known = ", ".join(sorted(required | optional))
                self.fail(key, f"unknown key {key!r} in {self.what} (known: {known})")
        for key in sorted(required - set(self.data)):
            self.fail(None, f"{self.what} is missing the required key {key!r}")

    def text(self, key: str) -> str:
        value = self.data.get(key)
        if not isinstance(value, str):
            got = describe_type(value)
            self.fail(key, f"{key!r} in {self.what} must be text, got {got}")
        if not value.strip():
            self.fail(key, f"{key!r} in {self.what} must not be empty")
        return value.strip()

    def opt_text(self, key: str) -> str | None:
        return self.text(key) if key in self.data else None

    def choice(self, key: str, allowed: tuple[str, ...]) -> str:
        value = self.text(key)
        if value not in allowed:
            self.fail(
                key, f"{key!r} must be one of {', '.join(allowed)}, not {value!r}"
            )
        return value

    def flag(self, key: str) -> bool:
        value = self.data.get(key, False)
        if not isinstance(value, bool):
            self.fail(key, f"{key!r} in {self.what} must be true or false")
        return value

    def items(self, key: str, *, required: bool = True) -> MarkedList:
        value = self.data.get(key)
        if value is None and not required and key not in self.data:
            return MarkedList(self.data.file, self.data.line)
        if not isinstance(value, MarkedList):
            self.fail(
                key,
                f"{key!r} in {self.what} must be a list, got {describe_type(value)}",
            )
        return value

    def texts(self, key: str, *, required: bool = True) -> tuple[str, ...]:
        items = self.items(key, required=required)
        for value, line in zip(items, items.item_lines):
            if not isinstance(value, str) or not value.strip():
                raise self.error(
                    items.file,
                    line,
                    f"each item of {key!r} must be text, got {describe_type(value)}",
                )
        return tuple(value.strip() for value in items)

    def mapping(self, key: str, what: str) -> Fields | None:
        if key not in self.data:
            return None
        value = self.data[key]
        if not isinstance(value, MarkedDict):
            self.fail(key, f"{key!r} must be a mapping, got {describe_type(value)}")
        return Fields(value, what, self.error)


def mappings(items: MarkedList, what: str, error: type[DataFileError]) -> list[Fields]:
    """Each item of a list as Fields; any non-mapping item is an error."""
    result = []
    for value, line in zip(items, items.item_lines):
        if not isinstance(value, MarkedDict):
            raise error(
                items.file,
                line,
                f"each {what} must be a mapping, got {describe_type(value)}",
            )
        result.append(Fields(value, what, error))
    return result
