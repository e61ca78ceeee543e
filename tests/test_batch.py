"""Batch generation (issue #5): roster workbook, parallel run, batch report, roll-up, re-runs, cross-year."""

from __future__ import annotations

import io
import random
import re
import shutil
from dataclasses import replace
from decimal import Decimal
from pathlib import Path

import pytest
from helpers import make_roster_module
from openpyxl import load_workbook
from rich.console import Console

from generator.app.cli import main
from generator.formats import FORMAT_2019, FORMAT_2021, format_for_year
from generator.inputs import InputError
from generator.inputs.excel import write_form
from generator.inputs.roster import ROSTER_SHEET, iter_roster, roster_columns, write_roster
from generator.numbers import format_number
from generator.outputs import OutputExists, safe_filename

ROOT = Path(__file__).resolve().parent.parent
_bench = make_roster_module()
make_roster, synthetic_report = _bench.make_roster, _bench.synthetic_report
typed = _bench.typed  # a report with some cells typed differently (numbers or a clerk's text)


def renamed(report, name: str):
    return report.evolve(agency=replace(report.agency, name=name))


def reports(count: int, year: int = 2025, seed: int = 3):
    rng = random.Random(seed)
    return [synthetic_report(i, year, rng) for i in range(count)]


def batch(*argv) -> int:
    return main(["batch", *map(str, argv)])


def batch_report(out: Path) -> tuple[dict, dict]:
    """(unit row by the source it was taken from, findings by source) from 校验结果.xlsx; a row is a dict by header."""
    book = load_workbook(out / "校验结果.xlsx", read_only=True)
    rows = book["各单位"].iter_rows(values_only=True)
    header = next(rows)
    agencies = {}
    for r in rows:
        row = dict(zip(header, r))
        agencies[row["采用的数据"] or row["机关名称"]] = row
    findings: dict[str, list] = {}
    for r in book["问题明细"].iter_rows(min_row=2, values_only=True):
        findings.setdefault(r[2], []).append(r)
    book.close()
    return agencies, findings


def html_cells(path: Path) -> dict[str, str]:
    return dict(re.findall(r'data-path="([^"]+)">([^<]*)<', path.read_text(encoding="utf-8")))


def report_file(out: Path, folder: str, report, ext: str) -> Path:
    return out / folder / f"{safe_filename(f'{report.agency.name}{report.year}年政府信息公开工作年度报告')}.{ext}"


# --- the roster workbook ------------------------------------------------------------------------


@pytest.mark.parametrize("fmt", [FORMAT_2019, FORMAT_2021])
def test_blank_roster_has_grouped_frozen_headers_from_the_format(tmp_path, fmt):
    path = tmp_path / "汇总表.xlsx"
    write_roster(path, fmt, force=False)
    sheet = load_workbook(path)[ROSTER_SHEET]
    assert sheet.freeze_panes == "B3"
    labels = [c.value for c in sheet[2]]
    columns = roster_columns(fmt)
    assert len(labels) == len(columns)
    for path_key in fmt.input_paths:  # every input number has its column, labelled as in formats.py
        col = next(c for c in columns if c.key == path_key)
        assert col.label in labels
    merged = {str(r) for r in sheet.merged_cells.ranges}
    assert any(r.endswith("1") and ":" in r for r in merged)  # group headers span their columns
    assert sheet.max_row == 2  # blank: headers only
    letters = {c.key: cell.column_letter for c, cell in zip(columns, sheet[2])}

    def rule_for(key):
        return next(dv for dv in sheet.data_validations.dataValidation if f"{letters[key]}3" in dv.sqref)

    count = rule_for("requests.new.natural")
    assert (count.type, count.operator, count.formula1, count.showErrorMessage) == (
        "whole",
        "greaterThanOrEqual",
        "0",
        True,
    )
    assert count.error and count.prompt  # Chinese messages, as in the Excel form
    amount = next(p for p in fmt.input_paths if fmt.kind_of(p) == "amount")
    assert rule_for(amount).type == "decimal"
    assert rule_for("fees.collected").formula1 == '"是,否"'
    assert rule_for("year").type == "whole" and rule_for("publication_date").type == "date"
    with pytest.raises(OutputExists):
        write_roster(path, fmt, force=False)
    write_roster(path, fmt, force=True)


