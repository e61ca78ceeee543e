"""A county's year (issue 13): filing status, nothing summed twice, the review page, last year beside this year.

One synthetic county folder is built from the bench's synthetic agencies: a unit filed twice
(「青山镇.xlsx」 and 「青山镇 - 副本.xlsx」), a copy under another agency name, a unit that did not file,
a late one, an unreadable file, one with an arithmetic error, a unit not on the list and the county's
own report; last year's reports are published .docx/.html/.pdf files. The batch runs with a relative
``-o`` and ``--previous``, and every status, the roll-up (cell by cell) and the review page are checked.
"""

from __future__ import annotations

import contextlib
import io
import os
import random
import re
import shutil
from dataclasses import replace
from datetime import date
from pathlib import Path
from urllib.parse import unquote

import pytest
from helpers import make_roster_module
from openpyxl import Workbook, load_workbook

from generator.app.cli import main
from generator.inputs.datafile import dump_yaml
from generator.inputs.excel import write_form

ROOT = Path(__file__).resolve().parent.parent
_module = make_roster_module()
synthetic_report, typed = _module.synthetic_report, _module.typed

COUNTY = "示例县人民政府"
NAMES = [
    "青山镇人民政府",
    "白云镇人民政府",
    "红旗乡人民政府",
    "东城街道办事处",
    "西河镇人民政府",
    "南岭乡人民政府",
    "北坡镇人民政府",
    "金水街道办事处",
    "柳林镇人民政府",
    "石桥乡人民政府",
]
EXPECTED_STATUS = {  # issue 17: identical data under another name is 雷同, never the same unit
    "青山镇": "重复提交",
    "白云镇": "已提交且通过",
    "红旗乡": "有错误",
    "东城街道": "有错误",
    "西河镇": "逾期",
    "南岭乡": "未提交",
    "北坡镇": "已提交且通过",
    "金水街道": "已提交且通过",
    "柳林镇": "已提交且通过",
    "石桥乡": "已提交且通过",
    "外县某镇": "不在名单中",
    "白云镇党政办": "不在名单中",
}
ACCEPTED = [
    "青山镇人民政府",
    "白云镇人民政府",
    "西河镇人民政府",
    "北坡镇人民政府",
    "金水街道办事处",
    "柳林镇人民政府",
    "石桥乡人民政府",
]
HOSTILE = '=HYPERLINK("http://example.com","点此查看")'


def unit(i: int, name: str, year: int = 2025, seed: int = 11):
    report = synthetic_report(i, year, random.Random(seed + i))
    return report.evolve(agency=replace(report.agency, name=name, parent=COUNTY))


def batch(*argv) -> int:
    return main(["batch", *map(str, argv)])


def short(name: str) -> str:
    return re.sub(r"(人民政府|办事处)$", "", name)


def last_year_of(report):
    """Last year's report of the same unit, consistent with this year's carry-over."""
    before = synthetic_report(NAMES.index(report.agency.name) + 50, 2024, random.Random(7))
    carried = {
        f"requests__carry_forward__{c.key}": report.numbers[f"requests.carried_over.{c.key}"]
        for c in report.format.requests.input_columns
    }
    before = typed(before, **carried)
    return before.evolve(agency=replace(before.agency, name=report.agency.name, parent=COUNTY))


