"""What the wizard shows: rich tables of sections 二/三/四, the R3-1 balance, the whole text, findings."""

from __future__ import annotations

from rich.table import Table

from ...findings import ERROR, Finding, summary
from ...formats import CONTENT, HEADINGS, Format
from ...numbers import format_number
from ...report import Number, Report


def active_table(report: Report) -> Table:
    """Section 二, one line per row: block caption, row label, each column's value."""
    fmt = report.format
    table = Table(title=fmt.headings[1], show_lines=False)
    for header in ("", CONTENT, ""):
        table.add_column(header)
    for block in fmt.active_blocks:
        for row in block.rows:
            cells = "；".join(
                f"{c.label} {format_number(report.number(f'active.{row.key}.{c.key}'), c.kind)}" for c in block.columns
            )
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


def balance(report: Report, column: str) -> tuple[Number, Number] | None:
    """R3-1 for one column of 三: (一 + 二, （七）总计 + 四); None when a number of it was not read."""
    new, carried, processed, forward = (
        report.number(f"requests.{row}.{column}") for row in ("new", "carried_over", "total_processed", "carry_forward")
    )
    if new is None or carried is None or processed is None or forward is None:
        return None
    return new + carried, processed + forward


def out_of_balance(report: Report, column: str) -> bool:
    """Both sides of R3-1 were read for the column, and they differ."""
    sums = balance(report, column)
    return sums is not None and sums[0] != sums[1]


def balance_line(report: Report, fmt: Format, column: str) -> str:
    """The printed table note (一 + 二 = （七）+ 四) checked for one column, in rich markup."""
    label = fmt.requests.column(column).label
    sums = balance(report, column)
    if sums is None:
        return f"「{label}」：有未读取的数，[yellow]无法核对[/yellow]"
    left, right = sums
    verdict = "[green]✓ 平衡[/green]" if left == right else f"[red]✗ 不平衡，相差 {left - right}[/red]"
    return f"「{label}」：一+二 = {left}，（七）总计+四 = {right}  {verdict}"


def busy_columns(report: Report) -> list[str]:
    fmt = report.format
    return [
        c.key
        for c in fmt.requests.input_columns
        if any(report.number(f"requests.{r.key}.{c.key}") for r in fmt.requests.rows)
    ]


def show_summary(console, report: Report, findings: list[Finding]) -> None:
    """The summary screen before saving: the whole report as it will be printed, the balances, every finding."""
    console.rule(f"核对全文：{report.agency.name} {report.year}年度 · {report.format.name}")
    show_text(console, report)
    console.rule("核对结果")
    for col in busy_columns(report):
        console.print("  " + balance_line(report, report.format, col))
    show_findings(console, findings)


def show_text(console, report: Report) -> None:
    """Every block of the report in reading order — generated sentences included — with 二/三/四 as tables."""
    from ...document import DATE, HEADING1, HEADING2, SIGNATURE, TABLE, TITLE, build_document

    tables = dict(zip(HEADINGS[1:4], (active_table, requests_table, appeals_table), strict=True))
    for block in build_document(report):
        if block.kind == TITLE:
            console.print(block.text.replace("\n", ""), style="bold", justify="center", markup=False)
        elif block.kind in (HEADING1, HEADING2):
            console.print(block.text, style="bold", markup=False)
        elif block.kind == TABLE:  # the table's title is the section heading
            console.print(tables[block.text](report))
        elif block.kind in (SIGNATURE, DATE):
            console.print(block.text, justify="right", markup=False)
        else:
            console.print("　　" + block.text, markup=False)


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