@pytest.mark.parametrize("year", [2020, 2025])
def test_roster_reads_back_what_was_written(tmp_path, year):
    originals = reports(5, year)
    path = tmp_path / "汇总表.xlsx"
    write_roster(path, format_for_year(year), force=False, reports=originals)
    rows = list(iter_roster(path))
    assert [n for n, _ in rows] == [3, 4, 5, 6, 7]
    for (row, got), want in zip(rows, originals):
        assert got.format.key == want.format.key and got.year == year
        assert got.agency == want.agency and got.publication_date == want.publication_date
        assert {k: v for k, v in got.prose.items() if v} == want.prose
        assert got.fees.collected is False
        for path_key in want.format.input_paths:
            assert got.numbers[path_key] == want.numbers[path_key], path_key
        assert got.read_findings == ()
        assert got.places["requests.new.natural"].startswith(f"工作表「{ROSTER_SHEET}」单元格 ")
        assert got.places["requests.new.natural"].split("单元格 ")[1].split("（")[0].endswith(str(row))


def test_roster_problems_name_the_cell(tmp_path):
    rs = reports(4)
    rs[0] = typed(rs[0], requests__new__natural="十二")
    rs[1] = typed(rs[1], appeals__review__upheld=None)  # blank cell
    rs[2] = renamed(rs[2], "")
    rs[3] = typed(rs[3], active__penalty__decisions="1,234")
    path = tmp_path / "汇总表.xlsx"
    write_roster(path, FORMAT_2021, force=False, reports=rs)
    columns = roster_columns(FORMAT_2021)
    letter = {
        c.key: col for c, col in zip(columns, [cell.column_letter for cell in load_workbook(path)[ROSTER_SHEET][2]])
    }
    rows = dict(iter_roster(path))
    first = [f for f in rows[3].read_findings if f.rule == "R0-1"]
    assert first and f"单元格 {letter['requests.new.natural']}3" in first[0].where and first[0].severity == "E"
    blank = [f for f in rows[4].read_findings if f.rule == "R0-2"]
    assert blank and f"{letter['appeals.review.upheld']}4" in blank[0].message
    assert isinstance(rows[5], InputError) and f"单元格 {letter['agency.name']}5" in str(rows[5])
    assert rows[6].numbers["active.penalty.decisions"] == 1234


# --- the batch run ------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def county(tmp_path_factory):
    """30 agencies, one in five broken (all five kinds), run once with -j 2."""
    base = tmp_path_factory.mktemp("county")
    roster = base / "汇总表.xlsx"
    answers = make_roster(30, roster, broken_every=5)
    out = base / "输出"
    code = batch(roster, "-o", out, "-j", 2)
    return roster, answers, out, code


def test_batch_flags_every_broken_agency_with_its_cell(county):
    roster, answers, out, code = county
    assert code == 1
    agencies, findings = batch_report(out)
    assert len(answers) == 6 and len(agencies) == 30
    assert {a["rule"] for a in answers} == {"R0-1", "R3-1", "读取"}
    for a in answers:
        source = f"第 {a['row']} 行"
        assert agencies[source]["状态"] == "有错误" and agencies[source]["计入汇总"] == "否"
        assert any(f[3] == a["rule"] and a["where"] in f[5] for f in findings[source]), (a, findings[source])
        assert agencies[source]["输出文件"] in (None, "")  # no report for an agency with errors
        assert agencies[source]["本次处理"] == "未生成"


def test_batch_reports_match_their_rows(county):
    roster, answers, out, _ = county
    broken = {a["row"] for a in answers}
    agencies, _ = batch_report(out)
    checked = 0
    for row, report in iter_roster(roster):
        if row in broken:
            continue
        entry = agencies[f"第 {row} 行"]
        assert entry["状态"] == "已提交且通过"
        cells = html_cells(report_file(out, entry["输出文件夹"], report, "html"))
        for p in report.format.input_paths:
            assert cells[p] == format_number(report.number(p), report.format.kind_of(p)), (row, p)
        assert cells["requests.total_processed.total"] == str(report.requests_total("total_processed"))
        assert report_file(out, entry["输出文件夹"], report, "docx").stat().st_size > 10_000
        checked += 1
    assert checked == 24
    leftovers = [p for p in out.rglob("*") if p.name.endswith(".tmp") or p.name.startswith(".nianbao-run")]
    assert leftovers == []


