"""Issue 17, round 2: county messes of the kinds a reviewer brings, each handled and said where the user looks.

A locked file, an unreadable subfolder, expected lists as text (BOM, GBK, blank lines), units of two years,
a unit renamed since last year (撤乡设镇), a unit filing a form and a data file, 100+ units with one bad file.
Every folder is built here from the bench's synthetic units.
"""

from __future__ import annotations

import os
import pathlib
from pathlib import Path

from helpers import run_cli
from openpyxl import Workbook, load_workbook
from test_batch_stages import _module, batch, typed, unit, units_sheet

from generator.inputs.datafile import dump_yaml


def write(path: Path, report) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(dump_yaml(report), encoding="utf-8")
    return path


def rollup_cell(out: Path, column: str = "自然人"):
    """The first ``column`` of the roll-up's 「汇总数据」 row (自然人: 本年新收)."""
    sheet = load_workbook(out / "汇总-2025年度.xlsx", read_only=True)["汇总数据"]
    header, row = sheet.iter_rows(min_row=2, max_row=3, values_only=True)
    return row[list(header).index(column)]


def set_aside(out: Path) -> dict[str, str]:
    book = load_workbook(out / "校验结果.xlsx", read_only=True)
    rows = {r[0]: r[1] for r in book["未读取的文件"].iter_rows(min_row=2, values_only=True)}
    book.close()
    return rows


def test_a_locked_file_costs_only_its_unit_and_says_why(tmp_path, monkeypatch, capsys):
    """A file Word/WPS holds open (or without read permission) is that unit's error, never the end of the batch."""
    folder, out = tmp_path / "各镇", tmp_path / "out"
    write(folder / "东山镇.yaml", unit(1, "东山镇人民政府"))
    locked = write(folder / "南岭镇.yaml", unit(2, "南岭镇人民政府"))
    real_read, real_open = pathlib.Path.read_bytes, pathlib.Path.open

    def deny(path):
        if path == locked:
            raise PermissionError(13, "Permission denied", str(path))

    monkeypatch.setattr(pathlib.Path, "read_bytes", lambda self: deny(self) or real_read(self))
    monkeypatch.setattr(pathlib.Path, "open", lambda self, *a, **k: deny(self) or real_open(self, *a, **k))
    assert batch(folder, "-o", out, "-j", 1) == 1
    printed = capsys.readouterr().out
    units = units_sheet(out)
    assert units["东山镇人民政府"]["状态"] == "已提交且通过"
    assert units["南岭镇"]["状态"] == "有错误" and units["南岭镇"]["采用的数据"] == "南岭镇.yaml"
    assert "没有读取这个文件的权限" in printed and "其他程序中打开" in printed
    assert "--ignore-errors" not in printed  # a draft cannot hold a file that was never read
    assert (out / "汇总-2025年度.html").exists()


def test_a_subfolder_that_cannot_be_opened_is_named(tmp_path, monkeypatch):
    folder, out = tmp_path / "各镇", tmp_path / "out"
    write(folder / "东山镇.yaml", unit(1, "东山镇人民政府"))
    write(folder / "三组" / "西山乡.yaml", unit(2, "西山乡人民政府"))
    (folder / "链接").symlink_to(folder / "三组", target_is_directory=True)
    real_scandir = os.scandir

    def scandir(path="."):
        if isinstance(path, str | os.PathLike) and Path(path).name == "三组":
            raise PermissionError(13, "Permission denied", str(path))
        return real_scandir(path)

    monkeypatch.setattr(os, "scandir", scandir)
    assert batch(folder, "-o", out, "-j", 1) == 0
    aside = set_aside(out)
    assert "没有权限" in aside["三组/"] and "快捷方式" in aside["链接/"]
    assert set(units_sheet(out)) == {"东山镇人民政府"}


def three_units(folder: Path) -> None:
    for i, name in enumerate(["东山镇人民政府", "西山乡人民政府", "金水街道办事处"]):
        write(folder / f"{i}.yaml", unit(i, name))


LIST = "\n1. 东山镇人民政府\n\n2、西山乡人民政府\r\n\ufeff金水街道\n南岭镇人民政府\n\n"


