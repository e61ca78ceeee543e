"""``nianbao form``: a blank or pre-filled Excel form (填报表), or the roster (汇总填报表) for ``batch``."""

from __future__ import annotations

from pathlib import Path

from ..errors import EXIT_OK, InputError
from ..formats import FORMAT_2021, FORMATS, format_for_year
from ..outputs import refuse_overwriting_input
from ..report import Report


def cmd_form(args) -> int:
    year, fmt_key, output = args.year, args.format, args.output
    if output and Path(output).suffix.lower() != ".xlsx":
        raise InputError(f"输出文件 {Path(output).name} 的扩展名应为 .xlsx（Excel 工作簿）。")
    if year is not None and not 2008 <= year <= 2100:
        raise InputError(f"报告年度 {year} 不对，请写 4 位年份，如 2025。")
    fmt = FORMATS[fmt_key] if fmt_key else format_for_year(year) if year else FORMAT_2021
    if args.batch:
        return _roster(args, fmt, year)
    report, carried_from = None, None
    if args.previous:
        from ..carry import next_year
        from ..inputs import load_report

        previous = load_report(args.previous)
        report = next_year(previous, year, fmt if fmt_key else None)
        fmt, year, carried_from = report.format, report.year, previous.year
    elif year is not None:
        report = Report(year=year, format=fmt)
    from ..inputs.excel import default_name, write_form

    path = Path(output or default_name(fmt, year, report.agency.name if report else ""))
    if args.previous:
        refuse_overwriting_input(Path(args.previous), path)
    write_form(path, fmt, report=report, force=args.force, carried_from=carried_from)
    print(f"已生成{f'{year}年度' if year else '空白'}填报表（{fmt.name}）：{path}")
    if args.previous:
        print(
            "已从上年数据带入：机关信息、上年结转申请数（三、第二行）、现行有效件数和正文草稿；其余数字请按本年度填写。"
            f"正文是{carried_from}年报告的原文（「报告正文」表中标成浅红色），请按本年度改写：原样交回会被提示（规则 T-2）。"
        )
    return EXIT_OK


def _roster(args, fmt, year: int | None) -> int:
    if args.previous:
        raise InputError("--batch（汇总填报表）不能与 --previous 同时使用。")
    from ..inputs.roster import write_roster

    path = Path(args.output or f"汇总填报表-{year or fmt.key + '格式'}.xlsx")
    write_roster(path, fmt, args.force)
    print(f"已生成汇总填报表（{fmt.name}）：{path}")
    return EXIT_OK