def test_rollup_sums_the_good_agencies_and_is_checked(county):
    roster, answers, out, _ = county
    broken = {a["row"] for a in answers}
    good = [r for n, r in iter_roster(roster) if n not in broken]
    book = load_workbook(out / "汇总-2025年度.xlsx", read_only=True)
    details = list(book["单位明细"].iter_rows(values_only=True))
    header = [c.key for c in roster_columns(FORMAT_2021)]
    assert len(details) == 2 + len(good)
    grid = [v for row in book["汇总表"].iter_rows(values_only=True) for v in row if isinstance(v, (int, float))]
    assert list(book["汇总校验"].iter_rows(min_row=2, values_only=True)) == []
    book.close()
    cells = html_cells(out / "汇总-2025年度.html")
    for p in (
        "requests.new.natural",
        "requests.carry_forward.commercial",
        "appeals.review.pending",
        "active.normative_docs.issued",
    ):
        assert cells[p] == str(sum(r.number(p) for r in good)), p
    assert Decimal(cells["active.fees.amount"]) == sum(r.number("active.fees.amount") for r in good)
    total_new = sum(r.requests_total("new") for r in good)
    assert cells["requests.new.total"] == str(total_new) and total_new in grid
    assert "new" in header[header.index("requests.new.natural")]


def test_rerun_skips_finished_agencies_and_force_redoes_them(county, tmp_path, capsys):
    roster, _, first_out, _ = county
    out = tmp_path / "out"
    shutil.copytree(first_out, out)
    some = next(p for p in out.rglob("*.html") if p.parent != out)
    before = some.stat().st_mtime_ns
    assert batch(roster, "-o", out, "-j", 2) == 1
    agencies, _ = batch_report(out)
    # issue 17: a unit that still has errors is never called 已完成; every unit says nothing changed
    assert {a["本次处理"] for a in agencies.values() if a["状态"] != "有错误"} == {"已完成，跳过"}
    assert {a["本次处理"] for a in agencies.values() if a["状态"] == "有错误"} == {"数据未改，仍未通过（跳过）"}
    assert {a["与上次运行相比"] for a in agencies.values()} == {"未变"}
    assert some.stat().st_mtime_ns == before
    assert (
        "与上次运行相比：新提交 0 · 已改正 0 · 新出现错误 0 · 数据有修改 0 · 数据未变、重新生成 0 · 未变 30"
        in capsys.readouterr().out
    )
    assert batch(roster, "-o", out, "-j", 1, "--force") == 1
    agencies, _ = batch_report(out)
    done = {a["本次处理"] for a in agencies.values() if a["状态"] != "有错误"}
    assert done == {"本次生成"}  # units that produced nothing are never listed as generated (issue 13)
    assert {a["本次处理"] for a in agencies.values() if a["状态"] == "有错误"} == {"未生成"}


def test_changed_row_is_regenerated_and_user_edits_are_kept(tmp_path):
    rs = reports(6)
    roster, out = tmp_path / "汇总表.xlsx", tmp_path / "out"
    write_roster(roster, FORMAT_2021, force=False, reports=rs)
    assert batch(roster, "-o", out, "-j", 2) == 0
    edited = report_file(out, safe_filename(rs[1].agency.name), rs[1], "html")
    edited.write_text("我改过的报告", encoding="utf-8")
    rs[0] = typed(rs[0], appeals__review__upheld=rs[0].numbers["appeals.review.upheld"] + 5)
    rs[1] = typed(rs[1], appeals__review__upheld=rs[1].numbers["appeals.review.upheld"] + 5)
    write_roster(roster, FORMAT_2021, force=True, reports=rs)
    assert batch(roster, "-o", out, "-j", 2) == 1
    agencies, findings = batch_report(out)
    assert agencies["第 3 行"]["本次处理"] == "本次生成" and agencies["第 5 行"]["本次处理"] == "已完成，跳过"
    changed = html_cells(report_file(out, safe_filename(rs[0].agency.name), rs[0], "html"))
    assert changed["appeals.review.upheld"] == str(rs[0].numbers["appeals.review.upheld"])
    assert edited.read_text(encoding="utf-8") == "我改过的报告"  # never replaced without --force
    assert any("文件已存在" in f[6] for f in findings["第 4 行"])
    assert batch(roster, "-o", out, "-j", 1, "--force") == 0
    assert "我改过的报告" not in edited.read_text(encoding="utf-8")