def test_expected_list_as_text_with_bom_gbk_utf16_and_blank_lines(tmp_path):
    """A 名单 typed in Notepad: numbered or not, blank lines, saved as UTF-8 with BOM, GBK or 「Unicode」."""
    folder = tmp_path / "各镇"
    three_units(folder)
    lists = {
        "bom.txt": b"\xef\xbb\xbf" + LIST.encode(),
        "gbk.txt": LIST.replace("\ufeff", "").encode("gbk"),
        "u16.txt": LIST.replace("\ufeff", "").encode("utf-16"),
        "名单.csv": "序号,单位名称,联系人\r\n1,东山镇人民政府,张三\r\n,,\r\n2,西山乡人民政府,李四\r\n3,金水街道,王五\r\n"
        "4,南岭镇人民政府,\r\n".encode("gbk"),
    }
    for name, data in lists.items():
        (tmp_path / name).write_bytes(data)
        out = tmp_path / f"out-{name}"
        assert batch(folder, "-o", out, "-j", 1, "--expected", tmp_path / name) == 1, name
        units = units_sheet(out)
        assert {n: u["状态"] for n, u in units.items()} == {
            "东山镇人民政府": "已提交且通过",
            "西山乡人民政府": "已提交且通过",
            "金水街道办事处": "已提交且通过",
            "南岭镇人民政府": "未提交",
        }, name
    assert units_sheet(tmp_path / "out-名单.csv")["西山乡人民政府"]["联系人"] == "李四"


def test_expected_list_that_is_not_a_list_is_refused_in_chinese(tmp_path):
    folder = tmp_path / "各镇"
    three_units(folder)
    (tmp_path / "名单.txt").write_bytes(b"\n\n  \n")
    (tmp_path / "名单.xls").write_bytes(b"\xd0\xcf\x11\xe0 not really")
    empty = run_cli("batch", folder, "-o", tmp_path / "a", "--expected", tmp_path / "名单.txt")
    assert empty.code == 2 and "没有单位名称" in empty.err and "Traceback" not in empty.err
    old = run_cli("batch", folder, "-o", tmp_path / "b", "--expected", tmp_path / "名单.xls")
    assert old.code == 2 and "另存为 .xlsx" in old.err and ".txt" in old.err


def test_expected_workbook_with_a_title_row_blank_rows_and_invisible_characters(tmp_path):
    folder, out = tmp_path / "各镇", tmp_path / "out"
    three_units(folder)
    book = Workbook()
    for row in (
        ["2025年度应报单位名单"],
        [],
        ["序号", "单 位 名 称"],
        [1, "\ufeff东山镇人民政府"],
        [],
        [2, "西山乡人民政府 "],
        [3, "金水街道\u200b办事处"],
        [4, "东山镇人民政府"],
    ):
        book.active.append(row)
    book.save(tmp_path / "名单.xlsx")
    assert batch(folder, "-o", out, "-j", 1, "--expected", tmp_path / "名单.xlsx") == 0
    units = units_sheet(out)
    assert set(units) == {"东山镇人民政府", "西山乡人民政府", "金水街道办事处"}
    assert "名单中「东山镇人民政府」出现不止一次" in units["东山镇人民政府"]["说明"]


def test_units_of_another_year_are_said_and_never_chosen_over_this_years_file(tmp_path, capsys):
    folder, out = tmp_path / "各镇", tmp_path / "out"
    this = write(folder / "东山镇.yaml", unit(1, "东山镇人民政府"))
    old = write(folder / "东山镇2024.yaml", unit(11, "东山镇人民政府", 2024))  # last year's file left in the folder
    os.utime(old, (this.stat().st_mtime + 60,) * 2)  # and changed later: still not taken over this year's
    write(folder / "西山乡.yaml", unit(2, "西山乡人民政府", 2020))  # a 2019-format report among 2021-format ones
    write(folder / "南岭镇.yaml", unit(3, "南岭镇人民政府"))
    batch(folder, "-o", out, "-j", 1)
    printed = capsys.readouterr().out
    units = units_sheet(out)
    assert units["东山镇人民政府"]["状态"] == "已提交且通过" and units["东山镇人民政府"]["采用的数据"] == "东山镇.yaml"
    assert "「东山镇2024.yaml」（2024年度），未采用" in units["东山镇人民政府"]["说明"]
    assert "报告年度为 2020 年" in units["西山乡人民政府"]["说明"]
    assert "1 个单位的报告是 2020 年度（西山乡人民政府）" in printed
    assert "汇总（2025年度，2 个单位" in printed and "汇总（2020年度，1 个单位" in printed
    review = (out / "审核报告.html").read_text(encoding="utf-8")
    assert "1个单位的报告是其他年度的" in review
    assert "其他年度" not in (out / "汇总-2025年度.html").read_text(encoding="utf-8")  # the reviewer's, not published


