"""The wizard's number sections: agency and year, 二, 三, 四, 信息处理费, publication date.

Questions are generated from the format definitions (labels come from generator/formats.py only).
Gate questions come first so that a township with nothing to report answers a handful of prompts, and
a table row is typed on one line (「3 0 0 0 1 0」), checked against the row's columns as it is typed.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date

from ...checks.contact import contact_problem, line_break, seal_note
from ...checks.identity import SELF_WORDS, agency_kind, doubled_name, self_words
from ...checks.structure import DEADLINE, default_deadline
from ...formats import AMOUNT, COUNT, DECISIONS_NOTE, LITIGATION, REVIEW, TOWNSHIP_LEVELS, outcome_rows
from ...numbers import parse_date
from ...report import AGENCY_FIELDS, Agency
from .session import Session, default_year, remembered_file, remembered_units
from .view import active_table, agency_table, appeals_table, balance_line, busy_columns, out_of_balance, requests_table

GATE_ACTIVE = "本年度制发、废止规范性文件或作出许可、处罚、强制决定吗？"
GATE_REQUESTS = "本年度是否收到政府信息公开申请或有上年结转？"
GATE_APPEALS = "本年度是否发生政府信息公开行政复议或行政诉讼？"
NEW_UNIT = "new"
DATE_HINT = "日期请写成 2026-01-20 或 2026年1月20日"

BACK_HINT_TEXT = "每答一题都会自动保存。按 Ctrl+B 返回上一个问题；按 Ctrl+C 可保存并退出。"


def heading(s: Session, title: str) -> None:
    s.console.rule(f"[bold]{title}[/bold]")
    s.console.print(f"[dim]{BACK_HINT_TEXT}[/dim]")


# --- agency and year ---------------------------------------------------------------------------


def basics(s: Session) -> None:
    heading(s, "单位信息和报告年度")
    s.number("year", "报告年度（如 2025）", COUNT, s.answers.get("year") or _base_year(s), limits=(2008, 2100))
    units = _known_units(s)
    if not units:
        ask_agency(s, {})
        return
    for unit in units:
        s.console.print(agency_table(unit, AGENCY_FIELDS))
    if any(u["source"] == REMEMBERED for u in units):
        s.console.print(
            f"[dim]上次填写的单位信息保存在 {remembered_file()}；不想保留可运行 nianbao wizard --forget 删除。[/dim]",
            markup=True,
            highlight=False,
        )
    choices = [(f"为「{u['name']}」填报，沿用{u['source']}的单位信息", f"reuse:{u['name']}") for u in units]
    choices += [(f"为「{u['name']}」填报，修改单位信息", f"edit:{u['name']}") for u in units]
    choices.append(("为另一个单位填报（重新填写单位信息）", NEW_UNIT))
    action, _, name = s.select("agency.unit", "为哪个单位填报？", choices).partition(":")
    unit = next((u for u in units if u["name"] == name), {})
    if action == "reuse":
        s.set_many({f"agency.{k}": unit.get(k, "") for k in AGENCY_FIELDS})
        return
    ask_agency(s, unit, units)


def _known_units(s: Session) -> list[dict]:
    """Units whose details are known: last year's file (``--answers``), else those remembered from earlier runs."""
    base = (s.state.base or {}).get("agency") or {}
    if base.get("name"):
        return [{**{k: str(v) for k, v in base.items() if k in AGENCY_FIELDS and v}, "source": s.state.base_source}]
    return [{**unit, "source": REMEMBERED} for unit in remembered_units()]


REMEMBERED = "上次填写"


def ask_agency(s: Session, unit: dict, units: Sequence[dict] = ()) -> None:
    """Every agency field; defaults come only from the unit of the name typed, never from another unit."""
    before = s.answers.get("agency.name")
    name = s.text(
        "agency.name",
        AGENCY_FIELDS["name"] + "（如 英林镇人民政府）",
        before or unit.get("name", ""),
        required=True,
        validate=lambda text: line_break("name", text) or doubled_name(text) or seal_note(text) or True,
    )
    if before is not None and name != before:  # another unit now: earlier answers were for the one before
        s.set_many({k: None for k in list(s.answers) if k.startswith("agency.") and k != "agency.name"})
    own = next((u for u in units if u["name"] == name), unit if unit.get("name") == name else {})

    def current(key: str) -> str:
        answer = s.answers.get(f"agency.{key}")
        return str(own.get(key, "") if answer is None else answer)

    kind = agency_kind(Agency(name=name))
    if kind in TOWNSHIP_LEVELS:
        s.set_many({"agency.level": kind})
    else:
        s.text(
            "agency.level", AGENCY_FIELDS["level"], current("level"), validate=lambda t: line_break("level", t) or True
        )
    short = current("short_name")
    if _wrong_self_reference(kind, short):
        short = ""  # remembered with the slip this very rule now refuses: suggest the right one instead
    s.text(
        "agency.short_name",
        AGENCY_FIELDS["short_name"],
        short or SELF_WORDS.get(kind, ""),
        validate=lambda text: (
            line_break("short_name", text) or doubled_name(text) or _wrong_self_reference(kind, text, name) or True
        ),
    )
    for key in ("parent", "website", "url", "office", "address", "postcode", "phone", "email"):
        s.text(
            f"agency.{key}",
            AGENCY_FIELDS[key] + "（可不填，直接回车）",
            current(key),
            validate=lambda text, key=key: (
                line_break(key, text) or (key == "parent" and doubled_name(text)) or contact_problem(key, text) or True
            ),
        )