def test_second_run_with_another_format_renders_only_what_is_missing(tmp_path):
    rs = reports(3)
    roster, out = tmp_path / "汇总表.xlsx", tmp_path / "out"
    write_roster(roster, FORMAT_2021, force=False, reports=rs)
    assert batch(roster, "-o", out, "--to", "html", "-j", 1) == 0
    html = report_file(out, safe_filename(rs[0].agency.name), rs[0], "html")
    before = html.stat().st_mtime_ns
    assert not html.with_suffix(".docx").exists()
    assert batch(roster, "-o", out, "--to", "html,docx", "-j", 1) == 0
    assert html.stat().st_mtime_ns == before and html.with_suffix(".docx").exists()
    agencies, _ = batch_report(out)
    assert all(len(a["输出文件"].split("\n")) == 3 for a in agencies.values())  # html, its CMS fragment, docx
    assert batch(roster, "-o", out, "--to", "docx", "-j", 1) == 0
    agencies, _ = batch_report(out)
    assert {a["本次处理"] for a in agencies.values()} == {"已完成，跳过"}


def test_an_unexpected_failure_costs_one_agency_and_is_retried(tmp_path, monkeypatch):
    from generator.batch import work as batch_worker

    rs = reports(4)
    roster, out = tmp_path / "汇总表.xlsx", tmp_path / "out"
    write_roster(roster, FORMAT_2021, force=False, reports=rs)
    real_check = batch_worker.check

    def flaky_check(report, *args):
        if report.agency.name == rs[2].agency.name:
            raise RuntimeError("检查器出错")
        return real_check(report, *args)

    monkeypatch.setattr(batch_worker, "check", flaky_check)
    assert batch(roster, "-o", out, "-j", 1) == 1
    agencies, findings = batch_report(out)
    # an internal error is the tool's, not the data's: its own status, said so in the message
    assert agencies["第 5 行"]["状态"] == "处理出错" and "检查器出错" in findings["第 5 行"][0][6]
    assert "不是数据的问题" in findings["第 5 行"][0][6]
    assert [agencies[f"第 {r} 行"]["状态"] for r in (3, 4, 6)] == ["已提交且通过"] * 3
    monkeypatch.setattr(batch_worker, "check", real_check)
    assert batch(roster, "-o", out, "-j", 1) == 0
    agencies, _ = batch_report(out)
    assert agencies["第 5 行"]["本次处理"] == "本次生成" and agencies["第 3 行"]["本次处理"] == "已完成，跳过"


def test_folder_names_are_safe_and_unique(tmp_path):
    rs = reports(5)
    names = ["../../逃逸镇人民政府", "CON", "青石镇人民政府", "青石镇人民政府", 'a:b*c?"<>|镇']
    rs = [renamed(r, name) for r, name in zip(rs, names)]
    roster, out = tmp_path / "汇总表.xlsx", tmp_path / "out"
    write_roster(roster, FORMAT_2021, force=False, reports=rs)
    batch(roster, "-o", out, "-j", 2, "--ignore-errors")
    folders = sorted(p.name for p in out.iterdir() if p.is_dir())
    assert len(folders) == 5
    assert "青石镇人民政府" in folders and "青石镇人民政府（2）" in folders
    assert "CON" not in folders and all(not set('<>:"/\\|?*') & set(f) for f in folders)
    assert all(p.resolve().is_relative_to(out.resolve()) for p in out.rglob("*"))
    assert not (tmp_path / "逃逸镇人民政府").exists()


def test_same_output_with_one_or_two_processes(tmp_path):
    roster = tmp_path / "汇总表.xlsx"
    write_roster(roster, FORMAT_2021, force=False, reports=reports(8))
    assert batch(roster, "-o", tmp_path / "a", "-j", 1) == 0
    assert batch(roster, "-o", tmp_path / "b", "-j", 2) == 0
    files = sorted(p.relative_to(tmp_path / "a") for p in (tmp_path / "a").rglob("*.docx"))
    assert len(files) == 9  # 8 units and the roll-up, byte for byte the same
    for rel in files:
        assert (tmp_path / "a" / rel).read_bytes() == (tmp_path / "b" / rel).read_bytes()


