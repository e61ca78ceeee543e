"""The PDFs of a ``nianbao render`` of several inputs, made in worker processes: one per core.

Only where it pays (``started``): two or more PDFs to make, more than one core, and a system that forks (Linux).
The workers are forked once WeasyPrint is imported and sped up, so they share that start-up (~0.2 s CPU) with
the main process instead of paying it again each. Elsewhere the run stays sequential:
Windows and macOS start a worker by spawning a new interpreter, which imports nianbao and WeasyPrint again
(~0.4 s CPU a worker; spawned workers measured on Linux for the 4 examples: 1.27 × the wall-clock and 1.23 × the
CPU of forked ones, and Windows starts a process slower still), and forking on macOS is unsafe once the system's
frameworks are loaded. Forked from a forkserver that preloads WeasyPrint, the workers would pay a second
interpreter and import instead of sharing this one's (measured: 1.03–1.05 × the wall-clock of forking from here).

The main process still reads, checks and writes every input in order; a worker gets a report's HTML page
(``pdf_page``: what ``render(report, "pdf")`` lays out) and returns the PDF's bytes, the same bytes.
A worker never writes a file, and ignores Ctrl-C: the main process stops it (``PdfPool.stop``); should the main
process die without stopping it (killed), the kernel ends it too.
"""

from __future__ import annotations

import contextlib
import ctypes
import multiprocessing
import os
import signal
import sys
import threading
import warnings
from collections.abc import Iterator
from concurrent.futures import Future, ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from contextlib import contextmanager
from pathlib import Path

from .. import interrupts
from ..errors import NianbaoError
from ..limits import clip
from ..report import Report

PR_SET_PDEATHSIG = 1  # <linux/prctl.h>
SIGNAL_READER = "nianbao-signals"  # interrupts' wake-up reader: blocked in a read, it holds no lock at a fork


class PdfFailed(NianbaoError):
    """A worker raised or died while making an input's PDF: the run stops at that input (exit 2)."""


def cores() -> int:
    """The cores this process may run on (its CPU affinity, where the system has one)."""
    process_cpu_count = getattr(os, "process_cpu_count", None)  # Python 3.13+
    if process_cpu_count is not None:
        return process_cpu_count() or 1
    if hasattr(os, "sched_getaffinity"):
        return len(os.sched_getaffinity(0))
    return os.cpu_count() or 1


def worker_count(pdfs: int) -> int:
    """How many workers a run making ``pdfs`` PDFs gets: 0 (sequential) unless it pays, see the module's doc."""
    workers = min(cores(), pdfs)
    if workers < 2 or not sys.platform.startswith("linux"):
        return 0
    return workers


def fork_is_safe() -> bool:
    """No thread runs that a fork could catch holding a lock: the main thread and interrupts' signal reader
    only, and (where /proc tells) no native thread started by a library (GLib, fontconfig)."""
    threads = threading.enumerate()
    if any(t is not threading.main_thread() and t.name != SIGNAL_READER for t in threads):
        return False
    tasks = Path(f"/proc/{os.getpid()}/task")
    return not tasks.is_dir() or len(list(tasks.iterdir())) == len(threads)


class PdfPool:
    """Worker processes forked from this one: ``submit`` a report, then ``result(future, name)`` is its PDF."""

    def __init__(self, workers: int):
        self.workers = workers
        context = multiprocessing.get_context("fork")
        self.executor = ProcessPoolExecutor(workers, context, initializer=_in_worker, initargs=(os.getpid(),))
        blocked = signal.pthread_sigmask(signal.SIG_BLOCK, interrupts.SIGNALS)  # until a worker ignores Ctrl-C
        try:
            with warnings.catch_warnings():  # Python 3.12+ warns of any other thread: fork_is_safe checked them
                warnings.filterwarnings("ignore", ".*multi-threaded.*fork", DeprecationWarning)
                started = self.executor.submit(int)  # forks the workers now, before any thread of the pool starts
        finally:
            signal.pthread_sigmask(signal.SIG_SETMASK, blocked)
        try:
            started.result()
        except BaseException:
            self.stop()
            raise

    def submit(self, report: Report, draft: bool) -> Future[bytes]:
        return self.executor.submit(_pdf, pdf_page(report, draft))

    def stop(self) -> None:
        """End the workers now (an interruption, an error): what they were making is dropped, nothing written."""
        interrupts.stop_workers(self.executor)


@contextmanager
def started(pdfs: int) -> Iterator[PdfPool | None]:
    """A pool for a run making ``pdfs`` PDFs, or None: the run is sequential (one PDF, one core, no fork, no
    WeasyPrint, or a thread running that makes a fork unsafe). The workers end with the block."""
    workers = worker_count(pdfs)
    pool = _pool(workers) if workers else None
    if pool is None:
        yield None
        return
    try:
        yield pool
    except BaseException:
        pool.stop()
        raise
    pool.executor.shutdown()


def result(future: Future[bytes], name: str) -> bytes:
    """The PDF's bytes; ``PdfUnavailable`` as the sequential run raises it; any other failure ``PdfFailed``."""
    try:
        return future.result()
    except NianbaoError:
        raise
    except BrokenProcessPool:
        raise PdfFailed(f"{name}：生成 PDF 的工作进程意外结束（可能是内存不足），这个输入的文件都没有写入。") from None
    except Exception as exc:
        raise PdfFailed(
            f"{name}：生成 PDF 时出错（{type(exc).__name__}：{clip(str(exc), 200)}），这个输入的文件都没有写入。"
            "这不是您操作的问题：请把这条信息和该输入文件发给维护人员。"
        ) from None


def _pool(workers: int) -> PdfPool | None:
    from ..render.pdf import PdfUnavailable, warm_up

    try:
        warm_up()
    except PdfUnavailable:  # the sequential run says so, once, as it always did
        return None
    return PdfPool(workers) if fork_is_safe() else None


def pdf_page(report: Report, draft: bool) -> str:
    """The page ``render(report, "pdf", draft=draft)`` lays out."""
    from ..render import printable
    from ..render.html import render_html

    return render_html(printable(report), draft, inline_css=False)


def _in_worker(main: int) -> None:
    """Ctrl-C reaches the workers too (the terminal signals the whole process group): the main process handles
    it and ends them. SIGTERM and SIGHUP end a worker at once (it has nothing to clean up). The three signals
    were blocked from the fork until here (see ``PdfPool``), so none can reach the main process's handlers
    inherited by the worker."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    for name in ("SIGTERM", "SIGHUP"):
        signal.signal(getattr(signal, name), signal.SIG_DFL)
    signal.pthread_sigmask(signal.SIG_UNBLOCK, interrupts.SIGNALS)  # blocked while it was forked
    _end_with(main)


def _end_with(main: int) -> None:
    """Have the kernel kill this worker when the main process ends (Linux's PR_SET_PDEATHSIG), so a main
    process killed outright (SIGKILL, a crash) leaves no worker waiting for work forever."""
    with contextlib.suppress(OSError, AttributeError):
        ctypes.CDLL(None, use_errno=True).prctl(PR_SET_PDEATHSIG, signal.SIGKILL)
    if os.getppid() != main:  # it died before that
        os._exit(1)


def _pdf(page: str) -> bytes:
    from ..render.pdf import report_page_pdf

    return report_page_pdf(page)
