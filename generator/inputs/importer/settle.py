"""Table 三's unread rows settled by the matching solver, from the numbers no row used.

After a table is placed, the rows whose numbers were not read (numbers on a line apart, beside another label, one
per line, run together; the label seen or lost), and the rows read by their position alone or from surplus cells,
are the slots; the lines of numbers in the table that no read row used are the units (numbers one per line, one
after another, are one stream); the rows read are the anchors (a slot only takes a unit between its read
neighbours' numbers). ``matching`` reads a slot only when every reading the equations leave gives it the same
numbers. A row read by position that the pairing does not prove is not read. 2019's single 「（六）其他处理」 in a
2021 table is tried as a shape of its own; when both shapes fit, neither is read. Extracted text only: a Word or
HTML cell is where its row is.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from ...findings import ERROR, WARNING, Finding
from ...formats import FORMATS
from ...numbers import format_number
from . import digits, matching
from .items import Item, is_blank, is_numeric
from .place import Placer, is_total, request_rules
from .tables import RowRead, TableRead

TABLE = "requests"
OTHER = "other"  # 2019's single row （六）其他处理; 2021 has other_1 … other_3
SHOWN = 3  # competing readings shown in a finding
END = 1 << 62  # beyond every item


@dataclass
class NumberLine:
    items: list[Item]  # the numeric items of one printed line (of a block: the whole block's)
    start: int  # index of its first item in the table's items
    end: int  # index of its last item
    unit: matching.Unit | None = None  # how the solver may read it


@dataclass
class Attempt:
    """One shape of the table tried: its rows, the unread ones (slots), the unused lines and what the solver found."""

    keys: list[str]
    slots: list[tuple[str, list[str]]]
    lines: list[NumberLine]
    outcome: matching.Outcome


def settle(placer: Placer, read: TableRead, section: str) -> None:
    """Read what the solver proves among table 三's unread rows; name the competing readings of the rest."""
    if placer.exact or read.transposed or not read.items:
        return
    values = {**placer.report.numbers, **placer.report.typed_totals}
    tried = [found for keys in _shapes(placer, read.rows, values) if (found := _solve(placer, read, keys, values))]
    fitting = [attempt for attempt in tried if attempt.outcome.candidates]
    if not tried or len(fitting) > 1:  # no row to settle; or both shapes of （六） fit: neither is proved
        _unproved(placer, section, [], none_fits=False)
        return
    attempt = fitting[0] if fitting else tried[0]
    slots, lines, outcome = attempt.slots, attempt.lines, attempt.outcome
    placed = [(slots[i], lines[at], numbers) for i, (at, numbers) in sorted(outcome.placed.items())]
    placed = [entry for entry in placed if entry[0][0] != OTHER or not any(entry[2])]  # 2019's one row: only 0 splits
    for (key, paths), line, numbers in placed:
        _store(placer, key, paths, line, numbers)
    width = len(placer.fmt.requests.columns)
    _forget(placer, [key for (key, _), _, _ in placed], _taken(lines, [at for at, _ in outcome.placed.values()], width))
    if placed:
        placer.findings.append(_proved(placer, section, placed))
    if any(key == OTHER for (key, _), _, _ in placed) and OTHER not in {row.key for row in placer.fmt.requests.rows}:
        placer.findings.append(_single_other(placer, section))
    _unproved(placer, section, [key for (key, _), _, _ in placed], fitting == [])
    unsettled = [(slots[i], readings) for i, readings in sorted(outcome.open.items())]
    if unsettled and (outcome.too_many or any(len(readings) > 1 for _, readings in unsettled)):
        placer.findings.append(_competing(placer, section, unsettled, outcome.too_many))