@pytest.fixture(scope="module")
def county(tmp_path_factory):
    from generator.render import render

    base = tmp_path_factory.mktemp("county")
    folder, previous = base / "各单位2025", base / "2024年已发布"
    folder.mkdir()
    previous.mkdir()
    reports = {name: unit(i, name) for i, name in enumerate(NAMES)}
    reports["西河镇人民政府"] = reports["西河镇人民政府"].evolve(publication_date=date(2026, 3, 2))  # late
    broken = typed(
        reports["东城街道办事处"],
        requests__granted__natural=reports["东城街道办事处"].numbers["requests.granted.natural"] + 1,
    )  # R3-1
    write_form(folder / "青山镇.xlsx", reports["青山镇人民政府"].format, report=reports["青山镇人民政府"])
    shutil.copy(folder / "青山镇.xlsx", folder / "青山镇 - 副本.xlsx")
    (folder / "白云镇.yaml").write_text(dump_yaml(reports["白云镇人民政府"]), encoding="utf-8")
    renamed = reports["白云镇人民政府"].evolve(agency=replace(reports["白云镇人民政府"].agency, name="白云镇党政办"))
    (folder / "白云镇报送稿.yaml").write_text(dump_yaml(renamed), encoding="utf-8")  # a copy under another name
    (folder / "红旗乡.xlsx").write_bytes(b"PK\x03\x04 not really a workbook")  # unreadable
    (folder / "东城街道.yaml").write_text(dump_yaml(broken), encoding="utf-8")
    for name in ("西河镇人民政府", "金水街道办事处", "柳林镇人民政府"):
        (folder / f"{short(name)}.yaml").write_text(dump_yaml(reports[name]), encoding="utf-8")
    write_form(folder / "北坡镇.xlsx", reports["北坡镇人民政府"].format, report=reports["北坡镇人民政府"])
    write_form(folder / "石桥乡.xlsx", reports["石桥乡人民政府"].format, report=reports["石桥乡人民政府"])
    outsider = unit(30, "外县某镇人民政府")
    (folder / "外县某镇.yaml").write_text(dump_yaml(outsider), encoding="utf-8")
    accepted = [reports[n] for n in ACCEPTED]
    sums = {p: sum(r.numbers[p] for r in accepted) for p in accepted[0].format.input_paths}
    off = "requests.new.natural"
    own = unit(40, COUNTY).evolve(numbers={**sums, off: sums[off] + 5})  # the county's own report, one cell off
    own = own.evolve(agency=replace(own.agency, parent="示例市人民政府"))
    (folder / "示例县.yaml").write_text(dump_yaml(own), encoding="utf-8")

    kinds = ["docx", "html", "pdf", "docx", "html", "yaml", "docx", "html", "yaml"]
    for name, kind in zip(NAMES[:9], kinds, strict=True):  # 石桥乡 is new this year
        before = last_year_of(reports[name])
        data = dump_yaml(before).encode() if kind == "yaml" else render(before, kind)
        (previous / f"{short(name)}-2024.{kind}").write_bytes(data)
    gone = unit(60, "旧城镇人民政府", 2024)  # merged away: nobody matches it this year
    (previous / "旧城镇-2024.yaml").write_text(dump_yaml(gone), encoding="utf-8")

    book = Workbook()
    sheet = book.active
    sheet.append(["单位名称", "单位代码", "联系人", "联系电话"])
    for i, name in enumerate(NAMES):
        sheet.append([short(name) if i % 2 else name, f"36100{i:02d}", f"联系人{i}", f"0791-8800{i:04d}"])
    book.save(base / "名单.xlsx")
    return base, reports, accepted, sums, outsider


@pytest.fixture(scope="module")
def run(county):
    """The county run the way the README writes it: relative -o, last year's published reports."""
    base, *_ = county
    out = io.StringIO()
    cwd = os.getcwd()
    os.chdir(base)
    try:
        with contextlib.redirect_stdout(out):
            code = batch("各单位2025", "-o", "输出", "-j", 2, "--expected", "名单.xlsx", "--previous", "2024年已发布")
    finally:
        os.chdir(cwd)
    return code, out.getvalue(), base / "输出"


def units_sheet(out: Path) -> dict[str, dict]:
    book = load_workbook(out / "校验结果.xlsx")
    rows = book["各单位"].iter_rows(values_only=True)
    header = next(rows)
    return {short(r[1]): dict(zip(header, r, strict=True)) for r in rows}


