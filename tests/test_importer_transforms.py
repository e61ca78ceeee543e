"""Layouts never seen, made from our own examples the way portals and clerks transform a report.

Each example is rendered to HTML (its truth: the data file), then turned into what a clerk pastes or a
portal publishes: the tables as tab-separated text, a blank column, header rows repeated after a page break,
full-width digits, thousands separators, 「—」「/」「无」 for 0, table 三 transposed (rows and columns swapped),
a WPS / Word "save as web page" file in GB18030. Every number is asserted, or the finding that leaves it unread.

What 「—」「/」「无」 mean: in an official table they stand for 0 (nothing happened, or not applicable). They
are read as 0, never silently: each such cell has a reminder naming it and what was printed (R0-1).
"""

from __future__ import annotations

import re
from collections.abc import Callable
from functools import cache
from pathlib import Path

import pytest
from corpus import read_value, score
from lxml import html as lxml_html

from generator.checks import check
from generator.findings import ERROR, WARNING
from generator.inputs import load_report
from generator.inputs.importer import import_report
from generator.render import render

ROOT = Path(__file__).resolve().parent.parent
EXAMPLES = ("青石街道-2025", "英林镇-2020")  # the 2021 format, and the 2019 format (试行)
ARITHMETIC = ("R3-1", "R3-2", "R3-3", "R4-1")
Rows = list[list[str]]
FULL_WIDTH = str.maketrans("0123456789", "０１２３４５６７８９")


@cache
def example(name: str):
    report = load_report(ROOT / "examples" / f"{name}.yaml")
    page = render(report, "html")
    return report, page.decode() if isinstance(page, bytes) else page


def truth(report) -> dict:
    return {path: read_value(report, path) for path in report.format.input_paths}


def pasted(page: str, change: Callable[[Rows], Rows] | None = None) -> str:
    """The page as a clerk pastes it into a text file: paragraphs as lines, each table row as tab-separated cells."""
    lines = []
    for element in lxml_html.fromstring(page).body.iter("h1", "h2", "h3", "p", "table"):
        if element.tag == "table":
            rows = [[c.text_content().strip() for c in tr if c.tag in ("td", "th")] for tr in element.iter("tr")]
            lines += ["\t".join(row) for row in (change(rows) if change else rows)]
        elif not any(a.tag in ("td", "th") for a in element.iterancestors()):
            lines.append(element.text_content().strip())
    return "\n".join(lines) + "\n"


def imported(tmp_path: Path, text: str, name: str = "report.txt"):
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return import_report(path)


def every_cell(report, expected: dict) -> None:
    counts = score(report, expected)
    assert not counts["wrong"] and not counts["unread"], {k: v[:5] for k, v in counts.items() if k != "right"}
    assert not [f for f in check(report) if f.rule in ARITHMETIC and f.severity == ERROR]


def is_number(cell: str) -> bool:
    return bool(re.fullmatch(r"\d+(\.\d+)?", cell))


def in_cells(change: Callable[[str], str]) -> Callable[[Rows], Rows]:
    return lambda rows: [[change(cell) for cell in row] for row in rows]


@pytest.mark.parametrize("name", EXAMPLES)
@pytest.mark.parametrize(
    "shape",
    [
        pytest.param(None, id="tab-separated"),
        pytest.param(lambda rows: [[*row, ""] for row in rows], id="blank-last-column"),
        pytest.param(
            lambda rows: [[row[0], "", *row[1:]] if row and not is_number(row[0]) else row for row in rows],
            id="blank-column-after-labels",
        ),
        pytest.param(
            lambda rows: (
                rows[:14] + [r for r in rows[:6] if not any(map(is_number, r))] + rows[14:] if len(rows) > 20 else rows
            ),
            id="header-repeated-after-page-break",
        ),
    ],
)
def test_tables_pasted_as_tab_separated_text_read_every_cell(tmp_path, name, shape):
    report, page = example(name)
    every_cell(imported(tmp_path, pasted(page, shape)), truth(report))


