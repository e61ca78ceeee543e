"""The text of a data file (YAML or JSON) as plain data, every problem explained in Chinese with its line and column.

Besides syntax errors, refused with their place: duplicate keys (both lines named), nesting deeper than
``MAX_DEPTH``, more than ``MAX_NODES`` values, YAML aliases (they can multiply a small file into billions of
values), control characters in YAML, lone UTF-16 surrogates (escaped as ``\\ud800``). Decimal fractions are
read as exact ``Decimal`` values, never as floats; integers too long to be numbers stay text, so the cell
reader reports them at their field. The file's size is limited before it is read (``limits``).
"""

from __future__ import annotations

import json
import re
from decimal import Decimal, InvalidOperation
from json.decoder import WHITESPACE, JSONArray, JSONObject, scanstring  # type: ignore[attr-defined]
from json.scanner import py_make_scanner  # type: ignore[attr-defined]
from pathlib import Path

import yaml

from ..errors import InputError
from ..limits import MAX_DATA_FILE_BYTES, clip, for_regex, printable, read_limited
from ..numbers import MAX_NUMBER_TEXT

MAX_DEPTH = 50  # levels of nesting; a data file has four (requests → new → natural)
MAX_NODES = 50_000  # values in one file; a complete data file has about 300
WHAT = "数据文件"


class Problem(Exception):
    """A problem at a place in the text (0-based line and column)."""

    def __init__(self, message: str, line: int, column: int = 0):
        super().__init__(message)
        self.message, self.line, self.column = message, line, column


def load_data(path: Path):
    """The parsed content of a .yaml/.yml/.json data file; InputError (located, in Chinese) when it cannot be read."""
    path = Path(path)
    text = _decode(path.name, read_limited(path, WHAT, MAX_DATA_FILE_BYTES))
    is_json = path.suffix.lower() == ".json"
    try:
        return _joined_surrogates(json.loads(text, cls=JsonDecoder) if is_json else yaml.load(text, Loader=DataLoader))
    except Problem as problem:
        raise InputError(_located(path.name, text, problem.line, problem.column, problem.message)) from None
    except _LoneSurrogate as lone:
        message = (
            f"字段「{lone.path or '文件顶层'}」中有无效的字符（单独的 UTF-16 代理项，如 \\ud800，"
            "多见于程序导出的文件），请删除它后再试。"
        )
        match = LONE_SURROGATE_ESCAPE.search(text)
        if match is None:
            raise InputError(f"{path.name}：{message}") from None
        raise InputError(_located(path.name, text, *_line_column(text, match.start()), message)) from None
    except yaml.reader.ReaderError as exc:
        line, column = _line_column(text, exc.position)
        code = ord(exc.character) if isinstance(exc.character, str) else exc.character
        message = (
            f"有不可见的控制字符（{code:#06x}），YAML 文件中不能有这样的字符；"
            "请删除它（常见于从网页或其他软件复制来的文字）。"
        )
        raise InputError(_located(path.name, text, line, column, message)) from None
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line, column = (mark.line, mark.column) if mark else (0, 0)
        found = _full_width_slip(text, line)
        if found is not None:
            raise InputError(_located(path.name, text, *found)) from None
        raise InputError(_located(path.name, text, line, column, f"格式有误：{_yaml_problem(exc)}")) from None
    except yaml.YAMLError:
        raise InputError(f"{path.name}：格式有误，无法解析。{YAML_CHECK}") from None
    except json.JSONDecodeError as exc:
        message = f"格式有误：{_json_problem(exc.msg)}"
        if text.startswith(("//", "/*"), exc.pos):
            message = (
                "格式有误：JSON 文件中不能写注释（「//」或「/* */」）。请删除注释；"
                "需要写注释时可改用 YAML 数据文件（.yaml，注释以「#」开头）。"
            )
        raise InputError(_located(path.name, text, exc.lineno - 1, exc.colno - 1, message)) from None


def _decode(name: str, raw: bytes) -> str:
    if raw.startswith((b"\xff\xfe", b"\xfe\xff")):
        raise InputError(f"{name}：文件是 UTF-16 编码的，请用记事本打开，「另存为」时把编码选为 UTF-8 后再试。")
    try:
        return raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = raw[: exc.start].count(b"\n") + 1
        raise InputError(
            f"{name}：第 {line} 行有不是 UTF-8 编码的字符，文件可能是 GBK（ANSI）编码的。"
            "请用记事本打开，「另存为」时把编码选为 UTF-8 后再试。"
        ) from None


