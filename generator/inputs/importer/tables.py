"""Reading the tables of sections 二, 三 and 四 from items, by their official labels.

Cells are matched by label, not by position, so the same code reads a Word table, an HTML table,
tab-separated text and one-cell-per-line text. A table is cut into *runs*: a label cell followed
by the value cells up to the next label (or the end of the table row, when the source shows rows).
Each run that names a row becomes a ``RowRead`` with the paths its cells would fill in each format
version; ``place`` then stores the values for the format the report turned out to use.
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass, field
from difflib import SequenceMatcher
from functools import cache

from ...formats import APPLICANTS, CONTENT, FORMATS, LITIGATION, ORGANISATIONS, OUTCOMES, REQUEST_NOTE, REVIEW, Format
from .items import Item, is_blank, is_numeric, keyform

FUZZY = 0.8  # similarity above which a cell is taken as a (reworded) official label
SHORT = 4  # unknown text this short inside a table is an unreadable value, not a label
ABOVE, BELOW = "上一行", "下一行"  # where a label's numbers stand when they are on a line apart (RowRead.apart)


@dataclass
class Label:
    kind: str  # caption | header | column | row | group
    fmt: str = ""  # format key, for rows and columns that differ between formats
    block: str = ""  # section 二 block key
    key: str = ""  # row key
    text: str = ""  # the official label


@dataclass
class Run:
    label: Item | None  # None: values that follow no label (e.g. section 四's value row)
    labels: list[Label]  # empty when the label is unknown text
    values: list[Item] = field(default_factory=list)
    official: str = ""  # the official label it matched fuzzily, if not exactly

    def has_values(self) -> bool:
        return any(not is_blank(v.text) for v in self.values)

    @property
    def named(self) -> Item:
        """The label item of a run that matched a label (``labels`` or ``official`` set)."""
        assert self.label is not None, "runs() starts every run that matched a label with its label item"
        return self.label


@dataclass
class RowRead:
    """One table row as found: its label, the paths its values fill per format, the value cells."""

    name: str  # official row label (for messages)
    label: Item | None
    options: dict[str, list[str]]  # format key -> paths, in cell order (totals included)
    values: list[Item]
    variant: str = ""  # the report's own version of a label written as in the other version (规范性文件)
    positional: str = ""  # the label was blank: between which rows it stands
    apart: str = ""  # the label on a line of its own, its numbers on the line above or below (``_apart``)


@dataclass
class TableRead:
    rows: list[RowRead] = field(default_factory=list)
    votes: Counter = field(default_factory=Counter)  # evidence for a format version
    evidence: dict[str, str] = field(default_factory=dict)  # format key -> a label that showed it
    stray: list[Run] = field(default_factory=list)  # runs with numbers that belong to no known row
    reworded: list[Run] = field(default_factory=list)  # labels matched only approximately
    found: bool = False
    transposed: bool = False  # table 三 printed with rows and columns swapped (``transposed``)
    items: list[Item] = field(default_factory=list)  # the table's items as found (``settle`` pairs their lines)


# --- labels ---------------------------------------------------------------------------------


@cache
def _index(table: str) -> dict[str, tuple[Label, ...]]:
    entries: dict[str, list[Label]] = {}

    def add(text: str, label: Label) -> None:
        label.text = text
        entries.setdefault(keyform(text), []).append(label)

    for fmt in FORMATS.values():
        if table == "active":
            for block in fmt.active_blocks:
                add(block.caption, Label("caption", block=block.key))
                for column in block.columns:
                    add(column.label, Label("column", fmt.key, block.key))
                for row in block.rows:
                    add(row.label, Label("row", fmt.key, block.key, row.key))
            add(CONTENT, Label("header"))
        elif table == "requests":
            for row in fmt.requests.rows:
                add(row.label, Label("row", fmt.key, key=row.key))
                if row.group and row.group != row.label:
                    add(row.group, Label("group"))
            for column in fmt.requests.columns:
                add(column.label, Label("header"))
            for text in (REQUEST_NOTE, APPLICANTS, ORGANISATIONS, OUTCOMES):
                add(text, Label("header" if text != OUTCOMES else "group"))
        else:
            for row in fmt.appeals.rows:
                add(row.label, Label("header"))
            for column in fmt.appeals.columns:
                add(column.label, Label("header"))
            add(REVIEW, Label("header"))
            add(LITIGATION, Label("header"))
    return {k: _unique(v) for k, v in entries.items()}


def _unique(labels: list[Label]) -> tuple[Label, ...]:
    seen, out = set(), []
    for label in labels:
        marker = (label.kind, label.fmt, label.block, label.key)
        if marker not in seen:
            seen.add(marker)
            out.append(label)
    return tuple(out)


def is_label(text: str) -> bool:
    """Whether a text is exactly a label of one of the three tables."""
    return any(keyform(text) in _index(table) for table in TABLES)


TABLES = ("active", "requests", "appeals")


def is_label_start(key: str) -> bool:
    """Whether a keyform is the beginning of a table label (its first line, when a narrow cell wraps it)."""
    return any(label.startswith(key) for table in TABLES for label in _index(table))


WIDE = {ch: f"[{ch}{chr(ord(ch) + 0xFEE0)}]" for ch in "0123456789"}  # digits may be full-width


@cache
def label_regex() -> re.Pattern:
    """Every table label as printed anywhere: punctuation and spaces between its characters are free
    (「4.无正当理由大量反复 申请」, 「第二十条 第（一）项」, 「1、属于国家秘密」); longest labels first."""
    keys = sorted({key for table in TABLES for key in _index(table)}, key=len, reverse=True)
    patterns = [
        r"[（(]?\s*" + r"[\W_]*".join(WIDE.get(ch, re.escape(ch)) for ch in key) + r"(?:\s*[）)”’」])?" for key in keys
    ]
    return re.compile("|".join(patterns))


ANNOTATION = re.compile(r"\s*[（(][^（()）]*[）)]\s*$")
CAPTION = re.compile(
    r"^第二十条第?[一二三四五六七八九十]{1,2}项"
)  # keyform of 「第二十条第（一）项」, 「第二十条(一)项」


def is_caption(key: str) -> bool:
    """Whether a keyform starts with a section 二 caption, also written without the second 第."""
    return bool(CAPTION.match(key))


def match_label(table: str, text: str) -> tuple[tuple[Label, ...], str]:
    """The labels a cell names (exactly, else approximately) and, if approximate, the official text.

    A local annotation (「规章(设区的市、自治州人民政府应提供相关数据)」) and a group label in front of
    a row label (「（四）无法提供 1.本机关不掌握相关政府信息」) are read as the label itself."""
    index = _index(table)
    key = keyform(text)
    if key in index:
        return index[key], ""
    if len(key) < SHORT or is_numeric(text):
        return (), ""
    bare = keyform(ANNOTATION.sub("", text))
    if bare != key and bare in index:
        return index[bare], ""
    for prefix in _group_prefixes(table):
        if key.startswith(prefix) and key[len(prefix) :] in index:
            return index[key[len(prefix) :]], ""
    best, ratio = None, FUZZY
    for candidate in index:
        score = SequenceMatcher(None, key, candidate, autojunk=False).ratio()
        if score > ratio:
            best, ratio = candidate, score
    if best is None:
        return (), ""
    return index[best], index[best][0].text


@cache
def _group_prefixes(table: str) -> tuple[str, ...]:
    return tuple(key for key, labels in _index(table).items() if any(label.kind == "group" for label in labels))


# --- runs -----------------------------------------------------------------------------------


def join_fragments(table: str, items: list[Item]) -> list[Item]:
    """Labels broken over lines (「本年新」 + 「制作数量」) joined again when together they are a label."""
    out: list[Item] = []
    i = 0
    while i < len(items):
        item = items[i]
        if not item.text.strip() or is_numeric(item.text) or keyform(item.text) in _index(table):
            out.append(item)
            i += 1
            continue
        for n in (2, 3):
            text = "".join(x.text.strip() for x in items[i : i + n])
            if len(items[i : i + n]) == n and keyform(text) in _index(table):
                out.append(Item(text, item.where, item.cell, item.row))
                i += n
                break
        else:
            out.append(item)
            i += 1
    return out


def runs(table: str, items: list[Item]) -> list[Run]:
    out: list[Run] = []
    current: Run | None = None
    for item in join_fragments(table, items):
        labels, official = match_label(table, item.text)
        if labels:
            current = Run(item, list(labels), official=official)
            out.append(current)
        elif len(keyform(item.text)) > SHORT and not is_numeric(item.text):
            current = Run(item, [])  # unknown text: ends the previous run
            out.append(current)
        elif _outside_row(current, item):
            continue  # a stray character beside a row (a rotated header 「理」 「予公开」): not one of its cells
        elif current is None or _new_row(current, item):
            current = Run(None, [], [item])
            out.append(current)
        else:
            current.values.append(item)
    return out


def _outside_row(run: Run | None, item: Item) -> bool:
    """Text that is no number on a line of its own, after a run that is a table row of the source (its label's
    row, or the row of numbers under a label on a line of its own: 「2.重复申请」, a pipe row, 「（五）不」, the
    group label printed down its merged cell); or a single character on a line of its own (a vertical header
    printed one character per line)."""
    if item.row is not None or is_numeric(item.text) or is_blank(item.text):
        return False
    anchors = [run.label, *run.values] if run else []
    return any(anchor is not None and anchor.row is not None for anchor in anchors) or len(keyform(item.text)) <= 1


def _new_row(run: Run, item: Item) -> bool:
    anchor = run.label or (run.values[0] if run.values else None)
    return anchor is not None and item.row is not None and anchor.row is not None and item.row != anchor.row


def _paths(fmt: Format, table: str, row_key: str) -> list[str]:
    t = fmt.table(table)
    return [f"{table}.{row_key}.{c.key}" for c in t.columns]


# --- section 二 -----------------------------------------------------------------------------


def read_active(items: list[Item]) -> TableRead:
    read = TableRead()
    block = ""
    block_votes: dict[str, Counter] = {}
    pending: list[tuple[str, Run]] = []
    for run in runs("active", items):
        kinds = {label.kind for label in run.labels}
        if "caption" in kinds:
            block = run.labels[0].block
            read.found = True
        elif "column" in kinds:
            formats = {label.fmt for label in run.labels}
            if len(formats) == 1:
                (key,) = formats
                block_votes.setdefault(block, Counter())[key] += 1
                read.evidence.setdefault(key, run.named.text)
        elif "row" in kinds:
            pending.append((block, run))
            read.found = True
        elif run.has_values():
            read.stray.append(run)
        if run.official:
            read.reworded.append(run)
    for block, run in pending:
        read.rows.append(_active_row(run, block, block_votes.get(block), read))
    for votes in block_votes.values():
        read.votes.update(votes)
    return read


def _active_row(run: Run, block: str, votes: Counter | None, read: TableRead) -> RowRead:
    rows = [label for label in run.labels if label.kind == "row"]
    in_block = [label for label in rows if label.block == block] or rows
    top = votes.most_common(1)[0][0] if votes else None
    if top:
        in_block = [label for label in in_block if label.fmt == top] or in_block
    options = {label.fmt: _active_paths(label.fmt, label.block, label.key) for label in in_block}
    twin = _twin(in_block[0], top) if top and top not in options else None
    if top and twin:
        options[top] = _active_paths(top, in_block[0].block, in_block[0].key)
    elif len(options) == 1:
        (key,) = options
        read.votes[key] += 1
        read.evidence.setdefault(key, run.named.text)
    return RowRead(in_block[0].text, run.label, options, run.values, variant=twin or "")


def _active_paths(fmt_key: str, block_key: str, row_key: str) -> list[str]:
    columns = next(b for b in FORMATS[fmt_key].active_blocks if b.key == block_key).columns
    return [f"active.{row_key}.{c.key}" for c in columns]


def _twin(label: Label, fmt_key: str) -> str | None:
    """The label of the same row in the same block of the other version, when its columns match in number
    (2019's 「规范性文件」 under 2021's headers is 「行政规范性文件」)."""
    ours = next((b for b in FORMATS[label.fmt].active_blocks if b.key == label.block), None)
    theirs = next((b for b in FORMATS[fmt_key].active_blocks if b.key == label.block), None)
    if ours is None or theirs is None or len(ours.columns) != len(theirs.columns):
        return None
    return next((r.label for r in theirs.rows if r.key == label.key), None)


# --- section 三 -----------------------------------------------------------------------------


def read_requests(items: list[Item]) -> TableRead:
    read = TableRead(items=items)
    sequence: list[RowRead | Run] = []  # rows, and runs of values whose row label is blank
    found = runs("requests", items)
    crowded = _crowded(found)
    for run in found:
        rows = [label for label in run.labels if label.kind == "row"]
        group = any(label.kind == "group" for label in run.labels)
        if run in crowded:
            read.found = True
            read.stray.append(run)  # not a row of the official table: never read by its label
        elif rows and (run.has_values() or not group):
            read.found = True
            options = {label.fmt: _paths(FORMATS[label.fmt], "requests", label.key) for label in rows}
            if len(options) == 1 and not group:  # 「（六）其他处理」 alone is no evidence: 2021 has it as a group
                (key,) = options
                read.votes[key] += 1
                read.evidence.setdefault(key, run.named.text)
            sequence.append(RowRead(rows[0].text, run.label, options, run.values))
        elif run.has_values() and all(label.kind == "group" for label in run.labels):
            sequence.append(run)
        if run.official:
            read.reworded.append(run)
    read.rows = _by_position(sequence, read, "requests")
    return read


def _crowded(found: list[Run]) -> list[Run]:
    """Runs whose label shares its table row with another row label: in table 三 a row holds one row label, so
    such a row is laid out otherwise (transposed, or rows merged) and its numbers are no label's by position."""
    by_row: dict[int, list[Run]] = {}
    for run in found:
        label = run.label
        if label is not None and label.row is not None and _row_label(run):
            by_row.setdefault(label.row, []).append(run)
    return [run for runs_ in by_row.values() if len(runs_) > 1 for run in runs_]


