"""Excel form (填报表): time to read and check one filled form (warm), and to write one.

Run: .venv/bin/python bench/bench_form.py   (prints figures; asserts nothing)
Target (2-core machine): read + check one filled form ≤ 0.1 s warm (issue 18).
"""
from __future__ import annotations

import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from generator.checks import check
from generator.inputs import load_report
from generator.inputs.excel import form_bytes, read_form, write_form

EXAMPLE = ROOT / "examples" / "青石街道-2025.yaml"
TARGET = 0.1


def timed(fn, runs: int, clock=time.perf_counter) -> list[float]:
    times = []
    for _ in range(runs):
        start = clock()
        fn()
        times.append(clock() - start)
    return times


def main() -> None:
    report = load_report(EXAMPLE)
    with tempfile.TemporaryDirectory() as tmp:
        form = Path(tmp) / "filled.xlsx"
        write_form(form, report.format, report)
        check(read_form(form))  # warm up imports and caches
        read_check = timed(lambda: check(read_form(form)), 20)
        read_check_cpu = timed(lambda: check(read_form(form)), 20, time.process_time)
        write = timed(lambda: form_bytes(report.format, report), 10)
    median = statistics.median(read_check)
    verdict = "OK" if median <= TARGET else "SLOWER THAN TARGET"
    print(f"read + check one filled form (warm): median {median:.3f} s, best {min(read_check):.3f} s "
          f"(target ≤ {TARGET} s: {verdict}); CPU median {statistics.median(read_check_cpu):.3f} s "
          "(steadier on a loaded machine)")
    print(f"write one pre-filled form: median {statistics.median(write):.3f} s")


if __name__ == "__main__":
    main()
