"""``nianbao wizard``: the report asked question by question in the terminal, with autosave and resume.

Sections run in order (SECTIONS); each answer is saved to a draft file at once, so Ctrl+C, a closed
terminal or ``kill -9`` loses nothing: ``nianbao wizard --resume DRAFT`` continues at the same question.
The end is a summary screen (rich tables and every checker finding), the data file and, if asked,
the outputs the clerk chose (rendered by the application layer). Questions live in ``sections`` /
``prose``, the draft in ``session``.
"""

from __future__ import annotations

import contextlib
import json
from dataclasses import dataclass
from pathlib import Path

from ...checks import check, cross_year
from ...errors import EXIT_FINDINGS, EXIT_INPUT, EXIT_INTERRUPTED, EXIT_OK, InputError
from ...findings import Finding, has_errors
from ...formats import HEADINGS
from ...interrupts import Interrupted, describe, exit_code
from ...outputs import safe_filename
from ...report import Report
from .. import load_report
from ..datafile import write_data_file
from . import prose as prose_sections
from . import sections
from .session import GoBack, JumpTo, Quit, Session, State, build_report, remember_agency
from .view import show_summary

DRAFT_NAME = "年报向导草稿"

SECTIONS = (
    ("basics", "单位信息和报告年度", sections.basics),
    ("active", HEADINGS[1], sections.active),
    ("requests", HEADINGS[2], sections.requests),
    ("appeals", HEADINGS[3], sections.appeals),
    ("fees", "信息处理费", sections.fees),
    ("overview", HEADINGS[0], prose_sections.overview),
    ("problems", HEADINGS[4], prose_sections.problems),
    ("other", HEADINGS[5], prose_sections.other),
    ("date", "发布日期", sections.publication),
)
FINISH = "finish"


@dataclass(frozen=True)
class Outcome:
    """How a wizard run ended: the exit code and, when saved, the report, its data file and the outputs asked for."""

    code: int
    report: Report | None = None
    data_file: Path | None = None
    targets: tuple[str, ...] = ()
    findings: tuple[Finding, ...] = ()


def open_session(args, pt_input=None, pt_output=None, console=None, cwd: Path | None = None) -> Session:
    """A session from ``--resume DRAFT``; else the clerk may continue a draft found here, or start a new one
    (pre-filled from ``--answers``) with a fresh draft."""
    cwd = Path(cwd or Path.cwd())
    if getattr(args, "resume", None):
        return _resumed(Path(args.resume), args, pt_input, pt_output, console)
    state = State(section=SECTIONS[0][0], output=getattr(args, "output", None))
    session = Session(state, _new_draft_path(cwd), pt_input, pt_output, console)
    draft = _draft_to_continue(session, cwd)
    if draft:
        return _resumed(draft, args, pt_input, pt_output, session.console, prompts=session.prompts)
    if getattr(args, "answers", None):
        _prefill_from_previous(state, args.answers)
    try:
        session.save()
    except OSError as exc:
        raise InputError(f"无法在文件夹 {cwd} 里保存草稿（{exc.strerror}）。请换到可以写入的文件夹再运行。") from None
    return session


def _resumed(draft: Path, args, pt_input, pt_output, console, *, prompts: int = 0) -> Session:
    state = State.load(draft)
    if getattr(args, "output", None):
        state.output = args.output
    session = Session(state, draft, pt_input, pt_output, console)
    session.prompts = prompts
    return session


def _draft_to_continue(session: Session, cwd: Path) -> Path | None:
    """Drafts left in this folder are offered first (the newest is the default); None: start a new report."""
    drafts = []
    for path in sorted(cwd.glob(f"{DRAFT_NAME}*.json"), key=lambda p: p.stat().st_mtime, reverse=True):
        try:
            drafts.append((path, State.load(path)))
        except InputError:
            continue  # not one of ours: never offered
    if not drafts:
        return None
    session.console.print("[yellow]这个文件夹里有没填完的草稿：[/yellow]")
    for path, state in drafts:
        session.console.print(f"  {path.name}（{_draft_label(state)}）", markup=False)
    choices: list[tuple[str, object]] = [(f"接着填草稿 {path.name}", str(path)) for path, _ in drafts]
    choices.append(("新填一份报告（草稿保留不动）", ""))
    chosen = session.menu("要接着填草稿吗？", choices)
    return Path(chosen) if chosen else None


def _draft_label(state: State) -> str:
    answers = state.answers
    name = answers.get("agency.name") or ((state.base or {}).get("agency") or {}).get("name") or "单位未填"
    year = answers.get("year") or (state.base or {}).get("year") or ""
    where = next((title for key, title, _ in SECTIONS if key == state.section), "核对页")
    return f"{name} {year}年度，填到「{where}」"


def _prefill_from_previous(state: State, path: str) -> None:
    from ...carry import next_year
    from ..datafile import report_to_dict

    previous = load_report(path)
    draft = next_year(previous).evolve(prose={})  # last year's prose is offered explicitly, never reused silently
    state.base = report_to_dict(draft)
    state.base_source = f"{previous.year}年报告"
    state.previous = {
        "year": previous.year,
        "prose": {k: v for k, v in previous.prose.items() if v},
        "source": str(Path(path).resolve()),
    }


def _new_draft_path(cwd: Path) -> Path:
    path, n = cwd / f"{DRAFT_NAME}.json", 1
    while path.exists():
        n += 1
        path = cwd / f"{DRAFT_NAME}-{n}.json"
    return path


