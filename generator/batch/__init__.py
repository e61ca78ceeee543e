"""``nianbao batch``: every agency of a roster or a folder, in parallel, with a batch report and a roll-up.

The input is streamed: rows are read one at a time and handed to worker processes through a bounded
window, results are spooled to a temporary SQLite file in the output folder, and the batch report
(校验结果.xlsx) and the roll-up (汇总) are written from that spool at the end. Memory therefore does
not grow with the number of agencies. Per-agency records (``.nianbao.json``) make a re-run skip
what is already done (see ``worker``).
"""
from __future__ import annotations

import hashlib
import json
import os
import shutil
import signal
import sqlite3
import sys
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from .. import __version__
from ..errors import EXIT_INPUT, EXIT_INTERRUPTED, InputError
from ..inputs import DATA_SUFFIXES, FORM_SUFFIXES
from ..outputs import safe_filename
from .worker import ERRORS, UNREADABLE, Options, Task, init_worker, not_processed, process

INPUT_SUFFIXES = (*DATA_SUFFIXES, *FORM_SUFFIXES)
WINDOW_PER_JOB = 8  # tasks in flight per worker: bounds memory, keeps workers busy


@dataclass(frozen=True)
class BatchRequest:
    """What ``nianbao batch`` was asked to do."""

    source: Path  # a roster workbook, a folder of forms and data files, or one of them
    output: Path
    targets: tuple[str, ...] = ("docx", "html")
    jobs: int | None = None  # worker processes; None: one per CPU
    previous: Path | None = None  # last year's roster or folder (X-1, X-2, T-2)
    force: bool = False
    ignore_errors: bool = False


def run_batch(request: BatchRequest) -> int:
    """Run the batch; exit 0 all good, 1 some agencies had errors, 2 the input could not be read."""
    source, output = request.source, request.output
    if output.exists() and not output.is_dir():
        raise InputError(f"输出位置 {output} 是一个文件，请给出一个文件夹。")
    if source.is_dir() and output.resolve() == source.resolve():
        raise InputError("输出目录不能与输入文件夹相同，请用 -o 另给一个文件夹。")
    with plan_input(source) as plan:
        output.mkdir(parents=True, exist_ok=True)
        _remove_stale_workdirs(output)
        workdir = Path(tempfile.mkdtemp(prefix=f".nianbao-run-{os.getpid()}-", dir=output))
        previous_handler = signal.signal(signal.SIGTERM, _interrupt)
        spool = Spool(workdir / "results.sqlite")
        try:
            return _run(request, plan, workdir, spool)
        except KeyboardInterrupt:
            print("\n已中断。已完成的单位已保存，重新运行同一命令会跳过它们，从中断处继续。", file=sys.stderr)
            return EXIT_INTERRUPTED
        finally:
            signal.signal(signal.SIGTERM, previous_handler)
            spool.close()
            shutil.rmtree(workdir, ignore_errors=True)


def _run(request: BatchRequest, plan, workdir: Path, spool: Spool) -> int:
    from rich.console import Console

    from .report import finish_batch

    jobs = max(1, request.jobs or os.cpu_count() or 1)
    targets, pdf_missing = _available_targets(request.targets)
    previous = request.previous
    previous_db = index_previous(previous, workdir) if previous else None
    options = Options(str(request.output), targets, request.force, request.ignore_errors, plan.layout, previous_db)
    settings = json.dumps([__version__, request.ignore_errors, digest_of(previous) if previous else None])
    started = time.monotonic()
    run_tasks(plan.tasks(settings), options, jobs, spool, plan.estimate, Console(stderr=True))
    code = finish_batch(spool, request.output, targets, time.monotonic() - started, jobs)
    if pdf_missing:
        print(pdf_missing, file=sys.stderr)
        return pdf_missing.exit_code
    if isinstance(plan, FolderPlan) and plan.single and all(r["status"] == UNREADABLE for r in spool):
        return EXIT_INPUT  # the one input file given could not be read
    return code


def _available_targets(targets) -> tuple[tuple[str, ...], Exception | None]:
    """The formats to render; PDF is dropped (and its reason returned, to be reported once) without WeasyPrint."""
    if "pdf" not in targets:
        return tuple(targets), None
    from ..render.pdf import PdfUnavailable, warm_up

    try:
        warm_up()
    except PdfUnavailable as exc:
        return tuple(t for t in targets if t != "pdf"), exc
    return tuple(targets), None


def _interrupt(signum, frame):
    """SIGTERM stops a batch like Ctrl-C: workers unwind, temporary files are removed."""
    raise KeyboardInterrupt


def _remove_stale_workdirs(output: Path) -> None:
    """Remove the temporary folders of runs that were killed outright (their process is gone)."""
    for path in output.glob(".nianbao-run-*"):
        try:
            os.kill(int(path.name.split("-")[2]), 0)
        except (ValueError, IndexError, ProcessLookupError):
            shutil.rmtree(path, ignore_errors=True)
        except PermissionError:
            pass  # alive, someone else's