@pytest.mark.parametrize("name", EXAMPLES)
def test_full_width_digits_are_read_with_the_printed_text_named(tmp_path, name):
    report, page = example(name)
    text = pasted(page, in_cells(lambda c: c.translate(FULL_WIDTH) if is_number(c) else c))
    read = imported(tmp_path, text)
    every_cell(read, truth(report))
    notes = [f for f in read.read_findings if "全角字符已转为半角" in f.message]
    assert notes and all(f.severity == WARNING for f in notes)
    if any(truth(report).values()):  # 英林镇-2020 printed only zeros
        assert re.search("「[１-９][０-９]*」已按 [1-9]", " ".join(f.message for f in notes))


@pytest.mark.parametrize("zero", ["—", "/", "无"])
def test_dash_slash_and_wu_for_zero_are_read_as_0_each_with_a_reminder(tmp_path, zero):
    report, page = example(EXAMPLES[0])
    read = imported(tmp_path, pasted(page, in_cells(lambda c: zero if c == "0" else c)))
    every_cell(read, truth(report))
    zeros = sum(row.count("0") for line in pasted(page).splitlines() for row in [line.split("\t")] if len(row) > 1)
    notes = [f for f in read.read_findings if f"「{zero}」已按 0 处理" in f.message]
    assert len(notes) == zeros and all(f.severity == WARNING for f in notes)


def test_thousands_separators_are_read_with_the_printed_text_named(tmp_path):
    report, page = example(EXAMPLES[0])
    read = imported(tmp_path, pasted(page, in_cells(lambda c: "1,560" if c == "156" else c)))
    assert read.number("active.licensing.decisions") == 1560
    [note] = [f for f in read.read_findings if "1,560" in f.message]
    assert note.severity == WARNING and "已按 1560 处理" in note.message


def transposed(report) -> Callable[[Rows], Rows]:
    """Table 三 printed with its rows across the top and one line per applicant type."""
    table = report.format.table("requests")

    def change(rows: Rows) -> Rows:
        if len(rows) < 20:
            return rows
        out = [["申请人情况", *[row.label for row in table.rows]]]
        for column in table.columns:
            out.append([column.label, *[str(report.number(f"requests.{r.key}.{column.key}")) for r in table.rows]])
        return out

    return change


@pytest.mark.parametrize("name", EXAMPLES)
def test_table_3_transposed_is_read_by_its_labels_with_a_reminder(tmp_path, name):
    report, page = example(name)
    read = imported(tmp_path, pasted(page, transposed(report)))
    every_cell(read, truth(report))
    [note] = [f for f in read.read_findings if "行列颠倒" in f.message]
    assert note.rule == "I-3" and note.severity == WARNING


def test_table_3_transposed_with_a_column_short_is_not_read(tmp_path):
    report, page = example(EXAMPLES[0])
    change = transposed(report)
    read = imported(tmp_path, pasted(page, lambda rows: [r[:-1] if r[0] == "科研机构" else r for r in change(rows)]))
    counts = score(read, truth(report))
    assert not counts["wrong"] and all(p in read.unread for p in counts["unread"])
    assert any(p.startswith("requests.") for p in counts["unread"])
    assert not [f for f in check(read) if f.rule in ARITHMETIC and f.severity == ERROR]


def test_row_labels_side_by_side_in_one_row_are_never_read_by_position(tmp_path):
    """A table whose merged cells were lost in a transposition: labels and numbers interleaved in one row
    (「1.属于国家秘密 0 0 1 0 0 0 0 （四）无法提供 …」). A table 三 row holds one row label: none is read."""
    report, page = example(EXAMPLES[0])

    def garbled(rows: Rows) -> Rows:
        if len(rows) < 20:
            return rows
        width = max(map(len, rows))
        return [list(column) for column in zip(*[row + [""] * (width - len(row)) for row in rows], strict=True)]

    read = imported(tmp_path, pasted(page, garbled))
    counts = score(read, truth(report))
    assert not counts["wrong"]
    assert not [f for f in check(read) if f.rule in ARITHMETIC and f.severity == ERROR]
    assert [f for f in read.read_findings if f.rule == "I-4" and f.severity == ERROR]


