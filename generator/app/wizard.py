"""``nianbao wizard``: run the question-by-question wizard in a terminal, then render what the clerk chose."""

from __future__ import annotations

import sys
from pathlib import Path

from ..errors import EXIT_INPUT, EXIT_OK, NianbaoError
from ..prose import file_stem
from ..report import Report

NO_TTY = (
    "nianbao wizard 需要在终端（命令行窗口）里逐项回答问题，但现在的输入不是终端"
    "（例如在脚本、管道或自动化流程中运行）。\n"
    "请改用以下任一方式填报：\n"
    "  1. Excel 填报表：nianbao form --year 年度 -o 填报表.xlsx，填好后 nianbao render 填报表.xlsx\n"
    "  2. 数据文件：参照 examples/ 里的 .yaml 示例填写，然后 nianbao check 数据.yaml、nianbao render 数据.yaml"
)


def cmd_wizard(args) -> int:
    """Refuse without a terminal, else run the wizard to the end."""
    if getattr(args, "forget", False):
        return forget()
    _check_files(args)
    if sys.stdin is None or not sys.stdin.isatty():
        print(NO_TTY, file=sys.stderr)
        return EXIT_INPUT
    from ..inputs.wizard import open_session

    return complete(open_session(args))


def _check_files(args) -> None:
    """Each file given is a regular, non-empty file: said before anything else (also without a terminal)."""
    from ..errors import InputError
    from ..limits import check_size

    for option, what in (("answers", "上年文件"), ("edit", "数据文件"), ("resume", "草稿文件")):
        value = getattr(args, option, None)
        if value and check_size(Path(value), what) == 0:
            raise InputError(
                f"{Path(value).name}：文件是空的（0 字节），不能作为{what}（--{option}）。请检查选的文件。"
            )


def forget() -> int:
    """``wizard --forget``: delete the remembered units' details, saying where they were."""
    from ..inputs.wizard.session import forget_units, remembered_file

    path = remembered_file()
    print(f"已删除记住的单位信息：{path}" if forget_units() else f"没有记住的单位信息（{path} 不存在）。")
    return EXIT_OK


def complete(session) -> int:
    """Run the wizard from where its draft stands; render the outputs the clerk chose next to the data file."""
    from ..inputs.wizard import run_wizard

    outcome = run_wizard(session)
    if not outcome.targets:
        return outcome.code
    report, data_file = outcome.report, outcome.data_file
    assert report is not None and data_file is not None, "outputs are asked for once the report is saved"
    rendered = [render_to(session.console, report, data_file.parent, t) for t in outcome.targets]
    return outcome.code if all(rendered) else max(outcome.code, EXIT_INPUT)


def render_to(console, report: Report, folder: Path, target: str) -> bool:
    """Render one output beside the data file, under a free name; a failure is reported, the data file stays."""
    from ..inputs.wizard import free_name
    from ..outputs import write_atomic
    from ..render import render
    from ..render.pdf import PdfUnavailable

    path = free_name(folder / f"{file_stem(report)}.{target}")
    try:
        write_atomic(path, render(report, target))
    except PdfUnavailable as exc:  # its message says what to install
        console.print(str(exc), style="red", markup=False)
        return False
    except (NianbaoError, OSError) as exc:
        console.print(f"[red]未能生成 {path.name}：{exc}[/red]")
        return False
    console.print(f"[green]已生成：{path}[/green]")
    return True
