"""Importing published reports: the five real seeds, our own renderings, constructed layouts, the CLI."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

import pytest
from conftest import BUSY, EXAMPLES, YINGLIN
from helpers import run_cli

from generator.carry import next_year
from generator.checks import check
from generator.document import BODY, DATE, HEADING1, HEADING2, SIGNATURE, TABLE, TITLE, build_document
from generator.findings import ERROR, WARNING, has_errors
from generator.formats import FORMAT_2019, HEADINGS
from generator.inputs import InputError, load_report
from generator.inputs.datafile import read_data_file, report_to_dict
from generator.inputs.importer import import_report
from generator.prose import paragraphs, says_nothing
from generator.render import render

SEEDS = Path(__file__).resolve().parent / "seeds"


def seed(number: str) -> Path:
    return next(SEEDS.glob(f"{number}_*.txt"))


def expected_numbers(fmt, **nonzero) -> dict:
    """Every input number of a format: 0, except the given ones (path with '.' written as '__')."""
    values = dict.fromkeys(fmt.input_paths, 0)
    values.update({k.replace("__", "."): v for k, v in nonzero.items()})
    return values


def total_paths(fmt) -> set[str]:
    requests = fmt.requests
    paths = {f"requests.{r.key}.total" for r in requests.rows}
    paths |= {f"requests.total_processed.{c.key}" for c in requests.columns}
    return paths | {f"appeals.{r.key}.total" for r in fmt.appeals.rows}


def findings_of(report, rule, severity=None):
    return [f for f in report.read_findings if f.rule == rule and (severity is None or f.severity == severity)]


# --- the five seeds: every number of 二/三/四 and the findings each deserves -------------------

SEED_NUMBERS = {
    "000": dict(
        active__licensing__prev_items=4,
        active__licensing__decisions=35,
        active__procurement__items=7,
        active__procurement__amount=Decimal(5000000),
    ),
    "001": {},
    "002": {},
    "003": dict(active__procurement__items=2, active__procurement__amount=Decimal(109930)),
    "004": {},
}


@pytest.mark.parametrize("number", sorted(SEED_NUMBERS))
def test_seed_numbers_are_read_completely(number):
    report = load_report(seed(number))
    assert report.format is FORMAT_2019 and report.declared_format == "2019"
    assert report.numbers == expected_numbers(FORMAT_2019, **SEED_NUMBERS[number])
    assert report.typed_totals == dict.fromkeys(total_paths(FORMAT_2019), 0)
    assert not findings_of(report, "I-1") and not findings_of(report, "I-2") and not findings_of(report, "I-4")


def test_seed_000_broken_numbering_and_mangled_amount():
    report = load_report(seed("000"))
    assert (report.agency.name, report.year) == ("双安镇", 2020)
    amount = [f for f in findings_of(report, "R0-1", WARNING) if f.path == "active.procurement.amount"]
    assert len(amount) == 1 and amount[0].operands["原文"] == "500,0000" and "第101行" in amount[0].where
    numbering = findings_of(report, "G-1", ERROR)
    assert [f.operands["后"] for f in numbering] == [
        "二、主动公开政府信息情况（数据填报）",
        "三、收到和处理政府信息公开申请情况（数据填报）",
        "四、政府信息公开行政复议、行政诉讼情况（数据填报）",
    ]
    assert "第9行" in numbering[0].message and "第31行" in numbering[0].message
    assert report.headings[0] == "一、概述" and report.headings[1] == "二、主动公开政府信息情况（数据填报）"
    # Section 一 runs up to the real section 二: its false 二…四 stay prose of 一.
    assert "信息公开系统运维工作情况" in report.prose["overview.intro"]
    assert report.prose["problems"].startswith("存在的主要问题是") and report.prose["other"] == "无。"
    assert any(f.rule == "G-1" and "一、总体情况" in f.message for f in check(report))


def test_seed_001_clean_report_details():
    report = load_report(seed("001"))
    agency = report.agency
    assert (agency.name, agency.level, agency.short_name, agency.office) == ("英林镇人民政府", "镇", "我镇", "党政办")
    assert (agency.postcode, agency.phone, agency.email) == ("362256", "0595-85481241", "y1zdzb2019@sina.com")
    assert (agency.website, agency.url) == ("中国晋江", "http://www.jinjiang.gov.cn/")
    assert str(report.publication_date) == "2021-01-15"
    assert report.headings == HEADINGS
    assert report.prose["overview.management"].startswith("一是加强组织领导。")
    assert report.prose["overview.supervision"].startswith("严格执行“谁公开、谁审查、谁负责”")
    assert "**" not in report.prose["overview.management"]
    # Three rows of the tab-separated text carry one cell too many (all zeros): read, with a warning.
    extra = findings_of(report, "I-3", WARNING)
    assert sorted(f.path for f in extra) == ["requests.carry_forward", "requests.other", "requests.total_processed"]
    assert not has_errors(check(report))


def test_seed_002_announces_four_parts():
    report = load_report(seed("002"))
    parts = [f for f in findings_of(report, "G-1", ERROR) if "四个部分" in f.message]
    assert len(parts) == 1 and "以上四个部分" in parts[0].operands["原文"]
    assert report.agency.name == "波密县倾多镇人民政府" and report.agency.postcode == "860312"
    assert report.headings[:2] == ("1、 总体情况", "二、主动公开情况")
    reworded = {f.operands.get("原文") for f in check(report) if f.rule == "G-1" and f.severity == WARNING}
    assert {"1、 总体情况", "二、主动公开情况"} <= reworded
    assert "[bookmark" not in report.prose["overview.intro"]


def test_seed_003_signs_and_repeated_numbering():
    report = load_report(seed("003"))
    plus = findings_of(report, "R0-1", WARNING)
    assert sorted(f.path for f in plus) == sorted(
        f"active.{r}.change" for r in ("licensing", "other_services", "penalty", "coercion")
    )
    assert all(f.operands["原文"] == "+0" for f in plus)
    repeated = [f.operands["后"] for f in findings_of(report, "G-1", ERROR)]
    assert repeated == ["一、主动公开政府信息情况", "二、主动公开政府信息情况", "三、收到和处理政府信息公开申请情况"]
    assert report.agency.name == "町店镇人民政府" and report.headings == HEADINGS


def test_seed_004_format_mix():
    report = load_report(seed("004"))
    assert report.year == 2021 and report.format.key == "2019"
    mix = findings_of(report, "G-2", ERROR)
    assert len(mix) == 1 and mix[0].operands["这一部分"] == "2021"
    summed = findings_of(report, "G-2", WARNING)
    assert len(summed) == 1 and summed[0].path == "requests.other"
    spaces = [f for f in findings_of(report, "R0-1", WARNING) if "空格" in f.message]
    assert len(spaces) == 1 and spaces[0].operands["单元格数"] == 153
    g2 = [f for f in check(report) if f.rule == "G-2" and f.path == "format"]
    assert len(g2) == 1 and g2[0].severity == ERROR
    agency = report.agency
    assert (agency.name, agency.address, agency.website) == (
        "嵋阳镇人民政府",
        "临猗县嵋阳镇东大街1号",
        "临猗县人民政府网站",
    )
    assert report.prose["overview.active"].startswith("截至2021年12月31日")


def test_carry_forward_from_a_published_report(tmp_path):
    """结转下年度 of last year's published report becomes this year's 上年结转."""
    lines = seed("003").read_text(encoding="utf-8").splitlines()
    row = lines.index("四、结转下年度继续办理")
    lines[row + 1], lines[row + 7] = "2", "2"  # natural and total
    changed = tmp_path / "町店镇-2020.txt"
    changed.write_text("\n".join(lines), encoding="utf-8")
    previous = load_report(changed)
    assert previous.number("requests.carry_forward.natural") == 2
    draft = next_year(previous)
    assert draft.year == 2021 and draft.format.key == "2021"
    assert draft.number("requests.carried_over.natural") == 2
    assert draft.agency.name == "町店镇人民政府"


# --- our own renderings: import(render(data)) == data -------------------------------------------


def _comparable(report) -> dict:
    data = report_to_dict(report.evolve(typed_totals={}))  # printed totals: compared in the test itself
    data["agency"].pop("parent", None)  # not printed anywhere in the report
    prose = data.pop("prose")
    data["paragraphs"] = {k: paragraphs(v) for k, v in prose.get("overview", {}).items()}
    data["paragraphs"].update({k: paragraphs(prose[k]) for k in ("problems", "other") if k in prose})
    if says_nothing(prose.get("other", "")) and report.fees.collected is not None:
        data["paragraphs"].pop("other")  # 「无。」 is not printed after the fee sentence (it would contradict it)
    return data


@pytest.mark.parametrize("target", ["docx", "html", "pdf"])
@pytest.mark.parametrize("example", sorted(p.name for p in EXAMPLES.glob("*.yaml")))
def test_round_trip_of_our_renderings(example, target, tmp_path):
    source = read_data_file(EXAMPLES / example)
    # Unreadable numbers (错误示例) are printed as 0; the document can only give 0 back.
    source = source.evolve(numbers={**source.numbers, **dict.fromkeys(source.unread, 0)}, unread={})
    path = tmp_path / f"report.{target}"
    path.write_bytes(render(source, target))
    imported = import_report(path)
    assert _comparable(imported) == _comparable(source)
    assert imported.typed_totals == {p: source.number(p) for p in total_paths(source.format)}
    assert imported.headings == HEADINGS
    assert not [f for f in imported.read_findings if f.rule.startswith(("I-1", "I-2", "I-3", "I-4", "G", "R0"))]


# --- layouts built from the spec: tab rows, cell lines, one cell per line ------------------------


def _text_layout(report, layout: str) -> list[str]:
    lines = []
    for block in build_document(report):
        if block.kind in (TITLE, HEADING1, HEADING2, BODY, SIGNATURE, DATE):
            lines += [block.text, ""]
        elif block.kind == TABLE:  # a table block carries its section's heading
            lines += [block.text, ""] + _grid_lines(block.grid, layout) + [""]
    return lines


def _grid_lines(grid, layout: str) -> list[str]:
    rows = [["" for _ in range(grid.ncols)] for _ in range(grid.nrows)]
    for cell in grid.cells:
        rows[cell.row][cell.col] = cell.text
    if layout == "tabs":
        return ["\t".join(row) for row in rows]
    if layout == "lines":
        return [cell.text for cell in sorted(grid.cells, key=lambda c: (c.row, c.col))]
    return [line for row in grid.rows() for line in [*(f"\t{c.text}" for c in row), ""]]


@pytest.mark.parametrize("layout", ["tabs", "cells", "lines"])
def test_text_layouts_of_a_busy_report(layout, tmp_path):
    source = read_data_file(BUSY)
    path = tmp_path / "report.txt"
    path.write_text("\n".join(_text_layout(source, layout)), encoding="utf-8")
    imported = import_report(path)
    assert imported.numbers == source.numbers
    assert imported.typed_totals == {p: source.number(p) for p in total_paths(source.format)}
    assert imported.agency.name == "青石街道办事处" and imported.year == 2025
    assert not has_errors(check(imported))


def test_blank_cell_is_an_error_and_not_invented(tmp_path):
    source = read_data_file(BUSY)
    lines = _text_layout(source, "tabs")
    row = next(i for i, line in enumerate(lines) if line.startswith("行政许可\t"))
    lines[row] = "行政许可\t\t\t"
    path = tmp_path / "blank.txt"
    path.write_text("\n".join(lines).replace("\t6\t2\t0\t0\t1\t0\t9", "\t6\t\t0\t0\t1\t0\t9"), encoding="utf-8")
    report = import_report(path)
    blank = findings_of(report, "R0-2", ERROR)
    assert [f.path for f in blank] == ["active.licensing.decisions", "requests.granted.commercial"]
    assert report.number("active.licensing.decisions") is None
    assert report.number("requests.granted.commercial") is None
    assert report.number("requests.granted.natural") == 6
    assert not [f for f in check(report) if f.rule in ("R3-1", "R3-2", "R3-3") and f.severity == ERROR]
    # R3-1 still runs on the printed （七）总计; the rules that need the blank cell say they could not check it.
    unchecked = {f.rule: f for f in check(report) if f.rule in ("R3-1", "R3-2", "R3-3")}
    assert set(unchecked) == {"R3-2", "R3-3"} and all(f.severity == WARNING for f in unchecked.values())
    assert "列「商业企业」" in unchecked["R3-2"].message
    assert "requests.granted.commercial" in unchecked["R3-3"].operands["未读取"]


def test_missing_row_and_unknown_row_are_reported(tmp_path):
    source = read_data_file(BUSY)
    lines = _text_layout(source, "lines")
    start = lines.index("行政处罚")
    lines[start : start + 2] = ["行政罚没事项一览", "23"]
    path = tmp_path / "odd.txt"
    path.write_text("\n".join(lines), encoding="utf-8")
    report = import_report(path)
    assert [f.path for f in findings_of(report, "I-1", ERROR)] == ["active.penalty"]
    stray = findings_of(report, "I-4", ERROR)
    assert len(stray) == 1 and stray[0].operands["原文"] == "23"
    assert report.number("active.penalty.decisions") is None and "active.penalty.decisions" in report.unread


def test_web_page_wrapped_in_a_layout_table(tmp_path):
    """Government sites put the whole page in a <table>; the report's own tables are still read."""
    source = read_data_file(BUSY)
    html = render(source, "html").decode("utf-8")
    start, end = html.index("<article"), html.index("</article>") + len("</article>")
    page = (
        f"{html[:start]}<table><tr><td>首页 · 政务公开</td></tr><tr><td>{html[start:end]}</td></tr></table>{html[end:]}"
    )
    path = tmp_path / "page.htm"
    path.write_text(page, encoding="utf-8")
    report = import_report(path)
    assert report.numbers == source.numbers and report.headings == HEADINGS
    assert paragraphs(report.prose["problems"]) == paragraphs(source.prose["problems"])


