"""Converter output as a layout: what pymupdf4llm, markitdown, pdftotext and pdfplumber make of a report.

One hand-made fixture per phenomenon (tests/fixtures/import/converter-*.txt). Every number read is the
printed one; what the text cannot prove is not read and has a finding; page furniture is never a cell.
"""

from __future__ import annotations

from test_importer_layouts import APPEALS, ARITHMETIC, COLUMNS, load, read, requests_2021, rules

from generator.findings import ERROR


def _imported_with(tmp_path, old: str, new: str):
    """The markitdown fixture with ``old`` (which must be there) changed to ``new``, imported."""
    from generator.inputs.importer import import_report

    text = (load.__globals__["FIXTURES"] / "converter-markdown-merged-cells.txt").read_text(encoding="utf-8")
    assert old in text
    path = tmp_path / "changed.txt"
    path.write_text(text.replace(old, new), encoding="utf-8")
    return import_report(path)


def test_markdown_cells_merged_by_the_converter_are_read_by_spaces_never_as_one_number():
    report = load("converter-markdown-merged-cells.txt")
    expected = requests_2021()
    assert read(report, expected) == expected
    assert read(report, APPEALS) == APPEALS  # 「| | 1 0 | 0 1 | 2 | …」: 15 numbers in 10 cells
    merged = [f for f in report.read_findings if f.rule == "I-3" and "合并" in f.message]
    assert merged and "按空格逐列读取" in merged[0].message


def test_markdown_label_line_apart_from_its_numbers_is_read_when_the_rows_around_have_theirs():
    """markitdown puts a wrapped label on its own line, its numbers in a table row after it; the rows just above
    and below have their numbers on their own lines: the numbers can be no other row's."""
    report = load("converter-markdown-merged-cells.txt")
    assert [report.number(f"requests.unable_2.{c}") for c in COLUMNS] == [3, 0, 0, 0, 0, 0, 3]
    assert not [f for f in report.read_findings if f.path == "requests.unable_2"]  # how a wrapped label comes out


def test_markdown_label_line_apart_from_its_numbers_is_settled_by_the_order_of_the_lines_and_the_arithmetic(tmp_path):
    """The next label stands below its own numbers (markitdown does both): the rows around do not prove whose
    the first numbers are. The two unread rows and the two unused lines of numbers between the rows read pair
    one way only in order, and the arithmetic holds with it: read, with an I-3 reminder (``settle``)."""
    report = _imported_with(
        tmp_path,
        "| | 3.补正后申请内容仍不明确 | 0 0 | 0 0 | 0 0 | 0 |",
        "| | 0 0 | 0 0 | 0 0 | 0 |\n3.补正后申请内容仍不明确",
    )
    assert [report.number(f"requests.unable_2.{c}") for c in COLUMNS] == [3, 0, 0, 0, 0, 0, 3]
    assert [report.number(f"requests.unable_3.{c}") for c in COLUMNS] == [0] * 7
    assert not [f for f in report.read_findings if f.path in ("requests.unable_2", "requests.unable_3")]
    [paired] = [f for f in report.read_findings if f.rule == "I-3" and "配对" in f.message]
    assert "2 行" in paired.message and "只有一种" in paired.message
    assert not rules(report, *ARITHMETIC, severity=ERROR)


def test_a_label_wrapped_around_a_pipe_row_of_numbers_is_one_row(tmp_path):
    """markitdown: 「（二）部分公开（…不计其他」, a pipe row of numbers, 「情形）」 — the label's two lines are
    exactly one official label, so the numbers between are its own."""
    report = _imported_with(
        tmp_path,
        "| （二）部分公开（区分处理的，只计这一情形，不计其他情形） | 2 0 | 0 0 | 0 0 | 2 |",
        "（二）部分公开（区分处理的，只计这一情形，不计其他\n| | 2 0 | 0 0 | 0 0 | 2 |\n"
        "| --- | --- | --- | --- | --- |\n情形）",
    )
    assert [report.number(f"requests.partial.{c}") for c in COLUMNS] == [2, 0, 0, 0, 0, 0, 2]
    assert not rules(report, *ARITHMETIC, severity=ERROR)


