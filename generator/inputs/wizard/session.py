"""The wizard's memory: every answer, where the clerk is, and the draft file they are saved to.

A ``Session`` asks one question at a time through questionary and writes the draft (atomically)
after every answer. Section code is a pure function of the answers: on ``--resume`` a section is
run again from its start, questions already answered in it (``done``) are replayed silently from
the draft, and the first unanswered question is asked — so the clerk continues exactly there.
"""

from __future__ import annotations

import contextlib
import functools
import json
import os
import re
import sys
from collections.abc import Sequence
from dataclasses import asdict, dataclass, field
from datetime import date
from pathlib import Path

import questionary
import questionary.prompts.common as _inquirer
import questionary.prompts.confirm as _confirm_prompt
from prompt_toolkit.input.typeahead import get_typeahead
from prompt_toolkit.key_binding import KeyBindings, merge_key_bindings
from prompt_toolkit.validation import ValidationError
from rich.console import Console

from ...cells import read_number, read_text
from ...errors import InputError
from ...formats import AMOUNT, COUNT, amount_unit, format_for_year
from ...interrupts import Interrupted, redirected
from ...limits import MAX_DATA_FILE_BYTES, read_limited
from ...numbers import Parsed, chinese_number, format_number, parse_date, parse_number
from ...outputs import write_atomic
from ...report import AGENCY_FIELDS, PROSE_FIELDS, Agency, Fees, Report, ReportBuilder

# Clerks read Chinese: questionary prints a yes/no answer as "Yes"/"No" and a ticked list as "done (3 selections)".
_confirm_prompt.YES, _confirm_prompt.NO = "是", "否"
_ENGLISH_TICKED = re.compile(r"done( \(\d+ selections\))?|\[.*\]", re.S)
_inquirer_layout = _inquirer.create_inquirer_layout


def _ticked_in_chinese(ic, get_prompt_tokens, **kwargs):
    """questionary's list layout, with a ticked list's answer shown as the ticked titles (「自然人、商业企业」)."""

    def tokens():
        out = get_prompt_tokens()
        if not (ic.is_answered and ic.selected_options is not None and out):
            return out
        style, text = out[-1]
        if style == "class:answer" and _ENGLISH_TICKED.fullmatch(text) and (ic.selected_options or text == "done"):
            titles = [str(c.title) for c in ic.choices if c.value in ic.selected_options]
            out = [*out[:-1], (style, "、".join(titles) or "（一项也没选）")]
        return out

    return _inquirer_layout(ic, tokens, **kwargs)


_inquirer.create_inquirer_layout = _ticked_in_chinese

DRAFT_MARK = "nianbao-wizard-draft"
DRAFT_VERSION = 1


class GoBack(Exception):
    """The clerk pressed Ctrl+B: return to the previous question."""


class JumpTo(Exception):
    """Go to another section, or to one prose part of it (from the summary screen)."""

    def __init__(self, section: str, part: str | None = None):
        super().__init__(section)
        self.section, self.part = section, part


class Quit(Exception):
    """The clerk chose to stop after Ctrl+C; ``delete`` says whether to drop the draft."""

    def __init__(self, delete: bool = False):
        super().__init__()
        self.delete = delete


@dataclass
class State:
    """Everything the draft file holds."""

    section: str = ""  # the section the clerk is in
    done: list[str] = field(default_factory=list)  # questions answered in that section, in order
    answers: dict = field(default_factory=dict)  # question id -> answer (JSON values)
    base: dict | None = None  # pre-filled data (last year's, carried forward) in data-file layout
    previous: dict | None = None  # last year's {"year", "prose"} for the T-2 warning
    output: str | None = None  # data file to write at the end
    base_source: str = ""  # where ``base`` came from, for messages
    editing: bool = False  # a section reopened from the summary screen: go back there when it is done
    part: str | None = None  # with ``editing``: only this prose part of the section (「overview.platform」)
    history: dict[str, list[str]] = field(default_factory=dict)  # section -> its ``done`` when it was left (Ctrl+B)

    def to_json(self) -> str:
        return json.dumps(
            {"mark": DRAFT_MARK, "version": DRAFT_VERSION, **asdict(self)}, ensure_ascii=False, indent=1, default=str
        )

    @classmethod
    def load(cls, path: Path) -> State:
        if not path.exists():
            raise InputError(f"找不到草稿文件：{path}")
        raw = read_limited(path, "向导草稿", MAX_DATA_FILE_BYTES)  # a pipe or device never blocks the wizard
        try:
            data = json.loads(raw.decode("utf-8"))
        except (UnicodeDecodeError, json.JSONDecodeError):
            raise InputError(
                f"{path.name} 不是向导的草稿文件（无法解析）。请给出向导保存的草稿，"
                "例如：nianbao wizard --resume 年报向导草稿.json"
            ) from None
        if not isinstance(data, dict) or data.get("mark") != DRAFT_MARK:
            raise InputError(
                f"{path.name} 不是向导的草稿文件。数据文件请用 nianbao check / render 处理，"
                "或用 nianbao wizard --answers 文件 预填。"
            )
        names = set(cls.__dataclass_fields__)
        return cls(**{k: v for k, v in data.items() if k in names})