def test_report_without_tables_says_so(tmp_path):
    lines = seed("002").read_text(encoding="utf-8").splitlines()
    start = next(i for i, line in enumerate(lines) if line.startswith("二、主动公开情况"))
    end = next(i for i, line in enumerate(lines) if "五、存在的主要问题" in line)
    path = tmp_path / "prose-only.txt"
    path.write_text("\n".join(lines[: start + 1] + lines[end:]), encoding="utf-8")
    report = import_report(path)
    assert report.format.key == "2019" and report.declared_format is None  # from the year: no table to show it
    assert sorted(f.path for f in findings_of(report, "I-1", ERROR)) == ["active", "appeals", "requests"]
    assert report.numbers == {} and report.typed_totals == {}
    assert set(report.unread) == {*report.format.input_paths, *total_paths(report.format)}
    missing = [f.message for f in check(report) if f.rule == "G-1" and f.severity == ERROR]
    assert any("三、收到和处理政府信息公开申请情况" in m for m in missing)


# --- inputs that are not usable ------------------------------------------------------------------


def test_pdf_without_text_layer_is_refused(tmp_path):
    from pypdf import PdfWriter

    writer = PdfWriter()
    writer.add_blank_page(width=595, height=842)
    path = tmp_path / "scan.pdf"
    with open(path, "wb") as handle:
        writer.write(handle)
    with pytest.raises(InputError, match="扫描件.*docx"):
        load_report(path)


