"""``nianbao batch``: every agency of a roster or a folder, in parallel, with a batch report and a roll-up.

The input is streamed: rows are read one at a time and handed to worker processes through a bounded
window, results are spooled to a temporary SQLite file in the output folder, and the batch report
(校验结果.xlsx) and the roll-up (汇总) are written from that spool at the end. Memory therefore does
not grow with the number of agencies. Per-agency records (``.nianbao.json``) make a re-run skip
what is already done (see ``worker``).
"""

from __future__ import annotations

import contextlib
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
from typing import ClassVar, cast

from .. import __version__
from ..errors import EXIT_INPUT, EXIT_INTERRUPTED, InputError, NianbaoError
from ..inputs import DATA_SUFFIXES, FORM_SUFFIXES, REPORT_SUFFIXES
from ..outputs import safe_filename
from .worker import DISK_FULL, ERRORS, UNREADABLE, Options, Task, disk_full_message, init_worker, not_processed, process

INPUT_SUFFIXES = (*DATA_SUFFIXES, *FORM_SUFFIXES)
WINDOW_PER_JOB = 8  # tasks in flight per worker: bounds memory, keeps workers busy


@dataclass(frozen=True)
class BatchRequest:
    """What ``nianbao batch`` was asked to do."""

    source: Path  # a roster workbook, a folder of forms and data files, or one of them
    output: Path
    targets: tuple[str, ...] = ("docx", "html")
    jobs: int | None = None  # worker processes; None: one per CPU
    previous: Path | None = None  # last year's roster, folder or reports (X-1, X-2, T-2, the year-on-year charts)
    force: bool = False
    ignore_errors: bool = False
    expected: Path | None = None  # 名单.xlsx (or a roster): the units expected to file this year
    deadline: tuple[int, int] = (1, 31)  # publication deadline (month, day) of the following year
    name: str = ""  # whose roll-up this is (default: the units' common 上级政府)


class DiskFull(NianbaoError):
    """The output disk is full: the run stops cleanly, and a re-run after freeing space finishes the rest."""


def run_batch(request: BatchRequest) -> int:
    """Run the batch; exit 0 all good, 1 some units have errors or are missing, 2 unreadable input or disk full."""
    source, output = request.source, request.output.absolute()  # workers and URIs need an absolute path
    if output.exists() and not output.is_dir():
        raise InputError(f"输出位置 {output} 是一个文件，请给出一个文件夹。")
    if source.is_dir() and output.resolve() == source.resolve():
        raise InputError("输出目录不能与输入文件夹相同，请用 -o 另给一个文件夹。")
    from .status import read_expected

    expected = read_expected(request.expected) if request.expected else None
    with plan_input(source) as plan:
        previous_handler = signal.signal(signal.SIGTERM, _interrupt)
        spool, workdir = None, None
        try:
            output.mkdir(parents=True, exist_ok=True)
            _remove_stale_workdirs(output)
            workdir = Path(tempfile.mkdtemp(prefix=f".nianbao-run-{os.getpid()}-", dir=output))
            spool = Spool(workdir / "results.sqlite")
            return _run(request, output, expected, plan, workdir, spool)
        except KeyboardInterrupt:
            print(f"\n已中断（Ctrl-C）。{_progress_note(spool, plan)}", file=sys.stderr)
            return EXIT_INTERRUPTED
        except (OSError, sqlite3.OperationalError) as exc:
            if getattr(exc, "errno", None) in DISK_FULL or "disk is full" in str(exc):
                raise DiskFull(f"{disk_full_message(str(output))}{_progress_note(spool, plan)}") from None
            raise
        finally:
            signal.signal(signal.SIGTERM, previous_handler)
            if spool is not None:
                spool.close()
            if workdir is not None:
                shutil.rmtree(workdir, ignore_errors=True)


def _progress_note(spool: Spool | None, plan) -> str:
    """What was finished, and how to go on (for an interrupted or stopped run)."""
    done = spool.count() if spool is not None else 0
    total = f"（共约 {plan.estimate} 个）" if plan.estimate else ""
    return (
        f"本次已处理完 {done} 个单位{total}，它们的报告和记录都已保存，没有留下写了一半的文件。"
        "重新运行同一命令（不加 --force）会跳过已完成的单位，从中断处继续；校验结果和汇总在全部完成后生成。"
    )


