"""What each CLI command does: read inputs, check, write outputs, report in Chinese."""

from __future__ import annotations

import contextlib
import io
import json
import os
import shlex
import subprocess
import sys
import warnings
from collections import deque
from concurrent.futures import Future
from dataclasses import dataclass, field
from pathlib import Path

from .. import interrupts
from ..checks import Guidance, check, cross_year
from ..errors import (
    EXIT_FINDINGS,
    EXIT_INPUT,
    EXIT_OK,
    EXIT_PIPE,
    InputError,
    NianbaoError,
    OutputError,
    OutputExists,
)
from ..findings import Finding, has_errors, summary
from ..inputs import load_report
from ..limits import clip, printable
from ..outputs import refuse_overwriting_input, why_not_written, write_atomic
from ..prose import file_stem
from ..report import Report
from . import render_pool

DEBUG_VARIABLE = "NIANBAO_DEBUG"  # set to 1 to see the traceback of an internal error


def _handler(command: str):
    """The function of a command. form, wizard and batch import what only they need (openpyxl, questionary, the
    batch stages: ~0.3 s of start-up), so a `render` or `check` does not pay for them."""
    if command in ("form", "wizard", "batch"):
        from . import batch, form, wizard

        return {"form": form.cmd_form, "wizard": wizard.cmd_wizard, "batch": batch.cmd_batch}[command]
    return {
        "check": cmd_check,
        "render": cmd_render,
        "schema": cmd_schema,
        "convert": cmd_convert,
        "import": cmd_import,
        "rules": cmd_rules,
        "doctor": cmd_doctor,
    }[command]


def run(args) -> int:
    """Run one parsed command; every error it raises for the user becomes its message and exit code."""
    handler = _handler(args.command)
    try:
        return handler(args)
    except InputError as exc:
        say(f"无法读取：{exc}", sys.stderr)
        return exc.exit_code
    except NianbaoError as exc:
        say(str(exc), sys.stderr)
        return exc.exit_code
    except BrokenPipeError:  # the reader of our output went away (`| head`): end quietly, as Unix tools do
        return pipe_closed()
    except OSError as exc:  # a file the command reads or writes beyond the checked ones
        say(f"无法读写 {exc.filename or '文件'}：{why_not_written(exc)}", sys.stderr)
        return EXIT_INPUT
    except Exception as exc:  # the last resort: a message, never a traceback, unless asked for
        if os.environ.get(DEBUG_VARIABLE):
            raise
        say(
            f"nianbao 内部错误（{type(exc).__name__}：{clip(str(exc), 200)}）。这不是您操作的问题：请把这条信息和所用的"
            f"输入文件发给维护人员（设置环境变量 {DEBUG_VARIABLE}=1 后重新运行可看到详细信息）。",
            sys.stderr,
        )
        return EXIT_INPUT


def pipe_closed() -> int:
    """Exit code 141 (128 + SIGPIPE), without a message: stdout is pointed at the null device so that Python's
    final flush cannot complain about the closed pipe either."""
    try:
        null = os.open(os.devnull, os.O_WRONLY)
        os.dup2(null, sys.stdout.fileno())
    except (OSError, ValueError, AttributeError):
        pass
    return EXIT_PIPE


def say(text: str, stream=None) -> None:
    """Print for the user. Text from inputs is printed only through here: no escape sequences reach the terminal."""
    print(printable(text), file=stream or sys.stdout)


def guidance_of(args) -> Guidance:
    """The local guidance the command line asks for (``--local-guidance``, ``--overview-length``: either turns it on)."""
    length = getattr(args, "overview_length", None)
    if not getattr(args, "local_guidance", False) and length is None:
        return Guidance()
    return Guidance(enabled=True, overview_length=Guidance().overview_length if length is None else max(length, 0))


def findings_for(report: Report, previous_path: str | None = None, deadline=None, args=None) -> list[Finding]:
    findings = check(report, deadline, guidance_of(args))
    if previous_path:
        findings += cross_year(report, load_report(previous_path))
    return findings


