"""Ctrl-C, SIGTERM and SIGHUP end every command the same way: cleanly, within seconds, with their own exit code.

The application installs the handlers once (``install()``); each of the three signals then raises
``Interrupted`` (a ``KeyboardInterrupt``, so every ``except KeyboardInterrupt`` that cleans up and says what is
done runs for all three). From then on the three signals are ignored (SIG_IGN), so a second Ctrl-C never
interrupts the clean-up with a traceback, nor kills the interpreter while it shuts down; and a watchdog ends the process (``os._exit``) if it is still alive
``GRACE`` seconds after the first signal, even when the main thread is stuck in native code.

- ``install()``: in the main thread, before running a command (``nianbao``'s ``main`` does it).
- ``exit_code(exc)``: 130 for Ctrl-C, 143 for SIGTERM, 129 for SIGHUP (128 + the signal's number).
- ``describe(exc)``: 「已中断（Ctrl+C）。」 / 「已中断（收到终止信号 SIGTERM）。」 / 「已中断（终端已关闭，SIGHUP）。」
- ``redirected(deliver)``: a context in which a signal is handed to ``deliver`` (an event loop's exit) rather
  than raised wherever the main thread is;
- ``held()``: a context in which signals wait (a few milliseconds of writes that must happen all or none);
  the first one is raised when it ends.
- ``stop_workers(executor)``: a process pool's workers ended at once (they ignore Ctrl-C: the parent ends them).
"""

from __future__ import annotations

import contextlib
import os
import signal
import sys
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any

GRACE = 4.0  # seconds between the first signal and the forced end of a process that did not stop by itself
SIGNALS = tuple(getattr(signal, name) for name in ("SIGINT", "SIGTERM", "SIGHUP") if hasattr(signal, name))
NAMES = {
    signal.SIGINT: "Ctrl+C",
    getattr(signal, "SIGTERM", -1): "收到终止信号 SIGTERM",
    getattr(signal, "SIGHUP", -2): "终端已关闭，SIGHUP",
}


class Interrupted(KeyboardInterrupt):
    """A signal that ends the command; ``signum`` says which."""

    def __init__(self, signum: int = signal.SIGINT):
        super().__init__(signum)
        self.signum = signum


class _State:
    first: int | None = None  # the first signal received
    holding = 0  # depth of held() contexts
    pending: int | None = None  # a signal received while held
    deliver: Callable[[Interrupted], bool] | None = None  # see redirected()
    watching = False  # the wake-up reader runs (once per process)


def install() -> None:
    """Route SIGINT, SIGTERM and SIGHUP to ``Interrupted`` (main thread only; elsewhere this does nothing).

    The handlers stay for the life of the process: a signal after the command's clean-up must not kill it with a
    traceback either."""
    if threading.current_thread() is not threading.main_thread():
        return
    _State.first = _State.pending = None  # a new command (tests run many in one process)
    for signum in SIGNALS:
        try:
            signal.signal(signum, _handle)
        except (OSError, ValueError):  # a signal this platform does not let us handle
            continue
    if not _State.watching:
        _State.watching = True
        _watch_native_waits()


def exit_code(exc: BaseException) -> int:
    return 128 + getattr(exc, "signum", signal.SIGINT)


def describe(exc: BaseException) -> str:
    return f"已中断（{NAMES.get(getattr(exc, 'signum', signal.SIGINT), 'Ctrl+C')}）。"


@contextmanager
def held() -> Iterator[None]:
    """Signals wait until the block is done; the first of them is raised then."""
    _State.holding += 1
    try:
        yield
    finally:
        _State.holding -= 1
    if not _State.holding and _State.pending is not None:
        signum, _State.pending = _State.pending, None
        raise _begin(signum)


@contextmanager
def redirected(deliver: Callable[[Interrupted], bool]) -> Iterator[None]:
    """Within the block a signal is handed to ``deliver`` (which returns True when it took it) instead of being
    raised where the main thread happens to be: an event loop (the wizard's prompts) ends itself with it."""
    previous, _State.deliver = _State.deliver, deliver
    try:
        yield
    finally:
        _State.deliver = previous


def _handle(signum: int, frame) -> None:
    if _State.holding:
        _State.pending = _State.pending or signum
        return
    interrupted = _begin(signum)
    if _State.deliver is not None and _State.deliver(interrupted):
        return
    raise interrupted


def _begin(signum: int) -> Interrupted:
    """The end starts: the three signals are ignored from now on, through the interpreter's own shutdown (which
    would reset handlers to the default and die of a late signal), and the watchdog runs."""
    _State.first = signum
    for other in SIGNALS:
        with contextlib.suppress(OSError, ValueError):
            signal.signal(other, signal.SIG_IGN)
    _start_watchdog(signum)
    return Interrupted(signum)


def _start_watchdog(signum: int) -> None:
    timer = threading.Timer(GRACE, _force_exit, (signum,))
    timer.daemon = True
    timer.start()


def _force_exit(signum: int) -> None:
    try:
        sys.stderr.write(f"\n已中断（{NAMES.get(signum, signum)}），清理超时，已强制结束。\n")
        sys.stderr.flush()
    finally:
        os._exit(128 + signum)


def _watch_native_waits() -> None:
    """Start the watchdog from the C-level signal handler's wake-up byte, so a main thread busy in native code
    (a long PDF layout, a blocking read) cannot delay it; Python runs ``_handle`` only between bytecodes."""
    if os.name != "posix":
        return
    read_end, write_end = os.pipe()
    os.set_blocking(write_end, False)
    try:
        signal.set_wakeup_fd(write_end, warn_on_full_buffer=False)
    except ValueError:
        os.close(read_end)
        os.close(write_end)
        return
    thread = threading.Thread(target=_wake_up_reader, args=(read_end,), name="nianbao-signals", daemon=True)
    thread.start()
    os.register_at_fork(after_in_child=_forget_in_child)


def _forget_in_child() -> None:
    """A forked child (a worker) must not wake the parent's watchdog with its own signals."""
    _State.first = _State.pending = None
    _State.holding = 0
    _State.watching = False  # the reader thread did not survive the fork
    with contextlib.suppress(ValueError):  # forked from a thread other than the main one: nothing to undo
        signal.set_wakeup_fd(-1)


def _wake_up_reader(read_end: int) -> None:
    started = False
    while True:
        try:
            data = os.read(read_end, 16)
        except OSError:
            return
        if not data:
            return
        if not started and data[0] in SIGNALS and signal.getsignal(data[0]) is _handle:
            started = True
            _start_watchdog(data[0])


def stop_workers(executor: Any) -> None:
    """Stop a ``ProcessPoolExecutor`` at once: cancel what waits, end the workers, leave no process behind."""
    processes = list((getattr(executor, "_processes", None) or {}).values())
    executor.shutdown(wait=False, cancel_futures=True)
    for worker in processes:
        if worker.is_alive():
            worker.terminate()
    for worker in processes:
        worker.join(timeout=2)
        if worker.is_alive():
            worker.kill()
