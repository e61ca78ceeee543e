"""Read the rendered HTML, DOCX and PDF back and compare with the data."""

import io
import re
import subprocess
import zipfile

import lxml.html
import pytest
from conftest import BROKEN, BUSY, YINGLIN, example_dict, report_of
from docx import Document
from docx.shared import RGBColor
from helpers import pdf_text, soffice_convert
from test_layout import stress_dict as stress_data

from generator.document import signature
from generator.formats import HEADINGS
from generator.numbers import INVALID_MARK
from generator.prose import other_matters, says_nothing, title_lines
from generator.render import render
from generator.render.html import stylesheet
from generator.tables import all_grids

HOSTILE = "<script>alert('x')</script> & {{ 7*7 }} {% if true %}坏{% endif %} \x01\x1f 😀 " + "长" * 10_000


def hostile_report():
    data = example_dict(BUSY)
    data["prose"]["problems"] = HOSTILE
    data["agency"]["name"] = "青石<b>街道</b>办事处&"
    return report_of(data)


def html_tree(report):
    return lxml.html.fromstring(render(report, "html"))


@pytest.mark.parametrize("path,rows", [(BUSY, 25), (YINGLIN, 23)], ids=["2021", "2019"])
def test_html_tables_hold_every_number(path, rows):
    report = report_of(example_dict(path))
    tree = html_tree(report)
    headings = [h.text_content() for h in tree.xpath("//h2")]
    assert headings == list(HEADINGS)
    tables = tree.xpath("//table")
    assert len(tables) == 3
    body_rows = tables[1].xpath("./tbody/tr")
    assert len(body_rows) == rows
    assert all(len(tr.xpath("./td")) == 7 for tr in body_rows)
    for td in tree.xpath("//td"):
        assert td.text_content().strip() != ""
        assert td.text_content() == str(report.number(td.get("data-path")))
    assert len(tables[2].xpath(".//td")) == 15


def test_html_labels_and_merges():
    report = report_of(example_dict(BUSY))
    tree = html_tree(report)
    grids = all_grids(report)
    for key, table in zip(("active", "requests", "appeals"), tree.xpath("//table")):
        labels = [th.text_content() for th in table.xpath(".//th") if th.text_content()]
        assert sorted(labels) == sorted(c.text for c in grids[key].cells if not c.path)
    assert tree.xpath("//th[normalize-space()='申请人情况']")[0].get("colspan") == "7"
    # 三、本年度办理结果 spans all 22 outcome rows: one cell, cut into pieces at the row groups a page may
    # break between (WeasyPrint draws a cut rowspan badly), drawn without borders between the pieces
    requests = tree.xpath("//table")[1]
    pieces = [
        tr.xpath("./th")[0]
        for tr in requests.xpath("./tbody/tr")
        if tr.xpath("./th")[0].get("class", "").startswith("open")
        or tr.xpath("./th")[0].text_content() == "三、本年度办理结果"
    ]
    assert sum(int(th.get("rowspan", 1)) for th in pieces) == 22
    assert [th.text_content() for th in pieces].count("三、本年度办理结果") == 1
    assert "open-top" not in pieces[0].get("class", "") and "open-bottom" not in pieces[-1].get("class", "")
    assert all("open-bottom" in th.get("class") for th in pieces[:-1])


def test_html_appeals_header_is_the_official_one():
    """Spec §4: 行政复议 spans 5 columns on header row 1 only; its leaf headings span rows 2–3."""
    rows = html_tree(report_of(example_dict(BUSY))).xpath("//table")[2].xpath("./thead/tr")
    first = [(th.text_content(), th.get("colspan"), th.get("rowspan")) for th in rows[0].xpath("./th")]
    assert first == [("行政复议", "5", None), ("行政诉讼", "10", None)]
    second = [(th.text_content(), th.get("colspan"), th.get("rowspan")) for th in rows[1].xpath("./th")]
    assert second == [
        ("结果维持", None, "2"),
        ("结果纠正", None, "2"),
        ("其他结果", None, "2"),
        ("尚未审结", None, "2"),
        ("总计", None, "2"),
        ("未经复议直接起诉", "5", None),
        ("复议后起诉", "5", None),
    ]
    assert len(rows[2].xpath("./th")) == 10