def _solve(placer: Placer, read: TableRead, keys: list[str], read_values: dict) -> Attempt | None:
    """The solver run over the table's rows ``keys``; None when no row is to be settled or there is no proof."""
    columns = [column.key for column in placer.fmt.requests.columns]
    values = dict(read_values)
    position = {id(item): index for index, item in enumerate(read.items)}
    rows = _sources(read.rows, keys)
    spans: dict[str, tuple[int, int]] = {}  # read row -> first and last index of the items it was read from
    slots: list[tuple[str, list[str]]] = []
    for key in keys:
        paths = _paths(key, columns)
        if f"{TABLE}.{key}" in placer.surplus | placer.by_position:  # paired again: proved, or not read
            slots.append((key, paths))
            for path in paths:
                values.pop(path, None)
        elif any(values.get(path) is not None for path in paths):
            span = _span(rows.get(key, []), position)
            if span is None:
                return None  # a row read from nowhere in these items: no anchor, no proof
            spans[key] = span
        else:
            slots.append((key, paths))  # its label seen or lost: every row of the format is printed
    if not slots:
        return None
    used = {id(item) for key in spans for row in rows[key] for item in row.values}
    lines = _lines(read.items, used, [placer.kind(path) for path in slots[0][1]])
    units = [line.unit for line in lines if line.unit is not None]
    order = {key: index for index, key in enumerate(keys)}
    problem = [matching.Slot(tuple(paths), _range(order[key], keys, spans, lines)) for key, paths in slots]
    carried, carried_known = placer.carried_rules()
    equations = [_merged(eq) for eq in request_rules(placer.fmt)] if OTHER in keys else request_rules(placer.fmt)
    equations += digits.row_rules([p for key in keys for p in _paths(key, columns)]) + carried
    known = {path: value for path, value in {**values, **carried_known}.items() if value is not None}
    return Attempt(keys, slots, lines, matching.match(problem, units, equations, known))


def _shapes(placer: Placer, found: list[RowRead], values: dict) -> list[list[str]]:
    """The official rows of the report's format; and when none of 2021's three （六） rows was found or read, also
    the table as printed the 2019 way, one 「（六）其他处理」 row standing for the three (their sums)."""
    keys = [row.key for row in placer.fmt.requests.rows]
    others = [key for key in keys if key.startswith(f"{OTHER}_")]
    seen = {paths[0].split(".")[1] for row in found for paths in row.options.values()}
    if not others or seen & set(others) or any(values.get(p) is not None for k in others for p in _paths(k, ["total"])):
        return [keys]
    at = keys.index(others[0])
    return [keys, [*keys[:at], OTHER, *[key for key in keys[at:] if key not in others]]]


def _single_other(placer: Placer, section: str) -> Finding:
    """2019's one 「（六）其他处理」 row, all 0, read as 2021's three rows (as ``Placer.single_other_row`` does)."""
    fmt = placer.fmt
    labels = [f"「{row.label}」" for row in fmt.requests.rows if row.key.startswith(f"{OTHER}_")]
    return Finding(
        "G-2",
        WARNING,
        f"{section} · （六）其他处理",
        f"「（六）其他处理」只有一行（{FORMATS['2019'].name}的写法），{fmt.name}分为{'、'.join(labels)} {len(labels)} 行。"
        f"这一行全为 0，已按这 {len(labels)} 行都是 0 读取。请按{fmt.name}修改表格。",
        path=f"{TABLE}.{OTHER}_1",
    )


def _unproved(placer: Placer, section: str, placed: list[str], none_fits: bool) -> None:
    """Rows read by their position alone that the pairing did not prove: not read (I-2), the alternatives said."""
    for prefix in sorted(placer.by_position - {f"{TABLE}.{key}" for key in placed}):
        if not prefix.startswith(f"{TABLE}."):
            continue
        paths = [f"{prefix}.{column.key}" for column in placer.fmt.requests.columns]
        if all((placer.report.typed_totals if is_total(p) else placer.report.numbers).get(p) is None for p in paths):
            continue  # already refused (``confirm_positional``)
        cells = [placer.report.typed_totals if is_total(p) else placer.report.numbers for p in paths]
        shown = " ".join(
            "（空白）" if c.get(p) is None else format_number(c[p]) for c, p in zip(cells, paths, strict=True)
        )
        for path, target in zip(paths, cells, strict=True):
            target[path] = None
            placer.report.unread[path] = "按位置放置，未能证实"
        why = (
            "没有一种配法能让未读的行都有数并使本表的勾稽关系全部成立"
            if none_fits
            else "本表的勾稽关系不能排除其他读法"
        )
        placer.findings[:] = [f for f in placer.findings if not (f.rule == "I-3" and f.path == prefix)]
        placer.findings.append(
            Finding(
                "I-2",
                ERROR,
                f"{section} · 行「{_label(placer, prefix.split('.')[1])}」",
                f"这一行的行标签是空白的（或转换时丢失），按位置应是「{_label(placer, prefix.split('.')[1])}」（{shown}）；"
                f"但把表中没有归属的数按先后顺序与各行逐一配对，{why}，无法证实这些数属于这一行，这一行的数据未读取。"
                "请对照原报告核对并补上行标签。",
                path=prefix,
                operands={"原文": shown},
            )
        )