def test_every_status_is_right_and_the_run_says_which_file_it_took(run):
    code, printed, out = run
    assert code == 1  # a unit has errors, one did not file
    units = units_sheet(out)
    assert {name: row["状态"] for name, row in units.items()} == EXPECTED_STATUS
    qingshan = units["青山镇"]
    assert qingshan["采用的数据"] == "青山镇.xlsx" and "青山镇 - 副本.xlsx" in qingshan["说明"]
    assert "数据相同，采用文件名不是副本的一份" in qingshan["说明"] and "只计入汇总一次" in qingshan["说明"]
    assert "采用「青山镇.xlsx」" in printed
    assert "白云镇党政办" in units["白云镇"]["说明"] and "雷同" in units["白云镇"]["说明"]
    assert "白云镇人民政府" in units["白云镇党政办"]["说明"] and "雷同" in units["白云镇党政办"]["说明"]
    assert units["西河镇"]["发布日期"] == "2026-03-02" and "晚于公布期限 30 天" in units["西河镇"]["说明"]
    assert units["南岭乡"]["采用的数据"] is None and "南岭乡" in printed.split("未提交的单位")[1]
    assert units["红旗乡"]["采用的数据"] == "红旗乡.xlsx"  # unreadable, still attributed by its file name
    assert "不在应报单位名单中" in units["外县某镇"]["说明"]
    assert {name: row["计入汇总"] for name, row in units.items()} == {
        n: "是" if any(short(a) == n for a in ACCEPTED) else "否" for n in EXPECTED_STATUS
    }
    assert units["北坡镇"]["单位代码"] == "3610006" and units["北坡镇"]["联系人"] == "联系人6"
    assert units["北坡镇"]["联系电话"] == "0791-88000006"
    assert units["东城街道"]["错误"] >= 1 and units["东城街道"]["本次处理"] == "未生成"


def test_rollup_is_the_sum_of_the_accepted_units_cell_by_cell(county, run):
    from generator.batch.sums import read_rollup

    _, _, accepted, sums, _ = county
    _, printed, out = run
    rollup = read_rollup(out / "汇总-2025年度.xlsx")  # the same sheet a city's batch reads
    assert rollup.agency.name == COUNTY
    for path, value in sums.items():
        assert rollup.numbers[path] == value, path
    for path in rollup.format.derived_parts:
        assert rollup.number(path) == sum(r.number(path) for r in accepted), path
    html = (out / "汇总-2025年度.html").read_text(encoding="utf-8")
    assert f"本表汇总了{len(accepted)}个单位" in html
    # issue 17: the roll-up is publishable (full names, no run notes); the notes are the reviewer's
    assert "未计入" not in html and "重新运行" not in html and "重复提交" not in html
    assert "白云镇人民政府" in html and ">白云镇<" not in html
    review = (out / "审核报告.html").read_text(encoding="utf-8")
    assert "未计入：2个单位的数据有错误或无法读取；1个应报单位未提交；2个单位不在应报单位名单中" in review
    assert "1个单位重复提交，每个单位只计入一次" in review
    assert f"汇总（2025年度，{len(accepted)} 个单位" in printed


def test_the_countys_own_report_is_compared_not_summed(run):
    _, _, out = run
    book = load_workbook(out / "校验结果.xlsx", read_only=True)
    checks = list(book["汇总校验"].iter_rows(min_row=2, values_only=True))
    book.close()
    h1 = [r for r in checks if r[1] == "H-1"]
    paths = {r[3] for r in h1}
    assert any("列「自然人」" in p and "本年新收" in p for p in paths)
    assert all(r[6] == 5 for r in h1)  # the cell and every total it feeds differ by 5
    assert {r[2] for r in h1} == {"提醒"}  # units are missing from the sum: not an established error
    assert "示例县人民政府" not in units_sheet(out)


def test_last_year_is_matched_from_published_reports(run):
    _, printed, out = run
    book = load_workbook(out / "校验结果.xlsx", read_only=True)
    rows = list(book["跨年度匹配"].iter_rows(min_row=2, values_only=True))
    book.close()
    how = {short(r[0]): r[3] for r in rows if r[0]}
    assert how["北坡镇"] == how["西河镇"] == "按单位代码"  # codes from 名单.xlsx, on both years' names
    assert how["石桥乡"] == how["外县某镇"] == "上年数据中没有找到"
    assert sorted(r[2] for r in rows if not r[0]) == sorted(["旧城镇人民政府", "南岭乡人民政府", "红旗乡人民政府"])
    assert "旧城镇人民政府" in printed.split("本年没有对应")[1]


