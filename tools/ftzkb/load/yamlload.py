"""The one strict YAML loader every command uses.

It builds plain Python values from libyaml's event stream (fast, C) and keeps the
line and column of every key and value. It refuses what contributed data should
never contain: duplicate keys, anchors and aliases, explicit tags, non-UTF-8
bytes, tab or full-width indentation, oversized files, absurd nesting. Scalars
stay as written: only YAML 1.2 core `true`/`false`/`null` and plain decimal
numbers are resolved; `no`, `012`, `1:30` and `2024-03-15` stay strings.
"""

from __future__ import annotations

import math
import re
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from functools import cache, lru_cache
from pathlib import Path
from typing import TYPE_CHECKING, Any

import yaml

from ftzkb.load.cache import DeferredHead
from ftzkb.paths import CARRIERS_DIRNAME, CASES_DIRNAME

if TYPE_CHECKING:
    from ftzkb.load.cache import Deferred

DATA_DIRNAMES = (CASES_DIRNAME, CARRIERS_DIRNAME)
MAX_FILE_BYTES = 1_000_000
MAX_DEPTH = 32
MAX_INT_DIGITS = 15  # every integer is exact in JSON and JavaScript (< 2**53); no field needs more

Path_ = tuple[str | int, ...]
Position = tuple[int, int]
_Marks = tuple[dict[Path_, Position], dict[Path_, Position]]  # value places, key places

_INT = re.compile(r"-?(0|[1-9][0-9]*)\Z")
_FLOAT = re.compile(r"-?(0|[1-9][0-9]*)\.[0-9]+\Z")
_NULLS = {"", "~", "null"}
_FULLWIDTH_COLON_KEY = re.compile(r"^[ \u3000]*(?:- )?[A-Za-z_][A-Za-z0-9_]*[ \t]*：")
_BAD_INDENT = re.compile(r"^[ ]*([\t\u3000])")
# Matches wherever one of the two patterns above could match at the start of a line (as str.splitlines
# splits them); when it finds nothing, the line-by-line check is skipped.
_MAYBE_BAD_LINE = re.compile(
    r"(?:^|[\r\x0b\x0c\x1c-\x1e\x85\u2028\u2029])(?:[ ]*[\t\u3000]|[ \u3000]*(?:- )?[A-Za-z_][A-Za-z0-9_]*[ \t]*：)",
    re.MULTILINE)

# PyYAML's parser problems, explained for contributors.
_PROBLEM_HINTS: tuple[tuple[str, str, str], ...] = (
    ("mapping values are not allowed",
     "此处不能出现“键: 值”：检查缩进是否对齐，或给含英文冒号的文本加引号",
     "a 'key: value' is not allowed here: check the indentation, or quote text that contains ':'"),
    ("could not find expected ':'",
     "找不到预期的英文冒号“:”：检查是否写成了中文冒号“：”，或缩进不一致",
     "could not find the expected ':': check for a full-width '：' or uneven indentation"),
    ("did not find expected key",
     "缩进不一致：同一层的键必须左对齐（每层缩进 2 个空格）",
     "uneven indentation: keys at one level must line up (2 spaces per level)"),
    ("expected <block end>",
     "缩进不一致：同一层的键必须左对齐（每层缩进 2 个空格）",
     "uneven indentation: keys at one level must line up (2 spaces per level)"),
    ("cannot start any token",
     "此处有不能开始一个值的字符（常见于制表符或特殊符号开头的文本）：请给文本加引号",
     "a character here cannot start a value (a tab, or text starting with a special sign): quote the text"),
    ("found unexpected end of stream",
     "文件意外结束：检查引号或括号是否成对",
     "unexpected end of file: check that quotes and brackets are closed"),
    ("did not find expected '-' indicator",
     "列表缩进不一致：同一列表的“- ”要上下对齐，每项里的键要与第一个键对齐",
     "uneven list indentation: the '- ' of one list must line up, and the keys inside an item too"),
    ("did not find expected ',' or ']'",
     "方括号列表没有正确结束：检查“]”与英文逗号“,”（不能用中文逗号“，”），或改为每项一行“- 值”",
     "a [bracketed] list is not closed: check ']' and the ASCII commas, or write one '- item' per line"),
    ("found unknown escape character",
     "双引号文本中有未知的转义符“\\”：改用单引号或写成 \\\\",
     "unknown escape in a double-quoted string: use single quotes or write \\\\"),
)


