"""The progress bar of a batch on stderr: units done, time, ETA, and the same counts the summary gives."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager

from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn, TimeRemainingColumn

from .record import ERRORS, INTERNAL, UNREADABLE, UnitRecord

NOT_PASSED = (ERRORS, UNREADABLE, INTERNAL)


@contextmanager
def progress_bar(console: Console, estimate: int) -> Iterator[Callable[[UnitRecord], None]]:
    """Yields ``advance(record)``; the counter 「未通过 N」 counts submissions (the summary counts units)."""
    columns = (
        TextColumn("正在生成"),
        BarColumn(),
        MofNCompleteColumn(),
        TextColumn("份"),
        TextColumn("已用"),
        TimeElapsedColumn(),
        TextColumn("剩余约"),
        TimeRemainingColumn(),
        TextColumn("{task.fields[errors]}"),
    )
    with Progress(*columns, console=console, transient=False) as progress:
        bar = progress.add_task("batch", total=estimate or None, errors="")
        failed = 0

        def advance(record: UnitRecord) -> None:
            nonlocal failed
            failed += record.status in NOT_PASSED
            done = progress.tasks[0].completed + 1
            total = progress.tasks[0].total
            progress.update(
                bar,
                advance=1,
                total=max(total or 0, done) if total else None,
                errors=f"未通过 {failed} 份" if failed else "",
            )

        yield advance
        progress.update(bar, total=progress.tasks[0].completed)