def run_wizard(session: Session) -> Outcome:
    """Run from the section the draft is at to the end."""
    console = session.console
    console.print(f"草稿自动保存在：[bold]{session.draft}[/bold]\n中断后继续：nianbao wizard --resume {session.draft}")
    try:
        return _loop(session)
    except Quit as stop:
        if stop.delete:
            session.draft.unlink(missing_ok=True)
            console.print("已退出，草稿已删除。")
            return Outcome(EXIT_INTERRUPTED)
        session.save()
        console.print(f"已保存草稿：{session.draft}\n继续填写：nianbao wizard --resume {session.draft}")
        return Outcome(EXIT_INTERRUPTED)
    except Interrupted as signal:  # SIGTERM, SIGHUP (a closed window) or a real SIGINT: save, never ask
        session.save()
        with contextlib.suppress(OSError):  # the terminal may be gone
            console.print(
                f"{describe(signal)}已保存草稿：{session.draft}\n继续填写：nianbao wizard --resume {session.draft}"
            )
        return Outcome(exit_code(signal))
    except EOFError:
        console.print(f"输入已结束。已保存草稿：{session.draft}\n继续填写：nianbao wizard --resume {session.draft}")
        return Outcome(EXIT_INPUT)


def _loop(session: Session) -> Outcome:
    names = [name for name, _, _ in SECTIONS] + [FINISH]
    while True:
        current = session.state.section if session.state.section in names else names[0]
        index = names.index(current)
        try:
            if current == FINISH:
                return finish(session)
            SECTIONS[index][2](session)
            session.enter(FINISH if session.state.editing else names[index + 1])
        except GoBack:
            session.state.part = None
            if index == 0:
                session.console.print("[dim]已经是第一部分。[/dim]")
                session.state.done = []
            session.enter(names[max(index - 1, 0)])
        except JumpTo as jump:
            session.state.editing, session.state.part = True, jump.part
            session.enter(jump.section)


# --- the end: summary, data file, rendering ------------------------------------------------

SAVE, SAVE_DOCX, SAVE_ALL = "save", "save+docx", "save+docx+pdf"


def findings_of(session: Session, report: Report) -> list:
    """Every checker finding, and the cross-year ones when last year's file is known."""
    findings = check(report)
    previous = session.state.previous
    if previous and previous.get("source"):
        with contextlib.suppress(InputError):  # last year's file moved away since: skip the cross-year checks
            findings += cross_year(report, load_report(previous["source"]))
    return findings


def finish(session: Session) -> Outcome:
    session.state.editing, session.state.part = False, None
    report = session.report()
    findings = findings_of(session, report)
    show_summary(session.console, report, findings)
    choices = [
        ("保存数据文件", SAVE),
        ("保存数据文件并生成 Word 报告（.docx）", SAVE_DOCX),
        ("保存数据文件并生成 Word 和 PDF 报告", SAVE_ALL),
    ]
    choices += [(f"返回修改：{title}", f"{section}:{part}") for section, part, title in _parts(report)]
    action = session.select(
        "finish", "核对无误后保存。要怎么做？", choices, SAVE_DOCX if not has_errors(findings) else SAVE
    )
    if action not in (SAVE, SAVE_DOCX, SAVE_ALL):
        session.answers.pop("finish")  # next time the summary offers saving first again
        session.forget(["finish"])
        section, _, part = action.partition(":")
        raise JumpTo(section, part or None)
    path = save_data_file(session, report)
    remember_agency(report)
    session.draft.unlink(missing_ok=True)
    session.console.print(f"[green]已保存数据文件：{path}[/green]（草稿已删除）")
    targets = {SAVE: (), SAVE_DOCX: ("docx",), SAVE_ALL: ("docx", "pdf")}[action]
    if targets and has_errors(findings):
        session.console.print(
            "[red]数据有错误，未生成报告。请按上面的提示修改数据文件后运行："
            f"nianbao render {path}（如确需先生成草稿，加 --ignore-errors）。[/red]"
        )
        targets = ()
    code = EXIT_FINDINGS if has_errors(findings) else EXIT_OK
    return Outcome(code, report, path, targets, tuple(findings))


def _parts(report: Report) -> list[tuple[str, str, str]]:
    """Everything the summary can go back to: (section, prose part or "", title); each part of 一 on its own."""
    titles = prose_sections.part_titles(report)
    out = []
    for section, title, _ in SECTIONS:
        if section == "overview":
            out += [(section, key, f"{HEADINGS[0]} · {titles[key]}") for key in titles if key.startswith("overview.")]
        else:
            out.append((section, "", title))
    return out


def save_data_file(session: Session, report: Report) -> Path:
    """Write the data file; an existing file is overwritten only if the clerk says so."""
    path = Path(session.state.output or safe_filename(f"{report.agency.name}-{report.year}") + ".yaml")
    force = False
    if path.exists():
        alternative = free_name(path)
        choice = session.select(
            "overwrite",
            f"文件 {path} 已存在。要怎么做？",
            [(f"另存为 {alternative.name}", "new"), (f"覆盖 {path.name}", "overwrite")],
        )
        force = choice == "overwrite"
        path = path if force else alternative
    write_data_file(report, path, force=force)
    return path


def free_name(path: Path) -> Path:
    """``path``, or ``name-2.ext``, ``name-3.ext`` … when it exists."""
    n, candidate = 1, path
    while candidate.exists():
        n += 1
        candidate = path.with_name(f"{path.stem}-{n}{path.suffix}")
    return candidate


def draft_answers(path: Path) -> dict:
    """The answers saved in a draft file (for tests and support)."""
    return json.loads(Path(path).read_text(encoding="utf-8"))["answers"]


__all__ = ["SECTIONS", "Outcome", "build_report", "free_name", "open_session", "run_wizard"]
