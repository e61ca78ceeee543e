"""Table 三's unread rows settled by the matching solver (``importer/settle.py``), on our own examples turned into
the layouts converters make: numbers one per line (pdftotext), printed column by column, labels dumped after them;
run-together digits on a line apart. Cell by cell; and the variants the arithmetic cannot settle stay unread."""

from __future__ import annotations

import re

from corpus import score
from test_importer_transforms import ARITHMETIC, EXAMPLES, every_cell, example, extracted, imported, truth

from generator.checks import check
from generator.findings import ERROR, WARNING

FIRST, LAST = "（三）不予公开 1.属于国家秘密", "3.补正后申请内容仍不明确"  # rows denied_1 … unable_3 of the 2021 table
ROW = re.compile(r"^(?P<label>.*?)((?: \d+){7})$")


def block(text: str, by_column: bool, drop: int | None = None) -> str:
    """The rows FIRST … LAST as pdftotext prints them: every number on a line of its own (row by row or column by
    column), then the labels, each on a line of its own. ``drop``: one number lost."""
    lines = text.splitlines()
    start = next(i for i, line in enumerate(lines) if line.startswith(FIRST))
    end = next(i for i, line in enumerate(lines) if line.startswith(LAST)) + 1
    matches = [ROW.match(line) for line in lines[start:end]]
    assert all(matches)
    rows = [m.group(2).split() for m in matches if m]
    numbers = [row[c] for c in range(7) for row in rows] if by_column else [n for row in rows for n in row]
    if drop is not None:
        del numbers[drop]
    labels = [m.group("label") for m in matches if m]
    return "\n".join([*lines[:start], *numbers, *labels, *lines[end:]]) + "\n"


def paired(report) -> list:
    return [f for f in report.read_findings if f.rule == "I-3" and "配对" in f.message]


def test_rows_printed_column_by_column_one_number_per_line_are_read_cell_by_cell(tmp_path):
    """11 rows × 7 columns, one number per line, column after column, the labels after them: of every way to cut
    the 77 numbers into rows (row by row, or blocks column by column), one satisfies the table's equations."""
    report, page = example(EXAMPLES[0])
    read = imported(tmp_path, block(extracted(page), by_column=True))
    every_cell(read, truth(report))
    assert [read.number(f"requests.unable_1.{c}") for c in ("natural", "commercial", "total")] == [2, 1, 3]
    [note] = paired(read)
    # the label of （二） takes the numbers after it as its own (84 of them): refused, then paired as a row too
    assert note.severity == WARNING and "12 行" in note.message and "逐行和逐列" in note.message
    assert not [f for f in read.read_findings if f.rule in ("I-2", "I-4") and f.severity == ERROR]


def test_rows_printed_row_by_row_one_number_per_line_are_read_cell_by_cell(tmp_path):
    report, page = example(EXAMPLES[0])
    read = imported(tmp_path, block(extracted(page), by_column=False))
    every_cell(read, truth(report))
    assert paired(read)


def test_a_number_lost_from_the_block_leaves_its_rows_unread_each_named(tmp_path):
    """76 numbers are no whole number of rows: no reading, nothing placed; every row has its error."""
    report, page = example(EXAMPLES[0])
    read = imported(tmp_path, block(extracted(page), by_column=True, drop=5))
    counts = score(read, truth(report))
    assert not counts["wrong"]
    unread = {path.rsplit(".", 1)[0] for path in counts["unread"]}
    assert "requests.unable_1" in unread and "requests.denied_4" in unread
    for row in unread:
        assert [f for f in read.read_findings if f.path == row and f.severity == ERROR], row
    assert not paired(read)
    assert not [f for f in check(read) if f.rule in ARITHMETIC and f.severity == ERROR]


def test_a_changed_printed_total_leaves_the_block_unread(tmp_path):
    """The printed （七）总计 one more than the rows give: no way of reading the block satisfies R3-2, nothing is
    placed (the total's own error is the checker's, not a reason to guess)."""
    report, page = example(EXAMPLES[0])
    text = block(extracted(page), by_column=True).replace("（七）总计 13 3 0 0 1 0 17", "（七）总计 14 3 0 0 1 0 18")
    read = imported(tmp_path, text)
    counts = score(read, truth(report))
    assert read.typed_totals["requests.total_processed.natural"] == 14 and not counts["wrong"]
    assert "requests.unable_1.natural" in counts["unread"] and not paired(read)


def test_run_together_digits_on_a_line_apart_are_split_by_the_pairing(tmp_path):
    """「2100003」 on a line of its own after its label, the label alone (the rows around have theirs): the line
    is paired with the row and the one split the equations allow is kept."""
    report, page = example(EXAMPLES[0])
    text = extracted(page).replace(
        "（四）无法提供 1.本机关不掌握相关政府信息 2 1 0 0 0 0 3", "（四）无法提供 1.本机关不掌握相关政府信息\n2100003"
    )
    read = imported(tmp_path, text)
    every_cell(read, truth(report))
    assert [read.number(f"requests.unable_1.{c}") for c in ("natural", "commercial", "total")] == [2, 1, 3]


GRANTED = "三、本年度办理结果 （一）予以公开 6 2 0 0 1 0 9"


def test_numbers_under_a_lost_label_are_read_by_position_only_when_the_pairing_proves_them(tmp_path):
    """「（一）予以公开」 lost, its numbers alone between the rows around: every reading of the table's unused numbers
    is tried; one satisfies the equations, so they are read, with the reminder to fill in the label."""
    report, page = example(EXAMPLES[0])
    read = imported(tmp_path, extracted(page).replace(GRANTED, "三、本年度办理结果\n6 2 0 0 1 0 9"))
    every_cell(read, truth(report))
    assert [f for f in read.read_findings if f.rule == "I-3" and f.path == "requests.granted" and "行标签是空白" in f.message]


def test_numbers_under_a_lost_label_stay_unread_when_the_equations_cannot_check_them(tmp_path):
    """The same, but a row of outcomes lost a number (6 of 7): （七）总计 cannot be checked against the outcomes, so
    nothing proves whose the numbers under the lost label are — not read, with an error that says so."""
    report, page = example(EXAMPLES[0])
    text = extracted(page).replace(GRANTED, "三、本年度办理结果\n6 2 0 0 1 0 9")
    text = text.replace("4.保护第三方合法权益 1 0 0 0 0 0 1", "4.保护第三方合法权益 1 0 0 0 0 1")
    read = imported(tmp_path, text)
    counts = score(read, truth(report))
    assert not counts["wrong"]
    assert {p.rsplit(".", 1)[0] for p in counts["unread"]} == {"requests.granted", "requests.denied_4"}
    [unproved] = [f for f in read.read_findings if f.path == "requests.granted"]
    assert unproved.severity == ERROR and "按位置应是「（一）予以公开」（6 2 0 0 1 0 9）" in unproved.message
    assert "没有一种配法能让未读的行都有数" in unproved.message  # 4.保护… has 6 numbers: no row of them