def test_html_derived_totals():
    tree = html_tree(report_of(example_dict(BUSY)))
    cell = lambda path: tree.xpath(f"//td[@data-path='{path}']")[0].text  # noqa: E731
    assert cell("requests.new.total") == "16"
    assert cell("requests.total_processed.natural") == "13"
    assert cell("requests.total_processed.total") == "17"
    assert cell("appeals.review.total") == "2"


def test_html_escapes_hostile_text():
    html = render(hostile_report(), "html").decode()
    assert "<script>alert" not in html and "&lt;script&gt;alert" in html
    assert "{{ 7*7 }}" in html and "49" not in re.sub(r"\d{3,}", "", html.split("alert")[1][:80])
    assert "<b>街道</b>" not in html and "青石&lt;b&gt;街道&lt;/b&gt;办事处&amp;" in html
    assert "\x01" not in html and "😀" in html and "长" * 10_000 in html


def _docx_cell_text(table, r, c):
    return table.cell(r, c).text


@pytest.mark.parametrize("path,rows", [(BUSY, 25), (YINGLIN, 23)], ids=["2021", "2019"])
def test_docx_tables_hold_every_number(path, rows):
    report = report_of(example_dict(path))
    doc = Document(io.BytesIO(render(report, "docx")))
    texts = [p.text for p in doc.paragraphs]
    positions = [texts.index(h) for h in HEADINGS]
    assert positions == sorted(positions)
    assert texts[0].replace("\n", "") == f"{report.agency.name}{report.year}年政府信息公开工作年度报告"
    assert len(doc.tables) == 3
    grids = all_grids(report)
    for table, key in zip(doc.tables, ("active", "requests", "appeals")):
        for cell in grids[key].cells:
            assert table.cell(cell.row, cell.col).text == cell.text
            if cell.path:
                assert cell.text == str(report.number(cell.path)) != ""
    assert len(doc.tables[1].rows) == 3 + rows


def test_docx_fonts_are_chinese():
    data = render(report_of(example_dict(BUSY)), "docx")
    with zipfile.ZipFile(io.BytesIO(data)) as z:
        styles = z.read("word/styles.xml").decode()
        settings = z.read("word/settings.xml").decode()
        document = z.read("word/document.xml").decode()
    assert (
        'w:eastAsia="仿宋_GB2312"' in styles and 'w:eastAsia="黑体"' in styles and 'w:eastAsia="楷体_GB2312"' in styles
    )
    assert "ja-JP" not in styles + settings
    assert 'w:eastAsia="zh-CN"' in styles
    assert "<w:tblLayout w:type=\"fixed\"/>" in document and "w:gridSpan" in document and "w:vMerge" in document


def test_docx_page_setup_and_page_numbers():
    doc = Document(io.BytesIO(render(report_of(example_dict(BUSY)), "docx")))
    section = doc.sections[0]
    assert round(section.top_margin.mm) == 37 and round(section.bottom_margin.mm) == 35
    assert round(section.left_margin.mm) == 28 and round(section.right_margin.mm) == 26
    assert section.footer.paragraphs[0].text.startswith("— ")
    assert 'PAGE' in section.footer._element.xml and 'PAGE' in section.even_page_footer._element.xml


def test_docx_escapes_hostile_text():
    doc = Document(io.BytesIO(render(hostile_report(), "docx")))
    body = "\n".join(p.text for p in doc.paragraphs)
    assert "<script>alert('x')</script> & {{ 7*7 }}" in body
    assert "\x01" not in body and "😀" in body and "长" * 10_000 in body
    assert doc.paragraphs[0].text.startswith("青石<b>街道</b>办事处&\n")


def test_rendering_is_byte_identical():
    report = report_of(example_dict(BUSY))
    assert render(report, "docx") == render(report_of(example_dict(BUSY)), "docx")
    assert render(report, "html") == render(report_of(example_dict(BUSY)), "html")