def test_folder_of_data_files_with_a_broken_one(tmp_path):
    folder, out = tmp_path / "各镇", tmp_path / "out"
    folder.mkdir()
    for name in ("青石街道-2025.yaml", "嵋阳镇-2021.yaml", "错误示例-2022.yaml"):
        shutil.copy(ROOT / "examples" / name, folder / name)
    (folder / "坏文件.yaml").write_text("year: [2025\n", encoding="utf-8")
    (folder / "说明.txt").write_text("不是数据", encoding="utf-8")
    form = reports(1, 2025, seed=5)[0]
    write_form(folder / "填报表.xlsx", form.format, report=form)
    write_roster(folder / "汇总表.xlsx", FORMAT_2021, force=False, reports=reports(2))
    assert batch(folder, "-o", out, "-j", 2) == 1
    agencies, findings = batch_report(out)
    assert set(agencies) == {
        "青石街道-2025.yaml",
        "嵋阳镇-2021.yaml",
        "错误示例-2022.yaml",
        "坏文件.yaml",
        "填报表.xlsx",
        "汇总表.xlsx",
    }
    assert agencies["坏文件.yaml"]["状态"] == "有错误" and "格式有误" in findings["坏文件.yaml"][0][6]
    book = load_workbook(out / "校验结果.xlsx", read_only=True)  # issue 17: a .txt that is no report is named
    aside = {r[0]: r[1] for r in book["未读取的文件"].iter_rows(min_row=2, values_only=True)}
    assert "导入" in aside["说明.txt"] and "不是政府信息公开工作年度报告" in aside["说明.txt"]
    assert agencies["汇总表.xlsx"]["状态"] == "有错误" and "汇总填报表" in findings["汇总表.xlsx"][0][6]
    assert agencies["错误示例-2022.yaml"]["状态"] == "有错误" and not agencies["错误示例-2022.yaml"]["输出文件"]
    for source in ("青石街道-2025.yaml", "填报表.xlsx"):
        assert agencies[source]["状态"] in ("已提交且通过", "逾期") and agencies[source]["输出文件"], agencies[source]
    cells = html_cells(report_file(out, "填报表", form, "html"))
    assert cells["requests.new.natural"] == str(form.numbers["requests.new.natural"])
    assert (out / "汇总-2025年度.html").exists() and (out / "汇总-2021年度.html").exists()


@pytest.mark.parametrize("kind", ["roster", "folder"])
def test_previous_year_gives_cross_year_findings(tmp_path, kind):
    this_year = reports(4, 2025)
    last_year = reports(4, 2024, seed=9)
    for i, (now, before) in enumerate(zip(this_year, last_year)):
        n = now.numbers
        carried = {
            f"requests__carry_forward__{c.key}": n[f"requests.carried_over.{c.key}"]
            for c in FORMAT_2021.requests.input_columns
        }
        last_year[i] = typed(
            renamed(before, now.agency.name), **carried, active__rules__in_force=50, active__normative_docs__in_force=50
        )
        this_year[i] = typed(
            now,
            **{
                f"active__{row}__in_force": 50 + n[f"active.{row}.issued"] - n[f"active.{row}.repealed"]
                for row in ("rules", "normative_docs")
            },
        )
    last_year[1] = typed(
        last_year[1], requests__carry_forward__natural=last_year[1].numbers["requests.carry_forward.natural"] + 2
    )  # X-1 for agency 2 (row 4)
    last_year[3] = renamed(last_year[3], "改名镇人民政府")  # agency 4 (row 6) not found last year
    roster, previous, out = tmp_path / "2025.xlsx", tmp_path / "2024.xlsx", tmp_path / "out"
    write_roster(roster, FORMAT_2021, force=False, reports=this_year)
    if kind == "roster":
        write_roster(previous, FORMAT_2021, force=False, reports=last_year)
    else:
        from generator.inputs.datafile import dump_yaml

        previous = tmp_path / "2024"
        previous.mkdir()
        for i, report in enumerate(last_year):
            (previous / f"{i}.yaml").write_text(dump_yaml(report), encoding="utf-8")
    assert batch(roster, "-o", out, "-j", 2, "--previous", previous) == 0
    _, findings = batch_report(out)
    rules = {source: {f[3] for f in fs} for source, fs in findings.items()}
    assert "X-1" in rules["第 4 行"] and "X-1" not in rules.get("第 3 行", set())
    x1 = next(f for f in findings["第 4 行"] if f[3] == "X-1")
    assert "上年结转下年度" in x1[7] and x1[8] == -2
    assert any("没有找到这个单位" in f[6] for f in findings["第 6 行"])
    assert "X-2" not in rules.get("第 3 行", set())


