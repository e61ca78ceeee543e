"""Proof from the neighbouring rows: whose are the numbers under a row label that stands on a line of its own.

Converters (markitdown, pdftotext, pdfplumber) put a long row label on a line of its own and its numbers on
the next line, as a table row without a label. Alone, that shows nothing: the numbers may be the label's, or
the next label's (extracted text prints some numbers above their label). They are the label's only when the
rows around leave no other owner: the official rows just above and just below have their numbers on their own
lines, as the source rows right before and right after (no other row of numbers between), or the label is the
table's first or last row. A chain of such labels, each followed by its numbers, is proved the same way.
"""

from __future__ import annotations

from ...formats import Format
from .items import is_blank
from .tables import RowRead


def enclosed(rows: list[RowRead], fmt: Format) -> set[int]:
    """Indices of the rows whose detached numbers are proved theirs by the rows around them.

    A chain of such rows (label, its numbers' line, next label, its numbers' line, …: consecutive official rows
    whose numbers are consecutive source rows) is proved as a whole: with a row that has its numbers on its own
    line just above and just below (or the table's edge), the only way for every label to own one line of
    numbers next to it is the one read."""
    proved: set[int] = set()
    index = 0
    while index < len(rows):
        chain = _chain(rows, index, fmt)
        if chain and _bounded(rows, chain, fmt):
            proved.update(chain)
        index = chain[-1] + 1 if chain else index + 1
    return proved


def _bounded(rows: list[RowRead], chain: list[int], fmt: Format) -> bool:
    """The rows just above and below the chain have their numbers on their own source rows, next to the chain's
    (or the chain starts or ends the official table, with no row found beyond it)."""
    first, last = chain[0], chain[-1]
    keys = _keys(rows[first], fmt)
    start, end = keys.index(_row(rows[first], fmt)), keys.index(_row(rows[last], fmt))
    top, bottom = _source(rows[first]), _source(rows[last])
    above = rows[first - 1] if first else None
    below = rows[last + 1] if last + 1 < len(rows) else None
    return _neighbour(above, fmt, keys[start - 1] if start else None, top - 1) and _neighbour(
        below, fmt, keys[end + 1] if end + 1 < len(keys) else None, bottom + 1
    )


def _chain(rows: list[RowRead], index: int, fmt: Format) -> list[int]:
    """The detached rows from ``index`` on that follow each other in the official table and in the source."""
    chain: list[int] = []
    for at in range(index, len(rows)):
        if _key(rows[at], fmt) is None or _detached_row(rows[at]) is None:
            break
        if chain:
            before, keys = rows[chain[-1]], _keys(rows[at], fmt)
            if _key(before, fmt) is None or _keys(before, fmt) != keys:
                break
            if keys.index(_row(rows[at], fmt)) != keys.index(_row(before, fmt)) + 1:
                break
            if _source(rows[at]) != _source(before) + 1:
                break
        chain.append(at)
    return chain


def _keys(row: RowRead, fmt: Format) -> list[str]:
    """The official row keys of the row's table, in order."""
    return [official.key for official in fmt.table(_table(row, fmt)).rows]


def _table(row: RowRead, fmt: Format) -> str:
    key = _key(row, fmt)
    assert key is not None, "only rows of the report's format are chained"
    return key[0]


def _row(row: RowRead, fmt: Format) -> str:
    key = _key(row, fmt)
    assert key is not None, "only rows of the report's format are chained"
    return key[1]


def _source(row: RowRead) -> int:
    source_row = _detached_row(row)
    assert source_row is not None, "only detached rows are chained"
    return source_row


def _detached_row(row: RowRead) -> int | None:
    """The one source row of a label's numbers, when the label stands on a line of its own."""
    if row.label is None or row.label.row is not None or row.positional:
        return None
    ids = {value.row for value in row.values if not is_blank(value.text)}
    return ids.pop() if len(ids) == 1 and None not in ids else None


def _key(row: RowRead, fmt: Format) -> tuple[str, str] | None:
    paths = row.options.get(fmt.key)
    if not paths:
        return None
    table, key = paths[0].split(".")[:2]
    return table, key


def _neighbour(row: RowRead | None, fmt: Format, expected: str | None, source_row: int) -> bool:
    """There is no row and none is expected; or the row is the official one expected (or the other format's
    single row standing for it: 2019's 「（六）其他处理」 for 2021's other_1 … other_3), its label and numbers on
    the one source row given."""
    if expected is None or row is None:
        return expected is None and row is None
    keys = {paths[0].split(".")[1] for paths in row.options.values() if paths}
    label = row.label
    if not any(key == expected or expected.startswith(f"{key}_") for key in keys):
        return False
    if label is None or label.row != source_row or row.positional:
        return False
    return any(value.row == source_row and not is_blank(value.text) for value in row.values)
