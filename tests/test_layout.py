"""The printed page measured against GB/T 9704-2012: our PDF (WeasyPrint) and our DOCX as LibreOffice prints it.

Characters per line, flush edges, margins, the 22-line grid, page numbers, how full each page is, where
the section 三 table may break and the 落款 — measured from the PDFs (character boxes and ink), not from
our own markup.
"""

import copy
import itertools
import re
from pathlib import Path

import pytest
from conftest import BROKEN, BUSY, MEIYANG, YINGLIN, example_dict, report_of
from helpers import soffice_convert
from pagelayout import (
    BLOCK_BOTTOM,
    BLOCK_LEFT,
    BLOCK_RIGHT,
    BLOCK_TOP,
    CELL,
    LINE_PITCH,
    NO_LINE_END,
    NO_LINE_START,
    PAGE_NUMBER_PT,
    dash_centre,
    full_width_only,
    read_pdf,
)

from generator.formats import HEADINGS
from generator.render import render
from generator.tables import all_grids

pytestmark = pytest.mark.poppler
NEEDS_SOFFICE = pytest.mark.libreoffice
MARGIN_MM = 0.5
CJK = re.compile(r"[\u4e00-\u9fff]")
EDGE_MM = 1.0
LETTER_SPACING_MM = 0.5


def stress_dict(extra: int = 0) -> dict:
    """A long report: a long agency name, prose full of numbers, phone numbers, e-mail addresses and URLs;
    ``extra`` paragraphs more push section 三's table further down the page."""
    data = copy.deepcopy(example_dict(BUSY))
    data["agency"]["name"] = "南京市江宁区人民政府青石街道办事处"
    data["agency"]["email"] = "qingshi.jiedao.gongkai@jiangning.example.gov.cn"
    data["agency"]["url"] = "https://www.jiangning.gov.cn/qsjd/zwgk/zfxxgkndbg/index.html"
    overview = data["prose"]["overview"]
    overview["management"] = "\n".join(
        f"（{i}）第{i}季度对拟公开文件开展保密审查{214 + i}件次，答复咨询电话025-5210{i:04d}共{30 + i}次；"
        f"更新政府信息公开指南（https://www.jiangning.gov.cn/qsjd/zwgk/{i}/）和目录，"
        f"经费1,{i}50.5万元，占比{12 + i}.5%。"
        for i in range(1, 5)
    )
    overview["platform"] = (
        overview["platform"] + "“青石发布”公众号全年推送信息1,024条，阅读量达12.5万人次，"
        "意见建议通过电子邮箱qingshi@example.gov.cn和热线025-52100000受理。" * 2
    )
    overview["supervision"] += "".join(
        f"\n第{i}次社会评议邀请居民代表、企业代表和人大代表共{20 + i}人参加，"
        "对政务公开工作满意率为98.5%，提出的意见建议已逐项答复并在网站公开。"
        for i in range(1, extra + 1)
    )
    return data


CASES = {
    "busy": example_dict(BUSY),
    "yinglin": example_dict(YINGLIN),
    "meiyang": example_dict(MEIYANG),
    "broken": example_dict(BROKEN),
    "stress": stress_dict(),
}  # every example, and the stress report
# the stress report with its section 三 table starting lower and lower: in some of them it must break
SHIFTED = {f"stress+{k}": stress_dict(k) for k in range(1, 6)}


@pytest.fixture(scope="module")
def weasyprint_pdfs(tmp_path_factory) -> dict[str, Path]:
    folder = tmp_path_factory.mktemp("pdf")
    paths = {}
    for name, data in {**CASES, **SHIFTED}.items():
        paths[name] = folder / f"{name}.pdf"
        paths[name].write_bytes(render(report_of(data), "pdf"))
    return paths


