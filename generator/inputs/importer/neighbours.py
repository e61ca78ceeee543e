"""Proof from the neighbouring rows: whose are the numbers under a row label that stands on a line of its own.

Converters (markitdown) put a long row label on a line of its own and its numbers on the next line, as a
table row without a label. Alone, that shows nothing: the numbers may be the label's, or the next label's
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
    """Indices of the rows whose detached numbers are proved theirs by the rows around them."""
    proved = set()
    for index, row in enumerate(rows):
        key, source_row = _key(row, fmt), _detached_row(row)
        if key is None or source_row is None:
            continue
        keys = [official.key for official in fmt.table(key[0]).rows]
        at = keys.index(key[1])
        above = rows[index - 1] if index else None
        below = rows[index + 1] if index + 1 < len(rows) else None
        if _neighbour(above, fmt, keys[at - 1] if at else None, source_row - 1) and _neighbour(
            below, fmt, keys[at + 1] if at + 1 < len(keys) else None, source_row + 1
        ):
            proved.add(index)
    return proved


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
