"""Issue 17: the county office, round 2 — nothing merged, skipped or miscounted; drafts; equal bases; names; re-runs.

Every phenomenon has a small synthetic folder or roster built here from the bench's synthetic units.
"""

from __future__ import annotations

import random
from dataclasses import replace
from decimal import Decimal
from pathlib import Path

from helpers import make_roster_module
from openpyxl import Workbook, load_workbook

from generator.app.cli import main
from generator.formats import FORMAT_2021
from generator.inputs.datafile import dump_yaml
from generator.inputs.roster import write_roster

ROOT = Path(__file__).resolve().parent.parent
_module = make_roster_module()
synthetic_report, typed = _module.synthetic_report, _module.typed

COUNTY = "示例县人民政府"


def unit(i: int, name: str, year: int = 2025, parent: str = COUNTY):
    report = synthetic_report(i, year, random.Random(31 + i))
    return report.evolve(agency=replace(report.agency, name=name, parent=parent))


def broken(report):
    return typed(report, requests__granted__natural=report.numbers["requests.granted.natural"] + 1)  # R3-1


def batch(*argv) -> int:
    return main(["batch", *map(str, argv)])


def units_sheet(out: Path) -> dict[str, dict]:
    book = load_workbook(out / "校验结果.xlsx", read_only=True)
    rows = book["各单位"].iter_rows(values_only=True)
    header = next(rows)
    units = {r[1]: dict(zip(header, r, strict=True)) for r in rows}
    book.close()
    return units


def write_list(path: Path, names: list[str], parent: str = "") -> Path:
    book = Workbook()
    book.active.append(["单位名称", "上级"] if parent else ["单位名称"])
    for name in names:
        book.active.append([name, parent] if parent else [name])
    book.save(path)
    return path


def test_identical_data_under_different_names_is_copying_not_one_unit(tmp_path):
    folder, out = tmp_path / "各镇", tmp_path / "out"
    folder.mkdir()
    same = unit(1, "东山镇人民政府")
    for name in ("东山镇人民政府", "西山乡人民政府", "南岭镇人民政府"):
        copy = same.evolve(agency=replace(same.agency, name=name))
        (folder / f"{name[:3]}.yaml").write_text(dump_yaml(copy), encoding="utf-8")
    assert batch(folder, "-o", out, "-j", 1) == 0
    units = units_sheet(out)
    assert {n: u["状态"] for n, u in units.items()} == dict.fromkeys(
        ("东山镇人民政府", "西山乡人民政府", "南岭镇人民政府"), "已提交且通过"
    )
    assert all("雷同" in u["说明"] and u["计入汇总"] == "是" for u in units.values())
    assert "「西山乡人民政府」" in units["东山镇人民政府"]["说明"]
    rollup = load_workbook(out / "汇总-2025年度.xlsx", read_only=True)["汇总数据"]
    header, row = rollup.iter_rows(min_row=2, max_row=3, values_only=True)
    natural = list(header).index("自然人")  # the first 自然人 column: 本年新收
    assert row[natural] == 3 * same.numbers["requests.new.natural"]  # all three summed


def test_name_variants_are_one_unit_and_a_unit_filed_twice_is_not_also_missing(tmp_path):
    rs = [unit(i, n) for i, n in enumerate(["龙泉镇人民政府", "清河镇人民政府", "白石乡人民政府"])]
    variants = [
        rs[0].evolve(agency=replace(rs[0].agency, name="龙泉镇政府")),
        rs[1].evolve(agency=replace(rs[1].agency, name="清河镇\u00a0人民政府 ")),
        rs[1].evolve(agency=replace(rs[1].agency, name="清河镇(人民政府)")),
    ]
    roster, out = tmp_path / "汇总表.xlsx", tmp_path / "out"
    write_roster(roster, FORMAT_2021, force=False, reports=[*rs, *variants])
    batch(roster, "-o", out, "-j", 1)  # no --expected: the roster's rows are the list
    units = units_sheet(out)
    statuses = sorted(u["状态"] for u in units.values())
    assert len(units) == 3 and "未提交" not in statuses, units.keys()
    assert sorted(statuses) == sorted(["重复提交", "重复提交", "已提交且通过"])
    assert "重复提交 3 份" in units["清河镇人民政府"]["说明"] and "名单中" not in units["清河镇人民政府"]["说明"]


