"""Cells run together with no separator: the digits split back into cells by the table's own arithmetic.

Text copied from some portals loses the separators between cells: 「一、本年新收政府信息公开申请数量640020470」
is seven cells, 64 0 0 2 0 4 70. A row's digits are cut every way that gives its number of cells
(a space is always a cell boundary; no cell but 「0」 starts with 0), and only the cuts that satisfy
the table's rules are kept: a row's 总计 is the sum of its parts (R3-3, R4-1) and, in section 三,
each column balances (R3-1) and （七）总计 is the sum of the outcomes (R3-2).

A row is read only when exactly one cut is left. Otherwise it is not read and the finding lists the
cuts that fit: a guess would be an invented number.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from decimal import Decimal
from itertools import product

from ...formats import AMOUNT

TOKEN = re.compile(r"^\d+(\.\d+)?$")
COUNT_CELL = re.compile(r"^(0|[1-9]\d*)$")
AMOUNT_CELL = re.compile(r"^(0|[1-9]\d*)(\.\d+)?$")
MAX_CUTS = 20000  # more ways to cut one row than this: not tried (cannot be narrowed to one anyway)
MAX_COMBINATIONS = 20000  # cuts of undecided rows tried together against the column rules

Value = int | Decimal
Equation = tuple[tuple[str, ...], tuple[str, ...]]  # sum of the left paths = sum of the right paths


@dataclass
class Pending:
    """A row whose cells ran together: its paths and every cut that passed the row's own rule."""

    paths: list[str]
    text: str  # the digits as printed
    cuts: list[tuple[Value, ...]] = field(default_factory=list)
    too_many: bool = False  # more cuts than were tried: none is chosen
    chosen: tuple[Value, ...] | None = None


def can_split(texts: list[str], n: int) -> bool:
    """Whether a row's cell texts look like digits run together (fewer cells than columns, digits only)."""
    tokens = [token for text in texts for token in text.split()]
    digits = sum(len(token.replace(".", "")) for token in tokens)  # fewer digits than cells: cells were lost
    return 0 < len(tokens) < n <= digits and all(TOKEN.match(token) for token in tokens)


def cuts(texts: list[str], kinds: list[str]) -> list[tuple[Value, ...]] | None:
    """Every way to cut the tokens into ``len(kinds)`` cells; None when there are too many to try."""
    tokens = [token for text in texts for token in text.split()]
    rest = [sum(len(t) for t in tokens[i:]) for i in range(len(tokens) + 1)]  # characters from token i on
    found: list[tuple[Value, ...]] = []

    def walk(t: int, pos: int, done: tuple[str, ...]) -> bool:
        c = len(done)
        if t == len(tokens):
            if c == len(kinds):
                found.append(tuple(_value(cell, kind) for cell, kind in zip(done, kinds, strict=True)))
            return len(found) <= MAX_CUTS
        token = tokens[t]
        for end in range(pos + 1, len(token) + 1):
            cell = token[pos:end]
            left = len(kinds) - c - 1  # cells still to fill after this one
            chars = len(token) - end + rest[t + 1]
            tokens_left = len(tokens) - t - (1 if end == len(token) else 0)
            if left > chars or left < tokens_left:
                continue
            if _valid(cell, kinds[c]) and not walk(
                t + 1 if end == len(token) else t, 0 if end == len(token) else end, (*done, cell)
            ):
                return False
        return True

    return found if walk(0, 0, ()) else None


def _valid(cell: str, kind: str) -> bool:
    return bool((AMOUNT_CELL if kind == AMOUNT else COUNT_CELL).match(cell))


def _value(cell: str, kind: str) -> Value:
    return Decimal(cell) if kind == AMOUNT else int(cell)


def row_rules(paths: list[str]) -> list[Equation]:
    """The rules inside one row: each 总计 cell equals the other cells of its row (R3-3, R4-1)."""
    rows: dict[str, list[str]] = {}
    for path in paths:
        rows.setdefault(path.rsplit(".", 1)[0], []).append(path)
    return [
        ((f"{row}.total",), tuple(p for p in cells if p != f"{row}.total"))
        for row, cells in rows.items()
        if f"{row}.total" in cells
    ]


def holds(equation: Equation, values: dict[str, Value | None]) -> bool | None:
    """Whether an equation holds; None when one of its cells is unknown."""
    left, right = ([values.get(p) for p in side] for side in equation)
    if any(v is None for v in left + right):
        return None
    return sum(v for v in left if v is not None) == sum(v for v in right if v is not None)


def solve(pending: list[Pending], known: dict[str, Value | None], equations: list[Equation]) -> None:
    """Set ``chosen`` on every pending row that exactly one combination of cuts satisfies."""
    for row in pending:
        rules = row_rules(row.paths)
        row.cuts = [
            cut
            for cut in row.cuts
            if all(holds(rule, dict(zip(row.paths, cut, strict=True))) is not False for rule in rules)
        ]
    undecided = [row for row in pending if len(row.cuts) > 1]
    for row in pending:
        if len(row.cuts) == 1:
            row.chosen = row.cuts[0]
    touched = {path for row in undecided for path in row.paths}
    equations = [eq for eq in equations if touched.intersection(eq[0] + eq[1])]
    if not undecided or not equations:
        return
    size = 1
    for row in undecided:
        size *= len(row.cuts)
    if size > MAX_COMBINATIONS:
        return
    values = dict(known)
    for row in pending:
        if row.chosen is not None:
            values.update(zip(row.paths, row.chosen, strict=True))
    survivors: list[tuple[int, ...]] = []
    for combination in product(*(range(len(row.cuts)) for row in undecided)):
        for row, index in zip(undecided, combination, strict=True):
            values.update(zip(row.paths, row.cuts[index], strict=True))
        if all(holds(equation, values) is not False for equation in equations):
            survivors.append(combination)
    for position, row in enumerate(undecided):
        left = {combination[position] for combination in survivors}
        if len(left) == 1:
            row.chosen = row.cuts[left.pop()]
        elif left:
            row.cuts = [row.cuts[i] for i in sorted(left)]