def print_findings(findings: list[Finding], stream=None) -> None:
    for finding in findings:
        say("  " + finding.text(), stream)
    say(summary(findings), stream)


def cmd_check(args) -> int:
    results, worst = [], EXIT_OK
    previous = load_report(args.previous) if args.previous else None
    for name in args.inputs:
        try:
            report = load_report(name, previous)
        except InputError as exc:
            results.append({"file": name, "readable": False, "message": str(exc), "findings": []})
            say(f"{name}\n  无法读取：{exc}", sys.stderr)
            worst = EXIT_INPUT
            continue
        findings = findings_for(report, args.previous, args.deadline, args)
        results.append({"file": name, "readable": True, "findings": [f.as_dict() for f in findings]})
        if has_errors(findings):
            worst = max(worst, EXIT_FINDINGS)
        if not args.json:
            say(f"{name}（{clip(report.agency.name)} {report.year}年度，{report.format.name}）")
            print_findings(findings)
    if args.json:
        print(json.dumps(results if len(results) > 1 else results[0], ensure_ascii=False, indent=2))
    return worst


def cmd_render(args) -> int:
    """Render each input; each one's files are written together, after all of them were rendered. Several PDFs
    are made in worker processes where that pays (``render_pool``); everything is still said and written in
    the inputs' order, as by a sequential run."""
    folder = Path(args.output)
    if folder.exists() and not folder.is_dir():
        raise OutputError(
            f"输出位置 {folder} 是一个已有的文件，不是文件夹。请用 -o 给出一个文件夹（不存在时会自动创建）。"
        )
    progress = _Progress(args)
    if args.template and "docx" in args.to:
        from ..render.docx_template import template_note

        say(template_note(Path(args.template)))
    rendering = _Rendering(args, folder, progress)
    try:
        with render_pool.started(len(args.inputs) if "pdf" in args.to else 0) as pool:
            if pool is None:
                for name in args.inputs:
                    rendering.finish(rendering.prepare(name))
            else:
                rendering.pool = pool
                rendering.run_ahead(args.inputs, LOOK_AHEAD * pool.workers)
    except KeyboardInterrupt as exc:
        say(progress.stopped(interrupts.describe(exc)), sys.stderr)
        return interrupts.exit_code(exc)
    except (OutputError, render_pool.PdfFailed) as exc:
        raise type(exc)(progress.stopped(str(exc))) from None
    if rendering.pdf_missing:
        say(str(rendering.pdf_missing), sys.stderr)
        return rendering.pdf_missing.exit_code
    return rendering.worst


LOOK_AHEAD = 2  # inputs prepared (checked, their PDF submitted) and not yet written, per worker: bounds memory


@dataclass
class _Input:
    """One input, prepared: what checking it printed, its files (bytes, or a worker's PDF to come), or the
    error that stops the run at it (unreadable, an output exists): all shown in its turn."""

    name: str
    files: dict[Path, bytes | Future[bytes]] = field(default_factory=dict)
    said: str = ""
    error: Exception | None = None