@dataclass
class LoadedYaml:
    """Data plus the place of every key and value. The places are worked out on first use
    (by parsing `text` again) unless the careful builder already recorded them."""

    given: Any  # the data; from the load cache, without its deferred list until `data` is read
    # the text; or, from the load cache, the file's bytes or the file itself, until the text is needed
    source: str | bytes | UnreadFile = ""
    marks: tuple[dict[Path_, Position], dict[Path_, Position]] | None = field(default=None, repr=False,
                                                                            compare=False)
    canonical: bool | None = field(default=None, compare=False)  # layout verdict, when the loader knows it
    early: _Marks | None = field(default=None, repr=False, compare=False)  # places up to the first one asked for
    deferred: Deferred | None = field(default=None, repr=False, compare=False)
    key: str = field(default="", repr=False, compare=False)  # the loader's hash of the file's bytes, if it made one

    @property
    def data(self) -> Any:
        if self.deferred is not None or isinstance(self.given, DeferredHead):
            from ftzkb.load.cache import complete_data

            self.given, self.deferred = complete_data(self.given, self.deferred), None
        return self.given

    @data.setter
    def data(self, value: Any) -> None:
        self.given, self.deferred = value, None

    def __eq__(self, other: object) -> bool:
        return isinstance(other, LoadedYaml) and (self.data, self.text) == (other.data, other.text)

    __hash__ = None  # type: ignore[assignment]  # mutable, like any dataclass with eq

    @property
    def text(self) -> str:
        if isinstance(self.source, UnreadFile):
            self.source = self.source.read()
        if isinstance(self.source, bytes):
            self.source = decode_text(self.source)
        return self.source

    @property
    def value_marks(self) -> dict[Path_, Position]:
        return self._marks()[0]

    @property
    def key_marks(self) -> dict[Path_, Position]:
        return self._marks()[1]

    def _marks(self) -> tuple[dict[Path_, Position], dict[Path_, Position]]:
        if self.marks is None:
            self.marks = _load_carefully(self.text).marks or ({}, {})
        return self.marks

    def position(self, path: Path_) -> Position:
        """Where the value at `path` (or its nearest ancestor) is written."""
        path = tuple(path)
        early = self._places_up_to(path)
        if early is not None and path in early[0]:
            return early[0][path]
        value_marks = self.value_marks
        while path:
            if path in value_marks:
                return value_marks[path]
            path = path[:-1]
        return value_marks.get((), (1, 1))

    def key_position(self, path: Path_) -> Position:
        path = tuple(path)
        early = self._places_up_to(path)
        if early is not None and path in early[1]:
            return early[1][path]
        return self.key_marks.get(path) or self.position(path)

    def _places_up_to(self, path: Path_) -> _Marks | None:
        """The places read from the start of the text up to the value at `path` (a message about a
        title costs a few parser events), kept for the next question. A question about a place
        beyond them answers None: the caller then reads every place of the file, once, so however
        many messages a file gets, it is read at most twice. None too if the places are known
        already, or `path` is not in the file (its places are then all read and kept)."""
        if self.marks is not None:
            return None
        if self.early is not None:
            return self.early if path in self.early[0] else None
        scanned = _scan_marks(self.text, path)
        if scanned is None:
            return None
        places, found = scanned
        if found:
            self.early = places
            return places
        self.marks = places
        return None


@dataclass(frozen=True)
class UnreadFile:
    """A data file known, by its stamp, to hold the bytes of a cached entry, and not read yet
    (`ftzkb.load.stamps`): read only if a message needs the text."""

    path: Path

    def read(self) -> bytes:
        """Its bytes; none if it can no longer be read (it was removed or replaced during the run:
        the messages then point at its first line, and the next run reads it as it is)."""
        try:
            return read_file_bytes(self.path)
        except YamlLoadError:
            return b""


class YamlLoadError(Exception):
    """A file that cannot be accepted; carries a rule id and a place."""

    def __init__(self, rule: str, line: int, col: int, zh: str, en: str) -> None:
        super().__init__(en)
        self.rule, self.line, self.col, self.zh, self.en = rule, line, col, zh, en


def load_yaml_file(path: Path, max_bytes: int = MAX_FILE_BYTES) -> LoadedYaml:
    return load_yaml_bytes(read_file_bytes(path, max_bytes), max_bytes)