@pytest.fixture(scope="module")
def libreoffice_pdfs(tmp_path_factory) -> dict[str, Path]:
    """Our DOCX files converted by LibreOffice, all in one soffice call."""
    folder = tmp_path_factory.mktemp("lo")
    cases = {**CASES, **SHIFTED}
    for name, data in cases.items():
        (folder / f"{name}.docx").write_bytes(render(report_of(data), "docx"))
    soffice_convert("pdf", *(folder / f"{n}.docx" for n in cases), outdir=folder)
    return {name: folder / f"{name}.pdf" for name in cases}


RENDERINGS = [pytest.param(("pdf", name), id=f"pdf-{name}") for name in CASES] + [
    pytest.param(("lo", name), id=f"docx-{name}", marks=NEEDS_SOFFICE) for name in CASES
]


@pytest.fixture(params=RENDERINGS)
def rendering(request, weasyprint_pdfs, tmp_path_factory):
    kind, name = request.param
    path = weasyprint_pdfs[name] if kind == "pdf" else request.getfixturevalue("libreoffice_pdfs")[name]
    return (kind, name), path, read_pdf(path)


def body_lines(pages):
    """(page, line) for every line of 16 pt text, in reading order."""
    return [(page, line) for page in pages for line in page.lines()]


def full_lines(pages):
    """Lines followed by another line of the same paragraph: the next 16 pt line starts at the left margin
    (a new paragraph, heading or 落款 starts indented). The title (22 pt) and tables (≤ 10.5 pt) are apart."""
    lines = body_lines(pages)
    return [
        (page, line, after)
        for (page, line), (_, after) in itertools.pairwise(lines)
        if abs(after.x0 - BLOCK_LEFT) < MARGIN_MM
    ]


def test_full_lines_have_28_characters_and_both_edges_flush(rendering):
    """Every full line ends at the right margin, with Latin text, digits and URLs too; a line of Chinese
    characters only holds 28 of them (27 where the line-breaking rules move one down, fewer where the
    next line starts with a number or URL that did not fit)."""
    (kind, name), _, pages = rendering
    lines = full_lines(pages)
    short = name == "broken"  # the example with errors has little prose
    assert len(lines) >= (5 if short else 15), "too few full lines to judge"
    checked = 0
    for page, line, after in lines:
        where = f"page {page.number}: {line.text}"
        # Word and LibreOffice widen only spaces in a line without Chinese (a long URL's middle part); the PDF
        # leaves a line short rather than spread out when the number or address after it did not fit
        if (kind == "pdf" or CJK.search(line.text)) and not (kind == "pdf" and starts_unbreakable(after.text)):
            assert abs(line.x1 - BLOCK_RIGHT) <= EDGE_MM, f"right edge {line.x1:.2f} mm: {where}"
        if line.x0 > BLOCK_LEFT + CELL / 2:
            continue  # a paragraph's first line (indented 2 characters) is checked with the next test
        assert abs(line.x0 - BLOCK_LEFT) <= MARGIN_MM, f"left edge {line.x0:.2f} mm: {where}"
        if full_width_only(line.text) and full_width_only(after.text[0]):
            checked += 1
            # the line-breaking rules may move one character down: a 28th character that would have left
            # the next line starting with 、。） etc., or an opening bracket that would have ended this line
            pushed = bool(set(after.text[:2]) & NO_LINE_START) or after.text[0] in NO_LINE_END
            assert len(line.text) == 28 or (pushed and len(line.text) == 27), f"{len(line.text)} characters: {where}"
    assert checked >= (1 if short else 5), "too few lines of Chinese characters only"


def starts_unbreakable(text: str) -> bool:
    """A line starting with a number or a piece of an address (after its bracket or quotation mark)."""
    return text.lstrip("（“《")[0].isascii()


def test_no_full_line_is_spaced_out(rendering):
    """Justification adds at most 0.5 mm between characters: a URL or e-mail address breaks after / . - _ @,
    a quotation mark no longer holds the character beside it, and digits are half a character wide. In the PDF
    a line that would need more (a number or an address did not fit its end) stays short of the margin; Word
    and LibreOffice justify every line, so in the DOCX an address may also break between two letters."""
    (kind, name), _, pages = rendering
    spaced = [
        (page.number, round(line.letter_spacing(), 2), line.text)
        for page, line, after in full_lines(pages)
        if line.letter_spacing() > LETTER_SPACING_MM
    ]
    assert spaced == [], f"{kind} {name}: lines spaced out (page, mm, text)"