def test_unreadable_input_exits_2(tmp_path, capsys):
    assert batch(tmp_path / "没有这个.xlsx", "-o", tmp_path / "out") == 2
    (tmp_path / "坏.xlsx").write_bytes(b"not a workbook")
    assert batch(tmp_path / "坏.xlsx", "-o", tmp_path / "out") == 2
    (tmp_path / "空").mkdir()
    assert batch(tmp_path / "空", "-o", tmp_path / "out") == 2
    roster = tmp_path / "汇总表.xlsx"
    write_roster(roster, FORMAT_2021, force=False, reports=reports(2))
    book = load_workbook(roster)
    book[ROSTER_SHEET].delete_cols(40)
    book.save(roster)
    assert batch(roster, "-o", tmp_path / "out") == 2
    err = capsys.readouterr().err
    assert "缺少" in err and "Traceback" not in err


def test_roster_is_streamed_with_a_bounded_number_of_tasks_in_flight(tmp_path):
    from generator.batch.plan import RosterPlan
    from generator.batch.pool import WINDOW_PER_JOB, run_tasks
    from generator.batch.spool import Spool
    from generator.batch.work import Options

    roster = tmp_path / "汇总表.xlsx"
    write_roster(roster, FORMAT_2021, force=False, reports=reports(40))
    spool = Spool(tmp_path / "spool.sqlite")
    in_flight = []

    def watched(tasks):
        for n, task in enumerate(tasks):
            in_flight.append(n - spool.count())
            yield task

    with RosterPlan(roster) as plan:
        options = Options(str(tmp_path / "out"), ("html",), False, False, plan.layout)
        run_tasks(watched(plan.tasks("")), options, 2, spool, plan.estimate, Console(file=io.StringIO()))
    assert spool.count() == 40 and max(in_flight) <= 2 * WINDOW_PER_JOB < 40
    assert [r.seq for r in spool] == list(range(40))


def test_a_dead_worker_costs_only_its_agencies(tmp_path, monkeypatch):
    from generator.batch.plan import Task
    from generator.batch.pool import run_pool
    from generator.batch.work import Options

    done = []
    tasks = [Task(i, f"单位{i}", f"第 {i + 3} 行", None, "x", "d") for i in range(6)]
    run_pool(iter(tasks), Options(str(tmp_path), ("html",), False, False), 2, done.append, work=_die_on_third)
    assert len(done) == 6
    died = [r for r in done if r.findings and r.findings[0]["rule"] == "内部错误"]
    assert died and all("重新运行" in r.findings[0]["message"] and r.retry for r in died)
    assert any(r.status == "通过" for r in done)


def _die_on_third(task):
    import os

    from generator.batch.record import UnitRecord

    if task.seq == 2:
        os._exit(1)
    return UnitRecord(task.seq, task.folder, task.source, task.digest, status="通过")


# --- issue 13: what the county reviewer found -----------------------------------------------------


def test_roster_instructions_say_section_five_is_required(tmp_path):
    from generator.report import PROSE_FIELDS

    write_roster(tmp_path / "汇总表.xlsx", FORMAT_2021, force=False)
    text = "\n".join(str(r[0]) for r in load_workbook(tmp_path / "汇总表.xlsx")["填表说明"].iter_rows(values_only=True))
    assert f"「{PROSE_FIELDS['problems']}」必须填写" in text and "正文各栏可以留空" not in text