def read_file_bytes(path: Path, max_bytes: int = MAX_FILE_BYTES) -> bytes:
    """A data file's bytes. Only regular files are read: a symlink in cases/ or carriers/ must
    stay inside those directories (else its content could be published from anywhere), and a
    device or FIFO is refused before it is opened (its size says 0; reading /dev/zero never ends)."""
    from ftzkb.fsio import FileRefused, FileTooLarge, read_regular

    path = Path(path)
    try:
        return read_regular(path, max_bytes, _data_dirs_beside(path.parent))
    except FileRefused as exc:  # the diagnostic names the file already
        zh, en = exc.zh.removeprefix(f"{path} "), exc.en.removeprefix(f"{path} ")
        zh, en = ("此文件" + zh if zh != exc.zh else zh), ("this file " + en if en != exc.en else en)
        if isinstance(exc, FileTooLarge):  # each id written out: the registry test reads them
            raise YamlLoadError("yaml-too-large", 1, 1, zh, en) from None
        raise YamlLoadError("file-unreadable", 1, 1, zh, en) from None


@cache
def _data_dirs_beside(folder: Path) -> list[Path] | None:
    """For a file in cases/ or carriers/: both of them (a symlink there may point into either)."""
    return [folder.parent / name for name in DATA_DIRNAMES] if folder.name in DATA_DIRNAMES else None


def load_yaml_bytes(raw: bytes, max_bytes: int = MAX_FILE_BYTES) -> LoadedYaml:
    if len(raw) > max_bytes:
        raise YamlLoadError("yaml-too-large", 1, 1, f"文件过大（{len(raw)} 字节，上限 {max_bytes}）",
                            f"file too large ({len(raw)} bytes, limit {max_bytes})")
    return load_yaml_text(decode_text(raw))


def load_yaml_text(text: str) -> LoadedYaml:
    _precheck_lines(text)
    try:
        return LoadedYaml(_quick_document(text), text)
    except Exception:  # anything unusual: the careful builder reports it, with its place
        return _load_carefully(text)


@lru_cache(maxsize=32)
def load_yaml_text_shared(text: str) -> LoadedYaml:
    """`load_yaml_text` for writers that parse the same text again and again (an import edits one
    file row after row: each edit's result is the next one's input). Callers must not change the
    returned object's data (copy it first), since the next caller with that text gets it too."""
    return load_yaml_text(text)


def _load_carefully(text: str) -> LoadedYaml:
    marks: _Marks = ({}, {})
    loaded = LoadedYaml(None, text, marks=marks)
    try:
        events = yaml.parse(text, Loader=yaml.CSafeLoader)
        loaded.data = _build_document(events, marks)
    except yaml.MarkedYAMLError as exc:
        raise _colon_without_space(text, exc) or _colon_in_text(text, exc) or _syntax_error(exc) from None
    except yaml.YAMLError as exc:  # reader errors (e.g. control characters) carry no mark
        raise YamlLoadError("yaml-syntax", 1, 1, f"YAML 无法解析：{exc}", f"YAML cannot be parsed: {exc}") from None
    except RecursionError:
        raise YamlLoadError("yaml-too-deep", 1, 1, "嵌套过深", "nesting too deep") from None
    return loaded


def decode_text(raw: bytes) -> str:
    if raw.startswith(b"\xef\xbb\xbf"):
        raw = raw[3:]
    try:
        return raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = raw.count(b"\n", 0, exc.start) + 1
        col = exc.start - (raw.rfind(b"\n", 0, exc.start) + 1) + 1
        raise YamlLoadError("yaml-encoding", line, col,
                            "文件不是 UTF-8 编码（可能是 GBK）：请用 UTF-8 保存",
                            "the file is not UTF-8 (perhaps GBK): save it as UTF-8") from None


def _precheck_lines(text: str) -> None:
    """Typical contributor mistakes, caught before the parser gives a vaguer error."""
    if not _MAYBE_BAD_LINE.search(text):  # the common case, without a Python loop over the lines
        return
    for number, line in enumerate(text.splitlines(), start=1):
        bad = _BAD_INDENT.match(line)
        if bad:
            col = bad.start(1) + 1
            if bad.group(1) == "\t":
                raise YamlLoadError("yaml-tab-indent", number, col, "缩进中有制表符（Tab）：请改用空格，每层 2 个",
                                    "a tab in the indentation: use spaces, 2 per level")
            raise YamlLoadError("yaml-fullwidth-space", number, col,
                                "缩进中有全角空格“　”：请改用半角空格，每层 2 个",
                                "a full-width space in the indentation: use ASCII spaces, 2 per level")
        colon = _FULLWIDTH_COLON_KEY.match(line)
        if colon:
            raise YamlLoadError("yaml-fullwidth-colon", number, colon.end(),
                                "键后用了中文冒号“：”：请改成英文冒号加空格“: ”",
                                "a full-width colon '：' after a key: write an ASCII colon and a space ': '")