def test_review_page_is_self_contained_with_charts_and_working_links(run):
    _, _, out = run
    page = (out / "审核报告.html").read_text(encoding="utf-8")
    assert "<link" not in page and not re.search(r"<script[^>]+src=", page) and "@import" not in page
    assert not re.search(r'(?:src|href)="(?:https?:)?//', page)  # nothing from the network
    assert page.count("<svg") >= 4 and "纠正率" in page and "主要数据与上年比较" in page
    assert "@media print" in page and "size: A4 landscape" in page
    assert 'id="pick"' in page and "localeCompare" in page  # filter and sort
    links = re.findall(r'href="([^"#][^"]*)"', page)
    assert links and all((out / unquote(link)).exists() for link in links)
    assert any(link.endswith(".docx") for link in links)
    dongcheng = next(d for d in page.split("<details")[1:] if "东城街道.yaml" in d.split("</summary>")[0])
    assert dongcheng.startswith(" open") and "R3-1" in dongcheng  # a unit with errors is shown open
    assert dongcheng.index("错误（") < dongcheng.index("提醒（")  # errors before warnings


def test_the_rollup_pdf_has_the_charts(run, tmp_path):
    from generator.render.pdf import html_to_pdf

    _, _, out = run
    html = (out / "汇总-2025年度.html").read_text(encoding="utf-8")
    assert html.count("<svg") >= 3
    pdf = html_to_pdf(html)
    from pypdf import PdfReader

    text = "".join(page.extract_text() for page in PdfReader(io.BytesIO(pdf)).pages)
    assert "办理结果构成" in text and "各单位本年新收" in text


def test_the_rollup_pdf_keeps_table_three_on_one_page(run):
    """Table 三 (four header rows, 26 rows) fits a page: it starts on a new page whole instead of at the foot of
    page 1 with its header and two rows (issue 22)."""
    from pypdf import PdfReader

    from generator.render.pdf import html_to_pdf

    _, _, out = run
    pdf = html_to_pdf((out / "汇总-2025年度.html").read_text(encoding="utf-8"))
    pages = ["".join(page.extract_text().split()) for page in PdfReader(io.BytesIO(pdf)).pages]
    holding = [i for i, text in enumerate(pages) if "申请人情况" in text]
    assert len(holding) == 1 and "（七）总计" in pages[holding[0]], [p[:40] for p in pages]


def test_batch_workbook_findings_errors_first_and_coloured(run):
    _, _, out = run
    book = load_workbook(out / "校验结果.xlsx")
    details = book["问题明细"]
    assert details.freeze_panes == "A2" and details.auto_filter.ref.startswith("A1:I")
    kinds = [(row[4].value, row[3].value) for row in details.iter_rows(min_row=2)]
    severities = [k for k, _ in kinds]
    assert severities == sorted(severities, key=lambda s: s != "错误")  # errors first
    fill_in = [i for i, (_, rule) in enumerate(kinds) if rule == "G-3"]
    others = [i for i, (k, rule) in enumerate(kinds) if k == "提醒" and rule != "G-3"]
    assert not fill_in or not others or min(fill_in) > max(others)  # "please add text" reminders last
    first = next(details.iter_rows(min_row=2, max_row=2))
    assert first[6].fill.fgColor.rgb.endswith("F8CBAD")
    units = book["各单位"]
    assert units.auto_filter.ref and units.freeze_panes == "A2"


def test_publishing_package_has_a_cms_fragment_next_to_each_report(run):
    _, _, out = run
    units = units_sheet(out)
    for name in ACCEPTED:
        row = units[short(name)]
        assert any(f.endswith("（网站发布用片段）.htm") for f in row["输出文件"].split("\n")), name
    fragments = sorted(out.glob("*/*（网站发布用片段）.htm"))
    text = fragments[0].read_text(encoding="utf-8")
    assert text.startswith("<article") and "<style" not in text and "var(--" not in text
    assert 'style="' in text and "<table" in text and "仿宋" in text
    assert fragments[0].with_name(fragments[0].name.replace("（网站发布用片段）.htm", ".docx")).exists()