def default_year(today: date | None = None) -> int:
    """Reports are written early in the year after the one they cover."""
    return (today or date.today()).year - 1


def build_report(state: State) -> Report:
    """The report as far as it is known: pre-filled data with every answer laid over it.

    Answers were checked as they were typed, so the report is built directly (no data-file round trip).
    """
    a, base = state.answers, state.base or {}
    year = int(a.get("year") or base.get("year") or default_year())
    fmt = format_for_year(year)
    builder = ReportBuilder(year=year, format=fmt, declared_format=fmt.key)
    agency = {k: v for k, v in (base.get("agency") or {}).items() if k in AGENCY_FIELDS}
    agency.update({k: a[f"agency.{k}"] for k in AGENCY_FIELDS if f"agency.{k}" in a})
    builder.agency = Agency(**{k: _text(builder, v, f"agency.{k}") for k, v in agency.items()})
    same_format = str(base.get("format") or format_for_year(base.get("year") or year).key) == fmt.key
    for path in fmt.input_paths:
        table, row, col = path.split(".")
        given = ((base.get(table) or {}).get(row) or {}).get(col) if same_format else None
        _number(builder, path, a.get(f"num.{path}", given))
    for key, value in a.items():
        if key.startswith("prose.") and key.removeprefix("prose.") in PROSE_FIELDS:
            builder.prose[key.removeprefix("prose.")] = _text(builder, value, key, strip=False)
    amount, cases = (_fee(builder, a.get(f"fees.{k}"), kind, k) for k, kind in (("amount", AMOUNT), ("cases", COUNT)))
    builder.fees = Fees(collected=a.get("fees.collected"), amount=amount, cases=cases)
    builder.publication_date = parse_date(a["publication_date"]) if a.get("publication_date") else None
    return builder.build()


def _text(builder: ReportBuilder, value, path: str, strip: bool = True) -> str:
    text, finding = read_text(value, PROSE_FIELDS.get(path.removeprefix("prose."), path), path, strip=strip)
    if finding:
        builder.read_findings.append(finding)
    return text


def _number(builder: ReportBuilder, path: str, raw) -> None:
    if raw is None:
        return  # not asked yet and nothing carried forward: 0
    fmt = builder.format
    cell = read_number(raw, fmt.kind_of(path), fmt.describe(path), path)
    if cell.finding:
        builder.read_findings.append(cell.finding)
    if cell.value is None:
        builder.unread[path] = raw
    else:
        builder.numbers[path] = cell.value


def _fee(builder: ReportBuilder, raw, kind: str, key: str):
    if raw is None:
        return None
    cell = read_number(raw, kind, f"信息处理费 · {key}", f"fees.{key}")
    if cell.finding:
        builder.read_findings.append(cell.finding)
    return cell.value


