"""Command line: ``nianbao check | render | form | convert | wizard | batch | import | schema | rules | doctor``.

Exit codes: 0 done (no errors), 1 the data has errors or an output was refused, 2 the input could
not be read or the command was used wrongly. Heavy libraries are imported only by the command
that needs them, so ``nianbao --help`` stays fast.
"""

from __future__ import annotations

import argparse
import contextlib
import sys
from datetime import date

from .. import __version__, interrupts
from ..errors import EXIT_INPUT

MAX_JOBS = 64

_ARGPARSE_ZH = {
    "usage: ": "用法：",
    "positional arguments": "参数",
    "options": "选项",
    "show this help message and exit": "显示本帮助并退出",
    "show program's version number and exit": "显示版本号并退出",
    "%(prog)s: error: %(message)s\n": "%(prog)s：错误：%(message)s\n",
    "the following arguments are required: %s": "缺少必需的参数：%s",
    "unrecognized arguments: %s": "不认识的参数：%s",
    "invalid choice: %(value)r (choose from %(choices)s)": "无效的选项 %(value)r（可选：%(choices)s）",
    "argument %(argument_name)s: %(message)s": "参数 %(argument_name)s：%(message)s",
    "expected one argument": "需要一个值",
    "invalid %(type)s value: %(value)r": "无效的值：%(value)r",
    "ambiguous option: %(option)s could match %(matches)s": "选项 %(option)s 不明确，可能是：%(matches)s",
}
# argparse looks its messages up through its module-level `_`, which typeshed does not declare
argparse._ = lambda text: _ARGPARSE_ZH.get(text, text)  # type: ignore[attr-defined]


def _formats(value: str) -> list[str]:
    from ..render import TARGETS

    chosen = [v.strip().lower() for v in value.split(",") if v.strip()]
    wrong = [v for v in chosen if v not in TARGETS]
    if wrong or not chosen:
        raise argparse.ArgumentTypeError(f"不支持的输出格式 {'、'.join(wrong) or value}，可选：docx,html,pdf")
    return chosen


def _local_guidance(p) -> None:
    """The switches of the local guidance (rules D-1, D-2: docs/data-file.md)."""
    p.add_argument(
        "--local-guidance",
        action="store_true",
        help="加上本地要求的提醒：「一、总体情况」约 1000 字（D-1）、总体情况各小节要有具体数字（D-2）",
    )
    p.add_argument(
        "--overview-length",
        type=_overview_length,
        default=None,
        metavar="字数",
        help="本地要求的「一、总体情况」字数（少于八成时提醒，规则 D-1；同时打开本地要求）；0 只提醒 D-2",
    )


def _deadline(value: str) -> tuple[int, int]:
    """「01-31」 (also 1/31, 1月31日): a day that exists in every year, so 02-29 is refused too."""
    import re

    match = re.fullmatch(r"\s*(\d{1,2})\s*[-/.月]\s*(\d{1,2})\s*日?\s*", value) if len(value) < 40 else None
    if not match:
        raise argparse.ArgumentTypeError(f"期限「{value}」请写成 月-日，如 01-31")
    month, day = int(match.group(1)), int(match.group(2))
    try:
        date(2001, month, day)  # not a leap year
    except ValueError:
        what = f"没有 {month} 月" if not 1 <= month <= 12 else f"{month} 月没有 {day} 日"
        what += "（平年）" if (month, day) == (2, 29) else ""
        raise argparse.ArgumentTypeError(f"期限「{value}」不是有效日期：{what}。请写成 月-日，如 01-31") from None
    return month, day


def _overview_length(value: str) -> int:
    try:
        length = int(value)
    except ValueError:
        length = -1
    if not 0 <= length <= 100_000:
        raise argparse.ArgumentTypeError(f"字数「{value}」应为 0 到 100000 之间的整数，如 1000（0 只提醒 D-2）")
    return length


def _jobs(value: str) -> int:
    try:
        jobs = int(value)
    except ValueError:
        jobs = 0
    if not 1 <= jobs <= MAX_JOBS:
        raise argparse.ArgumentTypeError(
            f"并行进程数「{value}」应为 1 到 {MAX_JOBS} 之间的整数，一般不超过电脑的 CPU 核数"
        )
    return jobs