def wps_page(page: str) -> bytes:
    """What WPS or Word "save as web page" makes of the report: MsoNormal paragraphs and spans in every cell,
    no <th>, conditional comments, GB18030 with the charset in a meta tag."""
    body = page[page.index("<body") : page.rindex("</body>") + 7]

    def cell(match: re.Match) -> str:
        inner = match.group(3) or "<o:p>&nbsp;</o:p>"
        return (
            f"<td width=60 valign=top style='border:solid windowtext 1.0pt'{match.group(2)}><p class=MsoNormal "
            f"align=center><span lang=EN-US style='font-family:仿宋_GB2312'>{inner}<o:p></o:p></span></p></td>"
        )

    body = re.sub(r"<(td|th)((?:\s+(?:colspan|rowspan)=\"\d+\")*)[^>]*>(.*?)</\1>", cell, body, flags=re.S)
    body = re.sub(
        r"<h[1-3][^>]*>(.*?)</h[1-3]>", r"<p class=MsoNormal align=center><b><span>\1</span></b></p>", body, flags=re.S
    )
    body = re.sub(
        r"<p>(.*?)</p>",
        r"<p class=MsoNormal style='text-indent:32.0pt'><span>\1"
        r"<span style='mso-spacerun:yes'>&nbsp;</span></span></p>",
        body,
        flags=re.S,
    )
    body = re.sub(r"<table[^>]*>", "<table class=MsoNormalTable border=1 cellspacing=0 cellpadding=0>", body)
    head = (
        '<html xmlns:o="urn:schemas-microsoft-com:office:office" xmlns:w="urn:schemas-microsoft-com:office:word">'
        '<head><meta http-equiv=Content-Type content="text/html; charset=gb2312">'
        "<!--[if gte mso 9]><xml><w:WordDocument><w:View>Print</w:View></w:WordDocument></xml><![endif]-->"
        "</head>"
    )
    return (head + body + "</html>").encode("gb18030")


@pytest.mark.parametrize("name", EXAMPLES)
def test_wps_saved_web_page_in_gb18030_reads_every_cell_and_the_agency(tmp_path, name):
    report, page = example(name)
    path = tmp_path / "report.htm"
    path.write_bytes(wps_page(page))
    read = import_report(path)
    every_cell(read, truth(report))
    assert read.agency.name == report.agency.name and read.year == report.year


@pytest.mark.parametrize("name", EXAMPLES)
def test_table_3_split_over_two_pages_with_its_header_repeated_reads_every_cell(tmp_path, name):
    """A portal page of a report whose table 三 breaks over a page: two tables, the second repeating the header
    rows, a page number between them."""
    report, page = example(name)
    at = page.index('class="t-requests"')
    start, end = page.rindex("<table", 0, at), page.index("</table>", at)
    table = page[start:end]
    rows = [m.start() for m in re.finditer("<tr", table)] + [len(table)]
    first_data = next(k for k in range(len(rows) - 1) if "data-path" in table[rows[k] : rows[k + 1]])
    header, cut = table[rows[0] : rows[first_data]], rows[14]
    split = table[:cut] + "</tbody></table>\n<p>— 3 —</p>\n<table><tbody>" + header + table[cut:]
    path = tmp_path / "report.html"
    path.write_text(page[:start] + split + page[end:], encoding="utf-8")
    every_cell(import_report(path), truth(report))


def extracted(page: str) -> str:
    """The page as PDF text extraction gives it (pdfplumber): table cells separated by spaces."""
    return "\n".join(line.replace("\t", " ").strip() for line in pasted(page).splitlines()) + "\n"


@pytest.mark.parametrize(
    ("printed", "moved", "where"),
    [
        ("4.保护第三方合法权益 1 0 0 0 0 0 1", "1 0 0 0 0 0 1\n4.保护第三方合法权益", "上一行"),
        (
            "（四）无法提供 1.本机关不掌握相关政府信息 2 1 0 0 0 0 3",
            "（四）无法提供 1.本机关不掌握相关政府信息\n2 1 0 0 0 0 3",
            "下一行",
        ),
    ],
    ids=["numbers-above-the-label", "numbers-below-the-label"],
)
def test_a_label_apart_from_its_numbers_is_read_when_both_neighbours_have_their_own(tmp_path, printed, moved, where):
    """Extracted text prints a label's numbers on the line above or below it; the rows around have their numbers
    on their own lines, so the numbers can be no one else's: read (numbers above their label: with a reminder)."""
    report, page = example(EXAMPLES[0])
    text = extracted(page)
    assert printed in text
    read = imported(tmp_path, text.replace(printed, moved))
    every_cell(read, truth(report))
    notes = [f for f in read.read_findings if "单独占一行" in f.message]
    if where == "上一行":  # unusual: said, with the proof
        assert [(f.rule, f.severity) for f in notes] == [("I-3", WARNING)] and "它的数在它的上一行" in notes[0].message
    else:  # how a wrapped label comes out of a PDF: proved, nothing to say
        assert not notes