def test_one_bad_cell_does_not_hide_the_other_errors_of_its_row(tmp_path):
    rs = reports(2)
    rs[0] = typed(rs[0], requests__new__natural="十二", appeals__review__upheld=-1)
    roster, out = tmp_path / "汇总表.xlsx", tmp_path / "out"
    write_roster(roster, FORMAT_2021, force=False, reports=rs)
    book = load_workbook(roster)
    columns = [c.key for c in roster_columns(FORMAT_2021)]
    book[ROSTER_SHEET].cell(3, columns.index("year") + 1, "二〇二五")  # unusable year: the row cannot be a report
    book[ROSTER_SHEET].cell(3, columns.index("publication_date") + 1, "明年")
    book.save(roster)
    assert batch(roster, "-o", out, "-j", 1) == 1
    _, findings = batch_report(out)
    messages = " ".join(f[6] for f in findings["第 3 行"])
    assert "报告年度" in messages and "发布日期「明年」" in messages
    assert "「十二」不是数字" in messages and "负数" in messages


def test_roster_is_the_list_duplicates_by_code_and_nothing_summed_twice(tmp_path, capsys):
    rs = reports(4)
    roster, out = tmp_path / "汇总表.xlsx", tmp_path / "out"
    rs[3] = renamed(rs[1], rs[1].agency.name + "（更正）")  # the same unit again, under its code
    write_roster(roster, FORMAT_2021, force=False, reports=rs)
    book = load_workbook(roster)
    sheet, columns = book[ROSTER_SHEET], [c.key for c in roster_columns(FORMAT_2021)]
    for row, code in ((3, "A1"), (4, "B2"), (5, "C3"), (6, "B2")):
        sheet.cell(row, columns.index("unit.code") + 1, code)
    sheet.cell(7, 1, "未报镇人民政府")  # a row with only the name: a unit that has not filed
    sheet.cell(7, columns.index("unit.contact") + 1, "张三")
    book.save(roster)
    assert batch(roster, "-o", out, "-j", 1) == 1  # a unit has not filed
    agencies, _ = batch_report(out)
    assert agencies["未报镇人民政府"]["状态"] == "未提交" and agencies["未报镇人民政府"]["联系人"] == "张三"
    duplicate = agencies["第 4 行"]
    assert duplicate["状态"] == "重复提交" and "「第 6 行」" in duplicate["说明"] and duplicate["单位代码"] == "B2"
    assert "数据相同，采用排在前面的一份" in duplicate["说明"]
    cells = html_cells(out / "汇总-2025年度.html")
    assert cells["requests.new.natural"] == str(sum(r.number("requests.new.natural") for r in rs[:3]))
    assert "采用「第 4 行」" in capsys.readouterr().out


def test_no_rollup_marked_passed_when_nothing_can_be_summed(tmp_path, capsys):
    rs = [typed(r, requests__new__natural="十二") for r in reports(2)]
    roster, out = tmp_path / "汇总表.xlsx", tmp_path / "out"
    write_roster(roster, FORMAT_2021, force=False, reports=rs)
    assert batch(roster, "-o", out, "-j", 1) == 1
    printed = capsys.readouterr().out
    assert "没有可汇总的单位" in printed and "校验通过" not in printed
    assert not list(out.glob("汇总-*")) and (out / "审核报告.html").exists()


def test_ignore_errors_writes_drafts_marked_and_nothing_to_publish(tmp_path):
    rs = reports(2)
    rs[0] = typed(rs[0], requests__granted__natural=rs[0].numbers["requests.granted.natural"] + 1)  # R3-1
    roster, out = tmp_path / "汇总表.xlsx", tmp_path / "out"
    write_roster(roster, FORMAT_2021, force=False, reports=rs)
    assert batch(roster, "-o", out, "-j", 1, "--ignore-errors") == 1
    draft = sorted(p.name for p in (out / safe_filename(rs[0].agency.name)).iterdir() if not p.name.startswith("."))
    stem = safe_filename(f"{rs[0].agency.name}2025年政府信息公开工作年度报告")
    assert draft == [f"{stem}（草稿）.docx", f"{stem}（草稿）.html"]  # no CMS fragment for a draft
    assert "草稿" in (out / safe_filename(rs[0].agency.name) / f"{stem}（草稿）.html").read_text(encoding="utf-8")
    good = out / safe_filename(rs[1].agency.name)
    assert any(p.name.endswith("（网站发布用片段）.htm") for p in good.iterdir())
    assert batch(roster, "-o", out, "-j", 1, "--ignore-errors") == 1
    agencies, _ = batch_report(out)
    assert agencies["第 3 行"]["本次处理"] == "数据未改，仍未通过（跳过）"  # not redone, and not called 已完成