@pytest.fixture(scope="module")
def busy_pdf():
    return render(report_of(example_dict(BUSY)), "pdf")


@pytest.mark.poppler
def test_pdf_text_and_numbers(busy_pdf, tmp_path):
    path = tmp_path / "r.pdf"
    path.write_bytes(busy_pdf)
    text = pdf_text(path, layout=True)
    for heading in HEADINGS:
        assert heading in text
    row = next(line for line in text.splitlines() if "本年新收政府信息公开申请数量" in line)
    assert row.split()[-7:] == ["12", "3", "0", "0", "1", "0", "16"]
    assert re.search(r"—\s*1\s*—", text) and "2026年1月20日" in text


@pytest.mark.poppler
def test_pdf_fonts_embedded_cjk(busy_pdf, tmp_path):
    path = tmp_path / "r.pdf"
    path.write_bytes(busy_pdf)
    fonts = subprocess.run(["pdffonts", str(path)], capture_output=True, text=True, check=True).stdout  # poppler
    lines = fonts.splitlines()[2:]
    assert lines and all(" yes " in line for line in lines)  # every font embedded
    names = " ".join(line.split()[0] for line in lines)
    assert "FandolFang" in names and "FandolHei" in names and "FandolKai" in names


@pytest.mark.poppler
def test_pdf_digits_and_latin_letters_are_in_a_times_new_roman_serif(busy_pdf, tmp_path):
    """Digits and Latin letters in Times New Roman or its metric twin Liberation Serif, half a character wide;
    Chinese characters and full-width marks (“”、) stay in the Chinese fonts."""
    import pdfplumber

    path = tmp_path / "r.pdf"
    path.write_bytes(busy_pdf)
    with pdfplumber.open(path) as pdf:
        chars = [c for page in pdf.pages for c in page.chars if abs(c["size"] - 16) < 0.6]
    latin = [c for c in chars if c["text"].isascii() and c["text"].isalnum()]
    assert len(latin) > 50
    assert all("Latin-Serif" in c["fontname"] for c in latin), {c["fontname"] for c in latin}
    assert all(abs((c["x1"] - c["x0"]) - 8) < 0.05 for c in latin if c["text"].isdigit())  # 0.5 em of 16 pt
    assert not any("Latin-Serif" in c["fontname"] for c in chars if not c["text"].isascii())


def test_docx_marks_break_opportunities_in_addresses_and_around_quotes():
    data = stress_data()
    doc = Document(io.BytesIO(render(report_of(data), "docx")))
    body = "\n".join(p.text for p in doc.paragraphs)
    spaced = "\u200b".join  # an address may break between two letters too (Word and LibreOffice justify every line)
    assert f"{spaced('https')}://\u200b{spaced('www')}.\u200b{spaced('jiangning')}.\u200b{spaced('gov')}." in body
    assert f"{spaced('qingshi')}@\u200b{spaced('example')}.\u200b{spaced('gov')}.\u200b{spaced('cn')}" in body
    assert "025-\u200b52100000" in body and "52100000" in body.replace("025-\u200b", "")
    assert "\u200b“青石发布”\u200b公众号" in body
    assert all("\u200b" not in p.text for p in doc.paragraphs if p.style.name != "Normal")  # body text only


def test_break_opportunities_are_not_read_back_as_data(tmp_path):
    """Last year's report made by nianbao, imported: its URL and prose come back without the zero-width spaces."""
    from generator.inputs import load_report

    data = stress_data()
    path = tmp_path / "去年.docx"
    path.write_bytes(render(report_of(data), "docx"))
    report = load_report(path)
    assert report.agency.url == "https://www.jiangning.gov.cn/qsjd/zwgk/zfxxgkndbg/index.html"
    assert not any("\u200b" in text or "\u2060" in text for text in report.prose.values() if text)