def test_roll_up_of_roll_ups(county, tmp_path):
    """Two counties' roll-ups are the inputs of a city's; the city's roll-up is their sum."""
    from generator.batch.sums import read_rollup

    city = tmp_path / "各县汇总"
    city.mkdir()
    totals = []
    for n, county_name in enumerate(("甲县人民政府", "乙县人民政府")):
        folder = tmp_path / f"县{n}"
        folder.mkdir()
        members = [unit(100 + 10 * n + i, f"{county_name[:2]}第{i}镇人民政府") for i in range(3)]
        members = [m.evolve(agency=replace(m.agency, parent=county_name)) for m in members]
        for i, m in enumerate(members):
            (folder / f"{i}.yaml").write_text(dump_yaml(m), encoding="utf-8")
        assert batch(folder, "-o", tmp_path / f"县{n}输出", "-j", 1) == 0
        shutil.copy(tmp_path / f"县{n}输出" / "汇总-2025年度.xlsx", city / f"{county_name}.xlsx")
        totals += members
    assert batch(city, "-o", tmp_path / "市输出", "-j", 1, "--name", "示例市人民政府") == 0
    city_rollup = read_rollup(tmp_path / "市输出" / "汇总-2025年度.xlsx")
    assert city_rollup.agency.name == "示例市人民政府"
    for path in city_rollup.format.input_paths:
        assert city_rollup.numbers[path] == sum(r.numbers[path] for r in totals), path
    book = load_workbook(tmp_path / "市输出" / "校验结果.xlsx", read_only=True)
    statuses = {r[1]: r[3] for r in book["各单位"].iter_rows(min_row=2, values_only=True)}
    book.close()
    assert statuses == {"甲县人民政府": "已提交且通过", "乙县人民政府": "已提交且通过"}
    assert not list((tmp_path / "市输出").glob("*/*.docx"))  # a roll-up is summed, not published again


def test_user_text_never_becomes_a_formula(tmp_path):
    hostile = unit(0, HOSTILE)
    folder = tmp_path / "in"
    folder.mkdir()
    (folder / "a.yaml").write_text(dump_yaml(hostile), encoding="utf-8")
    (folder / "b.yaml").write_text(
        dump_yaml(typed(unit(1, "青山镇人民政府"), requests__new__natural="=1+1")), encoding="utf-8"
    )
    batch(folder, "-o", tmp_path / "out", "-j", 1, "--name", "@SUM(1,2)")
    for workbook in ("校验结果.xlsx", "汇总-2025年度.xlsx"):
        book = load_workbook(tmp_path / "out" / workbook)
        cells = [
            c
            for sheet in book.worksheets
            for row in sheet.iter_rows()
            for c in row
            if isinstance(c.value, str) and c.value.startswith("=")
        ]
        assert cells, workbook
        assert all(c.data_type == "s" and c.quotePrefix for c in cells), workbook
    page = (tmp_path / "out" / "审核报告.html").read_text(encoding="utf-8")
    assert HOSTILE not in page and "=HYPERLINK(&#34;http://example.com&#34;" in page


def test_relative_output_with_previous_has_no_english_error(county, tmp_path, monkeypatch, capsys):
    base, *_ = county
    monkeypatch.chdir(base)
    assert batch("各单位2025/北坡镇.xlsx", "-o", "单个输出", "-j", 1, "--previous", "2024年已发布") == 0
    captured = capsys.readouterr()
    assert "ValueError" not in captured.out + captured.err and "relative path" not in captured.out
    book = load_workbook(base / "单个输出" / "校验结果.xlsx", read_only=True)
    rows = list(book["跨年度匹配"].iter_rows(min_row=2, values_only=True))
    book.close()
    assert rows[0][:2] == ("北坡镇人民政府", "北坡镇.xlsx") and rows[0][3] == "按名称"


def test_deadline_decides_who_is_late(county, tmp_path, monkeypatch):
    base, *_ = county
    monkeypatch.chdir(base)
    assert batch("各单位2025/西河镇.yaml", "-o", tmp_path / "a", "-j", 1) == 0  # late is not an error
    assert units_sheet(tmp_path / "a")["西河镇"]["状态"] == "逾期"
    assert batch("各单位2025/西河镇.yaml", "-o", tmp_path / "b", "-j", 1, "--deadline", "03-31") == 0
    assert units_sheet(tmp_path / "b")["西河镇"]["状态"] == "已提交且通过"