class _Parser(argparse.ArgumentParser):
    """argparse with its messages (which echo what was typed) made safe for the terminal."""

    def _print_message(self, message, file=None):
        from ..limits import printable

        super()._print_message(printable(message) if message else message, file)


def build_parser() -> argparse.ArgumentParser:
    parser = _Parser(
        prog="nianbao",
        description="政府信息公开工作年度报告：填报、校验、生成（DOCX / HTML / PDF）。",
        epilog="示例：nianbao check 数据.yaml；nianbao render 数据.yaml -o 输出 --to docx,pdf",
    )
    parser.add_argument("--version", action="version", version=f"nianbao {__version__}")
    sub = parser.add_subparsers(dest="command", metavar="命令", title="命令")

    p = sub.add_parser("check", help="校验数据文件、填报表或已发布的年度报告")
    p.add_argument("inputs", nargs="+", metavar="文件", help="数据文件（.yaml/.json）、填报表（.xlsx）或年度报告")
    p.add_argument("--json", action="store_true", help="以 JSON 输出校验结果（供程序读取）")
    p.add_argument("--previous", metavar="上年文件", help="上一年度的数据文件或报告，用于跨年度核对（X-1、X-2、T-2）")
    p.add_argument(
        "--deadline",
        type=_deadline,
        default=None,
        metavar="月-日",
        help="公布期限；默认按报告种类：县级以上人民政府 03-31，政府部门和乡镇、街道 01-31（条例第四十九条）",
    )
    _local_guidance(p)

    p = sub.add_parser("render", help="生成年度报告（DOCX、HTML、PDF）")
    p.add_argument("inputs", nargs="+", metavar="文件")
    p.add_argument("-o", "--output", default=".", metavar="目录", help="输出目录，默认当前目录")
    p.add_argument(
        "--to",
        type=_formats,
        default=["docx", "html", "pdf"],
        metavar="格式",
        help="输出格式，逗号分隔：docx,html,pdf（默认全部）",
    )
    p.add_argument("--template", metavar="模板.docx", help="自定义 Word 模板（页面设置和样式）")
    p.add_argument("--force", action="store_true", help="覆盖已存在的输出文件")
    p.add_argument("--ignore-errors", action="store_true", help="数据有错误时仍然生成报告（错误会列出）")
    _local_guidance(p)
    p.add_argument("--previous", metavar="上年文件", help="上一年度的数据文件或报告，用于跨年度核对")

    p = sub.add_parser("schema", help="输出数据文件的 JSON Schema（供编辑器提示和校验）")
    p.add_argument("--format", choices=["2019", "2021"], help="只含某一格式版本的表格")

    p = sub.add_parser("rules", help="列出全部校验规则：编号、名称、说明和示例")
    p.add_argument("ids", nargs="*", metavar="编号", help="只看这几条规则，如 R3-1 T-3")

    p = sub.add_parser("form", help="生成 Excel 填报表（空白或按上年数据预填）")
    group = p.add_mutually_exclusive_group()
    group.add_argument("--year", type=int, metavar="年度", help="报告年度（决定表格格式）")
    group.add_argument("--format", choices=["2019", "2021"], help="表格格式版本")
    p.add_argument("-o", "--output", metavar="文件.xlsx", help="输出文件")
    p.add_argument("--batch", action="store_true", help="生成汇总填报表（每行一个单位，供批量生成）")
    p.add_argument("--previous", metavar="上年文件", help="用上一年度的数据或报告预填（结转数自动带入）")
    p.add_argument("--force", action="store_true", help="覆盖已存在的文件")

    p = sub.add_parser("convert", help="在数据文件与 Excel 填报表之间转换")
    p.add_argument("input", metavar="输入文件")
    p.add_argument("-o", "--output", required=True, metavar="输出文件", help=".yaml/.json 或 .xlsx")
    p.add_argument("--force", action="store_true", help="覆盖已存在的文件")

    p = sub.add_parser(
        "wizard",
        help="在终端里逐项回答问题，生成数据文件",
        description="在终端里逐项回答问题，生成数据文件。填过的单位信息会记在用户配置文件夹的 nianbao/agency.json"
        "（Windows 为 %%APPDATA%%\\nianbao\\agency.json），下次可直接沿用；--forget 删除它。",
    )
    p.add_argument("--resume", metavar="草稿文件", help="从草稿继续")
    p.add_argument("--answers", metavar="上年文件", help="用上一年度的数据或报告预填")
    p.add_argument("--edit", metavar="数据文件", help="打开已保存的本年度数据文件逐项修改（不是作为上年数据）")
    p.add_argument("--forget", action="store_true", help="删除记住的单位信息（agency.json）后退出")
    p.add_argument("-o", "--output", metavar="数据文件", help="保存的数据文件，默认按单位和年度命名")

    p = sub.add_parser("batch", help="批量生成：一个汇总表或一个文件夹里的所有单位")
    p.add_argument("input", metavar="汇总表或文件夹")
    p.add_argument("-o", "--output", required=True, metavar="目录")
    p.add_argument("--to", type=_formats, default=["docx", "html"], metavar="格式", help="默认 docx,html")
    p.add_argument("-j", "--jobs", type=_jobs, default=None, metavar="N", help="并行进程数，默认为 CPU 核数")
    p.add_argument(
        "--previous",
        metavar="上年汇总表或文件夹",
        help="上一年度的汇总填报表，或存放上年数据文件、填报表、已发布报告（.docx/.html/.pdf）的文件夹，用于跨年度核对和同比图表",
    )
    p.add_argument(
        "--expected",
        metavar="名单.xlsx",
        help="应报单位名单（列标题：单位名称，可选 单位代码、联系人、联系电话；也可以是汇总填报表，或每行一个单位名称的 .txt），用于判断未提交、重复提交",
    )
    p.add_argument(
        "--deadline",
        type=_deadline,
        default=(1, 31),
        metavar="月-日",
        help="公布期限（次年），默认 01-31；晚于期限为逾期",
    )
    p.add_argument("--name", metavar="名称", help="汇总表的单位名称（如 某某县人民政府），默认取各单位的上级政府")
    p.add_argument("--force", action="store_true", help="重新生成已完成的单位")
    p.add_argument("--ignore-errors", action="store_true", help="有错误的单位也生成报告")
    p.add_argument("--scorecard", metavar="考评.yaml", help="考评表（评分项和分值），默认用内置的考评表")

    p = sub.add_parser(
        "import", help="把已发布的年度报告（.docx/.html/.txt/.pdf，扫描件 .png/.jpg 需 OCR 组件）转换为数据文件"
    )
    p.add_argument("input", metavar="报告文件")
    p.add_argument("-o", "--output", metavar="数据文件.yaml")
    p.add_argument("--force", action="store_true", help="覆盖已存在的文件")

    p = sub.add_parser("doctor", help="环境检查：版本、PDF 能否生成、字体、输出文件夹能否写入")
    p.add_argument("-o", "--output", default=".", metavar="目录", help="要检查能否写入的输出目录，默认当前目录")
    p.add_argument("--pdf", action="store_true", help="PDF 必须可用（不可用时退出码为 1）")
    return parser


