"""Running the tasks: in this process (-j 1) or in worker processes fed through a bounded window."""

from __future__ import annotations

import multiprocessing
import sys
from collections.abc import Callable, Iterator
from concurrent.futures import FIRST_COMPLETED, Future, ProcessPoolExecutor, wait
from concurrent.futures.process import BrokenProcessPool
from multiprocessing.context import BaseContext

from rich.console import Console

from .. import interrupts
from .plan import Task
from .progress import progress_bar
from .record import UnitRecord
from .spool import Spool
from .work import DISK_FULL, Options, init_worker, not_processed, process

WINDOW_PER_JOB = 8  # tasks in flight per worker: bounds memory, keeps workers busy

Done = Callable[[UnitRecord], None]


def run_tasks(
    tasks: Iterator[Task], options: Options, jobs: int, spool: Spool, estimate: int, console: Console
) -> None:
    """Run every task with a progress bar and ETA; records go to the spool as they finish."""
    with progress_bar(console, estimate) as advance:

        def done(record: UnitRecord) -> None:
            spool.add(record)
            advance(record)
            if record.disk_full:
                raise OSError(DISK_FULL[0], "No space left on device")  # stop: every further write would fail too

        if jobs == 1:
            init_worker(options, in_child=False)
            for task in tasks:
                done(process(task))
        else:
            run_pool(tasks, options, jobs, done)


def run_pool(
    tasks: Iterator[Task], options: Options, jobs: int, done: Done, work: Callable[[Task], UnitRecord] = process
) -> None:
    """Feed the workers while at most ``jobs * WINDOW_PER_JOB`` tasks are in flight (the roster streams).

    A worker that dies (out of memory, a crash in a native library) costs only the units in flight:
    they are reported as not processed, a fresh set of workers carries on, and a re-run redoes them.
    """

    def start() -> ProcessPoolExecutor:
        return ProcessPoolExecutor(jobs, mp_context=_context(), initializer=init_worker, initargs=(options,))

    executor = start()
    pending: dict[Future[UnitRecord], tuple[Task, ProcessPoolExecutor]] = {}  # in flight -> (its task, its pool)

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
        interrupts.stop_workers(executor)
        raise
    executor.shutdown()


def _context() -> BaseContext:
    """Workers fork from a server that has already imported the renderers (fast start, no inherited threads)."""
    if sys.platform == "win32":
        return multiprocessing.get_context("spawn")
    context = multiprocessing.get_context("forkserver")
    context.set_forkserver_preload(
        ["generator.batch.work", "generator.render.html", "generator.render.docx", "generator.inputs.roster"]
    )
    return context