def test_unmatched_name_gets_a_did_you_mean_and_the_list_name_is_the_title(tmp_path):
    folder, out = tmp_path / "各镇", tmp_path / "out"
    folder.mkdir()
    (folder / "a.yaml").write_text(dump_yaml(unit(1, "龙泉乡人民政府")), encoding="utf-8")
    (folder / "b.yaml").write_text(dump_yaml(unit(2, "清河镇")), encoding="utf-8")
    names = write_list(tmp_path / "名单.xlsx", ["龙泉镇人民政府", "清河镇人民政府"])
    batch(folder, "-o", out, "-j", 1, "--expected", names)
    units = units_sheet(out)
    assert units["龙泉乡人民政府"]["状态"] == "不在名单中"
    assert "是不是「龙泉镇人民政府」？" in units["龙泉乡人民政府"]["说明"]
    assert units["龙泉镇人民政府"]["状态"] == "未提交"
    assert units["清河镇人民政府"]["状态"] == "已提交且通过"  # the short name in the data, the full one shown
    html = (out / "汇总-2025年度.html").read_text(encoding="utf-8")
    assert "清河镇人民政府" in html and ">清河镇<" not in html


# Files a township may drop in the folder that are no filled-in report: each is named on the 未读取的文件 sheet.
NOT_FILLED_IN = (
    "南岭镇.et",
    "北坡镇.xls",
    "石桥乡.doc",
    "金水街道.wps",
    "数据.csv",
    "材料.zip",
    "材料2.rar",
    "材料3.7z",
    "照片.jpg",
    "~$东山镇.xlsx",
)


def test_every_file_of_the_folder_is_named_and_a_published_report_is_imported(tmp_path):
    from generator.render import render

    folder, out = tmp_path / "各镇", tmp_path / "out"
    (folder / "二组").mkdir(parents=True)
    (folder / "东山镇.yaml").write_text(dump_yaml(unit(1, "东山镇人民政府")), encoding="utf-8")
    (folder / "二组" / "西山乡.docx").write_bytes(render(unit(2, "西山乡人民政府"), "docx"))
    for name in NOT_FILLED_IN:
        (folder / name).write_bytes(b"x")
    names = write_list(tmp_path / "名单.xlsx", ["东山镇人民政府", "西山乡人民政府", "南岭镇人民政府"])
    batch(folder, "-o", out, "-j", 1, "--expected", names)
    units = units_sheet(out)
    assert units["西山乡人民政府"]["状态"] in ("已提交且通过", "逾期")
    assert units["西山乡人民政府"]["采用的数据"] == "二组/西山乡.docx"
    assert "导入" in units["西山乡人民政府"]["本次处理"]
    assert units["南岭镇人民政府"]["状态"] == "未提交" and "另存为 .xlsx" in units["南岭镇人民政府"]["说明"]
    book = load_workbook(out / "校验结果.xlsx", read_only=True)
    aside = {r[0]: r[1] for r in book["未读取的文件"].iter_rows(min_row=2, values_only=True)}
    assert set(aside) == set(NOT_FILLED_IN)
    assert "另存为 .xlsx" in aside["北坡镇.xls"] and "另存为 .docx" in aside["石桥乡.doc"]
    assert all("解压后再放入" in aside[n] for n in ("材料.zip", "材料2.rar", "材料3.7z"))
    assert "CSV" in aside["数据.csv"] and "不是填报文件" in aside["照片.jpg"]
    assert "南岭镇.et" in (out / "审核报告.html").read_text(encoding="utf-8")