_KEY_COLON_NO_SPACE = re.compile(r"^[ ]*(?:- )?[A-Za-z_][A-Za-z0-9_]*:(?![ \t]|$|//)")
# The line checks above, for the fixers that repair what they find (`ftzkb validate --fix`).
FULLWIDTH_COLON_KEY, BAD_INDENT, KEY_COLON_NO_SPACE = _FULLWIDTH_COLON_KEY, _BAD_INDENT, _KEY_COLON_NO_SPACE


def _colon_without_space(text: str, exc: yaml.MarkedYAMLError) -> YamlLoadError | None:
    """`title:测试` (no space after the colon) makes the parser fail a line or two further down;
    point at the real mistake instead."""
    mark = exc.problem_mark or exc.context_mark
    if mark is None:
        return None
    lines = text.splitlines()
    for number in range(min(mark.line + 1, len(lines)), max(mark.line - 2, 0), -1):
        found = _KEY_COLON_NO_SPACE.match(lines[number - 1])
        if found:
            key = found.group().strip(" -:")
            after = lines[number - 1][found.end()]
            what_zh = "后面是全角空格“　”" if after == "\u3000" else "后面缺少空格"
            zh = f"YAML 语法错误：“{key}:”的冒号{what_zh}：请写成“{key}: 值”（英文冒号后加一个半角空格）"
            return YamlLoadError("yaml-syntax", number, found.end(), zh,
                                 f"YAML syntax error: write a space after the colon: '{key}: value'")
    return None


_KEY_AND_TEXT = re.compile(r"^[ ]*(?:- )?([A-Za-z_][A-Za-z0-9_]*): +\S")


def _colon_in_text(text: str, exc: yaml.MarkedYAMLError) -> YamlLoadError | None:
    """`summary: 注意: …`: an ASCII colon and a space inside unquoted text read as a second key."""
    mark = exc.problem_mark
    if mark is None or "mapping values are not allowed" not in (exc.problem or ""):
        return None
    lines = text.splitlines()
    found = _KEY_AND_TEXT.match(lines[mark.line]) if mark.line < len(lines) else None
    if found is None or mark.column < found.end():
        return None
    key = found.group(1)
    zh = f"YAML 语法错误：“{key}”的文本中有英文冒号加空格“: ”：请把整段文本放进英文双引号，或改用中文冒号“：”"
    return YamlLoadError("yaml-syntax", mark.line + 1, mark.column + 1, zh,
                         f"YAML syntax error: the text of '{key}' contains ': ': put the whole text in double quotes")


def _syntax_error(exc: yaml.MarkedYAMLError) -> YamlLoadError:
    mark = exc.problem_mark or exc.context_mark
    line, col = (mark.line + 1, mark.column + 1) if mark else (1, 1)
    problem = exc.problem or str(exc)
    for needle, zh, en in _PROBLEM_HINTS:
        if needle in problem:
            return YamlLoadError("yaml-syntax", line, col, f"YAML 语法错误：{zh}", f"YAML syntax error: {en}")
    return YamlLoadError("yaml-syntax", line, col, f"YAML 语法错误：{problem}", f"YAML syntax error: {problem}")


def _pos(event: yaml.Event) -> Position:
    mark = event.start_mark
    assert mark is not None  # the parser marks every event it emits
    return mark.line + 1, mark.column + 1


def _build_document(events: Iterator[yaml.Event], marks: _Marks) -> Any:
    data: Any = None
    documents = 0
    for event in events:
        if isinstance(event, yaml.DocumentStartEvent):
            documents += 1
            if documents > 1:
                line, col = _pos(event)
                raise YamlLoadError("yaml-multiple-documents", line, col, "一个文件只能有一个 YAML 文档（去掉“---”）",
                                    "one YAML document per file (remove '---')")
            data = _build_node(next(events), events, (), 1, marks)
    return data


