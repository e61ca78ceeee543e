"""How long `nianbao doctor` takes in a new process, with and without WeasyPrint's native libraries.

Run: .venv/bin/python bench/bench_doctor.py   (prints figures; asserts nothing)
Without the libraries (hidden by the same sitecustomize the tests use) the PDF probe stops at the import.
"""
from __future__ import annotations

import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "tests"))

from helpers import hidden_pdf_libraries

RUNS = 5


def seconds(env: dict, *args: str) -> float:
    times = []
    for _ in range(RUNS):
        start = time.perf_counter()
        subprocess.run([sys.executable, "-m", "generator", *args], cwd=ROOT, env=env, check=False,
                       stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        times.append(time.perf_counter() - start)
    return statistics.median(times)


with tempfile.TemporaryDirectory() as folder:
    no_libs = {**os.environ, **hidden_pdf_libraries(Path(folder) / "hide")}
    print(f"nianbao doctor, PDF libraries present : {seconds(os.environ.copy(), 'doctor', '-o', folder):.2f} s "
          f"(median of {RUNS} new processes)")
    print(f"nianbao doctor, PDF libraries hidden  : {seconds(no_libs, 'doctor', '-o', folder):.2f} s")
    print(f"nianbao --help (for comparison)       : {seconds(os.environ.copy(), '--help'):.3f} s")
