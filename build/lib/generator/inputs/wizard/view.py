"""What the wizard shows between questions: rich tables of sections 二/三/四, the R3-1 balance, findings."""
from __future__ import annotations

from rich.table import Table

from ...findings import ERROR, Finding, summary
from ...formats import CONTENT, Format, outcome_rows
from ...numbers import format_number
from ...report import Report


def active_table(report: Report) -> Table:
    """Section 二, one line per row: block caption, row label, each column's value."""
    fmt = report.format
    table = Table(title=fmt.headings[1], show_lines=False)
    for header in ("", CONTENT, ""):
        table.add_column(header)
    for block in fmt.active_blocks:
        for row in block.rows:
            cells = "；".join(f"{c.label} {format_number(report.number(f'active.{row.key}.{c.key}'), c.kind)}"
                             for c in block.columns)
            table.add_row(block.caption, row.label, cells)
    return table


def requests_table(report: Report, all_rows: bool = False) -> Table:
    """Section 三 with its derived totals; rows that are all zero are left out unless ``all_rows``."""
    fmt = report.format
    table = Table(title=fmt.headings[2])
    table.add_column("")
    for col in fmt.requests.columns:
        table.add_column(col.label, justify="right")
    hidden = 0
    for row in fmt.requests.rows:
        values = [report.number(f"requests.{row.key}.{c.key}") for c in fmt.requests.columns]
        keep = all_rows or row.derived or row.key in ("new", "carried_over", "carry_forward") or any(values)
        if not keep:
            hidden += 1
            continue
        label = row.label if not row.group or row.group == row.label else f"{row.group} {row.label}"
        table.add_row(label, *(format_number(v) for v in values), style="bold" if row.derived else None)
    if hidden:
        table.caption = f"其余 {hidden} 行均为 0"
    return table


def appeals_table(report: Report) -> Table:
    fmt = report.format
    table = Table(title=fmt.headings[3])
    table.add_column("")
    for col in fmt.appeals.columns:
        table.add_column(col.label, justify="right")
    for row in fmt.appeals.rows:
        label = row.label if row.group == row.label else f"{row.group} · {row.label}"
        table.add_row(label, *(format_number(report.number(f"appeals.{row.key}.{c.key}")) for c in fmt.appeals.columns))
    return table


def balance(report: Report, column: str) -> tuple[int, int]:
    """R3-1 for one column of 三: (一 + 二, （七）总计 + 四)."""
    n = report.number
    return (n(f"requests.new.{column}") + n(f"requests.carried_over.{column}"),
            n(f"requests.total_processed.{column}") + n(f"requests.carry_forward.{column}"))


def balance_line(report: Report, fmt: Format, column: str) -> str:
    """The printed table note (一 + 二 = （七）+ 四) checked for one column, in rich markup."""
    label = fmt.requests.column(column).label
    left, right = balance(report, column)
    verdict = "[green]✓ 平衡[/green]" if left == right else f"[red]✗ 不平衡，相差 {left - right}[/red]"
    return f"「{label}」：一+二 = {left}，（七）总计+四 = {right}  {verdict}"


def busy_columns(report: Report) -> list[str]:
    fmt = report.format
    return [c.key for c in fmt.requests.input_columns
            if any(report.number(f"requests.{r.key}.{c.key}") for r in fmt.requests.rows)]


def show_summary(console, report: Report, findings: list[Finding]) -> None:
    """The summary screen before saving: 二/三/四 and every checker finding."""
    console.rule(f"{report.agency.name} {report.year}年度 · {report.format.name}")
    console.print(active_table(report))
    console.print(requests_table(report))
    for col in busy_columns(report):
        console.print("  " + balance_line(report, report.format, col))
    console.print(appeals_table(report))
    show_findings(console, findings)


def show_findings(console, findings: list[Finding]) -> None:
    for finding in findings:
        colour = "red" if finding.severity == ERROR else "yellow"
        console.print(f"[{colour}]{_escape(finding.text())}[/{colour}]")
    console.print(f"[bold]{summary(findings)}[/bold]")


def _escape(text: str) -> str:
    from rich.markup import escape
    return escape(text)


def agency_table(agency: dict, labels: dict) -> Table:
    table = Table(show_header=False, box=None)
    for key, label in labels.items():
        if agency.get(key):
            table.add_row(label, str(agency[key]))
    return table


def outcome_groups(fmt: Format) -> list[tuple[str, list]]:
    """Outcome rows of 三 grouped by their merged group label, in table order."""
    groups: dict[str, list] = {}
    for row in outcome_rows(fmt.requests):
        groups.setdefault(row.group, []).append(row)
    return list(groups.items())