# --- input ---------------------------------------------------------------------------------------

class RosterPlan:
    """Tasks from a roster workbook, one per filled row, read as they are needed."""

    def __init__(self, path: Path):
        from ..inputs.roster import open_roster

        self.path = path
        self.workbook, self.layout, self.rows, self.estimate = open_roster(path)
        self.name_index = self.layout.index_of("agency.name")

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.workbook.close()

    def tasks(self, settings: str) -> Iterator[Task]:
        names = FolderNames()
        for seq, (number, values) in enumerate(self.rows):
            values = tuple(values)
            raw_name = values[self.name_index] if self.name_index < len(values) else None
            name = str(raw_name).strip() if raw_name is not None and str(raw_name).strip() else f"第{number}行"
            digest = _hash(settings, json.dumps(values, default=str, ensure_ascii=False).encode())
            yield Task(seq, names.take(name), f"第 {number} 行", number, values, digest)


class FolderPlan:
    """Tasks from filled forms and data files (a folder of them, or one file), one per file."""

    layout = None

    def __init__(self, files: list[Path], single: bool = False):
        self.files, self.single, self.estimate = files, single, len(files)

    @classmethod
    def of_folder(cls, path: Path) -> "FolderPlan":
        files = sorted(p for p in path.iterdir() if p.is_file() and p.suffix.lower() in INPUT_SUFFIXES
                       and not p.name.startswith(("~$", ".")))
        if not files:
            raise InputError(f"文件夹 {path} 中没有可用的填报表（.xlsx）或数据文件（.yaml/.json）。")
        return cls(files)

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        return None

    def tasks(self, settings: str) -> Iterator[Task]:
        names = FolderNames()
        for seq, path in enumerate(self.files):
            digest = _hash(settings, path.read_bytes())
            yield Task(seq, names.take(path.stem), path.name, None, str(path), digest)


def plan_input(source: Path):
    """A roster (by its sheet) or a folder; a single form or data file is a folder of one."""
    from ..inputs.roster import is_roster

    if not source.exists():
        raise InputError(f"找不到 {source}。请给出汇总填报表（.xlsx）或存放各单位填报表、数据文件的文件夹。")
    if source.is_dir():
        return FolderPlan.of_folder(source)
    if source.suffix.lower() in FORM_SUFFIXES and is_roster(source):
        return RosterPlan(source)
    if source.suffix.lower() in INPUT_SUFFIXES:
        return FolderPlan([source], single=True)
    raise InputError(f"{source.name}：不是汇总填报表，也不是文件夹。请给出汇总填报表（.xlsx）或文件夹。")


class FolderNames:
    """Safe, unique folder names (case-insensitive, as on Windows): 「某镇」, 「某镇（2）」…"""

    def __init__(self):
        self.used: set[str] = set()

    def take(self, name: str) -> str:
        base = safe_filename(name, fallback="未命名单位")
        candidate, n = base, 1
        while candidate.casefold() in self.used or candidate.startswith("."):
            n += 1
            candidate = f"{base}（{n}）"
        self.used.add(candidate.casefold())
        return candidate


def _hash(settings: str, data: bytes) -> str:
    return hashlib.sha256(settings.encode() + b"\0" + data).hexdigest()


def digest_of(path: Path) -> str:
    """A cheap fingerprint of last year's data (file bytes, or names, sizes and times in a folder)."""
    if path.is_dir():
        parts = [f"{p.name}:{p.stat().st_size}:{p.stat().st_mtime_ns}" for p in sorted(path.iterdir())]
        return hashlib.sha256("\n".join(parts).encode()).hexdigest()
    return hashlib.sha256(path.read_bytes()).hexdigest() if path.exists() else ""


def index_previous(path: Path, workdir: Path) -> str:
    """Last year's roster or folder into an SQLite index by agency name (workers look agencies up there)."""
    from ..inputs.datafile import report_to_dict

    db_path = workdir / "previous.sqlite"
    db = sqlite3.connect(db_path)
    db.execute("CREATE TABLE previous (name TEXT PRIMARY KEY, data TEXT)")
    for report in _previous_reports(path):
        db.execute("INSERT OR IGNORE INTO previous VALUES (?, ?)",
                   (report.agency.name, json.dumps(report_to_dict(report), ensure_ascii=False, default=str)))
    db.commit()
    db.close()
    return str(db_path)


def _previous_reports(path: Path):
    from ..inputs import load_report
    from ..inputs.roster import iter_roster

    plan = plan_input(path)
    if isinstance(plan, RosterPlan):
        plan.workbook.close()
        yield from (r for _, r in iter_roster(path) if not isinstance(r, InputError))
        return
    for file in plan.files:
        try:
            yield load_report(file)
        except Exception as exc:  # noqa: BLE001 - a bad file of last year only loses its cross-year check
            print(f"上年数据 {file.name} 无法读取，跳过（{exc}）", file=sys.stderr)