def test_levels_own_report_is_recognised_and_year_on_year_is_on_an_equal_base(tmp_path):
    this, last, out = tmp_path / "2025", tmp_path / "2024", tmp_path / "out"
    this.mkdir()
    last.mkdir()
    names = ["甲镇人民政府", "乙镇人民政府", "丙镇人民政府"]
    for i, name in enumerate(names[:2]):  # 丙镇 has not filed yet this year
        (this / f"{i}.yaml").write_text(dump_yaml(unit(i, name)), encoding="utf-8")
    own = unit(9, COUNTY, parent="示例市人民政府")
    (this / "county.yaml").write_text(dump_yaml(own), encoding="utf-8")
    before = [unit(20 + i, name, 2024) for i, name in enumerate(names)]
    for i, report in enumerate(before):
        (last / f"{i}.yaml").write_text(dump_yaml(report), encoding="utf-8")
    (last / "county.yaml").write_text(dump_yaml(unit(29, COUNTY, 2024, parent="示例市人民政府")), encoding="utf-8")
    batch(this, "-o", out, "-j", 1, "--previous", last)  # no --name: the 上级 of the units says whose it is
    units = units_sheet(out)
    assert COUNTY not in units and set(units) == set(names[:2])
    page = (out / "审核报告.html").read_text(encoding="utf-8")
    assert "同口径：2 个单位两年都有数据" in page
    expected_last = sum(r.number("requests.new.total") for r in before[:2])  # 甲镇 and 乙镇 only
    chart = page.split("<title>主要数据与上年比较（同口径）</title>")[1].split("</svg>")[0]
    assert f">{expected_last:,}</text>" in chart  # last year: the same two units, not 丙镇, not the county


def test_every_unit_broken_gives_a_draft_rollup_with_ignore_errors(tmp_path, capsys):
    folder = tmp_path / "各镇"
    folder.mkdir()
    for i, name in enumerate(["甲镇人民政府", "乙镇人民政府"]):
        (folder / f"{i}.yaml").write_text(dump_yaml(broken(unit(i, name))), encoding="utf-8")
    assert batch(folder, "-o", tmp_path / "a", "-j", 1) == 1
    printed = capsys.readouterr().out
    assert "甲镇人民政府、乙镇人民政府" in printed and "加 --ignore-errors" in printed
    assert not list((tmp_path / "a").glob("汇总-*"))
    assert batch(folder, "-o", tmp_path / "b", "-j", 1, "--ignore-errors") == 1
    printed = capsys.readouterr().out
    assert "--ignore-errors" not in printed  # never advise a flag that was given
    html = (tmp_path / "b" / "汇总-2025年度（草稿）.html").read_text(encoding="utf-8")
    assert "草稿" in html and "甲镇人民政府、乙镇人民政府" in html
    links = (tmp_path / "b" / "审核报告.html").read_text(encoding="utf-8")
    assert ">Word（草稿）</a>" in links and ">网页（草稿）</a>" in links


def test_a_rerun_after_a_fix_says_what_changed(tmp_path, capsys):
    folder, out = tmp_path / "各镇", tmp_path / "out"
    folder.mkdir()
    good = [unit(i, n) for i, n in enumerate(["甲镇人民政府", "乙镇人民政府", "丙镇人民政府"])]
    (folder / "0.yaml").write_text(dump_yaml(broken(good[0])), encoding="utf-8")
    (folder / "1.yaml").write_text(dump_yaml(good[1]), encoding="utf-8")
    (folder / "2.yaml").write_text(dump_yaml(good[2]), encoding="utf-8")
    assert batch(folder, "-o", out, "-j", 1) == 1
    (folder / "0.yaml").write_text(dump_yaml(good[0]), encoding="utf-8")  # fixed
    (folder / "1.yaml").write_text(dump_yaml(broken(good[1])), encoding="utf-8")  # newly broken
    capsys.readouterr()
    assert batch(folder, "-o", out, "-j", 1) == 1
    units = units_sheet(out)
    assert units["甲镇人民政府"]["与上次运行相比"] == "已改正"
    assert units["乙镇人民政府"]["与上次运行相比"] == "新出现错误"
    assert units["丙镇人民政府"]["与上次运行相比"] == "未变" and units["丙镇人民政府"]["本次处理"] == "已完成，跳过"
    assert "已改正 1 · 新出现错误 1" in capsys.readouterr().out