def test_a_unit_filing_a_form_and_a_data_file_is_one_unit_counted_once(tmp_path):
    from generator.inputs.excel import write_form

    folder, out = tmp_path / "各镇", tmp_path / "out"
    east = unit(1, "东山镇人民政府")
    write(folder / "东山镇.yaml", east)
    write_form(folder / "东山镇填报表.xlsx", east.format, report=east)
    write(folder / "西山乡.yaml", unit(2, "西山乡人民政府"))
    batch(folder, "-o", out, "-j", 1)
    units = units_sheet(out)
    assert set(units) == {"东山镇人民政府", "西山乡人民政府"}
    assert units["东山镇人民政府"]["状态"] == "重复提交" and "重复提交 2 份" in units["东山镇人民政府"]["说明"]
    assert rollup_cell(out) == east.numbers["requests.new.natural"] + unit(2, "x").numbers["requests.new.natural"]


def write_list(path: Path, header: list[str], rows: list[list[str]]) -> Path:
    book = Workbook()
    book.active.append(header)
    for row in rows:
        book.active.append(row)
    book.save(path)
    return path


def test_a_unit_renamed_since_last_year_gets_a_hint_and_is_matched_by_its_former_name(tmp_path, capsys):
    """撤乡设镇: 白石乡 last year is 白石镇 this year; 金水街道 and 金水街道办事处 are one name already."""
    this, last, out = tmp_path / "2025", tmp_path / "2024", tmp_path / "out"
    names = ["甲镇人民政府", "白石镇人民政府", "金水街道办事处"]
    for i, (now, before) in enumerate(zip(names, ["甲镇人民政府", "白石乡人民政府", "金水街道"], strict=True)):
        write(this / f"{i}.yaml", unit(i, now))
        write(last / f"{i}.yaml", unit(20 + i, before, 2024))
    (last / "旧报告.doc").write_bytes(b"x")
    batch(this, "-o", out, "-j", 1, "--previous", last)
    printed = capsys.readouterr()
    assert "白石乡人民政府（可能已改名为本年的「白石镇人民政府」" in printed.out
    assert "上年数据 旧报告.doc：是旧版 Word 文件" in printed.err and "未用于跨年度核对" in printed.err
    book = load_workbook(out / "校验结果.xlsx", read_only=True)
    x1 = [r for r in book["问题明细"].iter_rows(values_only=True) if r[1] == "白石镇人民政府" and r[3] == "X-1"]
    matched = {r[0]: r[3] for r in book["跨年度匹配"].iter_rows(min_row=2, values_only=True) if r[0]}
    book.close()
    assert "上年数据中有「白石乡人民政府」" in x1[0][6] and "曾用名" in x1[0][6]
    assert matched == {"甲镇人民政府": "按名称", "白石镇人民政府": "上年数据中没有找到", "金水街道办事处": "按名称"}

    names_list = write_list(
        tmp_path / "名单.xlsx",
        ["单位名称", "曾用名"],
        [["甲镇人民政府", ""], ["白石镇人民政府", "白石乡人民政府"], ["金水街道办事处", ""]],
    )
    capsys.readouterr()
    batch(this, "-o", out, "-j", 1, "--previous", last, "--expected", names_list)  # the same output: redone
    assert "数据有修改 0 · 数据未变、重新生成 3" in capsys.readouterr().out  # the list changed, not the data
    book = load_workbook(out / "校验结果.xlsx", read_only=True)
    matched = {r[0]: (r[2], r[3]) for r in book["跨年度匹配"].iter_rows(min_row=2, values_only=True) if r[0]}
    assert matched["白石镇人民政府"] == ("白石乡人民政府", "按曾用名")
    assert not [
        r
        for r in book["问题明细"].iter_rows(values_only=True)
        if r[1] == "白石镇人民政府" and r[3] == "X-1" and "没有找到" in r[6]
    ]
    page = (out / "审核报告.html").read_text(encoding="utf-8")
    assert "同口径：3 个单位两年都有数据" in page


