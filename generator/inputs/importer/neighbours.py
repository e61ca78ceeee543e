"""Proof from the neighbouring rows: whose are the numbers under a row label that stands on a line of its own.

Converters (markitdown, pdftotext, pdfplumber) put a long row label on a line of its own and its numbers on
the next line, as a table row without a label. Alone, that shows nothing: the numbers may be the label's, or the next label's
(a converter prints some numbers above their label). They are the label's only when the official rows just
above and just below were found with their numbers on their own lines, as the table rows right before and
right after the numbers (no other row of numbers between), or when the label is the table's first or last
row and the other side holds: then no other row is left to own them.
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
        if not chain:
            index += 1
            continue
        first, last = chain[0], chain[-1]
        table, keys = _keys(rows[first], fmt)
        start, end = keys.index(_key(rows[first], fmt)[1]), keys.index(_key(rows[last], fmt)[1])  # type: ignore[index]
        above = rows[first - 1] if first else None
        below = rows[last + 1] if last + 1 < len(rows) else None
        top, bottom = _detached_row(rows[first]), _detached_row(rows[last])
        if _neighbour(above, fmt, keys[start - 1] if start else None, top - 1) and _neighbour(  # type: ignore[operator]
            below,
            fmt,
            keys[end + 1] if end + 1 < len(keys) else None,
            bottom + 1,  # type: ignore[operator]
        ):
            proved.update(chain)
        index = last + 1
    return proved


def _chain(rows: list[RowRead], index: int, fmt: Format) -> list[int]:
    """The detached rows from ``index`` on that follow each other in the official table and in the source."""
    chain: list[int] = []
    for at in range(index, len(rows)):
        key, source_row = _key(rows[at], fmt), _detached_row(rows[at])
        if key is None or source_row is None:
            break
        if chain:
            _, keys = _keys(rows[at], fmt)
            previous = _key(rows[chain[-1]], fmt)
            if previous is None or previous[0] != key[0] or keys.index(key[1]) != keys.index(previous[1]) + 1:
                break
            if source_row != _detached_row(rows[chain[-1]]) + 1:  # type: ignore[operator]
                break
        chain.append(at)
    return chain


def _keys(row: RowRead, fmt: Format) -> tuple[str, list[str]]:
    key = _key(row, fmt)
    assert key is not None, "only rows of the report's format are chained"
    return key[0], [official.key for official in fmt.table(key[0]).rows]


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
    """There is no row and none is expected; or the row is the official one expected, its label and numbers
    on the one source row given."""
    if expected is None or row is None:
        return expected is None and row is None
    key, label = _key(row, fmt), row.label
    if key is None or key[1] != expected or label is None or label.row != source_row or row.positional:
        return False
    return any(value.row == source_row and not is_blank(value.text) for value in row.values)
