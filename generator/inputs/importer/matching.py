"""Which unread row owns which line of numbers: every reading that fits what was seen, kept only when one is left.

Converters (markitdown, extracted text) print a table's numbers on lines apart from their labels, sometimes
beside the wrong label. What they keep is the order: the lines of numbers follow the table's rows from top to
bottom. So the rows not yet read (*slots*, in the official order) are paired with the lines of numbers not yet
used (in the order printed), each line used at most once, label order kept, and a slot only takes a line
within its *range* (between the lines of the rows already read around it). A line may be read more than one
way (digits run together: every split). Each such pairing is a candidate; a candidate stands only when every
equation the tables give holds (row totals, R3-1, R3-2, last year's figures).

A slot is read only when every candidate left gives it the same numbers and each of its cells is in an
equation that reaches beyond its own row and was checked (its numbers were proved, not merely not contradicted).
Otherwise it stays unread and the candidates are shown. The search is pruned by the equations as the slots are
filled and capped: past ``MAX_STEPS`` nothing is read ("可能的读法过多").
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field

from .digits import Equation, Value, holds

MAX_STEPS = 200_000  # partial pairings tried before giving up on a table


@dataclass(frozen=True)
class Slot:
    """A row not read: its paths in column order and the range of line indices it may take."""

    paths: tuple[str, ...]
    lines: range


@dataclass(frozen=True)
class Line:
    """A line of numbers not used by any row: every way to read it as one row's cells.

    Lines cut from one block of numbers (one number per line: rows printed one after another, or columns) share
    a ``block``: the lines of a block taken by rows are all read the same way (the same reading index)."""

    readings: tuple[tuple[Value, ...], ...]
    block: int = -1


@dataclass
class Outcome:
    """Per slot: its numbers and the line they came from when proved; else the numbers of every candidate left."""

    placed: dict[int, tuple[int, tuple[Value, ...]]] = field(default_factory=dict)
    open: dict[int, list[tuple[Value, ...]]] = field(default_factory=dict)
    too_many: bool = False
    candidates: int = 0  # candidates that satisfy every equation


def match(
    slots: list[Slot], lines: list[Line], equations: list[Equation], known: Mapping[str, Value | None]
) -> Outcome:
    """Pair slots with lines (see the module docstring); ``known`` holds the cells already read."""
    outcome = Outcome()
    if not slots:
        return outcome
    own = [set(slot.paths) for slot in slots]
    slot_of = {path: index for index, slot in enumerate(slots) for path in slot.paths}
    usable = [eq for eq in equations if all(known.get(p) is not None or p in slot_of for p in eq[0] + eq[1])]
    due: dict[int, list[Equation]] = {}
    for eq in usable:
        touched = [slot_of[p] for p in eq[0] + eq[1] if p in slot_of]
        due.setdefault(max(touched) if touched else -1, []).append(eq)
    if any(holds(eq, dict(known)) is False for eq in due.get(-1, [])):
        return _unread(outcome, slots, [])
    proved = [_proved(own[i], usable) for i in range(len(slots))]
    found = _search(slots, lines, due, dict(known))
    if found is None:
        outcome.too_many = True
        return _unread(outcome, slots, [])
    outcome.candidates = len(found)
    for index in range(len(slots)):
        seen = {pairing[index][1] for pairing in found}
        if len(seen) == 1 and proved[index]:
            outcome.placed[index] = (min(pairing[index][0] for pairing in found), seen.pop())
        else:
            outcome.open[index] = sorted(seen, key=str)
    return outcome


def _proved(paths: set[str], equations: list[Equation]) -> bool:
    """Every cell is in a checked equation that reaches beyond the slot's own cells."""
    reach = [set(eq[0] + eq[1]) for eq in equations]
    return all(any(path in cells and not cells <= paths for cells in reach) for path in paths)


def _search(
    slots: list[Slot], lines: list[Line], due: dict[int, list[Equation]], values: dict[str, Value | None]
) -> list[list[tuple[int, tuple[Value, ...]]]] | None:
    """Every pairing (per slot: line index and numbers) that satisfies the equations; None past the cap."""
    found: list[list[tuple[int, tuple[Value, ...]]]] = []
    chosen: list[tuple[int, tuple[Value, ...]]] = []
    ways: dict[int, int] = {}  # block -> the reading index its lines are read by
    steps = 0

    def walk(index: int, after: int) -> bool:
        nonlocal steps
        if index == len(slots):
            found.append(list(chosen))
            return True
        slot = slots[index]
        left = len(slots) - index - 1
        for at in slot.lines:
            if at <= after or len(lines) - at - 1 < left:
                continue
            block = lines[at].block
            for way, reading in enumerate(lines[at].readings):
                steps += 1
                if steps > MAX_STEPS:
                    return False
                if len(reading) != len(slot.paths) or ways.get(block, way) != way:
                    continue
                values.update(zip(slot.paths, reading, strict=True))
                if all(holds(eq, values) is not False for eq in due.get(index, [])):
                    chosen.append((at, reading))
                    first = block >= 0 and block not in ways
                    if first:
                        ways[block] = way
                    if not walk(index + 1, at):
                        return False
                    if first:
                        del ways[block]
                    chosen.pop()
        for path in slot.paths:
            values.pop(path, None)
        return True

    return found if walk(0, -1) else None


def _unread(outcome: Outcome, slots: list[Slot], readings: list[tuple[Value, ...]]) -> Outcome:
    outcome.open = {index: list(readings) for index in range(len(slots))}
    return outcome