def _run(request: BatchRequest, output: Path, expected, plan, workdir: Path, spool: Spool) -> int:
    from rich.console import Console

    from .report import RunInfo, finish_batch
    from .status import normalise_name

    jobs = max(1, request.jobs or os.cpu_count() or 1)
    targets, pdf_missing = _available_targets(request.targets)
    previous, summary = request.previous, None
    previous_db = None
    if previous:
        previous_db, summary = index_previous(previous, workdir, expected)
    codes = {normalise_name(e.name): e.code for e in expected or () if e.code}
    options = Options(
        str(output), targets, request.force, request.ignore_errors, plan.layout, previous_db, request.deadline, codes
    )
    settings = json.dumps(
        [
            __version__,
            request.ignore_errors,
            digest_of(previous) if previous else None,
            request.deadline,
            sorted(codes.items()),
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
        summary,
    )
    code = finish_batch(spool, info)
    if pdf_missing:
        print(pdf_missing, file=sys.stderr)
        return pdf_missing.exit_code
    if isinstance(plan, FolderPlan) and plan.single and all(r["status"] == UNREADABLE for r in spool):
        return EXIT_INPUT  # the one input file given could not be read
    return code


def _available_targets(targets) -> tuple[tuple[str, ...], NianbaoError | None]:
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

    changed: ClassVar[dict[str, float]] = {}  # rows have no modification time

    def __init__(self, path: Path):
        from ..inputs.roster import UNIT_COLUMNS, open_roster

        self.path = path
        self.workbook, self.layout, self.rows, self.estimate = open_roster(path)
        self.name_index = self.layout.index_of("agency.name")
        self.unit_index = [self.layout.index_of(key) for key in UNIT_COLUMNS]
        self.phone_index = self.layout.index_of("agency.phone")
        self.expected: list = []  # every named row: the roster is the list of units expected to file

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.workbook.close()

    def tasks(self, settings: str) -> Iterator[Task]:
        """One task per filled row; a row with only the unit's name (and code, contact) is a unit yet to file."""
        from .status import Expected

        names, seq = FolderNames(), 0
        own = {self.name_index, self.phone_index, *self.unit_index}
        for number, cells in self.rows:
            values = tuple(cells)

            def text(index: int | None, values: tuple = values) -> str:
                value = values[index] if index is not None and index < len(values) else None
                return str(value).strip() if value is not None else ""

            name = text(self.name_index)
            code, contact = (text(i) for i in self.unit_index)
            if name:
                self.expected.append(Expected(name, code, contact, text(self.phone_index)))
                if all(v is None or not str(v).strip() for i, v in enumerate(values) if i not in own):
                    continue  # nothing filed yet
            digest = _hash(settings, json.dumps(values, default=str, ensure_ascii=False).encode())
            yield Task(
                seq, names.take(name or f"第{number}行"), f"第 {number} 行", number, values, digest, (code, contact)
            )
            seq += 1


class FolderPlan:
    """Tasks from filled forms and data files (a folder of them, or one file), one per file."""

    layout = None
    expected = None  # a folder does not say who should have filed (see --expected)

    def __init__(self, files: list[Path], single: bool = False):
        self.files, self.single, self.estimate = files, single, len(files)
        self.changed = {p.name: p.stat().st_mtime for p in files}

    @classmethod
    def of_folder(cls, path: Path, suffixes=INPUT_SUFFIXES) -> FolderPlan:
        files = sorted(
            p
            for p in path.iterdir()
            if p.is_file() and p.suffix.lower() in suffixes and not p.name.startswith(("~$", "."))
        )
        if not files:
            kinds = "填报表（.xlsx）或数据文件（.yaml/.json）" + ("或年度报告" if suffixes != INPUT_SUFFIXES else "")
            raise InputError(f"文件夹 {path} 中没有可用的{kinds}。")
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


def plan_input(source: Path, suffixes=INPUT_SUFFIXES):
    """A roster (by its sheet) or a folder; a single form or data file is a folder of one."""
    from ..inputs.roster import is_roster

    if not source.exists():
        raise InputError(f"找不到 {source}。请给出汇总填报表（.xlsx）或存放各单位填报表、数据文件的文件夹。")
    if source.is_dir():
        return FolderPlan.of_folder(source, suffixes)
    if source.suffix.lower() in FORM_SUFFIXES and is_roster(source):
        return RosterPlan(source)
    if source.suffix.lower() in suffixes:
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


def index_previous(path: Path, workdir: Path, expected=None) -> tuple[str, dict]:
    """Last year's data into an SQLite index by unit code and normalised name (workers look units up there).

    Returns the index's path and a summary: every unit of last year (id -> name) and the sums of last
    year's key figures, per format, for the year-on-year charts.
    """
    from ..inputs.datafile import report_to_dict
    from .rollup import RollUp
    from .status import normalise_name

    codes = {normalise_name(e.name): e.code for e in expected or () if e.code}
    db_path = workdir / "previous.sqlite"
    db = sqlite3.connect(db_path)
    db.execute("CREATE TABLE previous (id INTEGER PRIMARY KEY, code TEXT, norm TEXT, name TEXT, data TEXT)")
    db.execute("CREATE INDEX by_code ON previous (code)")
    db.execute("CREATE INDEX by_norm ON previous (norm)")
    units: dict[int, str] = {}
    sums: dict[int, RollUp] = {}
    for number, (report, code) in enumerate(_previous_reports(path)):
        norm = normalise_name(report.agency.name)
        db.execute(
            "INSERT INTO previous VALUES (?, ?, ?, ?, ?)",
            (
                number,
                code or codes.get(norm, ""),
                norm,
                report.agency.name,
                json.dumps(report_to_dict(report), ensure_ascii=False, default=str),
            ),
        )
        units[number] = report.agency.name
        rollup = sums.setdefault(report.year, RollUp(report.year, report.format))
        if rollup.fmt is report.format:
            rollup.add(
                {
                    "numbers": {p: v if isinstance(v, int) else str(v) for p, v in report.numbers.items()},
                    "fees_amount": report.fees.amount and str(report.fees.amount),
                }
            )
    db.commit()
    db.close()
    return str(db_path), {"units": units, "rollups": sums}


def _previous_reports(path: Path):
    """(report, unit code) of each unit of last year: a roster, or a folder of data files, forms or reports."""
    from ..inputs import load_report
    from ..inputs.roster import report_from_row

    with plan_input(path, (*INPUT_SUFFIXES, *REPORT_SUFFIXES)) as plan:
        if isinstance(plan, RosterPlan):
            for task in plan.tasks(""):
                with contextlib.suppress(InputError):  # a bad row of last year only loses its cross-year check
                    yield report_from_row(plan.layout, task.row or 0, cast(tuple, task.payload)), task.unit[0]
            return
        for file in plan.files:
            try:
                yield load_report(file), ""
            except Exception as exc:
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
        self.db.execute(
            "INSERT OR REPLACE INTO result VALUES (?, ?)", (record["seq"], json.dumps(record, ensure_ascii=False))
        )
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

    def get(self, seq: int) -> dict:
        (text,) = self.db.execute("SELECT record FROM result WHERE seq = ?", (seq,)).fetchone()
        return json.loads(text)


def run_tasks(tasks: Iterator[Task], options: Options, jobs: int, spool: Spool, estimate: int, console) -> None:
    """Run every task (in this process for -j 1, else in worker processes) with a progress bar and ETA."""
    with _progress(console, estimate) as advance:

        def done(record: dict) -> None:
            spool.add(record)
            advance(record)
            if record.get("disk_full"):
                raise OSError(DISK_FULL[0], "No space left on device")  # stop: every further write would fail too

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
    from concurrent.futures import FIRST_COMPLETED, Future, ProcessPoolExecutor, wait
    from concurrent.futures.process import BrokenProcessPool

    def start() -> ProcessPoolExecutor:
        return ProcessPoolExecutor(jobs, mp_context=_context(), initializer=init_worker, initargs=(options,))

    executor = start()
    pending: dict[Future[dict], tuple[Task, ProcessPoolExecutor]] = {}  # in flight -> (its task, its pool)

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
                    record = future.result()
                except BrokenProcessPool as exc:  # a worker died: the tasks in flight are lost, not the run
                    record = not_processed(task, exc)
                    restart(owner)
                except OSError as exc:
                    if exc.errno in DISK_FULL:
                        raise
                    record = not_processed(task, exc)
                except Exception as exc:
                    record = not_processed(task, exc)
                done(record)

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
    context.set_forkserver_preload(
        ["generator.batch.worker", "generator.render.html", "generator.render.docx", "generator.inputs.roster"]
    )
    return context


@contextmanager
def _progress(console, estimate: int):
    from rich.progress import (
        BarColumn,
        MofNCompleteColumn,
        Progress,
        TextColumn,
        TimeElapsedColumn,
        TimeRemainingColumn,
    )

    columns = (
        TextColumn("正在生成"),
        BarColumn(),
        MofNCompleteColumn(),
        TextColumn("单位"),
        TextColumn("已用"),
        TimeElapsedColumn(),
        TextColumn("剩余约"),
        TimeRemainingColumn(),
        TextColumn("{task.fields[errors]}"),
    )
    with Progress(*columns, console=console, transient=False) as progress:
        bar = progress.add_task("batch", total=estimate or None, errors="")
        errors = 0

        def advance(record: dict) -> None:
            nonlocal errors
            errors += record["status"] in (ERRORS, UNREADABLE)
            done = progress.tasks[0].completed + 1
            total = progress.tasks[0].total
            progress.update(
                bar,
                advance=1,
                total=max(total or 0, done) if total else None,
                errors=f"有错误 {errors}" if errors else "",
            )

        yield advance
        progress.update(bar, total=progress.tasks[0].completed)