@pytest.mark.libreoffice
@pytest.mark.poppler
def test_libreoffice_opens_the_docx(tmp_path):
    (tmp_path / "r.docx").write_bytes(render(report_of(example_dict(BUSY)), "docx"))
    soffice_convert("pdf", tmp_path / "r.docx", outdir=tmp_path)
    text = pdf_text(tmp_path / "r.pdf", layout=True)
    for heading in HEADINGS:
        assert heading in text
    assert "青石街道办事处" in text and "2026 年 1 月 20 日" in text.replace("2026年1月20日", "2026 年 1 月 20 日")


def test_committed_reference_template_is_current():
    from generator.render.docx import REFERENCE
    from generator.render.docx_reference import build_reference
    from generator.resources import template_bytes

    assert template_bytes(REFERENCE) == build_reference(), "run: python -m generator.render.docx_reference"


# --- DOCX typesetting: the settings Word and WPS lay the page out from ----------------------------

W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"


def docx_part(data: bytes, name: str):
    with zipfile.ZipFile(io.BytesIO(data)) as z:
        return lxml.etree.fromstring(z.read(name))


def style(styles, style_id: str):
    return styles.find(f"{W}style[@{W}styleId='{style_id}']")


def test_docx_grid_gives_28_characters_and_22_lines():
    data = render(report_of(example_dict(BUSY)), "docx")
    grid = docx_part(data, "word/document.xml").find(f".//{W}sectPr/{W}docGrid")
    assert grid.get(f"{W}type") == "lines" and grid.get(f"{W}linePitch") == "578"  # 22 lines of 28.9 pt
    styles = docx_part(data, "word/styles.xml")
    normal = style(styles, "Normal")
    size = int(normal.find(f"{W}rPr/{W}sz").get(f"{W}val")) / 2
    condensed = int(normal.find(f"{W}rPr/{W}spacing").get(f"{W}val")) / 20
    text_width = (210 - 28 - 26) / 25.4 * 72
    assert size == 16 and 28 * (size + condensed) <= text_width < 29 * (size + condensed)
    assert normal.find(f"{W}pPr/{W}jc").get(f"{W}val") == "both"
    title = style(styles, "Title")
    assert title.find(f"{W}pPr/{W}snapToGrid").get(f"{W}val") == "0"  # not two grid lines per title line
    assert title.find(f"{W}pPr/{W}spacing").get(f"{W}line") == "578"


def test_docx_footers_one_character_from_the_edge():
    data = render(report_of(example_dict(BUSY)), "docx")
    for name, side in (("word/footer1.xml", "right"), ("word/footer2.xml", "left")):
        ind = docx_part(data, name).find(f".//{W}pPr/{W}ind")
        assert ind.get(f"{W}{side}") == "280" and ind.get(f"{W}firstLine") == "0"  # 1 character of 4号, no body indent
        assert docx_part(data, name).find(f".//{W}pPr/{W}jc").get(f"{W}val") == side


@pytest.mark.parametrize("key", ["active", "requests", "appeals"])
def test_docx_tables_repeat_headers_keep_groups_and_pad_cells(key):
    report = report_of(example_dict(BUSY))
    grid = all_grids(report)[key]
    tables = docx_part(render(report, "docx"), "word/document.xml").findall(f".//{W}tbl")
    rows = tables[["active", "requests", "appeals"].index(key)].findall(f"{W}tr")
    assert all(tr.find(f"{W}trPr/{W}cantSplit") is not None for tr in rows)  # no row split across pages
    headers = [tr.find(f"{W}trPr/{W}tblHeader") is not None for tr in rows]
    assert headers == [r < grid.header_rows for r in range(grid.nrows)]
    kept = [tr.find(f"{W}tc/{W}p/{W}pPr/{W}keepNext") is not None for tr in rows]
    assert kept == [r < grid.nrows - 1 and not grid.break_after(r) for r in range(grid.nrows)]
    margins = tables[0].find(f"{W}tblPr/{W}tblCellMar")
    assert int(margins.find(f"{W}top").get(f"{W}w")) > 0 and int(margins.find(f"{W}bottom").get(f"{W}w")) > 0