def test_one_unit_code_typed_for_two_townships_never_merges_them(tmp_path, capsys):
    from generator.formats import FORMAT_2021
    from generator.inputs.roster import ROSTER_SHEET, roster_columns, write_roster

    rs = [unit(i, n) for i, n in enumerate(["甲镇人民政府", "乙镇人民政府", "丙镇人民政府"])]
    roster, out = tmp_path / "汇总表.xlsx", tmp_path / "out"
    write_roster(roster, FORMAT_2021, force=False, reports=rs)
    book = load_workbook(roster)
    column = [c.key for c in roster_columns(FORMAT_2021)].index("unit.code") + 1
    for row, code in ((3, "A1"), (4, "A2"), (5, "A2")):  # 丙镇's code copied from the row above
        book[ROSTER_SHEET].cell(row, column, code)
    book.save(roster)
    assert batch(roster, "-o", out, "-j", 1) == 0
    units = units_sheet(out)
    assert {n: u["状态"] for n, u in units.items()} == dict.fromkeys(
        ("甲镇人民政府", "乙镇人民政府", "丙镇人民政府"), "已提交且通过"
    )
    assert "与「乙镇人民政府」的单位代码都是「A2」，但名称不同" in units["丙镇人民政府"]["说明"]
    assert "汇总（2025年度，3 个单位" in capsys.readouterr().out
    listed = write_list(
        tmp_path / "名单.xlsx",
        ["单位名称", "单位代码"],
        [["甲镇人民政府", "A1"], ["乙镇人民政府", "B2"], ["丙镇人民政府", "A2"]],
    )
    batch(roster, "-o", tmp_path / "out2", "-j", 1, "--expected", listed)
    units = units_sheet(tmp_path / "out2")
    assert "数据中的单位代码「A2」与名单中的「B2」不同，按名称对应" in units["乙镇人民政府"]["说明"]
    assert units["丙镇人民政府"]["状态"] == "已提交且通过"


def test_a_report_copied_from_last_year_is_found_with_previous_and_costs_its_score(tmp_path):
    """X-3/X-4 (checks/cross_year.py) in a batch: tables and prose as last year's are deducted under 不照搬往年."""
    this, last, out = tmp_path / "2025", tmp_path / "2024", tmp_path / "out"
    before = unit(40, "甲镇人民政府", 2024)
    copied = before.evolve(year=2025, publication_date=before.publication_date.replace(year=2026))
    write(last / "甲镇.yaml", before)
    write(this / "甲镇.yaml", copied)
    write(last / "乙镇.yaml", unit(41, "乙镇人民政府", 2024))
    write(this / "乙镇.yaml", unit(42, "乙镇人民政府"))
    batch(this, "-o", out, "-j", 1, "--previous", last)
    book = load_workbook(out / "校验结果.xlsx", read_only=True)
    rules = {(r[1], r[3]) for r in book["问题明细"].iter_rows(min_row=2, values_only=True)}
    scores = {r[0]: r for r in book["考评"].iter_rows(min_row=2, values_only=True)}
    book.close()
    assert ("甲镇人民政府", "X-4") in rules and ("乙镇人民政府", "X-4") not in rules
    assert "X-4 数字照抄 1 条提醒" in scores["甲镇人民政府"][3]  # synthetic prose is shared: T-2/X-3 hit both
    assert "X-4" not in scores["乙镇人民政府"][3]


def test_a_missing_unit_says_which_file_may_be_its_own(tmp_path, capsys):
    """「东山镇.yaml」 holding 西山乡's name, 「龙泉真人民政府」 typed for 龙泉镇: the 未提交 says where to look."""
    folder, out = tmp_path / "各镇", tmp_path / "out"
    write(folder / "东山镇.yaml", unit(2, "西山乡人民政府"))
    write(folder / "龙泉.yaml", unit(3, "龙泉真人民政府"))
    listed = write_list(
        tmp_path / "名单.xlsx", ["单位名称"], [["东山镇人民政府"], ["西山乡人民政府"], ["龙泉镇人民政府"]]
    )
    assert batch(folder, "-o", out, "-j", 1, "--expected", listed) == 1
    printed = capsys.readouterr().out
    units = units_sheet(out)
    assert units["东山镇人民政府"]["状态"] == "未提交" and units["西山乡人民政府"]["状态"] == "已提交且通过"
    assert (
        "文件「东山镇.yaml」按文件名是这个单位的，但其中的机关名称是「西山乡人民政府」"
        in units["东山镇人民政府"]["说明"]
    )
    assert "文件名与机关名称不一致" in units["西山乡人民政府"]["说明"]
    assert units["龙泉真人民政府"]["状态"] == "不在名单中"
    assert "「龙泉.yaml」中的「龙泉真人民政府」不在名单中，可能就是这个单位" in units["龙泉镇人民政府"]["说明"]
    assert "龙泉镇人民政府：没有找到它的数据（「龙泉.yaml」中的" in printed