def _line_column(text: str, offset: int) -> tuple[int, int]:
    line = text.count("\n", 0, offset)
    return line, offset - (text.rfind("\n", 0, offset) + 1)


def _located(name: str, text: str, line: int, column: int, message: str) -> str:
    lines = text.splitlines()
    shown = clip(printable(lines[line]).strip(), 80) if 0 <= line < len(lines) else ""
    where = f"{name}：第 {line + 1} 行第 {column + 1} 列，{message}"
    return f"{where}\n    第 {line + 1} 行的内容：{shown}" if shown else where


# --- YAML ----------------------------------------------------------------------------------------

YAML_PROBLEMS = (  # (words of PyYAML's problem, explanation)
    (
        "mapping values are not allowed",
        "这里不能有「:」。值里含有「: 」（冒号加空格）时请给整个值加引号，或检查上一行的缩进。",
    ),
    ("could not find expected ':'", "缺少「:」。每一行应写成「字段: 值」，冒号后要有空格。"),
    (
        "cannot start any token",
        "这里有 YAML 不允许的字符（如 Tab 制表符、「@」「`」开头的值）。缩进只能用空格；特殊字符开头的值请加引号。",
    ),
    ("found a tab character", "这里用了 Tab 制表符缩进，YAML 只能用空格缩进。"),
    ("expected <block end>", "缩进不一致：同一层的字段要用相同个数的空格对齐。"),
    ("did not find expected key", "缩进不一致，或上一行缺少「:」。"),
    ("did not find expected '-' indicator", "列表的缩进不一致：各项的「-」要对齐。"),
    ("found unexpected end of stream", "引号或括号没有配对：到文件末尾还没有结束。"),
    ("found '<stream end>'", "引号或括号没有配对：到文件末尾还没有结束（如「[」没有对应的「]」）。"),
    ("found unknown escape character", "双引号里的「\\」后面的字符无效。路径等文字请改用单引号，或写成「\\\\」。"),
    ("expected ',' or ']'", "方括号「[ ]」没有配对，或两项之间缺少逗号。"),
    ("expected ',' or '}'", "花括号「{ }」没有配对，或两项之间缺少逗号。"),
    ("found another document", "文件中有多个文档（用「---」分隔），数据文件只能有一个。"),
    ("expected a comment or a line break", "这一行的值后面多了内容；写注释时「#」前要有空格。"),
    ("found unhashable key", "字段名不能是列表或「字段: 值」结构。"),
    ("could not determine a constructor", "不支持的标记（以「!」开头），请删除它。"),
    ("found character that cannot start any token", "这里有 YAML 不允许的字符。特殊字符开头的值请加引号。"),
    ("expected '<document start>'", "这一行不是「字段: 值」的形式，无法理解。"),
    ("while scanning", "引号、括号或特殊符号没有写完整。"),
)


YAML_CHECK = "请对照 docs/data-file.md 检查这一行和上一行（常见原因：缩进不一致、缺少「: 」、用了全角的冒号或空格）。"
FULL_WIDTH_COLON = re.compile(r"^[ \t\u3000]*[^\s:：#'\"-][^:：#]{0,40}?[ \t\u3000]*(：)")
IDEOGRAPHIC_SPACE = re.compile(r"^[ \t]*\u3000|^[ \t]*[^\s:#'\"][^:#]{0,40}?:(\u3000)")


def _yaml_problem(exc: yaml.MarkedYAMLError) -> str:
    """PyYAML's problem explained in Chinese (its English never reaches the user)."""
    problem = str(exc.problem or exc)
    for words, explanation in YAML_PROBLEMS:
        if words in problem:
            return explanation
    return f"无法解析。{YAML_CHECK}"


def _full_width_slip(text: str, error_line: int) -> tuple[int, int, str] | None:
    """The first line up to the error that uses a full-width colon or space where YAML needs ASCII: (line,
    column, message). PyYAML reports such a line where it gives up, often a line or more later."""
    inside = _inside_scalars(text)
    for number, line in enumerate(for_regex(text).splitlines()[: error_line + 1]):
        if number in inside:  # a line of a multi-line text value: its 「：」 is the clerk's prose
            continue
        colon = FULL_WIDTH_COLON.match(line)
        if colon and not line.lstrip().startswith("#"):
            return (
                number,
                colon.start(1),
                "格式有误：字段名后面用了全角冒号「：」，请改成半角冒号加空格「: 」（如 year: 2025）。",
            )
        space = IDEOGRAPHIC_SPACE.match(line)
        if space:
            return (
                number,
                max(space.start(1), 0) if space.lastindex else line.index("\u3000"),
                ("格式有误：这里有全角空格「　」，YAML 只认半角空格：请把它改成半角空格（如 year: 2025）。"),
            )
    return None


