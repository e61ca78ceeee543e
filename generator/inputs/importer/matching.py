"""Which unread row owns which line of numbers: every reading that fits what was seen, kept only when one is left.

Converters (markitdown, extracted text) print a table's numbers on lines apart from their labels, sometimes
beside the wrong label, sometimes one number per line and column after column (pdftotext). What they keep is the
order: the numbers follow the table's rows from top to bottom. So the rows not yet read (*slots*, in the official
order) are paired with the *units* of numbers not yet used (in the order printed), each unit used at most once,
label order kept, and a slot only takes a unit within its range (between the numbers of the rows already read
around it). A unit is a printed line (``Line``: one row, maybe several ways — digits run together, every split)
or a stream of single numbers (``Stream``: rows row by row, or blocks of rows column by column, read whole).
Each such pairing is a candidate; a candidate stands only when every equation the tables give holds (row totals,
R3-1, R3-2, last year's figures).

A slot is read only when every candidate left gives it the same numbers and each of its cells is in an equation
that reaches beyond its own row and was checked (its numbers were proved, not merely not contradicted).
Otherwise it stays unread and the candidates are shown. The search is pruned by the equations as the slots are
filled and capped: past ``MAX_STEPS`` nothing is read ("可能的读法过多").
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field

from .digits import Equation, Value, holds

MAX_STEPS = 20_000  # slots filled in the search before giving up on a table (about 0.3 s)


@dataclass(frozen=True)
class Slot:
    """A row not read: its paths in column order and the range of unit indices it may take."""

    paths: tuple[str, ...]
    units: range


@dataclass(frozen=True)
class Line:
    """A printed line of numbers no row used: every way to read it as one row's cells."""

    readings: tuple[tuple[Value, ...], ...]


@dataclass(frozen=True)
class Stream:
    """Numbers printed one per line, one after another (pdftotext, a table copied out of a PDF viewer): rows
    printed row by row, or blocks of consecutive rows printed column by column, in any succession. A stream is
    read whole or not at all."""

    numbers: tuple[Value, ...]


Unit = Line | Stream


@dataclass
class Outcome:
    """Per slot: its numbers and the line they came from when proved; else the numbers of every candidate left."""

    placed: dict[int, tuple[int, tuple[Value, ...]]] = field(default_factory=dict)
    open: dict[int, list[tuple[Value, ...]]] = field(default_factory=dict)
    too_many: bool = False
    candidates: int = 0  # candidates that satisfy every equation


def match(
    slots: list[Slot], units: list[Unit], equations: list[Equation], known: Mapping[str, Value | None]
) -> Outcome:
    """Pair slots with units (see the module docstring); ``known`` holds the cells already read."""
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
    found = _search(slots, units, due, dict(known))
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
    slots: list[Slot], units: list[Unit], due: dict[int, list[Equation]], values: dict[str, Value | None]
) -> list[list[tuple[int, tuple[Value, ...]]]] | None:
    """Every pairing (per slot: unit index and numbers) that satisfies the equations; None past the cap."""
    found: list[list[tuple[int, tuple[Value, ...]]]] = []
    chosen: list[tuple[int, tuple[Value, ...]]] = []
    steps = 0

    def take(index: int, at: int, numbers: tuple[Value, ...]) -> bool:
        """Slot ``index`` read as ``numbers`` from unit ``at``: whether the equations due now hold."""
        nonlocal steps
        steps += 1
        slot = slots[index]
        if at not in slot.units or len(numbers) != len(slot.paths):
            return False
        values.update(zip(slot.paths, numbers, strict=True))
        chosen.append((at, numbers))
        if all(holds(eq, values) is not False for eq in due.get(index, [])):
            return True
        drop(index, 1)
        return False

    def drop(index: int, count: int) -> None:
        for slot in slots[index : index + count]:
            for path in slot.paths:
                values.pop(path, None)
        del chosen[len(chosen) - count :]

    def walk(index: int, after: int) -> bool:
        if index == len(slots):
            found.append(list(chosen))
            return True
        tried: set[Unit] = set()  # a unit like one tried for this slot gives only what that one gave
        for at in slots[index].units:
            if at <= after or at >= len(units) or units[at] in tried:
                continue
            unit = units[at]
            tried.add(unit)
            if isinstance(unit, Stream):
                if not tile(index, at, 0):
                    return False
                continue
            for reading in unit.readings:
                if steps > MAX_STEPS:
                    return False
                if take(index, at, reading):
                    if not walk(index + 1, at):
                        return False
                    drop(index, 1)
        return True

    def tile(index: int, at: int, start: int) -> bool:
        """The stream ``at`` from ``start`` on: a block of k rows (one row: printed row by row) for the next k slots."""
        stream = units[at]
        assert isinstance(stream, Stream)
        numbers, width = stream.numbers, len(slots[index].paths) if index < len(slots) else 0
        if start == len(numbers):
            return walk(index, at)
        if not width or len(numbers) - start > (len(slots) - index) * width:
            return True  # more numbers left than the rows left can take: no reading
        for rows in range(1, (len(numbers) - start) // width + 1):
            if steps > MAX_STEPS or index + rows > len(slots):
                return steps <= MAX_STEPS
            block = numbers[start : start + rows * width]
            if rows > 1 and all(block[r::rows] == block[r * width : (r + 1) * width] for r in range(rows)):
                continue  # column by column gives what row by row gives: tried already
            taken = 0
            while taken < rows and take(index + taken, at, block[taken::rows]):
                taken += 1
            if taken == rows and not tile(index + rows, at, start + rows * width):
                return False
            drop(index, taken)
        return True

    return found if walk(0, -1) else None


def _unread(outcome: Outcome, slots: list[Slot], readings: list[tuple[Value, ...]]) -> Outcome:
    outcome.open = {index: list(readings) for index in range(len(slots))}
    return outcome