def _wrong_self_reference(kind: str, text: str, name: str = "") -> str:
    """Why a self-reference does not fit the agency's kind (「我乡」 for a 镇), or ""."""
    wrong = [w for w, k in self_words(text).items() if kind and k != kind and k in SELF_WORDS]
    if not wrong or kind not in SELF_WORDS:
        return ""
    return f"「{wrong[0]}」与机关名称「{name}」不符：本单位是{kind}，应自称「{SELF_WORDS[kind]}」"


def _base_year(s: Session) -> int:
    base = s.state.base or {}
    return int(base["year"]) if base.get("year") else default_year()


# --- section 二 --------------------------------------------------------------------------------


def active(s: Session) -> None:
    """A gate question, then one line per row: this year's activity only after 「是」, stocks and amounts always."""
    report = s.report()
    fmt = report.format
    heading(s, fmt.headings[1])
    s.console.print(f"[dim]{DECISIONS_NOTE}[/dim]")
    rows = [(b, r) for b in fmt.active_blocks for r in b.rows]
    if report.agency.is_township:
        s.set_many({f"num.active.rules.{c.key}": 0 for c in fmt.active_block_of("rules").columns})
        s.console.print(f"[dim]乡镇、街道没有规章制定权，「{fmt.active.row('rules').label}」一行按 0 填写。[/dim]")
        rows = [(b, r) for b, r in rows if r.key != "rules"]
    busy = any(report.number(f"active.{r.key}.{c.key}") for b, r in rows for c in b.columns if c.activity)
    yes = s.confirm("gate.active", GATE_ACTIVE, busy)
    if not yes:
        s.set_many({f"num.active.{r.key}.{c.key}": 0 for b, r in rows for c in b.columns if c.activity})
    for block, row in rows:
        columns = [c for c in block.columns if yes or not c.activity]
        if not columns:
            continue
        defaults = [
            _stock_default(s, row.key, c.key) if not c.activity else report.number(f"active.{row.key}.{c.key}")
            for c in columns
        ]
        title = (
            f"{row.label} · {columns[0].label}"
            if len(columns) == 1
            else f"{row.label}（{' '.join(c.label for c in columns)}）"
        )
        s.row(
            f"row.active.{row.key}" + ("" if yes else ".stock"),
            title,
            [(f"active.{row.key}.{c.key}", c.label, c.kind) for c in columns],
            defaults,
        )
    s.console.print(active_table(s.report()))


def _stock_default(s: Session, row: str, col: str):
    """The stock (现行有效件数) defaults to last year's + added − removed (rule X-2); others to what is known."""
    report = s.report()
    fmt = report.format
    if fmt.stock_flow and col == fmt.stock_column and f"num.active.{row}.{col}" not in s.answers:
        added, removed = fmt.stock_flow

        def n(key: str):
            return report.number(f"active.{row}.{key}") or 0

        return n(col) + n(added) - n(removed)
    return report.number(f"active.{row}.{col}")


# --- section 三 --------------------------------------------------------------------------------


def requests(s: Session) -> None:
    """A gate question, the rows that have numbers, then each row's six applicant columns on one line."""
    report = s.report()
    fmt = report.format
    table = fmt.requests
    heading(s, fmt.headings[2])
    paths = {r.key: [f"num.requests.{r.key}.{c.key}" for c in table.input_columns] for r in table.input_rows}
    busy = any(report.number(p.removeprefix("num.")) for group in paths.values() for p in group)
    if not s.confirm("gate.requests", GATE_REQUESTS, busy):
        s.set_many({p: 0 for group in paths.values() for p in group})
        s.console.print("[dim]第三部分全部按 0 填写。[/dim]")
        return
    rows = _chosen_rows(s, report)
    s.set_many({p: 0 for row, group in paths.items() if row not in rows for p in group})
    s.console.print(
        f"[dim]每一行按这个顺序填 {len(table.input_columns)} 个数，用空格隔开（没有的填 0）："
        f"{'  '.join(c.label for c in table.input_columns)}[/dim]"
    )
    _ask_rows(s, rows)
    s.console.print(requests_table(s.report()))


def _row_title(row) -> str:
    return row.label if not row.group or row.group == row.label else f"{row.group} {row.label}"