def _row_label(run: Run) -> bool:
    return any(label.kind == "row" for label in run.labels) and not any(label.kind == "group" for label in run.labels)


def _by_position(sequence: list[RowRead | Run], read: TableRead, table: str) -> list[RowRead]:
    """Runs of values with a blank row label become the rows their position allows, if only those fit."""
    seen = {_row_key(row, key) for row in sequence if isinstance(row, RowRead) for key in row.options}
    out: list[RowRead] = []
    i = 0
    while i < len(sequence):
        item = sequence[i]
        if isinstance(item, RowRead):
            out.append(item)
            i += 1
            continue
        j = i
        while j < len(sequence) and isinstance(sequence[j], Run):
            j += 1
        before, after = out[-1] if i else None, sequence[j] if j < len(sequence) else None
        assert after is None or isinstance(after, RowRead)  # runs were grouped up to the next row
        group = [run for run in sequence[i:j] if isinstance(run, Run)]
        fits = _rows_between(before, after, len(group), seen, table)
        if not fits and _apart(before, after, group):
            i = j
            continue
        if not fits:
            read.stray += group
        for n, run in enumerate(group):
            if not fits:
                break
            options = {key: _paths(FORMATS[key], table, keys[n]) for key, keys in fits.items()}
            fmt_key, keys = next(iter(fits.items()))
            row = FORMATS[fmt_key].table(table).row(keys[n])
            where = "、".join(f"「{r.name}」{'之后' if r is before else '之前'}" for r in (before, after) if r)
            out.append(
                RowRead(
                    row.label,
                    run.label or (run.values[0] if run.values else None),
                    options,
                    run.values,
                    positional=where,
                )
            )
        i = j
    return out


