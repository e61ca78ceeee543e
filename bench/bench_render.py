"""Rendering throughput on the bundled examples: reports/s per format, warm and cold, peak memory, --help time,
and — for comparison with our PDF — LibreOffice converting our DOCX files in one batch call.

Run: .venv/bin/python bench/bench_render.py   (prints figures; asserts nothing)
Targets (2-core machine): DOCX ≥ 30/s, HTML ≥ 200/s, PDF ≥ 3/s warm (and ≥ 1.5× LibreOffice's batch
conversion of the same reports); `nianbao --help` < 0.3 s.
"""
from __future__ import annotations

import os
import resource
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from generator.inputs import load_report
from generator.render import render

EXAMPLES = sorted((ROOT / "examples").glob("*.yaml"))
SECONDS = {"html": 3.0, "docx": 4.0, "pdf": 8.0}


def warm_rate(target: str) -> tuple[float, float]:
    """Reports per second of wall-clock time and of this process's CPU time (the second does not depend
    on what else the machine is doing)."""
    reports = [load_report(p) for p in EXAMPLES]
    render(reports[0], target)  # warm up imports and caches
    done, start, cpu = 0, time.perf_counter(), time.process_time()
    while time.perf_counter() - start < SECONDS[target]:
        render(reports[done % len(reports)], target)
        done += 1
    return done / (time.perf_counter() - start), done / (time.process_time() - cpu)


def cold_seconds(target: str) -> float:
    code = (f"import sys; sys.path.insert(0, {str(ROOT)!r}); from generator.inputs import load_report; "
            f"from generator.render import render; render(load_report({str(EXAMPLES[0])!r}), {target!r})")
    start = time.perf_counter()
    subprocess.run([sys.executable, "-c", code], check=True)
    return time.perf_counter() - start


LIBREOFFICE_FILES = 24


def libreoffice_rate() -> tuple[float, float] | None:
    """PDFs per second (wall clock, and soffice's CPU time) when one soffice call converts
    LIBREOFFICE_FILES of our DOCX files, start-up included."""
    if shutil.which("soffice") is None:
        return None
    reports = [load_report(p) for p in EXAMPLES]
    with tempfile.TemporaryDirectory() as folder:
        files = []
        for i in range(LIBREOFFICE_FILES):
            files.append(Path(folder) / f"r{i}.docx")
            files[-1].write_bytes(render(reports[i % len(reports)], "docx"))
        start, children = time.perf_counter(), resource.getrusage(resource.RUSAGE_CHILDREN)
        subprocess.run(["soffice", f"-env:UserInstallation=file://{folder}/profile", "--headless", "--convert-to", "pdf",
                        "--outdir", folder, *map(str, files)], check=True, capture_output=True)
        elapsed = time.perf_counter() - start
        after = resource.getrusage(resource.RUSAGE_CHILDREN)
        cpu = after.ru_utime + after.ru_stime - children.ru_utime - children.ru_stime
        assert all(f.with_suffix(".pdf").exists() for f in files)
    return LIBREOFFICE_FILES / elapsed, LIBREOFFICE_FILES / cpu


def help_seconds() -> float:
    runs = []
    for _ in range(5):
        start = time.perf_counter()
        subprocess.run([sys.executable, "-m", "generator", "--help"], cwd=ROOT, check=True, capture_output=True)
        runs.append(time.perf_counter() - start)
    return min(runs)


def main() -> None:
    print(f"examples: {len(EXAMPLES)} data files; python {sys.version.split()[0]}; "
          f"load average {os.getloadavg()[0]:.1f} on {os.cpu_count()} cores")
    rates = {}
    for target in ("html", "docx", "pdf"):
        rates[target] = warm_rate(target)
        print(f"{target:5s} warm: {rates[target][0]:7.1f} reports/s ({rates[target][1]:7.1f} per CPU second)   "
              f"cold (new process, one report): {cold_seconds(target):.2f} s")
    lo = libreoffice_rate()
    if lo is None:
        print("LibreOffice batch conversion of our DOCX: soffice not installed")
    else:
        print(f"LibreOffice, one call converting {LIBREOFFICE_FILES} of our DOCX to PDF: {lo[0]:7.1f} reports/s "
              f"({lo[1]:.1f} per CPU second); our PDF is {rates['pdf'][0] / lo[0]:.1f}× that "
              f"({rates['pdf'][1] / lo[1]:.1f}× per CPU second)")
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"peak memory of this process after all runs: {peak:.0f} MiB")
    print(f"nianbao --help: {help_seconds():.3f} s (best of 5)")


if __name__ == "__main__":
    main()
