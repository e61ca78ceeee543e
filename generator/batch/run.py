"""``nianbao batch``: the stages in order — plan → work (in a pool) → spool → settle → publish.

The input is streamed: tasks are handed to worker processes through a bounded window, records are
spooled to SQLite in a temporary folder of the output, and settle/publish read that spool at the end,
so memory does not grow with the number of units. Ctrl-C, SIGTERM and SIGHUP stop the run cleanly
(exit 130/143/129): workers are ended, the temporary folder removed, and the resume note printed.
"""

from __future__ import annotations

import contextlib
import json
import os
import shutil
import sqlite3
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

from rich.console import Console

from .. import __version__, interrupts
from ..assess.scorecard import Scorecard, load_scorecard
from ..errors import EXIT_INPUT, InputError, NianbaoError
from .expected import read_expected
from .names import normalise_name
from .plan import FolderPlan, RosterPlan, digest_of, plan_input
from .pool import run_tasks
from .previous import PreviousYear, index_previous
from .publish import RunInfo, finish_batch
from .record import UNREADABLE
from .spool import Spool
from .work import DISK_FULL, Options, disk_full_message


@dataclass(frozen=True)
class BatchRequest:
    """What ``nianbao batch`` was asked to do."""

    source: Path  # a roster workbook, a folder of forms, data files and reports, or one of them
    output: Path
    targets: tuple[str, ...] = ("docx", "html")
    jobs: int | None = None  # worker processes; None: one per CPU
    previous: Path | None = None  # last year's roster, folder or reports (X-1, X-2, the year-on-year chart)
    force: bool = False
    ignore_errors: bool = False
    expected: Path | None = None  # 名单.xlsx (or a roster): the units expected to file this year
    deadline: tuple[int, int] = (1, 31)  # publication deadline (month, day) of the following year
    name: str = ""  # whose roll-up this is (default: the units' common 上级政府)
    scorecard: Path | None = None  # 考评.yaml (None: the packaged default sheet)


class DiskFull(NianbaoError):
    """The output disk is full: the run stops cleanly, and a re-run after freeing space finishes the rest."""


def run_batch(request: BatchRequest) -> int:
    """Run the batch; exit 0 all good, 1 some units have errors or are missing, 2 unreadable input or disk full."""
    source, output = request.source, request.output.absolute()  # workers and URIs need an absolute path
    if output.exists() and not output.is_dir():
        raise InputError(f"输出位置 {output} 是一个文件，请给出一个文件夹。")
    if source.is_dir() and output.resolve() == source.resolve():
        raise InputError("输出目录不能与输入文件夹相同，请用 -o 另给一个文件夹。")
    expected = read_expected(request.expected) if request.expected else None
    card = load_scorecard(request.scorecard)  # a broken sheet is refused before any work is done
    own = {
        path.resolve(): f"是本次运行的{what}（{flag}），不是单位的填报文件，未作为单位读取"
        for path, what, flag in (
            (request.expected, "应报单位名单", "--expected"),
            (request.scorecard, "考评表", "--scorecard"),
        )
        if path is not None
    }
    with plan_input(source, exclude=output.resolve(), own=own) as plan:
        spool, workdir = None, None
        try:
            output.mkdir(parents=True, exist_ok=True)
            _remove_stale_workdirs(output)
            workdir = Path(tempfile.mkdtemp(prefix=f".nianbao-run-{os.getpid()}-", dir=output))
            spool = Spool(workdir / "results.sqlite")
            return _run(request, output, expected, plan, workdir, spool, card)
        except KeyboardInterrupt as exc:  # interrupts.install() ignores every further signal from now on
            _say(f"\n{interrupts.describe(exc)}{_progress_note(spool, plan.estimate)}")
            return interrupts.exit_code(exc)
        except (OSError, sqlite3.OperationalError) as exc:
            if getattr(exc, "errno", None) in DISK_FULL or "disk is full" in str(exc):
                raise DiskFull(f"{disk_full_message(str(output))}{_progress_note(spool, plan.estimate)}") from None
            raise
        finally:
            if spool is not None:
                spool.close()
            if workdir is not None:
                shutil.rmtree(workdir, ignore_errors=True)


def _say(text: str) -> None:
    """Print to stderr; a closed terminal (SIGHUP) is not an error."""
    with contextlib.suppress(OSError, ValueError):
        print(text, file=sys.stderr, flush=True)


def _progress_note(spool: Spool | None, estimate: int) -> str:
    """What was finished, and how to go on (for an interrupted or stopped run)."""
    done = spool.count() if spool is not None else 0
    total = f"（共约 {estimate} 个）" if estimate else ""
    return (
        f"本次已处理完 {done} 个单位{total}，它们的报告和记录都已保存，没有留下写了一半的文件。"
        "重新运行同一命令（不加 --force）会跳过已完成的单位，从中断处继续；校验结果和汇总在全部完成后生成。"
    )


def _run(
    request: BatchRequest,
    output: Path,
    expected: list | None,
    plan: RosterPlan | FolderPlan,
    workdir: Path,
    spool: Spool,
    card: Scorecard,
) -> int:
    jobs = max(1, request.jobs or os.cpu_count() or 1)
    targets, pdf_missing = _available_targets(request.targets)
    previous: PreviousYear | None = None
    if request.previous:
        previous = index_previous(request.previous, workdir, expected, request.name)
    codes = {normalise_name(e.name): e.code for e in expected or () if e.code}
    options = Options(
        str(output),
        targets,
        request.force,
        request.ignore_errors,
        plan.layout,
        previous.db if previous else None,
        request.deadline,
        codes,
    )
    settings = json.dumps(
        [
            __version__,
            request.ignore_errors,
            digest_of(request.previous) if request.previous else None,
            request.deadline,
            sorted(codes.items()),
            sorted((e.name, e.former) for e in expected or () if e.former),  # 曾用名: the unit's match last year
        ]
    )
    started = time.monotonic()
    run_tasks(plan.tasks(settings), options, jobs, spool, plan.estimate, Console(stderr=True))
    info = RunInfo(
        output,
        targets,
        time.monotonic() - started,
        jobs,
        expected or plan.expected,
        request.deadline,
        request.name,
        plan.changed,
        previous,
        request.ignore_errors,
        plan.set_aside,
        card,
    )
    code = finish_batch(spool, info)
    if pdf_missing:
        print(pdf_missing, file=sys.stderr)
        return pdf_missing.exit_code
    if isinstance(plan, FolderPlan) and plan.single and all(r.status == UNREADABLE for r in spool):
        return EXIT_INPUT  # the one input file given could not be read
    return code


def _available_targets(targets: tuple[str, ...]) -> tuple[tuple[str, ...], NianbaoError | None]:
    """The formats to render; PDF is dropped (and its reason returned, to be reported once) without WeasyPrint."""
    if "pdf" not in targets:
        return tuple(targets), None
    from ..render.pdf import PdfUnavailable, warm_up  # WeasyPrint loads only when a PDF is asked for

    try:
        warm_up()
    except PdfUnavailable as exc:
        return tuple(t for t in targets if t != "pdf"), exc
    return tuple(targets), None


def _remove_stale_workdirs(output: Path) -> None:
    """Remove the temporary folders of runs that were killed outright (their process is gone)."""
    for path in output.glob(".nianbao-run-*"):
        try:
            os.kill(int(path.name.split("-")[2]), 0)
        except (ValueError, IndexError, ProcessLookupError):
            shutil.rmtree(path, ignore_errors=True)
        except PermissionError:
            pass  # alive, someone else's