def _inside_scalars(text: str) -> set[int]:
    """The lines that continue a text value begun on an earlier line (a 「|」 block, a quoted or wrapped text),
    as far as PyYAML's scanner gets before the error."""
    lines: set[int] = set()
    try:
        for token in yaml.scan(text, Loader=yaml.SafeLoader):
            if isinstance(token, yaml.ScalarToken) and token.end_mark.line > token.start_mark.line:
                lines.update(range(token.start_mark.line + 1, token.end_mark.line + 1))
    except yaml.YAMLError:
        pass  # the tokens up to the error are what counts
    return lines


class DataLoader(yaml.SafeLoader):
    """SafeLoader that keeps dates as text (YAML and JSON data read the same way), reads fractions as exact
    Decimals, and refuses aliases, duplicate keys and documents too deep or too large, at their line."""

    depth = nodes = 0

    def compose_node(self, parent, index):
        event = self.peek_event()
        if isinstance(event, yaml.AliasEvent):
            raise Problem("不能使用 YAML 的别名（*…）和锚点（&…），请把内容直接写出来。", *_mark(event))
        self.depth, self.nodes = self.depth + 1, self.nodes + 1
        if self.depth > MAX_DEPTH:
            raise Problem(
                f"嵌套层数太多（超过 {MAX_DEPTH} 层），数据文件最多 4 层（如 requests → new → natural）。",
                *_mark(event),
            )
        if self.nodes > MAX_NODES:
            raise Problem(f"内容太多（超过 {MAX_NODES} 项），这不是年度报告的数据文件。", *_mark(event))
        try:
            return super().compose_node(parent, index)
        finally:
            self.depth -= 1

    def construct_mapping(self, node, deep=False):
        seen: dict[tuple[str, str], tuple[int, int]] = {}
        for key_node, _ in node.value:
            if not isinstance(key_node, yaml.ScalarNode) or key_node.tag == "tag:yaml.org,2002:merge":
                continue
            key = (key_node.tag, key_node.value)
            here = (key_node.start_mark.line, key_node.start_mark.column)
            if key in seen:
                raise Problem(_duplicate(key_node.value, seen[key], here), *here)
            seen[key] = here
        return super().construct_mapping(node, deep=deep)


def _mark(event) -> tuple[int, int]:
    return event.start_mark.line, event.start_mark.column


def _duplicate(key: str, first: tuple[int, int], second: tuple[int, int]) -> str:
    """Both places of a key written twice: lines, with columns when they share a line."""
    if first[0] == second[0]:
        places = f"第 {first[0] + 1} 行第 {first[1] + 1} 列和第 {second[1] + 1} 列"
    else:
        places = f"第 {first[0] + 1} 行和第 {second[0] + 1} 行"
    return f"字段「{clip(printable(key), 30)}」写了两次（{places}），后一个会覆盖前一个；请删除或合并其中一个。"


def _exact_float(loader: DataLoader, node):
    text = loader.construct_scalar(node).replace("_", "")
    try:
        return Decimal(text)
    except InvalidOperation:  # .inf, .nan, 1:30.5
        return loader.construct_yaml_float(node)


def _bounded_int(loader: DataLoader, node):
    text = loader.construct_scalar(node)
    return text if len(text) > MAX_NUMBER_TEXT else loader.construct_yaml_int(node)


DataLoader.yaml_implicit_resolvers = {
    ch: [(tag, rx) for tag, rx in resolvers if tag != "tag:yaml.org,2002:timestamp"]
    for ch, resolvers in yaml.SafeLoader.yaml_implicit_resolvers.items()
}
DataLoader.add_constructor("tag:yaml.org,2002:float", _exact_float)
DataLoader.add_constructor("tag:yaml.org,2002:int", _bounded_int)


# --- JSON ----------------------------------------------------------------------------------------

