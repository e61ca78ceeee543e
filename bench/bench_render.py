"""Rendering throughput on the bundled examples: reports/s per format, warm and cold, peak memory, --help time.

Run: .venv/bin/python bench/bench_render.py   (prints figures; asserts nothing)
Targets (2-core machine): DOCX ≥ 30/s, HTML ≥ 200/s, PDF ≥ 3/s warm; `nianbao --help` < 0.3 s.
"""
from __future__ import annotations

import resource
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from generator.inputs import load_report  # noqa: E402
from generator.render import render  # noqa: E402

EXAMPLES = sorted((ROOT / "examples").glob("*.yaml"))
SECONDS = {"html": 3.0, "docx": 4.0, "pdf": 8.0}


def warm_rate(target: str) -> float:
    reports = [load_report(p) for p in EXAMPLES]
    render(reports[0], target)  # warm up imports and caches
    done, start = 0, time.perf_counter()
    while time.perf_counter() - start < SECONDS[target]:
        render(reports[done % len(reports)], target)
        done += 1
    return done / (time.perf_counter() - start)


def cold_seconds(target: str) -> float:
    code = (f"import sys; sys.path.insert(0, {str(ROOT)!r}); from generator.inputs import load_report; "
            f"from generator.render import render; render(load_report({str(EXAMPLES[0])!r}), {target!r})")
    start = time.perf_counter()
    subprocess.run([sys.executable, "-c", code], check=True)
    return time.perf_counter() - start


def help_seconds() -> float:
    runs = []
    for _ in range(5):
        start = time.perf_counter()
        subprocess.run([sys.executable, "-m", "generator", "--help"], cwd=ROOT, check=True, capture_output=True)
        runs.append(time.perf_counter() - start)
    return min(runs)


def main() -> None:
    print(f"examples: {len(EXAMPLES)} data files; python {sys.version.split()[0]}")
    for target in ("html", "docx", "pdf"):
        print(f"{target:5s} warm: {warm_rate(target):7.1f} reports/s   cold (new process, one report): "
              f"{cold_seconds(target):.2f} s")
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"peak memory of this process after all runs: {peak:.0f} MiB")
    print(f"nianbao --help: {help_seconds():.3f} s (best of 5)")


if __name__ == "__main__":
    main()