class Session:
    """Asks questions, remembers answers, saves the draft after each one, counts prompts."""

    def __init__(self, state: State, draft: Path, pt_input=None, pt_output=None, console: Console | None = None):
        self.state = state
        self.draft = Path(draft)
        self.prompts = 0  # questions actually shown (replayed answers are not counted)
        self._io = {k: v for k, v in (("input", pt_input), ("output", pt_output)) if v is not None}
        self.console = console or Console(highlight=False)
        self._report: Report | None = None  # built from the answers; dropped at every save

    # --- draft -----------------------------------------------------------------------------
    @property
    def answers(self) -> dict:
        return self.state.answers

    def save(self) -> None:
        self._report = None
        write_atomic(self.draft, self.state.to_json(), force=True)

    def enter(self, section: str) -> None:
        """Start ``section`` afresh (its questions are asked again, with the earlier answers as defaults)."""
        if self.state.section != section:
            if self.state.section:
                self.state.history[self.state.section] = list(self.state.done)
            self.state.section, self.state.done = section, []
            self.save()

    def back(self, previous: str | None) -> bool:
        """Ctrl+B: ask the last answered question again — in this section, else the last one of ``previous``.
        False when there is nothing before."""
        if self.state.done:
            self.state.done.pop()
            self.save()
            return True
        if previous is None:
            return False
        done = self.state.history.get(previous, [])
        self.enter(previous)
        self.state.done = done[:-1]
        self.save()
        return True

    def set_many(self, answers: dict) -> None:
        """Record answers that follow from another one (e.g. zeros after 「否」) without asking."""
        if any(self.answers.get(k, object()) != v for k, v in answers.items()):
            self.answers.update(answers)
            self.save()

    def forget(self, qids) -> None:
        """Ask these questions again (their answers stay as defaults)."""
        drop = set(qids)
        self.state.done = [q for q in self.state.done if q not in drop]
        self.save()

    def report(self) -> Report:
        """The report from the answers so far (do not modify it)."""
        if self._report is None:
            self._report = build_report(self.state)
        return self._report

    # --- asking ----------------------------------------------------------------------------
    def ask(self, qid: str, build, valid=lambda value: True, multiline: bool = False):
        """Return the answer to ``qid``: replayed if already given in this section, else asked now."""
        if qid in self.state.done and qid in self.answers:
            return self.answers[qid]
        while True:
            question = build(self.answers.get(qid))
            _bind_keys(question, multiline)
            self.prompts += 1
            self._dropped(_discard_typeahead(question.application.input))
            try:
                with redirected(functools.partial(_end_prompt, question.application)):
                    value = question.unsafe_ask()
            except Interrupted:  # a signal, not Ctrl+C typed at the prompt: no menu
                raise
            except KeyboardInterrupt:
                self._interrupted()
                continue
            if valid(value):
                break
        self.answers[qid] = value
        if qid not in self.state.done:
            self.state.done.append(qid)
        self.save()
        return value

    def _dropped(self, keys: int) -> None:
        """Say so when keys pressed before a question was shown were dropped (an Enter pressed twice …)."""
        if keys:
            self.console.print(f"[dim]（这个问题出现之前多按的 {keys} 个键没有用作回答，请看清问题再答。）[/dim]")

    def _interrupted(self) -> None:  # Ctrl+C typed at a prompt
        choices = [("保存草稿并退出（以后可以接着填）", "save"), ("继续填写", "continue"), ("退出并删除草稿", "delete")]
        try:
            choice = self.menu("已按 Ctrl+C。要保存并退出吗？", choices)
        except Interrupted:
            raise
        except KeyboardInterrupt:
            choice = "save"
        if choice != "continue":
            raise Quit(delete=choice == "delete")

    def menu(self, message: str, choices: Sequence[tuple[str, object]], default=None):
        """A choice that is no answer of the report (nothing saved): Ctrl+C's menu, which draft to continue."""
        question = questionary.select(
            message,
            [questionary.Choice(t, v) for t, v in choices],
            default=default,
            instruction=SELECT_HINT,
            **self._io,
        )
        self.prompts += 1
        self._dropped(_discard_typeahead(question.application.input))
        return question.unsafe_ask()

    def text(
        self,
        qid: str,
        message: str,
        default: str = "",
        required: bool = False,
        multiline: bool = False,
        validate=None,
        on_enter: str | None = None,
    ) -> str:
        """Free text, pre-filled with ``default`` (editable); or, with ``on_enter``, empty with Enter = on_enter."""

        def check(value: str):
            if required and not value.strip():
                return "这一项必须填写"
            return validate(value) if validate else True

        def build(previous):
            start = str((previous if previous is not None else default) or "")
            if multiline:  # a draft to edit: it stays on the lines
                hint = "（Enter 换行；写完后按 Ctrl+D，或按 Esc 再按 Enter 完成）\n"
                return questionary.text(
                    message, default=start, validate=check, multiline=True, instruction=hint, **self._io
                )
            if on_enter is not None:
                start, hint = on_enter, f"（直接回车 = {on_enter}）"
            else:
                hint = f"（直接回车 = 「{start}」；输入新内容即替换，按 Tab 键可修改原内容）" if start else ""
            question = questionary.text(
                message, validate=check, instruction=hint or None, validate_while_typing=False, **self._io
            )
            _enter_fills(question, start)
            return question

        return self.ask(qid, build, lambda v: isinstance(v, str), multiline).strip()

    def number(self, qid: str, message: str, kind: str, default=0, limits: tuple | None = None):
        """One number, stored under ``qid``; Enter alone keeps the default."""
        default = self.answers.get(qid, default)
        [value] = self.numbers(qid, message, [("", kind)], [default], limits, [amount_unit(qid)])
        stored = _store_number(value)
        if self.answers.get(qid) != stored:
            self.answers[qid] = stored
            self.save()
        return value

    def numbers(
        self,
        qid: str,
        message: str,
        columns: list[tuple[str, str]],
        defaults: list,
        limits: tuple | None = None,
        units: Sequence[str] = (),
    ) -> list:
        """Several numbers typed on one line (a table row: 「3 0 0 0 1 0」), checked against the columns as typed.

        ``columns`` are (label, kind); ``units`` the amount columns' units (an amount typed in another unit is
        converted). Enter alone keeps ``defaults``. The line typed is the answer to ``qid``.
        """
        cols = [(label, kind, units[i] if i < len(units) else "") for i, (label, kind) in enumerate(columns)]
        shown = " ".join(format_number(_num(d, kind), kind) for d, (_, kind, _) in zip(defaults, cols, strict=True))

        def check(raw: str):
            if not raw.strip():
                return True
            return _row_problem(raw, cols, limits) or True

        def build(previous):
            count = f"{len(cols)} 个数用空格或逗号隔开；" if len(cols) > 1 else ""
            question = questionary.text(
                message,
                validate=check,
                instruction=f"（{count}直接回车 = {shown}）",
                validate_while_typing=False,  # a late check of the typed text would hide the message of Enter's
                **self._io,
            )
            _enter_fills(question, shown)
            return question

        if qid in self.state.done and _row_problem(str(self.answers.get(qid, "")), cols, limits):
            self.state.done.remove(qid)  # a draft edited by hand, or from another version: ask again
        asked_now = qid not in self.state.done
        raw = self.ask(qid, build, lambda v: isinstance(v, (str, int)) and not _row_problem(str(v), cols, limits))
        parts = zip(_row_parts(str(raw), len(cols)), cols, strict=True)
        parsed = [_read_part(part, kind, unit) for part, (_, kind, unit) in parts]
        notes = "；".join(dict.fromkeys(p.note for p in parsed if p.note))
        if notes and asked_now:
            self.console.print(f"  [dim]（{notes}）[/dim]")
        return [p.value for p in parsed]

    def row(self, qid: str, message: str, cells: list[tuple[str, str, str]], defaults: list) -> list:
        """One table row on one line: ``cells`` are (path, column label, kind); the numbers go to ``num.<path>``."""
        units = [amount_unit(path) for path, _, _ in cells]
        values = self.numbers(qid, message, [(label, kind) for _, label, kind in cells], defaults, units=units)
        self.set_many({f"num.{path}": _store_number(v) for (path, _, _), v in zip(cells, values, strict=True)})
        return values

    def confirm(self, qid: str, message: str, default: bool = False) -> bool:
        """Yes or no; y or n must be followed by Enter, so a key press never answers two questions."""

        def build(previous):
            start = default if previous is None else bool(previous)
            hint = f"（y 是，n 否，再按 Enter；直接回车 = {'是' if start else '否'}）"
            return questionary.confirm(message, default=start, auto_enter=False, instruction=hint, **self._io)

        return self.ask(qid, build, lambda v: isinstance(v, bool))

    def select(self, qid: str, message: str, choices: Sequence[tuple[str, object]], default=None):
        values = [v for _, v in choices]

        def build(previous):
            start = previous if previous in values else (default if default in values else values[0])
            return questionary.select(
                message,
                [questionary.Choice(t, v) for t, v in choices],
                # questionary compares ``default`` with each choice's value, which may be any object
                default=start,  # type: ignore[arg-type]
                instruction=SELECT_HINT,
                **self._io,
            )

        return self.ask(qid, build, lambda v: v in values)

    def checkbox(
        self, qid: str, message: str, choices: list[tuple[str, str]], checked=(), required: bool = True
    ) -> list:
        """Tick one or more; with ``required=False`` ticking nothing is an answer too."""
        values = [v for _, v in choices]

        def build(previous):
            chosen = set(previous) if previous is not None else set(checked)
            return questionary.checkbox(
                message,
                [questionary.Choice(t, v, checked=v in chosen) for t, v in choices],
                validate=lambda picked: bool(picked) or not required or "请至少选择一项（用空格键勾选）",
                instruction="（↑↓ 移动，空格 勾选/取消，Enter 确认）",
                **self._io,
            )

        picked = self.ask(qid, build, lambda v: isinstance(v, list) and (bool(v) or not required))
        return [v for v in picked if v in values]