def _merged(equation: digits.Equation) -> digits.Equation:
    """An equation over 2021's three （六） rows, over 2019's one row (their sum) instead."""

    def side(paths: tuple[str, ...]) -> tuple[str, ...]:
        merged = [re.sub(rf"^{TABLE}\.{OTHER}_\d\.", f"{TABLE}.{OTHER}.", path) for path in paths]
        return tuple(dict.fromkeys(merged))

    return side(equation[0]), side(equation[1])


def _label(placer: Placer, key: str) -> str:
    return (FORMATS["2019"] if key == OTHER else placer.fmt).requests.row(key).label


def _paths(key: str, columns: list[str]) -> list[str]:
    return [f"{TABLE}.{key}.{column}" for column in columns]


def _sources(found: list[RowRead], keys: list[str]) -> dict[str, list[RowRead]]:
    """The rows found for each official row of the report's format, by any format's label: 2019's single
    「（六）其他处理」 stands for 2021's three （六） rows, and those three for 2019's one."""
    rows: dict[str, list[RowRead]] = {}
    for row in found:
        for paths in row.options.values():
            key = paths[0].split(".")[1]
            for official in (
                [key] if key in keys else [k for k in keys if k.startswith(f"{key}_") or key.startswith(f"{k}_")]
            ):
                if row not in rows.setdefault(official, []):
                    rows[official].append(row)
    return rows


def _span(rows: list[RowRead], position: dict[int, int]) -> tuple[int, int] | None:
    """Where a row's numbers stand in the table's items, when it was read from them."""
    at = [position[id(item)] for row in rows for item in row.values if id(item) in position and not is_blank(item.text)]
    return (min(at), max(at)) if at else None


def _lines(items: list[Item], used: set[int], kinds: list[str]) -> list[NumberLine]:
    """The lines of numbers no row used, each with its readings; numbers printed one per line, one after another,
    are one stream (see ``matching.Stream``)."""
    lines: list[NumberLine] = []
    streams: set[int] = set()  # indices of the lines that are streams
    for line in _printed(items, used):
        if _single(line) and lines and len(lines) - 1 in streams and _next_to(items, lines[-1], line):
            lines[-1].items += line.items
            lines[-1].end = line.end
            continue
        if _single(line):
            streams.add(len(lines))
        else:
            line.unit = matching.Line(_readings(line, kinds))
        lines.append(line)
    for at in streams:
        lines[at].unit = _stream(lines[at], len(kinds))
    return [
        line
        for line in lines
        if line.unit is not None and (not isinstance(line.unit, matching.Line) or line.unit.readings)
    ]


def _stream(line: NumberLine, width: int) -> matching.Stream | None:
    """Numbers one per line as a stream of whole rows, every one a count; else no unit."""
    texts = [item.text.strip() for item in line.items]
    if len(texts) % width or not all(digits.COUNT_CELL.match(text) for text in texts):
        return None
    return matching.Stream(tuple(int(text) for text in texts))


def _printed(items: list[Item], used: set[int]) -> list[NumberLine]:
    """The printed lines of numbers no row used: items of one source row together, other items one by one."""
    lines: list[NumberLine] = []
    for index, item in enumerate(items):
        if not is_numeric(item.text) or is_blank(item.text):
            continue
        last = lines[-1] if lines else None
        if last and item.row is not None and last.items[-1].row == item.row:
            last.items.append(item)
            last.end = index
        else:
            lines.append(NumberLine([item], index, index))
    return [line for line in lines if not any(id(item) in used for item in line.items)]


def _single(line: NumberLine) -> bool:
    return len(line.items) == 1 and line.items[0].row is None and len(line.items[0].text.split()) == 1


def _next_to(items: list[Item], before: NumberLine, after: NumberLine) -> bool:
    """Nothing but blanks between the two lines."""
    return all(is_blank(item.text) for item in items[before.end + 1 : after.start])


def _readings(line: NumberLine, kinds: list[str]) -> tuple[tuple[digits.Value, ...], ...]:
    """Every way to read the line as one row: its numbers one per column, or its run-together digits split."""
    texts = [item.text.strip() for item in line.items]
    tokens = [token for text in texts for token in text.split()]
    if len(tokens) == len(kinds):
        cut = digits.cuts(tokens, kinds)
        return tuple(cut or ())
    if digits.can_split(texts, len(kinds)):
        return tuple(digits.cuts(texts, kinds) or ())
    return ()


def _taken(lines: list[NumberLine], placed: list[int], width: int) -> list[Item]:
    """The items the rows read took: a line's, or a stream's when all of it was taken."""
    taken: list[Item] = []
    for at in sorted(set(placed)):
        unit = lines[at].unit
        if not isinstance(unit, matching.Stream) or placed.count(at) * width == len(unit.numbers):
            taken += lines[at].items
    return taken