def test_a_line_before_a_number_that_did_not_fit_stays_short_in_the_pdf(weasyprint_pdfs):
    """英林镇's address ends a line with 「电话：0595-」 before 「85481241」, which does not fit: justified, the line
    would show 0.8 mm between its characters. Such lines end short of the margin, with their natural spacing."""
    short = [
        line
        for path in weasyprint_pdfs.values()
        for page in read_pdf(path)
        for line, after in itertools.pairwise(page.lines())
        if abs(after.x0 - BLOCK_LEFT) < MARGIN_MM and line.x1 < BLOCK_RIGHT - EDGE_MM
    ]
    assert any(line.text.endswith("电话：0595-") for line in short), [line.text for line in short]
    for line in short:
        assert line.letter_spacing() < 0.05, line.text


def test_adjacent_marks_are_compressed_in_the_pdf(weasyprint_pdfs):
    """标点挤压: 「》（」「》）」「”、“」「”（」: the second mark of a pair stands half a character after the first."""
    pairs = [
        (a.text + b.text, b.x0 - a.x0)
        for page in read_pdf(weasyprint_pdfs["stress"])
        for line in page.lines()
        for a, b in itertools.pairwise(line.chars)
        if a.text in "》”、。" and b.text in "（）“、"
    ]
    assert {"》（", "》）", "”（"} <= {text for text, _ in pairs}
    for text, advance in pairs:
        assert CELL / 2 - 0.3 <= advance <= CELL / 2 + 0.3, f"{text}: {advance:.2f} mm"


def test_paragraphs_and_headings_indent_two_characters(rendering):
    _, _, pages = rendering
    starts = [line for _, line in body_lines(pages) if line.x0 > BLOCK_LEFT + CELL and line.x0 < BLOCK_LEFT + 3 * CELL]
    assert len(starts) >= 5
    for line in starts:
        assert abs(line.x0 - (BLOCK_LEFT + 2 * CELL)) <= MARGIN_MM, f"{line.x0:.2f} mm: {line.text}"


def test_text_block_margins_and_line_grid(rendering):
    """Margins 37/35/28/26 mm: everything above the footer lies in the 156 × 225 mm text block; the first
    line of a page sits in the grid's first line, and a page of running text holds 22 lines."""
    _, _, pages = rendering
    for page in pages:
        chars = page.content()
        assert min(c.x0 for c in chars) >= BLOCK_LEFT - MARGIN_MM, f"page {page.number} left margin"
        assert max(c.x1 for c in chars) <= BLOCK_RIGHT + MARGIN_MM, f"page {page.number} right margin"
        assert min(c.top for c in chars) >= BLOCK_TOP - MARGIN_MM, f"page {page.number} top margin"
        assert max(c.bottom for c in chars) <= BLOCK_BOTTOM + MARGIN_MM, f"page {page.number} bottom margin"
        lines = page.lines()
        if lines and min(c.top for c in chars) == lines[0].top:  # the page starts with running text
            assert lines[0].bottom <= BLOCK_TOP + LINE_PITCH + MARGIN_MM, f"page {page.number}: first line too low"
    text_pages = [p for p in pages[:-1] if all(abs(c.size - 16) < 0.6 for c in p.content())]
    for page in text_pages:  # 22 lines (21 where a paragraph's last line may not stand alone on the next page)
        lines = page.lines()
        assert len(lines) in (21, 22), f"page {page.number} of running text has {len(lines)} lines"
        for k, line in enumerate(lines):
            assert abs(line.bottom - lines[0].bottom - k * LINE_PITCH) <= MARGIN_MM, f"page {page.number} line {k + 1}"