@pytest.mark.parametrize(
    "name,content",
    [("notes.txt", "会议纪要\n今天讨论了绿化问题。\n"), ("broken.docx", "not a zip"), ("empty.html", "")],
)
def test_unusable_files_raise_input_error(tmp_path, name, content):
    path = tmp_path / name
    path.write_text(content, encoding="utf-8")
    with pytest.raises(InputError):
        load_report(path)


def test_gb18030_text_is_read(tmp_path):
    path = tmp_path / "gbk.txt"
    path.write_bytes(seed("001").read_text(encoding="utf-8").encode("gb18030"))
    assert load_report(path).agency.name == "英林镇人民政府"


# --- the command line ------------------------------------------------------------------------------


def test_cli_import_and_check(tmp_path):
    out = tmp_path / "双安镇.yaml"
    done = run_cli("import", seed("000"), "-o", out)
    assert done.code == 1, done.err  # written, but the report has errors
    assert run_cli("import", seed("001"), "-o", tmp_path / "英林镇.yaml").code == 0
    assert "500,0000" in done.out and out.exists()
    assert read_data_file(out).number("active.procurement.amount") == 5000000
    again = run_cli("import", seed("000"), "-o", out)
    assert again.code == 1 and "--force" in again.err
    checked = run_cli("check", seed("000"))
    assert checked.code == 1 and "编号「二」重复" in checked.out
    assert run_cli("check", seed("001")).code == 0


def test_cli_check_compares_with_last_years_published_report(tmp_path):
    last_year = tmp_path / "英林镇-2020.docx"
    last_year.write_bytes(render(read_data_file(YINGLIN), "docx"))
    this_year = tmp_path / "英林镇-2021.yaml"
    this_year.write_text(
        YINGLIN.read_text(encoding="utf-8").replace("year: 2020", "year: 2021").replace('format: "2019"\n', ""),
        encoding="utf-8",
    )
    done = run_cli("check", this_year, "--previous", last_year)
    assert "[T-2 照搬往年]" in done.out


def test_garbled_fee_amount_is_no_traceback(tmp_path):
    path = tmp_path / "fee.txt"
    path.write_text(
        "某镇人民政府2022年政府信息公开工作年度报告\n一、总体情况\n无\n六、其他需要报告的事项\n"
        "本年度收取信息处理费.元。\n",
        encoding="utf-8",
    )
    report = load_report(path)
    assert report.fees.collected is True and report.fees.amount is None