class _Rendering:
    """A render run: inputs prepared (read, checked, rendered or submitted) and finished (written) in order."""

    def __init__(self, args, folder: Path, progress: _Progress):
        self.args, self.folder, self.progress = args, folder, progress
        self.worst = EXIT_OK
        self.pdf_missing: NianbaoError | None = None  # PdfUnavailable: said once, at the end
        self.pool: render_pool.PdfPool | None = None
        self.planned: set[Path] = set()  # files of earlier inputs: written, or to be once their PDF is made

    def prepare(self, name: str) -> _Input:
        from ..render.pdf import PdfUnavailable

        args = self.args
        report = load_report(name)
        findings = findings_for(report, args.previous, args=args)
        if findings:
            say(f"{name}：")
            print_findings(findings)
        if has_errors(findings) and not args.ignore_errors:
            say(f"{name}：数据有错误，未生成报告。请按上面的提示修改；如确需先生成草稿，请加 --ignore-errors。")
            self.worst = EXIT_FINDINGS
            return _Input(name)
        draft = has_errors(findings)  # made despite errors (--ignore-errors): marked 草稿 on every page and in the name
        stem = file_stem(report, suffix="（草稿）" if draft else "")
        paths = [self.folder / f"{stem}.{target}" for target in args.to]
        for path in paths:
            if (path.exists() or path in self.planned) and not args.force:
                raise OutputExists(f"文件已存在：{path}。为避免覆盖，未写入；如确需覆盖，请加 --force。")
        self.planned.update(paths)
        item = _Input(name)
        for path in paths:
            if path.suffix == ".pdf" and self.pdf_missing:
                continue
            try:
                if path.suffix == ".pdf" and self.pool is not None:
                    item.files[path] = self.pool.submit(report, draft)
                else:
                    item.files[path] = _render_one(report, path.suffix[1:], args.template, draft)
            except PdfUnavailable as exc:  # the other formats are still written; the message comes once
                self.pdf_missing = exc
        return item

    def finish(self, item: _Input) -> None:
        """Say what preparing it printed, then write its files (all or none) and say so."""
        from ..render.pdf import PdfUnavailable

        sys.stdout.write(item.said)
        if item.error is not None:
            raise item.error
        rendered = {}
        for path, data in item.files.items():
            try:
                rendered[path] = render_pool.result(data, item.name) if isinstance(data, Future) else data
            except PdfUnavailable as exc:  # not seen: the workers start only once WeasyPrint was imported
                self.pdf_missing = self.pdf_missing or exc
        with interrupts.held():
            for path, data in rendered.items():
                self.progress.write(path, data)
                say(f"已生成：{path}")
            self.progress.done(item.name)

    def run_ahead(self, names: list[str], look_ahead: int) -> None:
        """Prepare inputs while the workers make the PDFs of earlier ones; finish them in order. An input that
        stops the run (unreadable, an output exists) does so in its turn, once those before it are written."""
        window: deque[_Input] = deque()
        for name in names:
            window.append(self._prepared(name))
            if window[-1].error is not None:
                break
            while len(window) > look_ahead:
                self.finish(window.popleft())
        while window:
            self.finish(window.popleft())

    def _prepared(self, name: str) -> _Input:
        """``prepare``, with what it prints kept for its turn, and an error kept instead of raised."""
        said = io.StringIO()
        try:
            with contextlib.redirect_stdout(said):
                item = self.prepare(name)
        except Exception as exc:
            item = _Input(name, error=exc)
        item.said = said.getvalue()
        return item


class _Progress:
    """What a render has finished, so an interruption or a failed write can say what is done and how to go on."""

    def __init__(self, args):
        self.args = args
        self.finished: list[str] = []
        self.written: list[Path] = []  # files of the input being written

    def write(self, path: Path, data: bytes) -> None:
        write_atomic(path, data, force=True)
        self.written.append(path)

    def done(self, name: str) -> None:
        self.finished.append(name)
        self.written = []

    def stopped(self, why: str) -> str:
        """``why`` and the state: finished inputs, the rest, the command that renders the rest."""
        if not self.args.force:  # files of an input left unfinished were new: remove them, so a re-run redoes it
            for path in self.written:
                path.unlink(missing_ok=True)
        rest = self.args.inputs[len(self.finished) :]
        lines = [why, f"已完成：{'、'.join(self.finished)}。" if self.finished else "还没有处理完任何一个输入文件。"]
        if rest:
            lines.append(f"未完成：{'、'.join(rest)}（没有留下写了一半的文件）。继续生成未完成的部分，请运行：")
            lines.append("  " + _command(["nianbao", "render", *rest, *self._options()]))
        return "\n".join(lines)

    def _options(self) -> list[str]:
        args = self.args
        options = ["-o", str(args.output), "--to", ",".join(args.to)]
        options += [
            *(["--template", args.template] if args.template else []),
            *(["--previous", args.previous] if args.previous else []),
        ]
        return options + [flag for flag, on in (("--force", args.force), ("--ignore-errors", args.ignore_errors)) if on]