def _enter_fills(question, default: str) -> None:
    """The line starts empty: Enter alone takes ``default`` and shows it as the answer, typing replaces it (never
    appended to it), Tab puts it on the line to edit. A rejected answer is cleared, and the message quotes it."""
    keys = KeyBindings()

    @keys.add("enter")
    def _accept(event):
        buffer = event.current_buffer
        if not buffer.text.strip() and default:
            buffer.text = default
        typed = buffer.text
        if buffer.validate(set_cursor=False):
            buffer.validate_and_handle()
            return
        error = buffer.validation_error
        buffer.reset()
        reason = error.message if error else "无法接受"
        quoted = f"「{typed.strip()}」"
        said = reason if reason.startswith(quoted) else f"{quoted}：{reason}"  # the reason may quote it already
        buffer.validation_error = ValidationError(message=f"{said}（已清空，请重新输入）")

    @keys.add("tab")
    def _edit(event):
        buffer = event.current_buffer
        if not buffer.text and default:
            buffer.text = default
            buffer.cursor_position = len(default)

    app = question.application
    app.key_bindings = merge_key_bindings([app.key_bindings, keys])


def _bind_keys(question, multiline: bool) -> None:
    """Ctrl+B goes back one question; Ctrl+D finishes a multi-line answer; Esc+Enter (which finishes a multi-line answer) does nothing elsewhere."""
    keys = KeyBindings()

    @keys.add("c-b")
    def _back(event):
        event.app.exit(exception=GoBack())

    if multiline:

        @keys.add("c-d")
        def _finish(event):
            """A simpler finish than Esc, Enter: Ctrl+D ends a multi-line answer."""
            event.current_buffer.validate_and_handle()

    else:

        @keys.add("escape", "enter")
        def _ignore(event):
            """questionary would otherwise return an empty text for a yes/no or a list question."""

    app = question.application
    app.key_bindings = merge_key_bindings([app.key_bindings, keys]) if app.key_bindings else keys


