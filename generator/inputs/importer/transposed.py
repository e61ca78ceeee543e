"""Table 三 printed with rows and columns swapped: the row labels across the top, one line per applicant type.

Read only when the shape proves it: one table row holds every official row label of a format exactly once
(nothing else but a corner cell before them), and each of the seven applicant columns (自然人 … 总计) is a row of its
own that starts with its label and holds exactly one number per label above. Anything less is not read here
(the ordinary reader then leaves the cells unread, with findings).
"""

from __future__ import annotations

from collections import defaultdict

from ...formats import FORMATS
from .items import Item, is_blank, is_numeric, keyform
from .tables import RowRead, TableRead, match_label

TABLE = "requests"


def read_transposed(items: list[Item]) -> TableRead | None:
    """The rows of a transposed table 三, or None when the items are not one."""
    rows: dict[int, list[Item]] = defaultdict(list)
    for item in items:
        if item.row is not None:
            rows[item.row].append(item)
    for row_id, cells in rows.items():
        found = _header(cells)
        if found is None:
            continue
        fmt_key, keys, labels = found
        columns = _columns(fmt_key, [rows[r] for r in sorted(rows) if r > row_id], len(keys))
        if columns is None:
            return None
        table = FORMATS[fmt_key].table(TABLE)
        read = TableRead(found=True, transposed=True)
        read.votes[fmt_key] += 1
        read.evidence[fmt_key] = labels[0].text
        for index, (key, label) in enumerate(zip(keys, labels, strict=True)):
            paths = [f"{TABLE}.{key}.{column.key}" for column in table.columns]
            values = [columns[column.key][index] for column in table.columns]
            read.rows.append(RowRead(table.row(key).label, label, {fmt_key: paths}, values))
        return read
    return None


def _header(cells: list[Item]) -> tuple[str, list[str], list[Item]] | None:
    """(format key, row keys in printed order, their label cells) when the cells after a corner cell are every
    official row label of one format, each once."""
    filled = [cell for cell in cells if not is_blank(cell.text)]
    for fmt_key, fmt in FORMATS.items():
        labels = filled[1:] if filled and _row_key(fmt_key, filled[0].text) is None else filled
        keys = [_row_key(fmt_key, cell.text) for cell in labels]
        official = [row.key for row in fmt.table(TABLE).rows]
        if None not in keys and sorted(keys) == sorted(official):  # type: ignore[type-var]
            return fmt_key, [k for k in keys if k], labels
    return None


def _row_key(fmt_key: str, text: str) -> str | None:
    labels, _ = match_label(TABLE, text)
    keys = {label.key for label in labels if label.kind == "row" and label.fmt == fmt_key}
    return keys.pop() if len(keys) == 1 else None


def _columns(fmt_key: str, rows: list[list[Item]], count: int) -> dict[str, list[Item]] | None:
    """Each applicant column's numbers, from the rows that start with its label; None unless all are found."""
    wanted = {keyform(column.label): column.key for column in FORMATS[fmt_key].table(TABLE).columns}
    found: dict[str, list[Item]] = {}
    for cells in rows:
        filled = [cell for cell in cells if not is_blank(cell.text)]
        if not filled:
            continue
        key = wanted.get(keyform(filled[0].text))
        values = filled[1:]
        if key is None or key in found or len(values) != count or not all(is_numeric(v.text) for v in values):
            break
        found[key] = values
        if len(found) == len(wanted):
            return found
    return None