def test_page_numbers(rendering):
    """「— N —」 in 4号, the dashes 7 mm below the text block; odd pages right and even pages left, one
    character (of 4号) in from the edge of the text block."""
    _, path, pages = rendering
    one_char = PAGE_NUMBER_PT / 72 * 25.4
    for page in pages:
        footer = page.footer()
        assert footer is not None and footer.text == f"—{page.number}—", f"page {page.number}"
        assert all(abs(c.size - PAGE_NUMBER_PT) < 0.6 for c in footer.chars)
        if page.number % 2:
            assert abs(footer.x1 - (BLOCK_RIGHT - one_char)) <= MARGIN_MM, f"page {page.number}: {footer.x1:.2f}"
        else:
            assert abs(footer.x0 - (BLOCK_LEFT + one_char)) <= MARGIN_MM, f"page {page.number}: {footer.x0:.2f}"
        assert abs(dash_centre(path, page.number) - (BLOCK_BOTTOM + 7)) <= MARGIN_MM, f"page {page.number}"


def test_no_page_but_the_last_is_mostly_empty(rendering):
    """Every page but the last is at least 40 % full: tables continue on the next page instead of
    leaving a hole, unless what comes next cannot start there (then the gap is smaller than it)."""
    _, _, pages = rendering
    for page, following in itertools.pairwise(pages):
        used = (max(c.bottom for c in page.content()) - BLOCK_TOP) / (BLOCK_BOTTOM - BLOCK_TOP)
        assert used >= 0.4, f"page {page.number} is {used:.0%} full"


def test_title_and_signature(rendering):
    """The title's lines are one grid line apart; the 落款: agency name ending at least 2 characters from
    the right, the date below it, its first character 2 characters further right, inside the text block."""
    (_, name), _, pages = rendering
    report = report_of(CASES[name])
    title = list(pages[0].lines(size=22))
    assert "".join(line.text for line in title) == f"{report.agency.name}{report.year}年政府信息公开工作年度报告"
    if len(title) == 2:
        assert abs(title[1].bottom - title[0].bottom - LINE_PITCH) < 0.3
    last = pages[-1].lines()
    agency, date = last[-2], last[-1]
    assert agency.text == report.agency.name and date.text.startswith(str(report.publication_date.year))
    assert BLOCK_RIGHT - agency.x1 >= 2 * CELL - MARGIN_MM and date.x1 <= BLOCK_RIGHT + MARGIN_MM
    assert abs(date.x0 - agency.x0 - 2 * CELL) <= MARGIN_MM
    assert abs(date.bottom - agency.bottom - LINE_PITCH) < 0.3


@pytest.mark.parametrize("kind", ["pdf", pytest.param("lo", marks=NEEDS_SOFFICE)], ids=["pdf", "docx"])
def test_requests_table_continues_on_the_next_page(kind, weasyprint_pdfs, request):
    """Section 三 breaks between rows: the header repeats, the heading stays with the first rows, no row
    is split, and no group label （三）… is parted from its rows."""
    paths = weasyprint_pdfs if kind == "pdf" else request.getfixturevalue("libreoffice_pdfs")
    grid = all_grids(report_of(CASES["stress"]))["requests"]
    header = _squeeze(grid.cells[1].text)  # 申请人情况
    broken = []
    for name in SHIFTED:
        pages = read_pdf(paths[name])
        found = [p for p in pages if header in _squeeze(p.text())]
        if len(found) == 2:
            broken.append(name)
            _check_broken_table(grid, found)
        else:
            assert len(found) == 1, f"{name}: the table's header appears {len(found)} times"
    assert broken, "none of the shifted reports breaks the table: the test checks nothing"