def _apart(before: RowRead | None, after: RowRead | None, group: list[Run]) -> bool:
    """One line of numbers between two consecutive official rows, one of which has its numbers on its own line
    and the other none (its label alone on a line: extracted text prints the numbers of a wrapped label above
    or below it). The numbers can only be the other row's: they are given to it. Returns whether they were.
    The numbers may follow the label of the owner's group on a line of its own (「（五）不予处理」, printed
    half-way down its merged cell): a group label is no row and owns no numbers."""
    if before is None or after is None or len(group) != 1:
        return False
    values = group[0].values
    filled = [v.row for v in values if not is_blank(v.text)]
    ids = {row for row in filled if row is not None}
    if len(ids) != 1 or None in filled:
        return False
    (source_row,) = ids
    for owner, other, side in ((after, before, ABOVE), (before, after, BELOW)):
        if owner.values or owner.positional or owner.label is None or owner.label.row is not None:
            continue
        if group[0].label is not None and not _owners_group(group[0], owner):
            continue
        if not _own_line(other, source_row + (1 if other is after else -1)) or not _consecutive(before, after):
            continue
        owner.values, owner.apart = list(values), side
        return True
    return False


def _owners_group(run: Run, owner: RowRead) -> bool:
    """The run's label is, on a line of its own, only the label of the group the owner row belongs to."""
    label = run.label
    if label is None or label.row is not None or any(found.kind != "group" for found in run.labels):
        return False
    groups = {keyform(FORMATS[key].table("requests").row(_row_key(owner, key)).group or "") for key in owner.options}
    return groups == {keyform(label.text)}