JSON_PROBLEMS = (
    ("Expecting property name", "字段名要用双引号括起来；最后一项后面不能有逗号。"),
    (
        "Expecting value",
        "这里应有一个值（数字、\"文字\"、true、false、null、{…} 或 […]）。常见原因：多了逗号，或文字没有加双引号。",
    ),
    ("Expecting ',' delimiter", "缺少逗号：两项之间要用「,」隔开。"),
    ("Expecting ':' delimiter", "缺少冒号：应写成 \"字段\": 值。"),
    ("Unterminated string", "引号没有配对：文字的双引号没有关上。"),
    ("Invalid control character", "文字中有不可见的控制字符（如直接换行、Tab），换行请写成 \\n。"),
    ("Invalid \\uXXXX escape", "「\\u」后面应是 4 位十六进制数。"),
    ("Invalid \\escape", "文字中「\\」后面的字符无效。Windows 路径请写成「\\\\」。"),
    ("Extra data", "数据已经结束，后面还有多余的内容。"),
)


def _json_problem(message: str) -> str:
    for words, explanation in JSON_PROBLEMS:
        if message.startswith(words):
            return explanation
    return "无法解析。请检查这一处的引号、逗号和括号是否配对（JSON 的字段名和文字都要用英文双引号）。"


def _json_int(text: str):
    return text if len(text) > MAX_NUMBER_TEXT else int(text)


class JsonDecoder(json.JSONDecoder):
    """Python's JSON decoder (its pure-Python scanner) refusing duplicate keys and deep nesting at their place;
    fractions as exact Decimals, Infinity/NaN as floats (the number reader refuses them at their field)."""

    def __init__(self, **kwargs):
        super().__init__(parse_float=Decimal, parse_int=_json_int, parse_constant=float)
        self.depth = 0
        self.parse_object = self._object
        self.parse_array = self._array
        self.scan_once = py_make_scanner(self)

    def _enter(self, text: str, offset: int) -> None:
        self.depth += 1
        if self.depth > MAX_DEPTH:
            message = f"嵌套层数太多（超过 {MAX_DEPTH} 层），数据文件最多 4 层（如 requests → new → natural）。"
            raise Problem(message, *_line_column(text, offset))

    def _array(self, text_and_end, scan_once):
        self._enter(*text_and_end)
        try:
            return JSONArray(text_and_end, scan_once)
        finally:
            self.depth -= 1

    def _object(self, text_and_end, strict, scan_once, object_hook, object_pairs_hook, memo=None):
        text, start = text_and_end
        self._enter(text, start)
        try:
            pairs, end = JSONObject(text_and_end, strict, scan_once, None, list, memo)
        finally:
            self.depth -= 1
        keys = [key for key, _ in pairs]
        if len(set(keys)) < len(keys):
            offsets = _key_offsets(text, start, scan_once)
            first = next(i for i, key in enumerate(keys) if key in keys[:i])
            earlier = keys.index(keys[first])
            places = [_line_column(text, offsets[i]) for i in (earlier, first)]
            raise Problem(_duplicate(keys[first], *places), *places[1])
        return dict(pairs), end


def _key_offsets(text: str, index: int, scan_once) -> list[int]:
    """Where each key of the (valid) object starting after its "{" at ``index`` begins."""
    offsets: list[int] = []
    while True:
        index = WHITESPACE.match(text, index).end()
        if text[index] == "}":
            return offsets
        offsets.append(index)
        _, index = scanstring(text, index + 1)
        index = WHITESPACE.match(text, WHITESPACE.match(text, index).end() + 1).end()  # past ":"
        _, index = scan_once(text, index)
        index = WHITESPACE.match(text, index).end()
        index += text[index] == ","


# --- text ----------------------------------------------------------------------------------------

LONE_SURROGATE_ESCAPE = re.compile(
    r"\\u[dD][89abAB][0-9a-fA-F]{2}(?!\\u[dD][c-fC-F])|"
    r"(?<!\\u[dD][89abAB][0-9a-fA-F]{2})\\u[dD][c-fC-F][0-9a-fA-F]{2}"
)


def _joined_surrogates(value, path: str = ""):
    """``value`` with escaped surrogate pairs joined into their character; a lone surrogate is refused."""
    if isinstance(value, dict):
        return {_joined_surrogates(k, path): _joined_surrogates(v, f"{path}.{k}".strip(".")) for k, v in value.items()}
    if isinstance(value, list):
        return [_joined_surrogates(v, path) for v in value]
    if not isinstance(value, str) or not re.search("[\ud800-\udfff]", value):
        return value
    try:
        return value.encode("utf-16", "surrogatepass").decode("utf-16")
    except UnicodeDecodeError:
        raise _LoneSurrogate(path) from None


class _LoneSurrogate(Exception):
    def __init__(self, path: str):
        super().__init__(path)
        self.path = path