def test_every_sheet_prints_on_a4(tmp_path):
    folder, out = tmp_path / "各镇", tmp_path / "out"
    folder.mkdir()
    (folder / "0.yaml").write_text(dump_yaml(unit(0, "甲镇人民政府")), encoding="utf-8")
    batch(folder, "-o", out, "-j", 1)
    for name in ("校验结果.xlsx", "汇总-2025年度.xlsx"):
        book = load_workbook(out / name)
        assert all(sheet.page_setup.paperSize == 9 for sheet in book.worksheets), name


def test_chart_labels_carry_units():
    from generator.batch.charts import bar_chart, stacked_chart

    assert ">22 件</text>" in bar_chart("t", [("甲镇", [22])], unit="件")
    assert ">22 件（48%）</text>" in stacked_chart("t", [("办理结果", [22, 24])], ("公开", "不公开"))


def test_review_title_keeps_its_year_without_a_rollup(tmp_path):
    folder, out = tmp_path / "各镇", tmp_path / "out"
    folder.mkdir()
    (folder / "0.yaml").write_text(dump_yaml(broken(unit(0, "甲镇人民政府"))), encoding="utf-8")
    batch(folder, "-o", out, "-j", 1)
    page = (out / "审核报告.html").read_text(encoding="utf-8")
    assert "2025年度政府信息公开工作年度报告审核报告" in page.split("</h1>")[0]


def test_h1_is_equal_at_the_printed_precision():
    from generator.batch.sums import same_at_printed_precision

    assert same_at_printed_precision(Decimal("18651.06"), Decimal("18651.064104"))
    assert not same_at_printed_precision(Decimal("18651.07"), Decimal("18651.064104"))
    assert not same_at_printed_precision(5, 6)


def test_convert_turns_a_rollup_back_into_a_data_file(tmp_path):
    folder, out = tmp_path / "各镇", tmp_path / "out"
    folder.mkdir()
    rs = [unit(i, n) for i, n in enumerate(["甲镇人民政府", "乙镇人民政府"])]
    for i, r in enumerate(rs):
        (folder / f"{i}.yaml").write_text(dump_yaml(r), encoding="utf-8")
    batch(folder, "-o", out, "-j", 1)
    target = tmp_path / "汇总.yaml"
    assert main(["convert", str(out / "汇总-2025年度.xlsx"), "-o", str(target)]) == 0
    from generator.inputs import load_report

    back = load_report(target)
    assert back.number("requests.new.natural") == sum(r.numbers["requests.new.natural"] for r in rs)


def test_an_old_record_is_ignored_with_a_note_and_never_a_traceback(tmp_path):
    import json

    from generator.batch.record import from_json

    folder, out = tmp_path / "各镇", tmp_path / "out"
    folder.mkdir()
    (folder / "0.yaml").write_text(dump_yaml(unit(0, "甲镇人民政府")), encoding="utf-8")
    assert batch(folder, "-o", out, "-j", 1) == 0
    record = out / "0" / ".nianbao.json"
    old = json.loads(record.read_text(encoding="utf-8"))
    del old["version"]  # as an earlier version wrote it
    record.write_text(json.dumps(old, ensure_ascii=False), encoding="utf-8")
    assert batch(folder, "-o", out, "-j", 1) == 0  # its own files are still known: nothing refused
    units = units_sheet(out)
    assert "旧版本" in units["甲镇人民政府"]["说明"] and units["甲镇人民政府"]["本次处理"] == "本次生成"

    assert from_json('{"seq": 1, "status": "通过"}') is None  # version 1: a dict without a version
    assert from_json("[1, 2]") is None and from_json("not json") is None
    assert from_json('{"version": 2, "seq": 1, "unknown": 3}') is None