def test_page_numbers_and_rotated_header_characters_are_never_cells():
    report = load("converter-markdown-merged-cells.txt")
    text = " ".join(f.message for f in report.read_findings)
    assert "— 6 —" not in text and "3 -" not in text and "「予公开」" not in text and "「、」" not in text
    assert not [f for f in report.read_findings if f.rule == "I-4"]
    assert report.prose["problems"] == "依申请公开答复规范性有待提高。"
    assert not rules(report, *ARITHMETIC, severity=ERROR)


def test_a_cell_of_two_numbers_is_unread_with_its_text(tmp_path):
    report = _imported_with(
        tmp_path, "| （七）总计 | 30 0 | 0 0 | 2 0 | 32 |", "| （七）总计 | 30 0 | 0 0 | 2 0 | 3 2 | 32 |"
    )
    assert all(f"requests.total_processed.{c}" in report.unread for c in ("natural", "total"))
    [finding] = [f for f in report.read_findings if f.path == "requests.total_processed"]
    assert finding.rule == "I-2" and "5 个单元格中共 9 个数" in finding.message


def test_lost_cells_are_not_called_numbers_run_together(tmp_path):
    """pdftotext's default mode prints a table column by column: a row may keep 4 digits of its 15 cells."""
    report = _imported_with(tmp_path, "| | 1 0 | 0 1 | 2 | 0 1 | 0 0 | 1 | 0 0 0 | 0 | 0 |", "| | 1 0 | 0 1 |")
    [finding] = [f for f in report.read_findings if f.path.startswith("appeals")]
    assert finding.rule == "I-2" and "连在一起" not in finding.message and "看到的是（1 0 0 1）" in finding.message
    assert report.number("appeals.review.upheld") is None


def test_pymupdf4llm_spans_read_as_the_same_table():
    """pymupdf4llm repeats a merged label in every column it spans, writes 「<br>」 for line breaks and
    「Col2」 for blank headers: the table reads exactly as the tab-separated one it was made from."""
    spans, tabs = load("converter-pymupdf4llm-spans.txt"), load("labels-2021-variants.txt")
    paths = [p for p in tabs.format.input_paths if p.startswith("requests.")]
    assert read(spans, paths) == read(tabs, paths)
    assert all(v is not None for v in read(spans, paths).values())
    assert not [f for f in spans.read_findings if f.rule in ("I-1", "I-2", "I-4")]
    assert not [f for f in spans.read_findings if "<br>" in f.message or "Col" in f.message]


def test_pdftotext_layout_vertical_headers_and_labels_wrapped_around_their_numbers():
    """pdftotext -layout prints a vertical group label one character per line beside the rows (「三」「、」「本」…)
    and centres a row's numbers on the two or three lines of its label, beside pieces of the group label
    (「他处理 0 0 …」); a page number stands between two rows."""
    layout, tabs = load("converter-pdftotext-layout.txt"), load("labels-2021-variants.txt")
    paths = [p for p in tabs.format.input_paths if p.startswith("requests.") and ".other_" not in p]
    assert read(layout, paths) == read(tabs, paths)
    assert all(layout.number(f"requests.other_{i}.{c}") == 0 for i in (1, 2, 3) for c in ("natural", "total"))
    assert not [f for f in layout.read_findings if f.rule in ("I-1", "I-2", "I-4", "I-7")]
    assert not rules(layout, *ARITHMETIC, severity=ERROR)


def test_appeals_row_in_three_merged_cells_and_a_footer_after_it(tmp_path):
    """「| 40 0 10 5 55 | 2 0 4 6 12 | 6 0 9 7 22 |」 then the page footer 「— 6 —」: the row is read, the footer is not."""
    row = "| | 1 0 | 0 1 | 2 | 0 1 | 0 0 | 1 | 0 0 0 | 0 | 0 |"
    report = _imported_with(tmp_path, row, "| 40 0 10 5 55 | 2 0 4 6 12 | 6 0 9 7 22 |\n— 6 —")
    values = [
        report.number(f"appeals.{r}.{c}")
        for r in ("review", "litigation_direct", "litigation_after_review")
        for c in ("upheld", "corrected", "other", "pending", "total")
    ]
    assert values == [40, 0, 10, 5, 55, 2, 0, 4, 6, 12, 6, 0, 9, 7, 22]
    assert "— 6 —" not in " ".join(f.message for f in report.read_findings)