ROWS_4_AND_5 = "4.保护第三方合法权益 1 0 0 0 0 0 1\n5.属于三类内部事务信息 0 0 0 0 0 0 0"


@pytest.mark.parametrize(
    "moved",
    [
        "4.保护第三方合法权益\n1 0 0 0 0 0 1\n5.属于三类内部事务信息",
        "1 0 0 0 0 0 1\n4.保护第三方合法权益\n0 0 0 0 0 0 0\n1 0 0 0 0 0 1\n5.属于三类内部事务信息",
    ],
    ids=["one-line-between-two-labels-without", "three-lines-two-readings"],
)
def test_numbers_that_may_be_either_labels_are_read_for_neither(tmp_path, moved):
    """Extracted text prints numbers above or below their label. One line of numbers between two labels that have
    none may be either's; three lines for two rows pair in order as 1…/0… or 0…/1…, and the arithmetic holds
    both ways — reading either would be a wrong number. Neither row is read, each with an error naming it; the
    solver's finding names the readings that fit."""
    report, page = example(EXAMPLES[0])
    read = imported(tmp_path, extracted(page).replace(ROWS_4_AND_5, moved))
    counts = score(read, truth(report))
    assert not counts["wrong"]
    assert {p.rsplit(".", 1)[0] for p in counts["unread"]} == {"requests.denied_4", "requests.denied_5"}
    for row in ("requests.denied_4", "requests.denied_5"):
        assert [f for f in read.read_findings if f.path == row and f.severity == ERROR and f.rule == "I-2"]
    if moved.count("\n") == 4:
        [competing] = [f for f in read.read_findings if "不止一种" in f.message]
        assert "「4.保护第三方合法权益」可以是 0 0 0 0 0 0 0 或 1 0 0 0 0 0 1" in competing.message
    assert not [f for f in check(read) if f.rule in ARITHMETIC and f.severity == ERROR]


def test_lines_of_numbers_each_above_its_label_are_paired_in_order_when_the_arithmetic_holds(tmp_path):
    """「1…」「4.…」「0…」「5.…」: the second numbers may look like 4's (below it) or 5's (above it); but two rows
    and two lines of numbers between the rows read pair in order one way only, and every equation of the table
    holds with it (``settle``): read, with one I-3 reminder that says how."""
    report, page = example(EXAMPLES[0])
    moved = "1 0 0 0 0 0 1\n4.保护第三方合法权益\n0 0 0 0 0 0 0\n5.属于三类内部事务信息"
    read = imported(tmp_path, extracted(page).replace(ROWS_4_AND_5, moved))
    every_cell(read, truth(report))
    [paired] = [f for f in read.read_findings if f.rule == "I-3" and "配对" in f.message]
    assert paired.severity == WARNING and "2 行" in paired.message
    assert not [f for f in read.read_findings if f.path in ("requests.denied_4", "requests.denied_5")]
    assert not [f for f in check(read) if f.rule in ARITHMETIC and f.severity == ERROR]


def test_a_chain_of_labels_each_above_its_numbers_is_read_when_enclosed(tmp_path):
    """pdftotext -raw: 「1.申请人无正当理由…」「1 0 0 0 0 0 1」「2.申请人逾期…」「0 0 0 0 0 0 0」 between rows with their
    numbers on their own lines: every label owning one line of numbers next to it leaves only this reading. Read
    without a reminder: that is how a wrapped label comes out of a PDF."""
    report, page = example(EXAMPLES[0])
    text = extracted(page)
    for label in (
        "1.申请人无正当理由逾期不补正、行政机关不再处理其政府信息公开申请",
        "2.申请人逾期未按收费通知要求缴纳费用、行政机关不再处理其政府信息公开申请",
    ):
        line = next(line for line in text.splitlines() if label in line)
        text = text.replace(line, line.replace(f"{label} ", f"{label}\n"))
    read = imported(tmp_path, text)
    every_cell(read, truth(report))
    assert not [f for f in read.read_findings if "单独占一行" in f.message]