def main(argv: list[str] | None = None) -> int:
    _readable_output()
    interrupts.install()
    try:
        parser = build_parser()
        args = parser.parse_args(argv)
        if not args.command:
            parser.print_help()
            return EXIT_INPUT
        from .commands import run

        return run(args)
    except KeyboardInterrupt as exc:
        with contextlib.suppress(OSError):  # the terminal may be gone (SIGHUP)
            print(f"\n{interrupts.describe(exc)}没有留下写了一半的文件；需要时重新运行同一命令即可。", file=sys.stderr)
        return interrupts.exit_code(exc)
    except BrokenPipeError:  # `nianbao --help | head -1`
        from .commands import pipe_closed

        return pipe_closed()


def _readable_output() -> None:
    """Chinese comes out readable whatever the locale: a C/POSIX locale (ASCII) becomes UTF-8; a console
    that cannot show a character (GBK) shows it escaped rather than stopping the command."""
    for stream in (sys.stdout, sys.stderr):
        reconfigure = getattr(stream, "reconfigure", None)
        if reconfigure is None:
            continue
        encoding = (getattr(stream, "encoding", None) or "ascii").lower().replace("-", "").replace("_", "")
        if encoding in ("ascii", "usascii", "ansix3.41968", "646", "latin1", "iso88591"):
            reconfigure(encoding="utf-8", errors="replace")
        else:
            reconfigure(errors="backslashreplace")


if __name__ == "__main__":
    sys.exit(main())
