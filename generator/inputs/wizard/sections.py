"""The wizard's number sections: agency and year, 二, 三, 四, 信息处理费, publication date.

Questions are generated from the format definitions (labels come from generator/formats.py only).
Gate questions come first so that a township with nothing to report answers a handful of prompts.
"""
from __future__ import annotations

from datetime import date

from ...formats import AMOUNT, COUNT, LITIGATION, ORGANISATION_COLUMNS, ORGANISATIONS, REVIEW
from ...numbers import parse_date
from ...report import AGENCY_FIELDS
from .session import Session, default_year
from .view import (active_table, agency_table, appeals_table, balance, balance_line, outcome_groups,
                          requests_table)

TOWNSHIP_SUFFIXES = {"乡人民政府": ("乡", "我乡"), "镇人民政府": ("镇", "我镇"), "街道办事处": ("街道", "本街道")}

GATE_ACTIVE = "本年度制发、废止规范性文件或作出许可、处罚、强制决定吗？"
GATE_REQUESTS = "本年度是否收到政府信息公开申请或有上年结转？"
GATE_APPEALS = "本年度是否发生政府信息公开行政复议或行政诉讼？"


BACK_HINT_TEXT = "每答一题都会自动保存。按 Ctrl+B 返回上一部分；按 Ctrl+C 可保存并退出。"


def heading(s: Session, title: str) -> None:
    s.console.rule(f"[bold]{title}[/bold]")
    s.console.print(f"[dim]{BACK_HINT_TEXT}[/dim]")


# --- agency and year ---------------------------------------------------------------------------

def basics(s: Session) -> None:
    heading(s, "单位信息和报告年度")
    s.number("year", "报告年度（如 2025）", COUNT, s.answers.get("year") or _base_year(s), limits=(2008, 2100))
    known = (s.state.base or {}).get("agency") or {}
    if known.get("name"):
        s.console.print(agency_table(known, AGENCY_FIELDS))
        if s.confirm("agency.reuse", f"沿用{s.state.base_source or '已有'}的单位信息吗？", True):
            s.set_many({f"agency.{k}": v for k, v in known.items() if k in AGENCY_FIELDS})
            return
    ask_agency(s, known)


def ask_agency(s: Session, known: dict) -> None:
    def current(key: str) -> str:
        return str(s.answers.get(f"agency.{key}", known.get(key, "")) or "")

    name = s.text("agency.name", AGENCY_FIELDS["name"] + "（如 英林镇人民政府）", current("name"), required=True)
    level, self_name = next((v for k, v in TOWNSHIP_SUFFIXES.items() if name.endswith(k)), ("", ""))
    if level:
        s.set_many({"agency.level": level})
    else:
        s.text("agency.level", AGENCY_FIELDS["level"], current("level"))
    s.text("agency.short_name", AGENCY_FIELDS["short_name"], current("short_name") or self_name)
    for key in ("parent", "website", "url", "office", "address", "postcode", "phone", "email"):
        s.text(f"agency.{key}", AGENCY_FIELDS[key] + "（可不填，直接回车）", current(key))


def _base_year(s: Session) -> int:
    base = s.state.base or {}
    return int(base["year"]) if base.get("year") else default_year()


# --- section 二 --------------------------------------------------------------------------------

def active(s: Session) -> None:
    report = s.report()
    fmt = report.format
    heading(s, fmt.headings[1])
    township = report.agency.is_township
    cells = [(b, r, c) for b in fmt.active_blocks for r in b.rows for c in b.columns]
    if township:
        rules = [f"num.active.rules.{c.key}" for b, r, c in cells if r.key == "rules"]
        s.set_many({q: 0 for q in rules})
        s.console.print(f"[dim]乡镇、街道没有规章制定权，「{fmt.active.row('rules').label}」一行按 0 填写。[/dim]")
        cells = [(b, r, c) for b, r, c in cells if r.key != "rules"]
    # Activity columns are asked only after 「是」 to the gate question; stock figures and amounts directly.
    flow = [(b, r, c) for b, r, c in cells if c.activity]
    flow_rows = list(dict.fromkeys((b.caption, r.key, r.label) for b, r, _ in flow))
    busy = {r.key for _, r, c in flow if report.number(f"active.{r.key}.{c.key}")}
    chosen: list[str] = []
    if s.confirm("gate.active", GATE_ACTIVE, bool(busy)):
        chosen = s.checkbox("rows.active", "哪几项本年度有数？", [(f"{label}（{caption}）", key)
                                                             for caption, key, label in flow_rows], busy)
    s.set_many({f"num.active.{r.key}.{c.key}": 0 for _, r, c in flow if r.key not in chosen})
    for b, r, c in cells:
        if c.activity and r.key not in chosen:
            continue
        if c.activity:
            default = report.number(f"active.{r.key}.{c.key}")
        else:
            default = _stock_default(s, r.key, c.key)
        s.number(f"num.active.{r.key}.{c.key}", f"{r.label} · {c.label}", c.kind, default)
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
    report = s.report()
    fmt = report.format
    table = fmt.requests
    heading(s, fmt.headings[2])
    paths = [f"num.requests.{r.key}.{c.key}" for r in table.input_rows for c in table.input_columns]
    busy_cols = [c.key for c in table.input_columns
                 if any(report.number(f"requests.{r.key}.{c.key}") for r in table.input_rows)]
    if not s.confirm("gate.requests", GATE_REQUESTS, bool(busy_cols)):
        s.set_many({p: 0 for p in paths})
        s.console.print("[dim]第三部分全部按 0 填写。[/dim]")
        return
    columns = s.checkbox("cols.requests", "哪些申请人类型有申请（含上年结转）？",
                         [(_column_title(fmt, c.key), c.key) for c in table.input_columns], busy_cols or ["natural"])
    rows = _chosen_rows(s, report)
    keep = {f"num.requests.{r}.{c}" for r in rows for c in columns}
    s.set_many({p: 0 for p in paths if p not in keep})
    for col in columns:
        _ask_column(s, rows, col)
    report = s.report()
    s.console.print(requests_table(report))


