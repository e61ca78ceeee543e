"""The Excel form (填报表) a clerk fills in Excel or WPS: writing it, reading it back, ``nianbao form``.

- ``write_form`` — a blank form, or one pre-filled from a report (``nianbao convert DATA.yaml -o FORM.xlsx``).
- ``read_form`` — a filled form as a Report (``nianbao check / render / convert FORM.xlsx``).
- ``cli_form`` — ``nianbao form [--year Y | --format 2019|2021] [-o FILE] [--previous LAST] [--force] [--batch]``.

The layout lives in ``layout``, writing in ``write``, reading in ``read``. Finding ids of
the form itself (besides the checker's): F-1 a required field is missing or invalid (机关名称, 发布日期,
是否收取信息处理费), F-2 a total's formula was deleted or changed.
"""
from __future__ import annotations

import sys
from pathlib import Path

from ...formats import FORMAT_2021, FORMATS, Format, format_for_year
from ...outputs import safe_filename, write_atomic
from ...report import Report
from .read import read_form
from .write import form_bytes

__all__ = ["write_form", "read_form", "cli_form", "form_bytes"]


def write_form(path: Path, fmt: Format, report: Report | None = None, force: bool = False) -> None:
    """Write the form for ``fmt``: blank, or pre-filled from ``report`` (its numbers, texts and year)."""
    write_atomic(Path(path), form_bytes(fmt, report), force=force)


def default_name(fmt: Format, year: int | None = None, agency: str = "") -> str:
    if year is None:
        return f"填报表-{fmt.key}格式.xlsx"
    return safe_filename(f"{agency}填报表-{year}") + ".xlsx"


def cli_form(args) -> int:
    from ...cli import EXIT_INPUT, EXIT_OK
    from .. import InputError

    year = getattr(args, "year", None)
    fmt_key = getattr(args, "format", None)
    output = getattr(args, "output", None)
    force = bool(getattr(args, "force", False))
    if output and Path(output).suffix.lower() != ".xlsx":
        raise InputError(f"输出文件 {Path(output).name} 的扩展名应为 .xlsx（Excel 工作簿）。")
    if year is not None and not 2008 <= year <= 2100:
        raise InputError(f"报告年度 {year} 不对，请写 4 位年份，如 2025。")
    fmt = FORMATS[fmt_key] if fmt_key else format_for_year(year) if year else FORMAT_2021
    if getattr(args, "batch", False):
        if getattr(args, "previous", None):
            print("--batch（汇总填报表）不能与 --previous 同时使用。", file=sys.stderr)
            return EXIT_INPUT
        from ..roster import write_roster

        path = Path(output or f"汇总填报表-{year or fmt.key + '格式'}.xlsx")
        write_roster(path, fmt, force)
        print(f"已生成汇总填报表（{fmt.name}）：{path}")
        return EXIT_OK
    report = None
    if getattr(args, "previous", None):
        report = _carried(args.previous, year, fmt if fmt_key else None)
        fmt = report.format
        year = report.year
    elif year is not None:
        report = Report(year=year, format=fmt)
    path = Path(output or default_name(fmt, year, report.agency.name if report else ""))
    write_form(path, fmt, report=report, force=force)
    what = f"{year}年度" if year else "空白"
    print(f"已生成{what}填报表（{fmt.name}）：{path}")
    if report is not None and getattr(args, "previous", None):
        print("已从上年数据带入：机关信息、上年结转申请数（三、第二行）、现行有效件数和正文草稿；其余数字请按本年度填写。")
    return EXIT_OK


def _carried(previous: str, year: int | None, fmt: Format | None) -> Report:
    """Next year's draft from last year's data; only the carried numbers are filled in, the rest is left blank."""
    from ...carry import next_year
    from .. import load_report

    draft = next_year(load_report(previous))
    if year is not None and year != draft.year:
        draft.year = year
        draft.format = format_for_year(year)
    if fmt is not None:
        draft.format = fmt
    carried = {f"requests.carried_over.{c.key}" for c in draft.format.requests.input_columns}
    carried |= {"active.rules.in_force", "active.normative_docs.in_force"}
    draft.numbers = {p: v for p, v in draft.numbers.items() if p in carried and p in draft.format.input_paths}
    draft.invalidate()
    return draft