def _range(index: int, keys: list[str], spans: dict[str, tuple[int, int]], lines: list[NumberLine]) -> range:
    """The lines between the numbers of the read rows just above and just below the slot."""
    above = [spans[key][1] for key in keys[:index] if key in spans]
    below = [spans[key][0] for key in keys[index + 1 :] if key in spans]
    low, high = (above[-1] if above else -1), (below[0] if below else END)
    inside = [at for at, line in enumerate(lines) if low < line.start and line.end < high]
    return range(inside[0], inside[-1] + 1) if inside else range(0)


def _store(placer: Placer, key: str, paths: list[str], line: NumberLine, numbers: tuple[digits.Value, ...]) -> None:
    report = placer.report
    if key == OTHER and OTHER not in {row.key for row in placer.fmt.requests.rows}:  # all 0: each of the three is 0
        for other in (row.key for row in placer.fmt.requests.rows if row.key.startswith(f"{OTHER}_")):
            _store(placer, other, [path.replace(f".{OTHER}.", f".{other}.") for path in paths], line, numbers)
        return
    placer.seen.add(f"{TABLE}.{key}")
    for path, number in zip(paths, numbers, strict=True):
        (report.typed_totals if is_total(path) else report.numbers)[path] = number
        report.unread.pop(path, None)
        report.places[path] = f"{placer.fmt.describe(path)}（{line.items[0].where}）"


def _forget(placer: Placer, keys: list[str], items: list[Item]) -> None:
    """The findings about rows now read, and about the numbers they took, no longer hold (a blank label's reminder
    to fill it in still does)."""
    prefixes = {f"{TABLE}.{key}" for key in keys} | ({f"{TABLE}.{OTHER}_1"} if OTHER in keys else set())
    prefixes -= placer.by_position
    taken = {id(item) for item in items}
    strays = {
        id(finding)
        for found, finding in placer.strays
        if all(id(item) in taken for item in found if is_numeric(item.text)) and any(id(i) in taken for i in found)
    }
    placer.findings[:] = [
        finding
        for finding in placer.findings
        if id(finding) not in strays
        and not (finding.path and finding.path.rsplit(".", 1)[0] in prefixes)
        and finding.path not in prefixes
    ]


def _proved(placer: Placer, section: str, placed: list) -> Finding:
    (key, _), line, numbers = placed[0]
    name = _label(placer, key)
    previous = "、上年报告的结转数" if placer.previous else ""
    blocks = (
        "；一个数一行的数，已试过逐行和逐列两种读法"
        if any(isinstance(line.unit, matching.Stream) for _, line, _ in placed)
        else ""
    )
    return Finding(
        "I-3",
        WARNING,
        section,
        f"{len(placed)} 行的数没有和行标签在一起（与行标签分开、印在别的行标签旁，或一个数一行），"
        f"如「{name}」的数在{line.items[0].where}起：{' '.join(map(format_number, numbers))}。"
        f"已把这些行与表中没有归属的数按先后顺序逐一配对{blocks}，试过每一种配法，只有一种能使本表的勾稽关系"
        f"（每行总计等于各项之和，每列一加二等于（七）加四、（七）等于各项之和{previous}）全部成立，"
        "已按这种配法读取，请对照原报告核对。",
        operands={"行": {_label(placer, k): " ".join(map(format_number, n)) for (k, _), _, n in placed}},
    )


def _competing(placer: Placer, section: str, unsettled: list, too_many: bool) -> Finding:
    names = "、".join(f"「{_label(placer, key)}」" for (key, _), _ in unsettled[:6])
    more = "等" if len(unsettled) > 6 else ""
    if too_many:
        why = "未读取：可能的读法过多，无法逐一核对"
    else:
        shown = "；".join(
            f"「{_label(placer, key)}」可以是 "
            + " 或 ".join(" ".join(map(format_number, numbers)) for numbers in readings[:SHOWN])
            for (key, _), readings in unsettled
            if len(readings) > 1
        )
        why = f"能使本表勾稽关系成立的读法不止一种（{shown}），无法确定是哪一种，未读取"
    return Finding(
        "I-2",
        ERROR,
        section,
        f"{names}{more}共 {len(unsettled)} 行的数没有和行标签在一起；把表中没有归属的数行按先后顺序与这些行配对，{why}。"
        "请对照原报告核对。",
        path=f"{TABLE}.{unsettled[0][0][0]}",
        operands={"行": [_label(placer, key) for (key, _), _ in unsettled]},
    )