def test_similar_prose_and_scores_reach_the_workbook_and_the_review_page(tmp_path):
    folder, out = tmp_path / "各镇", tmp_path / "out"
    folder.mkdir()
    text = (
        "本年度我镇围绕优化营商环境，在镇政府网站开设重点领域信息公开专栏，全年主动公开涉企政策文件、"
        "办事指南和惠企资金兑现结果，并通过政务微信公众号同步推送，方便群众和企业及时了解政策。"
    )
    a, b, c = unit(1, "东山镇人民政府"), unit(2, "西山乡人民政府"), unit(3, "南岭镇人民政府")
    a = a.evolve(prose={**a.prose, "overview.active": text})
    b = b.evolve(prose={**b.prose, "overview.active": text.replace("我镇", "我乡").replace("镇政府", "乡政府")})
    for i, r in enumerate((a, b, broken(c))):
        (folder / f"{i}.yaml").write_text(dump_yaml(r), encoding="utf-8")
    names = write_list(tmp_path / "名单.xlsx", ["东山镇人民政府", "西山乡人民政府", "南岭镇人民政府", "北坡镇人民政府"])
    batch(folder, "-o", out, "-j", 1, "--expected", names)
    book = load_workbook(out / "校验结果.xlsx", read_only=True)
    pairs = list(book["雷同"].iter_rows(min_row=2, values_only=True))
    scores = {r[0]: r for r in book["考评"].iter_rows(min_row=2, values_only=True)}
    book.close()
    assert any({r[1], r[2]} == {"东山镇人民政府", "西山乡人民政府"} for r in pairs), pairs
    assert "不与其他单位雷同" in scores["东山镇人民政府"][3]
    assert scores["北坡镇人民政府"][1] == "0"  # did not file
    assert "数据勾稽" in scores["南岭镇人民政府"][3]  # its R3-1 costs points
    page = (out / "审核报告.html").read_text(encoding="utf-8")
    assert "各单位之间的雷同" in page and "考评得分" in page
    rollup = (out / "汇总-2025年度.html").read_text(encoding="utf-8")
    assert "雷同" not in rollup and "考评" not in rollup  # the reviewer's, never the published roll-up's


def test_a_broken_scorecard_is_refused_before_any_work(tmp_path):
    from helpers import run_cli

    folder = tmp_path / "各镇"
    folder.mkdir()
    (folder / "0.yaml").write_text(dump_yaml(unit(0, "甲镇人民政府")), encoding="utf-8")
    card = tmp_path / "考评.yaml"
    card.write_text("criteria: [\n", encoding="utf-8")
    result = run_cli("batch", folder, "-o", tmp_path / "out", "--scorecard", card)
    assert result.code == 2 and "考评" in result.err and "Traceback" not in result.err
    assert not (tmp_path / "out").exists()


def test_the_county_is_recognised_without_parents_or_name(tmp_path):
    """Units with no 上级 filled, the county's own report among them, no --name: it is compared, not summed."""
    this, last, out = tmp_path / "2025", tmp_path / "2024", tmp_path / "out"
    this.mkdir()
    last.mkdir()
    for folder, year in ((this, 2025), (last, 2024)):
        for i, name in enumerate(["甲镇人民政府", "乙乡人民政府"]):
            (folder / f"{i}.yaml").write_text(dump_yaml(unit(i + year, name, year, parent="")), encoding="utf-8")
        (folder / "县.yaml").write_text(dump_yaml(unit(9 + year, COUNTY, year, parent="")), encoding="utf-8")
    batch(this, "-o", out, "-j", 1, "--previous", last)
    units = units_sheet(out)
    assert set(units) == {"甲镇人民政府", "乙乡人民政府"}  # not 不在名单中, not 逾期: the county is no unit
    page = (out / "审核报告.html").read_text(encoding="utf-8")
    assert "同口径：2 个单位两年都有数据" in page and "本级报告与各单位合计" in page
    assert "本表汇总了2个单位" in (out / "汇总-2025年度.html").read_text(encoding="utf-8")


def test_an_output_folder_inside_the_input_folder_is_not_read_back(tmp_path, monkeypatch):
    folder = tmp_path / "各镇"
    folder.mkdir()
    (folder / "0.yaml").write_text(dump_yaml(unit(0, "甲镇人民政府")), encoding="utf-8")
    monkeypatch.chdir(tmp_path)
    assert batch("各镇", "-o", "各镇/输出", "-j", 1) == 0
    assert batch("各镇", "-o", "各镇/输出", "-j", 1) == 0  # its own reports are not files of the folder
    book = load_workbook(folder / "输出" / "校验结果.xlsx", read_only=True)
    assert "未读取的文件" not in book.sheetnames and set(units_sheet(folder / "输出")) == {"甲镇人民政府"}