def _chosen_rows(s: Session, report) -> list[str]:
    """一、新收 and 二、上年结转 always; the outcome rows and 四、结转下年度 the clerk ticks."""
    table = report.format.requests
    optional = [*outcome_rows(table), table.row("carry_forward")]
    busy = [r.key for r in optional if report.number(f"requests.{r.key}.total")]
    picked = s.checkbox(
        "rows.requests",
        "除新收和上年结转外，哪几行有数？（办理结果和结转下年度）",
        [(_row_title(r), r.key) for r in optional],
        busy,
        required=False,
    )
    return ["new", "carried_over"] + [r.key for r in optional if r.key in picked]


def _ask_rows(s: Session, rows: list[str]) -> None:
    """Each chosen row on one line, then the R3-1 balance of every column; unbalanced → offer to type them again."""
    table = s.report().format.requests
    qids = []
    for key in rows:
        report = s.report()
        cells = [(f"requests.{key}.{c.key}", c.label, COUNT) for c in table.input_columns]
        qids.append(f"row.requests.{key}")
        s.row(qids[-1], _row_title(table.row(key)), cells, [report.number(path) for path, _, _ in cells])
    report = s.report()
    unbalanced = [c.key for c in table.input_columns if out_of_balance(report, c.key)]
    for col in dict.fromkeys(busy_columns(report) + unbalanced):
        s.console.print("  " + balance_line(report, report.format, col))
    if unbalanced:
        again = s.select(
            "balance.requests",
            "有的列不平衡（一 + 二 ≠ （七）总计 + 四），要怎么做？",
            [("重新填写这几行", "redo"), ("先继续，稍后在核对页修改", "continue")],
        )
        if again == "redo":
            s.forget([*qids, "balance.requests"])
            _ask_rows(s, rows)


# --- section 四 --------------------------------------------------------------------------------


def appeals(s: Session) -> None:
    report = s.report()
    fmt = report.format
    table = fmt.appeals
    heading(s, fmt.headings[3])
    paths = {r.key: [f"num.appeals.{r.key}.{c.key}" for c in table.input_columns] for r in table.rows}
    busy = [r.key for r in table.rows if report.number(f"appeals.{r.key}.total")]
    titles = {r.key: REVIEW if r.group == r.label else f"{LITIGATION} · {r.label}" for r in table.rows}
    chosen: list[str] = []
    if s.confirm("gate.appeals", GATE_APPEALS, bool(busy)):
        chosen = s.checkbox("rows.appeals", "发生了哪几类？", [(titles[r.key], r.key) for r in table.rows], busy)
    s.set_many({p: 0 for row, group in paths.items() if row not in chosen for p in group})
    for row in chosen:
        cells = [(f"appeals.{row}.{c.key}", c.label, COUNT) for c in table.input_columns]
        s.row(
            f"row.appeals.{row}",
            f"{titles[row]}（{' '.join(label for _, label, _ in cells)}）",
            cells,
            [report.number(path) for path, _, _ in cells],
        )
    s.console.print(appeals_table(s.report()))


# --- 信息处理费 and publication date ------------------------------------------------------------


def fees(s: Session) -> None:
    heading(s, "信息处理费（写入第六部分）")
    if s.confirm("fees.collected", "本年度是否收取了政府信息公开信息处理费？", False):
        s.number("fees.amount", "信息处理费金额（元）", AMOUNT, s.answers.get("fees.amount") or 0)
        s.number("fees.cases", "收费件数", COUNT, s.answers.get("fees.cases") or 0)
    else:
        s.set_many({"fees.amount": None, "fees.cases": None})


def publication(s: Session) -> None:
    """The date the report is published; today is offered only while it is within the deadline."""
    heading(s, "发布日期（落款日期）")
    report, today = s.report(), date.today()
    year, deadline = report.year, default_deadline(report)
    s.console.print(f"[dim]{year}年度报告应在 {_chinese(date(year + 1, *deadline))} 前公布。[/dim]")
    default = s.answers.get("publication_date") or ""
    if not default and (suggested := suggested_date(year, today, deadline)):
        default = suggested.isoformat()
    elif not default:
        s.console.print(f"[yellow]今天（{_chinese(today)}）已过公布期限，请填写实际发布日期。[/yellow]")
    raw = s.text(
        "publication_date.raw",
        f"发布日期（如 {year + 1}-01-20）",
        on_enter=default or None,
        required=not default,
        validate=lambda t: bool(parse_date(t)) or DATE_HINT,
    )
    s.set_many({"publication_date": str(parse_date(raw))})


def suggested_date(year: int, today: date, deadline: tuple[int, int] = DEADLINE) -> date | None:
    """Today while it is within the deadline; 1月20日 when the report is written ahead; None once it has passed."""
    if today > date(year + 1, *deadline):
        return None
    return today if today.year == year + 1 else date(year + 1, 1, 20)


def _chinese(day: date) -> str:
    return f"{day.year}年{day.month}月{day.day}日"