def test_a_label_wrapped_by_the_converter_is_not_called_reworded():
    report = load("converter-pdftotext-layout.txt")  # 「（本列数据的勾稽关系为：…等于第三项」 then 「加第四项之和）」
    assert not [f for f in report.read_findings if f.rule == "G-1" and "勾稽关系为" in f.message]
    assert [f for f in report.read_findings if f.rule == "G-1" and "行政止公开" not in f.message] == []


def test_running_header_is_dropped_but_the_title_it_repeats_is_kept():
    """pdftotext pages (form feeds) whose top line repeats the title, and whose bottom line is the page number."""
    from generator.inputs.importer.text import items_from_text

    text = (load.__globals__["FIXTURES"] / "labels-2021-variants.txt").read_text(encoding="utf-8")
    title, body = text.split("\n", 1)
    lines = body.split("\n")
    pages = [lines[i : i + 15] for i in range(0, len(lines), 15)]
    paged = "\f".join(f"{title}\n" + "\n".join(page) + f"\n- {n} -\n" for n, page in enumerate(pages, start=1))
    items = [item.text for item in items_from_text(paged).items]
    assert items.count(title) == 1 and items[0] == title
    assert not [t for t in items if t.startswith("- ")]


def _spanned(tmp_path, row: str):
    """The fixture with its 「规范性文件」 row as markitdown writes it: empty cells where a header cell spans two."""
    return _imported_with(tmp_path, "规范性文件\t3\t1\t12", row)


def test_a_pipe_row_with_empty_span_cells_between_as_many_numbers_as_columns_is_read_in_order(tmp_path):
    report = _spanned(tmp_path, "|  | 规范性文件 |  | 3 |  | 1 |  |  | 12 |")
    assert [report.number(f"active.normative_docs.{c}") for c in ("issued", "repealed", "in_force")] == [3, 1, 12]
    [finding] = [f for f in report.read_findings if f.rule == "I-3" and "空白单元格" in f.message]
    assert finding.severity != ERROR and "规范性文件" in finding.message and "逐列读取" in finding.message


def test_a_pipe_row_with_empty_cells_and_fewer_numbers_than_columns_is_unread(tmp_path):
    report = _spanned(tmp_path, "|  | 规范性文件 |  | 3 |  |  |  |  | 1 |")
    assert all(f"active.normative_docs.{c}" in report.unread for c in ("issued", "repealed", "in_force"))
    [finding] = [f for f in report.read_findings if f.path == "active.normative_docs" and f.rule == "I-2"]
    assert finding.severity == ERROR and "（空白） 3" in finding.message
    assert not [f for f in report.read_findings if "空白单元格" in f.message]


def test_a_group_label_piece_on_a_line_after_a_detached_rows_numbers_is_not_one_of_its_cells(tmp_path):
    """markitdown: 「2.重复申请」 on a line of its own, its numbers in a pipe row, then 「（五）不」 (the group label
    printed down its merged cell) on a line of its own: the piece is no cell, and the rows around prove the
    numbers the label's."""
    report = _imported_with(
        tmp_path,
        "| | 2.重复申请 | 1 0 | 0 0 | 0 0 | 1 |",
        "2.重复申请\n| | 1 0 | 0 0 | 0 0 | 1 |\n| --- | --- | --- | --- | --- |\n（五）不",
    )
    assert [report.number(f"requests.not_processed_2.{c}") for c in COLUMNS] == [1, 0, 0, 0, 0, 0, 1]
    assert not [f for f in report.read_findings if "（五）不" in f.message]
    assert not rules(report, *ARITHMETIC, severity=ERROR)