def _check_node_event(event: yaml.Event, depth: int) -> None:
    line, col = _pos(event)
    if isinstance(event, yaml.AliasEvent):
        raise YamlLoadError("yaml-alias", line, col, "不允许使用别名“*”：请把内容直接写出来",
                            "aliases '*' are not allowed: write the content out")
    if getattr(event, "anchor", None):
        raise YamlLoadError("yaml-anchor", line, col, "不允许使用锚点“&”：请把内容直接写出来",
                            "anchors '&' are not allowed: write the content out")
    tag = getattr(event, "tag", None)  # scalars and collection starts have one
    if tag:
        raise YamlLoadError("yaml-tag", line, col, f"不允许使用标签“{tag}”",
                            f"tags such as '{tag}' are not allowed")
    if depth > MAX_DEPTH:
        raise YamlLoadError("yaml-too-deep", line, col, f"嵌套超过 {MAX_DEPTH} 层",
                            f"nested deeper than {MAX_DEPTH} levels")


def _build_node(event: yaml.Event, events: Iterator[yaml.Event], path: Path_, depth: int, marks: _Marks) -> Any:
    _check_node_event(event, depth)
    marks[0][path] = _pos(event)
    if isinstance(event, yaml.ScalarEvent):
        return _resolve_scalar(event)
    if isinstance(event, yaml.SequenceStartEvent):
        items: list[Any] = []
        for child in events:
            if isinstance(child, yaml.SequenceEndEvent):
                return items
            items.append(_build_node(child, events, (*path, len(items)), depth + 1, marks))
    if isinstance(event, yaml.MappingStartEvent):
        return _build_mapping(events, path, depth, marks)
    line, col = _pos(event)
    raise YamlLoadError("yaml-syntax", line, col, "YAML 结构无法识别", "unrecognised YAML structure")


def _build_mapping(events: Iterator[yaml.Event], path: Path_, depth: int, marks: _Marks) -> dict[str, Any]:
    mapping: dict[str, Any] = {}
    for key_event in events:
        if isinstance(key_event, yaml.MappingEndEvent):
            return mapping
        _check_node_event(key_event, depth + 1)
        line, col = _pos(key_event)
        if not isinstance(key_event, yaml.ScalarEvent):
            raise YamlLoadError("yaml-complex-key", line, col, "键必须是简单文本", "keys must be plain text")
        key = key_event.value
        if key in mapping:
            first = marks[1][(*path, key)]
            raise YamlLoadError("yaml-duplicate-key", line, col,
                                f"键“{key}”重复（第一次出现在第 {first[0]} 行）",
                                f"duplicate key '{key}' (first at line {first[0]})")
        marks[1][(*path, key)] = (line, col)
        mapping[key] = _build_node(next(events), events, (*path, key), depth + 1, marks)
    return mapping


def _resolve_scalar(event: yaml.ScalarEvent) -> Any:
    value = event.value
    if event.style:  # quoted or block scalar: always text
        return value
    if value in _NULLS:
        return None
    if value in ("true", "false"):
        return value == "true"
    if _INT.match(value):
        if len(value.lstrip("-")) > MAX_INT_DIGITS:
            raise _number_error(event, "整数超过 15 位", "an integer of more than 15 digits")
        return int(value)
    if _FLOAT.match(value):
        number = float(value)
        if math.isinf(number) or len(value.partition(".")[0].lstrip("-")) > MAX_INT_DIGITS:
            raise _number_error(event, "数字超过 15 位整数", "a number of more than 15 integer digits")
        return number
    return value


def _number_error(event: yaml.ScalarEvent, what_zh: str, what_en: str) -> YamlLoadError:
    """Numbers too large to be exact (or infinite) are refused where they are written; a text of
    digits belongs in quotes."""
    line, col = _pos(event)
    return YamlLoadError("yaml-number-range", line, col,
                         f"数字过大（{what_zh}）：本知识库的数字都远小于此；如果这是一串编号或文字，请加英文引号",
                         f"number too large ({what_en}): if it is a code or text, put it in quotes")


_SCALAR = yaml.ScalarEvent
_SEQUENCE_START, _SEQUENCE_END = yaml.SequenceStartEvent, yaml.SequenceEndEvent
_MAPPING_START, _MAPPING_END = yaml.MappingStartEvent, yaml.MappingEndEvent
_NODE_STARTS = (_SCALAR, _SEQUENCE_START, _MAPPING_START)