def test_requests_grid_breaks_only_between_groups():
    """Section 三 may continue on the next page only where no group label is cut from its rows: after the
    first rows (一、二 stay with the header), after a whole group, never before the last row."""
    grid = all_grids(report_of(example_dict(BUSY)))["requests"]
    label_of = {c.row: c.text for c in grid.cells if c.col + c.colspan == 3 and not c.path}
    breaks = [label_of[r] for r in range(grid.nrows - 1) if grid.break_after(r)]
    assert breaks == [
        "二、上年结转政府信息公开申请数量",
        "8.属于行政查询事项",
        "3.补正后申请内容仍不明确",
        "5.要求行政机关确认或重新出具已获取信息",
        "3.其他",
    ]


# --- drafts and unreadable numbers ---------------------------------------------------------------


@pytest.mark.poppler
def test_draft_is_marked_on_every_page_and_in_the_file_name(tmp_path, capsys):
    from generator.app.cli import main

    assert main(["render", str(BROKEN), "-o", str(tmp_path), "--to", "docx,html,pdf", "--ignore-errors"]) == 0
    names = sorted(p.name for p in tmp_path.iterdir())
    assert len(names) == 3 and all("（草稿）" in name for name in names)
    html = next(tmp_path.glob("*.html")).read_text(encoding="utf-8")
    assert '<p class="draft-mark"' in html and "<title>【草稿】" in html
    pdf = next(tmp_path.glob("*.pdf"))
    pages = pdf_text(pdf).split("\f")[:-1]
    assert len(pages) > 1 and all("草稿" in page for page in pages)
    doc = Document(str(next(tmp_path.glob("*.docx"))))
    section = doc.sections[-1]
    assert all(h.paragraphs[0].text.startswith("草稿") for h in (section.header, section.even_page_header))
    assert main(["render", str(BUSY), "-o", str(tmp_path / "ok"), "--to", "html"]) == 0
    assert "草稿" not in next((tmp_path / "ok").glob("*.html")).read_text(encoding="utf-8")


def test_unreadable_numbers_are_marked_not_printed_as_zero():
    data = example_dict(BUSY)
    data["active"]["licensing"]["decisions"] = "一百五十六"
    data["requests"]["new"]["natural"] = "十二"
    for part in ("active", "requests"):  # generated from the numbers
        del data["prose"]["overview"][part]
    report = report_of(data)
    assert report.number("active.licensing.decisions") is None
    tree = html_tree(report)
    for path in ("active.licensing.decisions", "requests.new.natural", "requests.new.total"):
        td = tree.xpath(f"//td[@data-path='{path}']")[0]
        assert td.text_content() == INVALID_MARK and "invalid" in td.get("class")
    assert (
        "作出行政许可决定【待核】件" in tree.xpath("//h3[.='（一）主动公开']/following-sibling::p[1]")[0].text_content()
    )
    assert "收到政府信息公开申请【待核】件" in html_tree(report).text_content()
    doc = Document(io.BytesIO(render(report, "docx")))
    cell = doc.tables[0].cell(6, 1)  # 行政许可
    assert cell.text == INVALID_MARK and cell.paragraphs[0].runs[0].font.color.rgb == RGBColor(0xC0, 0, 0)


# --- generated prose ---------------------------------------------------------------------------


def test_section_six_never_contradicts_the_fee_sentence():
    """英林镇 2020: 「本年度未收取…信息处理费。」 then 「无。」 — the 「无。」 goes."""
    report = report_of(example_dict(YINGLIN))
    assert other_matters(report) == "本年度未收取政府信息公开信息处理费。"
    for nothing in ("无", "无。", "没有。", "无其他需要报告的事项。", "本年度无其他需要报告的事项。"):
        assert says_nothing(nothing)
    assert not says_nothing("无承办的人大代表建议和政协提案。")
    data = example_dict(YINGLIN)
    data["fees"] = {}
    assert other_matters(report_of(data)) == "无。"  # nothing stated about fees: the user's words stay