# --- running -------------------------------------------------------------------------------------

class Spool:
    """Finished agency records on disk, in input order, so nothing piles up in memory."""

    def __init__(self, path: Path):
        self.db = sqlite3.connect(path)
        self.db.execute("PRAGMA journal_mode=OFF")
        self.db.execute("PRAGMA synchronous=OFF")
        self.db.execute("CREATE TABLE result (seq INTEGER PRIMARY KEY, record TEXT)")
        self.added = 0

    def add(self, record: dict) -> None:
        self.db.execute("INSERT OR REPLACE INTO result VALUES (?, ?)", (record["seq"], json.dumps(record, ensure_ascii=False)))
        self.added += 1
        if self.added % 200 == 0:
            self.db.commit()

    def __iter__(self) -> Iterator[dict]:
        for (text,) in self.db.execute("SELECT record FROM result ORDER BY seq"):
            yield json.loads(text)

    def close(self) -> None:
        self.db.close()

    def count(self) -> int:
        return self.db.execute("SELECT COUNT(*) FROM result").fetchone()[0]


def run_tasks(tasks: Iterator[Task], options: Options, jobs: int, spool: Spool, estimate: int, console) -> None:
    """Run every task (in this process for -j 1, else in worker processes) with a progress bar and ETA."""
    with _progress(console, estimate) as advance:
        def done(record: dict) -> None:
            spool.add(record)
            advance(record)

        if jobs == 1:
            init_worker(options, in_child=False)
            for task in tasks:
                done(process(task))
        else:
            _run_pool(tasks, options, jobs, done)


def _run_pool(tasks: Iterator[Task], options: Options, jobs: int, done, work=process) -> None:
    """Feed the workers while at most ``jobs * WINDOW_PER_JOB`` tasks are in flight (the roster streams).

    A worker that dies (out of memory, a crash in a native library) costs only the agencies in flight:
    they are reported as not processed, a fresh set of workers carries on, and a re-run redoes them.
    """
    from concurrent.futures import FIRST_COMPLETED, ProcessPoolExecutor, wait
    from concurrent.futures.process import BrokenProcessPool

    def start() -> ProcessPoolExecutor:
        return ProcessPoolExecutor(jobs, mp_context=_context(), initializer=init_worker, initargs=(options,))

    executor, pending = start(), {}

    def restart(broken: ProcessPoolExecutor) -> None:
        nonlocal executor
        if broken is executor:
            executor.shutdown(wait=False)
            executor = start()

    def collect(limit: int) -> None:
        while len(pending) >= limit:
            finished, _ = wait(pending, return_when=FIRST_COMPLETED)
            for future in finished:
                task, owner = pending.pop(future)
                try:
                    done(future.result())
                except BrokenProcessPool as exc:  # a worker died: the tasks in flight are lost, not the run
                    done(not_processed(task, exc))
                    restart(owner)
                except Exception as exc:  # noqa: BLE001 - e.g. a result that cannot be sent back
                    done(not_processed(task, exc))

    def submit(task: Task) -> None:
        try:
            pending[executor.submit(work, task)] = (task, executor)
        except BrokenProcessPool:
            restart(executor)
            pending[executor.submit(work, task)] = (task, executor)

    try:
        for task in tasks:
            collect(jobs * WINDOW_PER_JOB)
            submit(task)
        collect(1)
    except BaseException:
        executor.shutdown(wait=False, cancel_futures=True)
        raise
    executor.shutdown()


def _context():
    """Workers fork from a server that has already imported the renderers (fast start, no inherited threads)."""
    import multiprocessing

    if sys.platform == "win32":
        return multiprocessing.get_context("spawn")
    context = multiprocessing.get_context("forkserver")
    context.set_forkserver_preload(["generator.batch.worker", "generator.render.html", "generator.render.docx",
                                    "generator.inputs.roster"])
    return context


@contextmanager
def _progress(console, estimate: int):
    from rich.progress import (BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn,
                               TimeRemainingColumn)

    columns = (TextColumn("正在生成"), BarColumn(), MofNCompleteColumn(), TextColumn("单位"),
               TextColumn("已用"), TimeElapsedColumn(), TextColumn("剩余约"), TimeRemainingColumn(),
               TextColumn("{task.fields[errors]}"))
    with Progress(*columns, console=console, transient=False) as progress:
        bar = progress.add_task("batch", total=estimate or None, errors="")
        errors = 0

        def advance(record: dict) -> None:
            nonlocal errors
            errors += record["status"] in (ERRORS, UNREADABLE)
            done = progress.tasks[0].completed + 1
            total = progress.tasks[0].total
            progress.update(bar, advance=1, total=max(total or 0, done) if total else None,
                            errors=f"有错误 {errors}" if errors else "")

        yield advance
        progress.update(bar, total=progress.tasks[0].completed)