def _own_line(row: RowRead, source_row: int) -> bool:
    """A row whose numbers stand on the given source row, with its label (and it was not placed by position),
    or given to it just before by ``_apart``: 「10 0 …」「1.本机关不掌握…」「（四）无法提供」「3 0 …」「2.没有…」 —
    1's numbers proved, the next line can only be 2's."""
    label = row.label
    if label is None or row.positional or (label.row != source_row and not row.apart):
        return False
    filled = [v.row for v in row.values if not is_blank(v.text)]
    return bool(filled) and (all(r == source_row for r in filled) if row.apart else source_row in filled)


def _consecutive(before: RowRead, after: RowRead) -> bool:
    """The two rows follow each other in every format both may be read in."""
    shared = set(before.options) & set(after.options)
    return bool(shared) and all(
        (keys := [r.key for r in FORMATS[k].table(before.options[k][0].split(".")[0]).rows]).index(_row_key(after, k))
        == keys.index(_row_key(before, k)) + 1
        for k in shared
    )


def _row_key(row: RowRead, fmt_key: str) -> str:
    return row.options[fmt_key][0].split(".")[1]


def _rows_between(
    before: RowRead | None, after: RowRead | None, count: int, seen: set[str], table: str
) -> dict[str, list[str]]:
    """Per format, the official rows between two found rows, when there are exactly ``count`` of them and none
    was found elsewhere: only then is the position proof (a row lost above or below would shift it)."""
    fits = {}
    for key, fmt in FORMATS.items():
        keys = [r.key for r in fmt.table(table).rows]
        if before is None or after is None or key not in before.options or key not in after.options:
            continue
        between = keys[keys.index(_row_key(before, key)) + 1 : keys.index(_row_key(after, key))]
        if len(between) == count and not any(k in seen for k in between):
            fits[key] = between
    return fits


# --- section 四 -----------------------------------------------------------------------------


def read_appeals(items: list[Item], heading: str) -> TableRead:
    """The one row of 15 numbers: the last run of values after the header labels."""
    read = TableRead()
    found = runs("appeals", items)
    headers = [run for run in found if run.labels]
    with_values = [run for run in found if run.has_values()]
    if not headers or not with_values:
        return read
    read.found = True
    values = with_values[-1].values
    first = next((i for i, v in enumerate(values) if is_numeric(v.text)), 0)
    values = values[first:]  # header fragments before the numbers (「尚未」「审结」 of text order)
    options = {
        key: [f"appeals.{r.key}.{c.key}" for r in fmt.appeals.rows for c in fmt.appeals.columns]
        for key, fmt in FORMATS.items()
    }
    read.rows.append(RowRead(heading, with_values[-1].label, options, values))
    read.reworded = [run for run in found if run.official]
    return read