def _command(parts: list[str]) -> str:
    return subprocess.list2cmdline(parts) if os.name == "nt" else shlex.join(parts)


def _render_one(report: Report, target: str, template: str | None, draft: bool = False) -> bytes:
    """One output's bytes; what was removed from the template is said once per run (on stdout, with the findings)."""
    from ..render import render

    if target != "docx":  # only a DOCX has a template (and importing python-docx costs a PDF's start-up)
        return render(report, target, None, draft)
    from ..render.docx_template import TemplateStripped

    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always", TemplateStripped)
        data = render(report, target, Path(template) if template else None, draft)
    for warning in caught:
        text = str(warning.message)
        if isinstance(warning.message, TemplateStripped) and text not in _SAID:
            _SAID.add(text)
            say(text)
    return data


_SAID: set[str] = set()  # template reminders already printed by this process


def cmd_schema(args) -> int:
    from ..formats import FORMATS
    from ..inputs.datafile import json_schema

    print(json.dumps(json_schema(FORMATS[args.format] if args.format else None), ensure_ascii=False, indent=2))
    return EXIT_OK


def cmd_convert(args) -> int:
    from ..inputs.datafile import write_data_file

    out = Path(args.output)
    refuse_overwriting_input(Path(args.input), out)
    report = _load_convertible(Path(args.input))
    if out.suffix.lower() in (".yaml", ".yml", ".json"):
        write_data_file(report, out, args.force)
    elif out.suffix.lower() == ".xlsx":
        from ..inputs.excel import write_form

        write_form(out, report.format, report=report, force=args.force)
    else:
        raise InputError(f"输出文件 {out.name} 的类型不支持，请用 .yaml、.json 或 .xlsx。")
    for finding in report.read_findings:
        say("  " + finding.text())
    say(f"已生成：{out}")
    return EXIT_FINDINGS if has_errors(list(report.read_findings)) else EXIT_OK


def _load_convertible(path: Path):
    """Any input; a batch's roll-up workbook (汇总-2025年度.xlsx) by its 「汇总数据」 row."""
    from ..batch.sums import is_rollup, read_rollup

    if path.suffix.lower() in (".xlsx", ".xlsm") and path.is_file() and is_rollup(path):
        return read_rollup(path)
    return load_report(path)


def cmd_import(args) -> int:
    from ..inputs.datafile import write_data_file
    from ..inputs.importer import import_report

    out = Path(args.output or Path(args.input).with_suffix(".yaml"))
    refuse_overwriting_input(Path(args.input), out)
    report = import_report(Path(args.input))
    write_data_file(report, out, args.force)
    findings = check(report)
    print_findings(findings)
    say(f"已生成：{out}")
    return EXIT_FINDINGS if has_errors(findings) else EXIT_OK


def cmd_rules(args) -> int:
    """Every rule (or the ones asked for): id, short name, severity, what it asks and an example."""
    from ..rules import RULE_GROUPS, RULES

    wanted = [i.upper() for i in args.ids]
    unknown = [i for i in wanted if i not in RULES]
    if unknown:
        raise NianbaoError(f"没有编号为 {'、'.join(unknown)} 的规则。可用的编号：{'、'.join(RULES)}。")
    for title, rules in RULE_GROUPS:
        shown = [r for r in rules if not wanted or r.id in wanted]
        if not shown:
            continue
        print(f"【{title}】")
        for rule in shown:
            print(f"  {rule.id} {rule.name}（{rule.severity}）：{rule.description}。\n      例：{rule.example}。")
    if not wanted:
        print("错误会阻止生成报告（--ignore-errors 可强制生成草稿）；提醒只列出，不阻止。")
    return EXIT_OK


def cmd_doctor(args) -> int:
    from .doctor import run_doctor

    return run_doctor(args)