def _check_broken_table(grid, found) -> None:
    edges = [BLOCK_LEFT + sum(grid.widths_mm[:i]) for i in range(grid.ncols + 1)]

    def column(page, col: int, span: int = 1) -> str:
        return _squeeze(page.text(edges[col], edges[col + span]))

    assert found[1].number == found[0].number + 1, "the table continues on the next page, its header repeated"
    assert _squeeze(HEADINGS[2]) in _squeeze(found[0].text()), "the heading stays with the table's first rows"
    assert _squeeze("一、本年新收政府信息公开申请数量") in column(found[0], 0, 3)
    for cell in grid.cells:
        if cell.path or cell.row < grid.header_rows or cell.col + cell.colspan != 3:
            continue  # row labels: the cells ending at the third column
        holding = [p for p in found if _squeeze(cell.text) in column(p, cell.col, cell.colspan)]
        assert len(holding) == 1, f"row {cell.text} is missing or split"
        labels = holding[0].rows(edges[cell.col], edges[3])
        where = next(bottom for bottom, text in labels if _squeeze(cell.text).startswith(_squeeze(text)[:4]))
        values = holding[0].rows(edges[3], BLOCK_RIGHT)
        nearest = min(values, key=lambda row: abs(row[0] - where))
        numbers = [c.text for c in grid.cells if c.row == cell.row and c.path]
        assert abs(nearest[0] - where) < 6 and _squeeze(nearest[1]) == "".join(numbers), f"row {cell.text}: its numbers"
    for group in (c for c in grid.cells if c.col == 1 and c.rowspan > 1):
        rows = [c for c in grid.cells if c.col == 2 and group.row <= c.row < group.row + group.rowspan]
        pages_of_rows = {p.number for p in found for c in rows if _squeeze(c.text) in column(p, 2)}
        assert len(pages_of_rows) == 1, f"{group.text}: its rows are on two pages"
        page = next(p for p in found if p.number in pages_of_rows)
        assert _squeeze(group.text) in column(page, 1), f"{group.text} parted from its rows"


def _squeeze(text: str) -> str:
    return re.sub(r"\s+", "", text)


@pytest.mark.parametrize("kind", ["pdf", pytest.param("lo", marks=NEEDS_SOFFICE)], ids=["pdf", "docx"])
def test_vertical_result_label_is_centred_on_its_first_rows(kind, weasyprint_pdfs, request):
    """「三、本年度办理结果」 runs down the first column over rows that may break across pages: it is cut there,
    its text centred on the rows before the first break, in the PDF and in LibreOffice (which put it at the top of
    a cell crossing the page when it was one merged cell)."""
    paths = weasyprint_pdfs if kind == "pdf" else request.getfixturevalue("libreoffice_pdfs")
    grid = all_grids(report_of(CASES["busy"]))["requests"]
    label = next(c for c in grid.cells if c.col == 0 and c.rowspan > 4)
    first = min(r for r in range(label.row, label.row + label.rowspan) if grid.break_after(r))
    edges = [BLOCK_LEFT + sum(grid.widths_mm[:i]) for i in range(grid.ncols + 1)]
    top_text = next(c.text for c in grid.cells if c.row == label.row and c.col == 1)
    bottom_text = next(c.text for c in grid.cells if c.row == first and c.col + c.colspan == 3)
    page = next(p for p in read_pdf(paths["busy"]) if _squeeze(top_text) in _squeeze(p.text(edges[1], edges[3])))
    rows = page.rows(edges[1], edges[3])  # (baseline, text)
    top = next(y for y, text in rows if _squeeze(top_text)[:4] in _squeeze(text))
    bottom = next(y for y, text in rows if y > top and _squeeze(bottom_text)[-4:] in _squeeze(text))
    chars = [c for c in page.chars if c.x1 <= edges[1] + 0.3 and c.baseline > top - 6 and c.text.strip()]
    assert _squeeze("".join(c.text for c in chars)) == _squeeze(label.text)
    middle = (min(c.baseline for c in chars) + max(c.baseline for c in chars)) / 2
    assert abs(middle - (top + bottom) / 2) < CELL, (
        f"{kind}: label centred at {middle:.1f} mm, rows {top:.1f}–{bottom:.1f}"
    )