def _discard_typeahead(pt_input) -> int:
    """Forget keys pressed before this question was shown (they were meant for the one before); how many.

    Only on a terminal: scripted input (a pipe) is the answers in order and is never dropped.
    """
    try:
        fd = pt_input.fileno()
    except (AttributeError, NotImplementedError, OSError, ValueError):
        return 0
    if not isinstance(fd, int) or not os.isatty(fd):
        return 0
    dropped = len(get_typeahead(pt_input))  # read by the last question but not used by it
    if sys.platform == "win32":
        import msvcrt

        while msvcrt.kbhit():  # not read yet
            msvcrt.getwch()
            dropped += 1
    else:
        import select

        while select.select([fd], [], [], 0)[0]:  # not read yet
            chunk = os.read(fd, 1024)
            if not chunk:
                break
            dropped += len(chunk)
    return dropped


SELECT_HINT = "（用 ↑↓ 选择，Enter 确认）"
ROW_SEPARATORS = re.compile(r"[\s，、;；/]+")  # "," only when the count says so: 「1,234」 is one number


def _row_parts(raw: str, count: int = 0) -> list[str]:
    """The numbers of a typed row: split at spaces, 「，」「、」「;」「/」; at ASCII commas too when only that gives
    ``count`` numbers (「5,2,0,0,1,0」), so 「1,234」 stays one number where one is asked."""
    parts = [p for p in ROW_SEPARATORS.split(raw.strip()) if p]
    if count and len(parts) != count:
        by_comma = [p for p in re.split(r"[\s，、;；/,]+", raw.strip()) if p]
        if len(by_comma) == count:
            return by_comma
    return parts


