"""The summary of a batch on screen: counts that agree with the progress bar and the workbook, and what to do next."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from .plan import BATCH_REPORT, REVIEW_PAGE
from .record import ERRORS, INTERNAL, UNREADABLE
from .settle import BROKEN, EDITED, FAILED, FIXED, HAS_ERRORS, MISSING, NEW, RERUN, STATUSES, UNCHANGED, Filing
from .spool import Spool
from .sums import RollUp

SHOWN_ON_SCREEN = 20


def print_summary(
    spool: Spool,
    filing: Filing,
    rollups: dict[Any, RollUp],
    files: list[Path],
    info: Any,
    no_rollup: str,
    unmatched_last_year: list[str],
) -> None:
    units = filing.units
    count = spool.count()
    rate = f"，{count / info.elapsed:.1f} 份/秒" if info.elapsed > 0 and count else ""
    print(
        f"批量生成完成：{count} 份数据，{len(units)} 个单位，用时 {info.elapsed:.1f} 秒（{info.jobs} 个进程{rate}）。"
    )
    print("  " + " · ".join(f"{s} {filing.count(s)}" for s in STATUSES))
    failed = sum(r.status in (ERRORS, UNREADABLE, INTERNAL) for r in spool)
    if failed:
        print(f"  （进度条按份计：{failed} 份数据未通过；上面按单位计，重复提交的单位只算一次）")
    for year, others in sorted(filing.other_years.items()):
        shown = "、".join(u.title for u in others[:SHOWN_ON_SCREEN]) + ("等" if len(others) > SHOWN_ON_SCREEN else "")
        print(f"  本批是 {filing.year} 年度；{len(others)} 个单位的报告是 {year} 年度（{shown}），按年度分别汇总")
    changes = filing.changes()
    if any(changes[k] for k in (FIXED, BROKEN, EDITED, RERUN, UNCHANGED)):
        order = (NEW, FIXED, BROKEN, EDITED, RERUN, UNCHANGED)
        print("  与上次运行相比：" + " · ".join(f"{k} {changes[k]}" for k in order))
    if filing.totals:
        own = "、".join(f"「{t.source}」" for t in filing.totals)
        print(f"{filing.name}本级的报告 {own}：不计入汇总，逐格与各单位合计比较（H-1）")
    if filing.set_aside:
        print(f"文件夹中有 {len(filing.set_aside)} 个文件（或子文件夹）未读取：")
        for item in filing.set_aside[:SHOWN_ON_SCREEN]:
            print(f"  {item.source}：{item.reason}")
    for status, title in ((HAS_ERRORS, "有错误的单位"), (FAILED, "处理出错的单位"), (MISSING, "未提交的单位")):
        listed = [u for u in units if u.status == status]
        if listed:
            more = f"，下面列出前 {SHOWN_ON_SCREEN} 个" if len(listed) > SHOWN_ON_SCREEN else ""
            print(f"{title}（{len(listed)} 个{more}）：")
            for unit in listed[:SHOWN_ON_SCREEN]:
                print(f"  {unit.title}：{_first_problem(spool, unit) if unit.chosen else _not_found(unit)}")
    if any(u.status == HAS_ERRORS for u in units):
        if not any(u.status == HAS_ERRORS and u.chosen and u.chosen.readable for u in units):
            print("有错误的单位的数据无法读取，没有生成报告，也没有计入汇总；请按上面的说明改正后重新运行。")
        elif info.ignore_errors:
            print("有错误的单位已生成草稿（文件名带「草稿」），不可发布；改正后重新运行即可得到正式报告。")
        else:
            print("有错误的单位没有生成报告，也没有计入汇总（加 --ignore-errors 可先生成草稿）。")
    noted = [u for u in units if u.notes and u.status != MISSING]  # a missing unit's notes are printed above
    for unit in noted[:SHOWN_ON_SCREEN]:
        print(f"  {unit.title}：{'；'.join(unit.notes)}")
    if len(noted) > SHOWN_ON_SCREEN:
        print(f"  ……另有 {len(noted) - SHOWN_ON_SCREEN} 个单位的说明，见 {BATCH_REPORT}")
    if unmatched_last_year:
        shown = "、".join(unmatched_last_year[:SHOWN_ON_SCREEN])
        print(f"上年数据中有 {len(unmatched_last_year)} 个单位本年没有对应（按单位代码、名称都没有找到）：{shown}")
    print(f"校验结果（每个单位的状态、联系人，每个问题的位置和数值）：{info.output / BATCH_REPORT}")
    print(f"审核报告（状态表、问题、汇总和图表，可直接用浏览器打开、打印）：{info.output / REVIEW_PAGE}")
    if not rollups:
        print(no_rollup)
    for rollup in rollups.values():
        problems = rollup.findings + rollup.comparisons
        verdict = "通过" if not problems else f"发现 {len(problems)} 个问题，见校验结果"
        draft = f"，草稿：含有错误的 {len(rollup.draft)} 个单位" if rollup.draft else ""
        print(f"汇总（{rollup.year}年度，{rollup.agencies} 个单位{draft}，校验{verdict}）：")
        for path in files:
            if path.stem == rollup.stem_name:
                print(f"  {path}")


def _not_found(unit: Any) -> str:
    return "没有找到它的数据" + (f"（{'；'.join(unit.notes)}）" if unit.notes else "")


def _first_problem(spool: Spool, unit: Any) -> str:
    record = spool.get(unit.chosen.seq)
    errors = [f for f in record.findings if f["severity"] == "E"]
    if not errors:
        return "；".join(unit.notes)
    first = errors[0]
    where = "" if first["where"] == record.source else f"{first['where']}："
    more = f"（另有 {len(errors) - 1} 个错误）" if len(errors) > 1 else ""
    return f"{record.source} [{first['rule']}] {where}{first['message']}{more}"
