"""The matching solver (``importer/matching.py``): unread rows paired with unused lines of numbers, in order,
read only when every reading the equations leave gives the same numbers and the numbers are proved."""

from __future__ import annotations

import pytest

from generator.inputs.importer import matching
from generator.inputs.importer.matching import Line, Slot, Stream, match

# A tiny table: rows a, b, c with columns x, y and a printed total row t; t.x = a.x + b.x + c.x (and for y).
COLUMN_SUMS = [(("t.x",), ("a.x", "b.x", "c.x")), (("t.y",), ("a.y", "b.y", "c.y"))]


def slot(row: str, lines: range) -> Slot:
    return Slot((f"{row}.x", f"{row}.y"), lines)


def line(*readings: tuple[int, ...]) -> Line:
    return Line(tuple(readings))


def test_two_rows_two_lines_pair_in_order_when_the_sums_hold():
    known = {"a.x": 1, "a.y": 0, "t.x": 6, "t.y": 2}
    outcome = match([slot("b", range(2)), slot("c", range(2))], [line((2, 2)), line((3, 0))], COLUMN_SUMS, known)
    assert outcome.placed == {0: (0, (2, 2)), 1: (1, (3, 0))}
    assert not outcome.open and outcome.candidates == 1


def test_the_one_pairing_in_order_is_refused_when_a_sum_fails():
    known = {"a.x": 1, "a.y": 0, "t.x": 7, "t.y": 2}  # printed total one more than the lines give
    outcome = match([slot("b", range(2)), slot("c", range(2))], [line((2, 2)), line((3, 0))], COLUMN_SUMS, known)
    assert not outcome.placed and outcome.candidates == 0
    assert outcome.open == {0: [], 1: []}


def test_a_spare_line_that_leaves_two_readings_reads_neither_row():
    """Three lines for two rows: (1,0)+(0,1) and (0,1)+(1,0) both make the sums — several readings, none read."""
    known = {"a.x": 0, "a.y": 0, "t.x": 1, "t.y": 1}
    lines = [line((1, 0)), line((0, 1)), line((1, 0))]
    outcome = match([slot("b", range(3)), slot("c", range(3))], lines, COLUMN_SUMS, known)
    assert not outcome.placed and outcome.candidates == 2
    assert outcome.open == {0: [(0, 1), (1, 0)], 1: [(0, 1), (1, 0)]}


def test_a_spare_line_is_harmless_when_every_reading_gives_the_same_numbers():
    """Two zero lines are the same numbers whichever one a row takes: proved either way."""
    known = {"a.x": 5, "a.y": 1, "t.x": 7, "t.y": 1}
    lines = [line((2, 0)), line((0, 0)), line((0, 0))]
    outcome = match([slot("b", range(3)), slot("c", range(3))], lines, COLUMN_SUMS, known)
    assert outcome.placed == {0: (0, (2, 0)), 1: (1, (0, 0))}


def test_a_row_only_takes_a_line_in_its_range():
    """b may only use line 1 (between the lines of the rows read around it): the pairing 0→b is never tried."""
    known = {"a.x": 0, "a.y": 0, "t.x": 4, "t.y": 0}
    lines = [line((4, 0)), line((1, 0)), line((3, 0))]
    outcome = match([slot("b", range(1, 2)), slot("c", range(2, 3))], lines, COLUMN_SUMS, known)
    assert outcome.placed == {0: (1, (1, 0)), 1: (2, (3, 0))}


def test_run_together_digits_keep_the_one_split_the_sums_allow():
    """A line 「40 10」 read as 4 0|10 … every split is a reading; the sums keep one."""
    known = {"a.x": 1, "a.y": 1, "t.x": 41, "t.y": 11}
    lines = [line((40, 10), (4, 10)), line((0, 0))]
    outcome = match([slot("b", range(2)), slot("c", range(2))], lines, COLUMN_SUMS, known)
    assert outcome.placed == {0: (0, (40, 10)), 1: (1, (0, 0))}


def test_cells_in_no_checked_equation_are_not_proved():
    """Without the printed total the sums cannot be checked: one pairing, but nothing proves it."""
    known = {"a.x": 1, "a.y": 0}
    outcome = match([slot("b", range(2)), slot("c", range(2))], [line((2, 2)), line((3, 0))], COLUMN_SUMS, known)
    assert not outcome.placed and set(outcome.open) == {0, 1}