def test_a_label_above_its_numbers_before_a_2019_style_single_other_row_is_read(tmp_path):
    """pdftotext -layout of a 2021 table printing （六）其他处理 as one row (the 2019 way): the label wrapped above
    its numbers is proved by that row, which stands for the three rows of （六）."""
    report, page = example(EXAMPLES[0])
    text = extracted(page)
    other = [line for line in text.splitlines() if line.startswith(("（六）其他处理", "2.申请人逾期", "3.其他 "))]
    text = text.replace("\n".join(other), "（六）其他处理 1 0 0 0 0 0 1")
    text = text.replace("5.要求行政机关确认或重新出具已获取信息 0", "5.要求行政机关确认或重新出具已获取信息\n0")
    read = imported(tmp_path, text)
    assert [read.number(f"requests.not_processed_5.{c}") for c in ("natural", "total")] == [0, 0]
    assert not score(read, truth(report))["wrong"]
    assert not [f for f in check(read) if f.rule in ARITHMETIC and f.severity == ERROR]


GROUP_5_START = "（五）不予处理 1.信访举报投诉类申请 1 0 0 0 0 0 1\n2.重复申请 0 0 0 0 0 0 0"


@pytest.mark.parametrize(
    ("group", "read_as_printed"),
    [("（五）不予处理", True), ("（四）无法提供", False)],
    ids=["its-own-group-label", "another-groups-label"],
)
def test_numbers_after_a_group_label_on_its_own_line_are_the_next_labels_when_the_rows_around_have_theirs(
    tmp_path, group, read_as_printed
):
    """pdfplumber: 「1.信访… 1 0 …」, 「（五）不予处理」 alone (printed half-way down its merged cell), a line of
    numbers, 「2.重复申请」 alone. The group label is no row; the row above has its numbers: they are 2's.
    A label of another group there is not what the layout explains; but one unread row and one unused line of
    numbers between the rows read pair one way, and the arithmetic holds: read by ``settle``, with its reminder."""
    report, page = example(EXAMPLES[0])
    text = extracted(page)
    assert GROUP_5_START in text
    moved = f"1.信访举报投诉类申请 1 0 0 0 0 0 1\n{group}\n0 0 0 0 0 0 0\n2.重复申请"
    read = imported(tmp_path, text.replace(GROUP_5_START, moved))
    counts = score(read, truth(report))
    assert not counts["wrong"]
    assert not counts["unread"]
    paired = [f for f in read.read_findings if f.rule == "I-3" and "配对" in f.message]
    assert len(paired) == (0 if read_as_printed else 1)


GROUP_4_START = "（四）无法提供 1.本机关不掌握相关政府信息 2 1 0 0 0 0 3\n2.没有现成信息需要另行制作 0 0 0 0 0 0 0"


def test_numbers_above_two_labels_in_a_row_are_read_when_the_first_was_proved_theirs(tmp_path):
    """pdfplumber: 「8.… 0 …」「2 1 … 3」「1.本机关…」「（四）无法提供」「0 …」「2.没有…」「3.补正… 0 …」: the first
    line of numbers can only be 1's (8 has its own); then the second can only be 2's."""
    report, page = example(EXAMPLES[0])
    text = extracted(page)
    assert GROUP_4_START in text
    moved = "2 1 0 0 0 0 3\n1.本机关不掌握相关政府信息\n（四）无法提供\n0 0 0 0 0 0 0\n2.没有现成信息需要另行制作"
    read = imported(tmp_path, text.replace(GROUP_4_START, moved))
    every_cell(read, truth(report))
    notes = [f for f in read.read_findings if "单独占一行" in f.message]
    assert [(f.rule, f.severity) for f in notes] == [("I-3", WARNING)] * 2