def test_rollup_docx_holds_the_sums_and_a_draft_is_marked(tmp_path):
    from docx import Document

    folder = tmp_path / "各镇"
    rs = [unit(i, n) for i, n in enumerate(["甲镇人民政府", "乙镇人民政府", "丙镇人民政府"])]
    for i, r in enumerate(rs):
        write(
            folder / f"{i}.yaml",
            r if i else typed(r, requests__granted__natural=r.numbers["requests.granted.natural"] + 1),
        )
    (folder / "名单.txt").write_text("甲镇人民政府\n乙镇人民政府\n丙镇人民政府\n", encoding="utf-8")
    for out, extra, summed in ((tmp_path / "a", (), rs[1:]), (tmp_path / "b", ("--ignore-errors",), rs)):
        batch(folder, "-o", out, "-j", 1, "--expected", folder / "名单.txt", *extra)
        name = "汇总-2025年度" + ("（草稿）" if extra else "")
        doc = Document(out / f"{name}.docx")
        rows = [[c.text for c in row.cells] for table in doc.tables for row in table.rows]
        new = next(r for r in rows if r[0].startswith("一、本年新收"))
        assert next(c for c in new if c != new[0]) == str(sum(r.numbers["requests.new.natural"] for r in summed))
        header = "".join(p.text for s in doc.sections for p in s.header.paragraphs)
        assert ("草稿" in header) == bool(extra)
        assert "是本次运行的应报单位名单（--expected）" in set_aside(out)["名单.txt"]


def test_a_hundred_units_and_one_broken_file(tmp_path):
    """101 units, one file cut short in copying: 100 summed, the one named with its reason, nothing else lost."""
    folder, out = tmp_path / "各单位", tmp_path / "out"
    names = [_module.agency_name(i) for i in range(101)]
    reports = [unit(i, name) for i, name in enumerate(names)]
    for i, report in enumerate(reports):
        if i == 57:
            (folder / f"{names[i]}.xlsx").write_bytes(b"PK\x03\x04 cut short")
        else:
            write(folder / f"{names[i]}.yaml", report)
    (tmp_path / "名单.txt").write_text("\n".join(names), encoding="utf-8")
    result = run_cli("batch", folder, "-o", out, "-j", 2, "--to", "html", "--expected", tmp_path / "名单.txt")
    assert result.code == 1 and "Traceback" not in result.err
    units = units_sheet(out)
    assert len(units) == 101 and [n for n, u in units.items() if u["状态"] != "已提交且通过"] == [names[57]]
    assert units[names[57]]["状态"] == "有错误" and units[names[57]]["采用的数据"] == f"{names[57]}.xlsx"
    assert f"{names[57]}：{names[57]}.xlsx [读取] 文件已损坏" in result.out
    assert rollup_cell(out) == sum(r.numbers["requests.new.natural"] for i, r in enumerate(reports) if i != 57)


def test_a_roster_with_a_unit_twice_and_a_row_of_last_year(tmp_path, capsys):
    from generator.formats import FORMAT_2021
    from generator.inputs.roster import write_roster

    rs = [unit(i, n) for i, n in enumerate(["甲镇人民政府", "乙镇人民政府", "丙镇人民政府"])]
    again = unit(50, "乙镇人民政府")  # 乙镇 again, other numbers: the later row is taken, the reviewer asked
    stale = unit(60, "丁乡人民政府", 2024)
    roster, out = tmp_path / "汇总表.xlsx", tmp_path / "out"
    write_roster(roster, FORMAT_2021, force=False, reports=[*rs, again, stale])
    batch(roster, "-o", out, "-j", 1)
    printed = capsys.readouterr().out
    units = units_sheet(out)
    assert units["乙镇人民政府"]["状态"] == "重复提交" and units["乙镇人民政府"]["采用的数据"] == "第 6 行"
    assert "数据不同，采用排在最后的一行，请与该单位核实哪一份是定稿" in units["乙镇人民政府"]["说明"]
    assert "报告年度为 2024 年，本批其他单位是 2025 年度" in units["丁乡人民政府"]["说明"]
    assert "汇总（2025年度，3 个单位" in printed and "1 个单位的报告是 2024 年度（丁乡人民政府）" in printed