def _column_title(fmt, key: str) -> str:
    label = fmt.requests.column(key).label
    return f"{ORGANISATIONS} · {label}" if key in ORGANISATION_COLUMNS else label


def _chosen_rows(s: Session, report) -> list[str]:
    """new and carried_over always; outcome rows in the groups the clerk ticks; 四 if ticked."""
    fmt = report.format
    groups = outcome_groups(fmt)
    forward = fmt.requests.row("carry_forward")
    busy = [g for g, rows in groups if any(report.number(f"requests.{r.key}.total") for r in rows)]
    if report.number("requests.carry_forward.total"):
        busy.append(forward.key)
    choices = [(g, g) for g, _ in groups] + [(forward.label, forward.key)]
    picked = s.checkbox("groups.requests", "办理结果和结转中哪几类有数？", choices, busy)
    rows = ["new", "carried_over"]
    for index, (group, members) in enumerate(groups):
        if group not in picked:
            continue
        if len(members) == 1:
            rows.append(members[0].key)
            continue
        inner_busy = [r.key for r in members if report.number(f"requests.{r.key}.total")]
        rows += s.checkbox(f"rows.requests.{index}", f"{group}：哪几种情形有数？",
                           [(r.label, r.key) for r in members], inner_busy or [members[0].key])
    if forward.key in picked:
        rows.append(forward.key)
    return rows


def _ask_column(s: Session, rows: list[str], col: str) -> None:
    """Every chosen cell of one applicant column, then its R3-1 balance; unbalanced → offer to redo."""
    fmt = s.report().format
    label = fmt.requests.column(col).label
    s.console.print(f"[bold]「{label}」[/bold]")
    qids = [f"num.requests.{r}.{col}" for r in rows]
    for row, qid in zip(rows, qids):
        r = fmt.requests.row(row)
        title = r.label if not r.group or r.group == r.label else f"{r.group} {r.label}"
        s.number(qid, f"{label} · {title}", COUNT, s.report().number(f"requests.{row}.{col}"))
    report = s.report()
    s.console.print("  " + balance_line(report, fmt, col))
    left, right = balance(report, col)
    if left != right:
        again = s.select(f"balance.{col}", f"「{label}」列不平衡，要怎么做？",
                         [("重新填写这一列", "redo"), ("先继续，稍后在核对页修改", "continue")])
        if again == "redo":
            s.forget(qids + [f"balance.{col}"])
            _ask_column(s, rows, col)


# --- section 四 --------------------------------------------------------------------------------

def appeals(s: Session) -> None:
    report = s.report()
    fmt = report.format
    table = fmt.appeals
    heading(s, fmt.headings[3])
    paths = {r.key: [f"num.appeals.{r.key}.{c.key}" for c in table.input_columns] for r in table.rows}
    busy = [r.key for r in table.rows if report.number(f"appeals.{r.key}.total")]
    chosen: list[str] = []
    if s.confirm("gate.appeals", GATE_APPEALS, bool(busy)):
        titles = [(REVIEW if r.group == r.label else f"{LITIGATION} · {r.label}", r.key) for r in table.rows]
        chosen = s.checkbox("rows.appeals", "发生了哪几类？", titles, busy)
    s.set_many({p: 0 for row, group in paths.items() if row not in chosen for p in group})
    for row in chosen:
        r = table.row(row)
        title = REVIEW if r.group == r.label else f"{LITIGATION} · {r.label}"
        for col, qid in zip(table.input_columns, paths[row]):
            s.number(qid, f"{title} · {col.label}", COUNT, report.number(f"appeals.{row}.{col.key}"))
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
    heading(s, "发布日期（落款日期）")
    year = s.report().year
    today = date.today()
    suggested = today if today.year == year + 1 else date(year + 1, 1, 20)
    default = s.answers.get("publication_date") or suggested.isoformat()
    raw = s.text("publication_date.raw", f"发布日期（如 {year + 1}-01-20）", on_enter=default,
                 validate=lambda t: bool(parse_date(t)) or "日期请写成 2026-01-20 或 2026年1月20日")
    s.set_many({"publication_date": parse_date(raw).isoformat()})