def test_a_rule_inside_the_row_alone_proves_nothing():
    """A row total equal to its parts holds for any line that adds up: it is no proof of whose line it is."""
    row_total = [(("b.t",), ("b.x", "b.y"))]
    outcome = match([Slot(("b.x", "b.y", "b.t"), range(1))], [line((1, 2, 3))], row_total, {})
    assert not outcome.placed and outcome.open == {0: [(1, 2, 3)]}


def test_too_many_readings_are_given_up(monkeypatch):
    monkeypatch.setattr(matching, "MAX_STEPS", 2)
    known = {"a.x": 0, "a.y": 0, "t.x": 1, "t.y": 1}
    lines = [line((1, 0)), line((0, 1)), line((1, 0)), line((0, 1))]
    outcome = match([slot("b", range(4)), slot("c", range(4))], lines, COLUMN_SUMS, known)
    assert outcome.too_many and not outcome.placed and set(outcome.open) == {0, 1}


@pytest.mark.parametrize("rows", [0, 1])
def test_fewer_lines_than_rows_read_nothing(rows):
    known = {"a.x": 0, "a.y": 0, "t.x": 1, "t.y": 1}
    lines = [line((1, 1))][:rows]
    outcome = match([slot("b", range(rows)), slot("c", range(rows))], lines, COLUMN_SUMS, known)
    assert not outcome.placed and outcome.candidates == 0


def test_a_stream_printed_column_by_column_is_read_as_a_block():
    """b = (2, 1), c = (3, 0) printed one number per line column after column: 2 3 1 0."""
    known = {"a.x": 1, "a.y": 0, "t.x": 6, "t.y": 1}
    outcome = match([slot("b", range(1)), slot("c", range(1))], [Stream((2, 3, 1, 0))], COLUMN_SUMS, known)
    assert {i: numbers for i, (_, numbers) in outcome.placed.items()} == {0: (2, 1), 1: (3, 0)}
    assert outcome.candidates == 1  # row by row (2,3)+(1,0) does not make the sums


def test_a_stream_is_read_whole_or_not_at_all():
    """Six numbers for two rows of two: the stream cannot be cut into the rows' cells, so nothing is read."""
    known = {"a.x": 0, "a.y": 0, "t.x": 1, "t.y": 1}
    outcome = match([slot("b", range(1)), slot("c", range(1))], [Stream((1, 0, 0, 1, 0, 0))], COLUMN_SUMS, known)
    assert not outcome.placed and outcome.candidates == 0


def test_a_stream_read_both_ways_is_read_when_both_give_the_same_numbers():
    """1 1 0 0: row by row (1,1)+(0,0) makes the sums, column by column (1,0)+(1,0) does not. 1 0 0 1: both ways
    give (1,0)+(0,1) — the same numbers, read."""
    known = {"a.x": 0, "a.y": 0, "t.x": 1, "t.y": 1}
    outcome = match([slot("b", range(1)), slot("c", range(1))], [Stream((1, 1, 0, 0))], COLUMN_SUMS, known)
    assert {i: numbers for i, (_, numbers) in outcome.placed.items()} == {0: (1, 1), 1: (0, 0)}
    both = match([slot("b", range(1)), slot("c", range(1))], [Stream((1, 0, 0, 1))], COLUMN_SUMS, known)
    assert {i: numbers for i, (_, numbers) in both.placed.items()} == {0: (1, 0), 1: (0, 1)}


def test_streams_that_leave_two_readings_read_neither_row():
    known = {"a.x": 0, "a.y": 0, "t.x": 1, "t.y": 1}
    streams = [Stream((1, 0)), Stream((0, 1)), Stream((1, 0))]
    outcome = match([slot("b", range(3)), slot("c", range(3))], streams, COLUMN_SUMS, known)
    assert not outcome.placed and outcome.open == {0: [(0, 1), (1, 0)], 1: [(0, 1), (1, 0)]}


def test_lines_alike_are_tried_once_so_a_table_of_zeros_is_read():
    """Forty lines of 0 for two rows: every pairing gives 0 0; a line like one already tried is not tried again,
    so the search ends with one candidate instead of hitting its cap."""
    known = {"a.x": 0, "a.y": 0, "t.x": 0, "t.y": 0}
    outcome = match([slot("b", range(40)), slot("c", range(40))], [line((0, 0))] * 40, COLUMN_SUMS, known)
    assert not outcome.too_many and outcome.candidates == 1
    assert {i: numbers for i, (_, numbers) in outcome.placed.items()} == {0: (0, 0), 1: (0, 0)}