LINE_BREAK = re.compile(r"\r\n|[\r\n\x85\u2028\u2029]")


def split_lines(text: str) -> list[str]:
    """Lines with their line breaks, split where libyaml counts a new line."""
    lines, start = [], 0
    for match in LINE_BREAK.finditer(text):
        lines.append(text[start:match.end()])
        start = match.end()
    if start < len(text):
        lines.append(text[start:])
    return lines


class OpenCollection:
    """A collection an event scan is inside: a mapping (with its key, until that key's value is
    read) or a sequence (with the index of its next item)."""

    __slots__ = ("index", "key", "mapping", "path")

    def __init__(self, path: Path_, mapping: bool) -> None:
        self.path, self.mapping = path, mapping
        self.key: str | None = None
        self.index = 0


def event_paths(events: Iterable[yaml.Event]) -> Iterator[tuple[yaml.Event, Path_, bool]]:
    """The scalars and collection starts of a parse of a loaded (so well-formed) text, each with
    the path of the value it begins, and whether it is a mapping's key (then the path is that of
    the key's value). The one event walk behind places (`_scan_marks`) and the fixers' spans."""
    containers: list[OpenCollection] = []
    for event in events:
        kind = type(event)
        if kind is _SEQUENCE_END or kind is _MAPPING_END:
            containers.pop()
            continue
        if kind is not _SCALAR and kind is not _SEQUENCE_START and kind is not _MAPPING_START:
            continue  # stream and document events
        path: Path_ = ()
        if containers:
            top = containers[-1]
            if not top.mapping:
                path = (*top.path, top.index)
                top.index += 1
            elif top.key is None:  # a mapping's key
                assert isinstance(event, _SCALAR)  # a loaded text's keys are plain text
                top.key = event.value
                yield event, (*top.path, event.value), True
                continue
            else:
                path = (*top.path, top.key)
                top.key = None
        yield event, path, False
        if kind is not _SCALAR:
            containers.append(OpenCollection(path, kind is _MAPPING_START))


def _scan_marks(text: str, wanted: Path_) -> tuple[_Marks, bool] | None:
    """The places of the keys and values of a loaded (so well-formed) text, read from its start up
    to the value at `wanted`, and whether it was found (if not, these are all the places). None if
    the text does not parse after all: the careful builder will say where."""
    values: dict[Path_, Position] = {}
    keys: dict[Path_, Position] = {}
    try:
        for event, path, is_key in event_paths(yaml.parse(text, Loader=yaml.CSafeLoader)):
            if is_key:
                keys[path] = _pos(event)
                continue
            values[path] = _pos(event)
            if path == wanted:
                return (values, keys), True
    except yaml.YAMLError:
        return None
    return (values, keys), False


class _Unusual(Exception):
    """Raised by the quick builder for anything it leaves to the careful one."""


def _quick_document(text: str) -> Any:
    """The data of an ordinary file, without positions; about twice as fast as the careful builder.
    Anything it does not expect (aliases, anchors, tags, duplicate or complex keys, deep nesting,
    several documents, syntax errors) makes it give up, so the results never differ."""
    events = yaml.parse(text, Loader=yaml.CSafeLoader)
    following = events.__next__
    following()  # stream start
    event = following()
    if type(event) is yaml.StreamEndEvent:
        return None
    data = _quick_node(following(), following, 1)
    following()  # document end
    if type(following()) is not yaml.StreamEndEvent:
        raise _Unusual
    return data


def _quick_node(event: yaml.Event, following: Callable[[], yaml.Event], depth: int) -> Any:
    # Aliases (and anything but a scalar or a collection) are left to the careful builder.
    if not isinstance(event, _NODE_STARTS) or event.anchor or event.tag or depth > MAX_DEPTH:
        raise _Unusual
    if isinstance(event, _SCALAR):
        return _resolve_scalar(event)
    if isinstance(event, _SEQUENCE_START):
        items: list[Any] = []
        while type(child := following()) is not _SEQUENCE_END:
            items.append(_quick_node(child, following, depth + 1))
        return items
    mapping: dict[str, Any] = {}
    while type(key := following()) is not _MAPPING_END:
        if not isinstance(key, _SCALAR) or key.anchor or key.tag or depth >= MAX_DEPTH or key.value in mapping:
            raise _Unusual
        mapping[key.value] = _quick_node(following(), following, depth + 1)
    return mapping