def _read_part(part: str, kind: str, unit: str) -> Parsed:
    """One typed number of a row, read as the data file reads it (units converted); Chinese numerals with a note."""
    value = chinese_number(part)
    cell = read_number(part if value is None else str(value), kind, "", "", unit=unit)
    if cell.value is None:
        return Parsed(None, cell.note)
    note = cell.finding.message.removesuffix("，请核对。") if cell.finding else ""
    if value is not None:
        note = "；".join(filter(None, [f"「{part}」已按 {value} 读取", note]))
    return Parsed(cell.value, note)


def _row_problem(raw: str, columns: list[tuple[str, str, str]], limits: tuple | None = None) -> str:
    """Why a typed row cannot be taken ("" when it can): how many numbers, and each one's kind and range."""
    parts = _row_parts(raw, len(columns))
    if len(parts) != len(columns):
        labels = " ".join(label for label, _, _ in columns)
        return f"这一行要填 {len(columns)} 个数（{labels}），用空格或逗号隔开；现在是 {len(parts)} 个"
    for i, (part, (label, kind, unit)) in enumerate(zip(parts, columns, strict=True), start=1):
        parsed = _read_part(part, kind, unit)
        where = f"第 {i} 个数（{label}）：" if len(columns) > 1 else ""
        if parsed.value is None:
            return where + parsed.note
        if limits and not limits[0] <= parsed.value <= limits[1]:
            return f"{where}请填写 {limits[0]} 至 {limits[1]} 之间的数"
    return ""


def _num(value, kind):
    parsed = parse_number(value, kind)
    return parsed.value if parsed.value is not None else 0


def _store_number(value):
    """Numbers go into the JSON draft as int, or as text for amounts with decimals."""
    if value is None:
        return 0
    return int(value) if value == int(value) else str(value)


# --- agency details remembered between runs ----------------------------------------------------


def config_dir() -> Path:
    root = os.environ.get("APPDATA") or os.environ.get("XDG_CONFIG_HOME") or Path.home() / ".config"
    return Path(root) / "nianbao"


def remembered_file() -> Path:
    """Where the units' details are remembered between runs (shown to the clerk; ``wizard --forget`` deletes it)."""
    return config_dir() / "agency.json"


def forget_units() -> bool:
    """Delete the remembered units' details; False when there were none."""
    try:
        remembered_file().unlink()
    except FileNotFoundError:
        return False
    return True


def remembered_units() -> list[dict]:
    """Agency details remembered per unit (keyed by name), the unit used last first."""
    try:
        data = json.loads(remembered_file().read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return []
    if not isinstance(data, dict):
        return []
    units = data.get("units")
    if not isinstance(units, dict):
        units = {data.get("name"): data}  # written by an earlier version: one unit
    out = []
    for name, details in units.items():
        if isinstance(name, str) and name.strip() and isinstance(details, dict):
            kept = {k: str(v) for k, v in details.items() if k in AGENCY_FIELDS and v}
            out.append({**kept, "name": name})
    order = [n for n in data.get("order") or [] if isinstance(n, str)]
    return sorted(out, key=lambda u: order.index(u["name"]) if u["name"] in order else len(order))


def remember_agency(report: Report) -> None:
    """Remember this unit's details under its name, as the unit used last; other units stay as they were."""
    agency = {k: v for k, v in vars(report.agency).items() if v}
    if not agency.get("name"):
        return
    units = {u["name"]: u for u in remembered_units()}
    units[agency["name"]] = agency
    order = [agency["name"]] + [n for n in units if n != agency["name"]]
    data = {"units": {n: units[n] for n in order}, "order": order}
    with contextlib.suppress(OSError):  # remembering is a convenience; never fail the wizard over it
        write_atomic(remembered_file(), json.dumps(data, ensure_ascii=False, indent=1), force=True)


def _end_prompt(application, signal: Interrupted) -> bool:
    """End a running prompt with ``signal`` (prompt_toolkit then restores the terminal); False when none runs."""
    if not application.is_running or application.future is None or application.future.done():
        return False
    application.exit(exception=signal)
    return True
