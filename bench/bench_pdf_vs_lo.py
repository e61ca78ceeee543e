"""Our PDF against bare WeasyPrint and LibreOffice, side by side in one run, on the same reports.

Each contender is one process making PDFs of the 4 examples, ROUNDS times over, start-up included:
  ours         nianbao's PDF renderer (render(report, "pdf"))
  weasyprint   bare WeasyPrint on the same HTML (HTML(string=…).write_pdf(), nothing shared between reports)
  libreoffice  one `soffice --headless --convert-to pdf` call on our DOCX files of the same reports
The three run in turn, REPEATS times (A B C A B C …), and the median of each is printed.

Run: .venv/bin/python bench/bench_pdf_vs_lo.py   (prints figures; asserts nothing)
Goal: LibreOffice / ours ≥ 1.5, and ours ≤ 1.2 × bare WeasyPrint.
"""

from __future__ import annotations

import os
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from generator.inputs import load_report
from generator.render import render
from generator.render.html import render_html

EXAMPLES = sorted((ROOT / "examples").glob("*.yaml"))
ROUNDS = 3  # each contender makes len(EXAMPLES) × ROUNDS PDFs per run
REPEATS = 3

OURS = """
import sys; sys.path.insert(0, {root!r})
from pathlib import Path
from generator.inputs import load_report
from generator.render import render
reports = [load_report(Path(p)) for p in {examples!r}]
for i in range({rounds}):
    for n, report in enumerate(reports):
        Path({out!r}, f"ours-{{i}}-{{n}}.pdf").write_bytes(render(report, "pdf"))
"""
BARE = """
from pathlib import Path
import weasyprint
pages = [Path(p).read_text(encoding="utf-8") for p in {pages!r}]
for i in range({rounds}):
    for n, page in enumerate(pages):
        weasyprint.HTML(string=page, base_url=".").write_pdf(Path({out!r}, f"bare-{{i}}-{{n}}.pdf"))
"""


def timed(command: list[str]) -> tuple[float, float]:
    """Wall-clock and CPU seconds (user + system of the command and its children) of one run."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    start = time.perf_counter()
    subprocess.run(command, check=True, capture_output=True)
    wall = time.perf_counter() - start
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    return wall, after.ru_utime + after.ru_stime - before.ru_utime - before.ru_stime


def main() -> None:
    count = len(EXAMPLES) * ROUNDS
    print(f"{len(EXAMPLES)} examples × {ROUNDS} rounds = {count} PDFs per contender and run, {REPEATS} runs; "
          f"load average {os.getloadavg()[0]:.1f} on {os.cpu_count()} cores")
    reports = [load_report(p) for p in EXAMPLES]
    with tempfile.TemporaryDirectory() as folder:
        out = Path(folder)
        pages, docx = [], []
        for n, report in enumerate(reports):
            pages.append(out / f"page-{n}.html")
            pages[-1].write_text(render_html(report), encoding="utf-8")
            for i in range(ROUNDS):
                docx.append(out / f"lo-{i}-{n}.docx")
                docx[-1].write_bytes(render(report, "docx"))
        python = sys.executable
        contenders = {
            "ours": [python, "-c", OURS.format(root=str(ROOT), examples=list(map(str, EXAMPLES)), rounds=ROUNDS,
                                               out=folder)],
            "weasyprint": [python, "-c", BARE.format(pages=list(map(str, pages)), rounds=ROUNDS, out=folder)],
        }
        if shutil.which("soffice"):
            contenders["libreoffice"] = ["soffice", f"-env:UserInstallation=file://{folder}/profile", "--headless",
                                         "--convert-to", "pdf", "--outdir", folder, *map(str, docx)]
            timed(contenders["libreoffice"])  # the first call creates the profile
        times: dict[str, list[tuple[float, float]]] = {name: [] for name in contenders}
        for _ in range(REPEATS):
            for name, command in contenders.items():
                wall, cpu = timed(command)
                times[name].append((wall / count, cpu / count))
    median = {name: statistics.median(w for w, _ in values) for name, values in times.items()}
    cpu = {name: statistics.median(c for _, c in values) for name, values in times.items()}
    for name, value in median.items():
        spread = ", ".join(f"{w:.3f}" for w, _ in times[name])
        print(f"{name:12s} {value:.3f} s per PDF (median; runs: {spread}); CPU {cpu[name]:.3f} s per PDF")
    print(f"ours / bare WeasyPrint: {median['ours'] / median['weasyprint']:.2f} (goal ≤ 1.2); "
          f"CPU {cpu['ours'] / cpu['weasyprint']:.2f}")
    if "libreoffice" in median:
        print(f"LibreOffice / ours: {median['libreoffice'] / median['ours']:.2f} (goal ≥ 1.5); "
              f"CPU {cpu['libreoffice'] / cpu['ours']:.2f}")
    else:
        print("LibreOffice: soffice not installed")


if __name__ == "__main__":
    main()