@pytest.mark.parametrize(
    "name,lines",
    [
        ("青石街道办事处", ["青石街道办事处", "2025年政府信息公开工作年度报告"]),
        ("某镇", ["某镇2025年政府信息公开工作年度报告"]),
        (
            "江苏省南京市江宁区市场监督管理局（区知识产权局）",
            ["江苏省南京市江宁区市场监督管理局", "（区知识产权局）", "2025年政府信息公开工作年度报告"],
        ),
        ("中共青石镇委员会 青石镇人民政府", ["中共青石镇委员会 青石镇人民政府", "2025年政府信息公开工作年度报告"]),
        (
            "国家税务总局南京市江宁区税务局第一税务分局",
            ["国家税务总局", "南京市江宁区税务局第一税务分局", "2025年政府信息公开工作年度报告"],
        ),
    ],
)
def test_long_titles_break_between_words(name, lines):
    data = example_dict(BUSY)
    data["agency"]["name"] = name
    assert title_lines(report_of(data)).split("\n") == lines


def test_signature_offsets_follow_gb9704():
    """落款: name 2 characters from the right, date's first character 2 characters right of the name's;
    a date reaching closer than 2 characters to the edge ends 2 from it and the name moves left."""
    name, date = signature("英林镇人民政府", "2021年1月15日")
    assert (name.left, name.right, date.left, date.right) == (17.5, 3.5, 19.5, 2)
    name, date = signature("南京市江宁区人民政府办公室", "2026年1月20日")
    assert (name.right, date.left - name.left) == (2, 2)


# --- fonts on clerks' machines -------------------------------------------------------------------


def test_css_font_stacks_official_then_installed_then_free():
    css = stylesheet()
    stacks = {
        name: [f.strip().strip('"') for f in value.split(",")]
        for name, value in re.findall(r"--(\w+):\s*([^;]+);", css)
    }
    expected = {
        "fangsong": ("仿宋_GB2312", ["仿宋", "FangSong", "STFangsong", "方正仿宋_GBK"], "FandolFang"),
        "kaiti": ("楷体_GB2312", ["楷体", "KaiTi", "STKaiti", "Kaiti SC"], "FandolKai"),
        "heiti": ("黑体", ["SimHei", "STHeiti", "PingFang SC"], "FandolHei"),
        "songti": ("宋体", ["SimSun", "STSong", "Songti SC"], "FandolSong"),
        "title": ("方正小标宋简体", ["方正小标宋_GBK", "FZXiaoBiaoSong-B05S", "STZhongsong"], "Noto Serif CJK SC"),
    }
    for name, (official, installed, free) in expected.items():
        stack = stacks[name]
        if name != "heiti":  # Latin letters and digits first, in Times New Roman (or Liberation Serif)
            assert stack.pop(0) == "Latin Serif", name
        assert stack[0] == official, name
        assert all(stack.index(font) < stack.index(free) for font in installed), name


def test_docx_appeals_header_is_the_official_one():
    """Spec §4 in Word: 行政复议 spans 5 columns on the first header row only; its five leaf headings are
    merged over rows 2–3 (vMerge), beside 未经复议直接起诉 and 复议后起诉 (5 columns each)."""
    table = docx_part(render(report_of(example_dict(BUSY)), "docx"), "word/document.xml").findall(f".//{W}tbl")[2]
    rows = table.findall(f"{W}tr")

    def cells(row):
        out = []
        for tc in row.findall(f"{W}tc"):
            span = tc.find(f"{W}tcPr/{W}gridSpan")
            merge = tc.find(f"{W}tcPr/{W}vMerge")
            out.append(
                (
                    "".join(tc.itertext()),
                    int(span.get(f"{W}val")) if span is not None else 1,
                    None if merge is None else merge.get(f"{W}val", "continue"),
                )
            )
        return out

    assert cells(rows[0]) == [("行政复议", 5, None), ("行政诉讼", 10, None)]
    leaves = ["结果维持", "结果纠正", "其他结果", "尚未审结", "总计"]
    assert cells(rows[1]) == [(t, 1, "restart") for t in leaves] + [
        ("未经复议直接起诉", 5, None),
        ("复议后起诉", 5, None),
    ]
    assert cells(rows[2]) == [("", 1, "continue")] * 5 + [(t, 1, None) for t in leaves * 2]