def test_previous_given_this_years_folder_is_said_never_checked_against(tmp_path, capsys):
    """--previous pointing at this year's folder: no X-1 errors or X-4 copies claimed, the mistake is said."""
    folder, out = tmp_path / "2025", tmp_path / "out"
    for i, name in enumerate(["甲镇人民政府", "乙镇人民政府"]):
        write(folder / f"{i}.yaml", unit(i, name))
    assert batch(folder, "-o", out, "-j", 1, "--previous", folder) == 0
    printed = capsys.readouterr().out
    assert "上年数据中有 2 份报告不是 2024 年度的（是 2025 年度）" in printed and "本年没有对应" not in printed
    book = load_workbook(out / "校验结果.xlsx", read_only=True)
    cross = [r for r in book["问题明细"].iter_rows(min_row=2, values_only=True) if r[3].startswith("X")]
    book.close()
    assert {(r[3], r[4]) for r in cross} == {("X-1", "提醒")} and all("不是 2024 年" in r[6] for r in cross)


def test_a_year_typed_wrong_is_not_called_years_late(tmp_path):
    folder, out = tmp_path / "各镇", tmp_path / "out"
    write(folder / "甲镇.yaml", unit(1, "甲镇人民政府"))
    write(folder / "乙镇.yaml", unit(2, "乙镇人民政府"))
    wrong = unit(3, "丙镇人民政府")
    write(folder / "丙镇.yaml", wrong.evolve(year=2023))  # published 2026-01: 2023 would be two years late
    batch(folder, "-o", out, "-j", 1)
    note = units_sheet(out)["丙镇人民政府"]["说明"]
    assert "报告年度为 2023 年" in note and "也不判断是否逾期" in note and "晚于公布期限" not in note
    assert units_sheet(out)["丙镇人民政府"]["状态"] != "逾期"


def test_last_runs_output_copied_into_the_input_folder_is_named_not_read(tmp_path, capsys):
    """The review page, 校验结果, the roll-up's pages and the units' generated reports: an earlier run's output."""
    folder = tmp_path / "各镇"
    for i, name in enumerate(["甲镇人民政府", "乙镇人民政府"]):
        write(folder / f"{i}.yaml", unit(i, name))
    assert batch(folder, "-o", tmp_path / "first", "-j", 1, "--to", "docx,html") == 0
    import shutil

    shutil.copytree(tmp_path / "first", folder / "上次输出")
    capsys.readouterr()
    assert batch(folder, "-o", tmp_path / "second", "-j", 1, "--to", "html") == 0
    printed = capsys.readouterr().out
    assert set(units_sheet(tmp_path / "second")) == {"甲镇人民政府", "乙镇人民政府"}
    aside = set_aside(tmp_path / "second")
    assert "批量处理输出的审核报告" in aside["上次输出/审核报告.html"]
    assert "批量处理输出的校验结果" in aside["上次输出/校验结果.xlsx"]
    assert "汇总报告" in aside["上次输出/汇总-2025年度.docx"] and "汇总报告" in aside["上次输出/汇总-2025年度.html"]
    assert sum("为一个单位生成的报告" in reason for reason in aside.values()) >= 6  # docx, html, fragment × 2
    assert "「上次输出/汇总-2025年度.xlsx」：不计入汇总" in printed  # the county's roll-up: compared, never summed
    assert "汇总（2025年度，2 个单位" in printed


def test_a_name_with_the_countys_name_in_front_is_the_same_unit(tmp_path):
    folder, out = tmp_path / "各镇", tmp_path / "out"
    write(folder / "a.yaml", unit(1, "示例县龙泉镇人民政府"))
    write(folder / "b.yaml", unit(2, "清河镇人民政府"))
    listed = write_list(
        tmp_path / "名单.xlsx", ["单位名称"], [["龙泉镇人民政府"], ["示例县清河镇人民政府"], ["示例县白石乡人民政府"]]
    )
    batch(folder, "-o", out, "-j", 1, "--expected", listed)
    units = units_sheet(out)
    assert {n: u["状态"] for n, u in units.items()} == {
        "龙泉镇人民政府": "已提交且通过",
        "示例县清河镇人民政府": "已提交且通过",
        "示例县白石乡人民政府": "未提交",
    }
