"""Our PDF against bare WeasyPrint and LibreOffice, side by side in one run, on the same reports.

Two ways of making the PDFs, both measured, each contender's runs taken in turn (A B C A B C …), REPEATS
times; the median per PDF is printed, wall-clock and CPU (an overloaded machine moves the wall-clock):

Warm (a batch: one process makes PDFs of the 4 examples, ROUNDS times over, start-up paid once):
  ours         nianbao's PDF renderer (render(report, "pdf"))
  weasyprint   bare WeasyPrint on the same HTML (HTML(string=…).write_pdf(), nothing shared between reports)
  libreoffice  one `soffice --headless --convert-to pdf` call on our DOCX files of the same reports
Cold (as a user makes one report's PDF: a new process per report, start-up paid every time):
  ours         `nianbao render 数据.yaml --to pdf` (with --ignore-errors: the example with errors too)
  libreoffice  `soffice --headless --convert-to pdf 报告.docx` (its profile made beforehand, as on a user's PC)
One run of 4 (as the issue's judge measured: each contender's start-up paid once for the 4 examples):
  ours         one `nianbao render 4 files --to pdf` process (its PDFs made by one worker process per core)
  ours-1-core  the same pinned to one core (`taskset -c 0`): the sequential run, for comparison
  libreoffice  one `soffice --headless --convert-to pdf` call on the 4 DOCX files
Parallel workers lower the wall-clock, not the CPU: read both columns.

Then where our PDF's time goes (start-up, first report, then per report: HTML, parse, cascade, boxes, layout,
drawing, font subsetting, compression, the rest of the PDF writing).

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
NIANBAO = [sys.executable, "-m", "generator"]

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

PHASES = """
import time
t = time.process_time()
def step(label, t0):
    now = time.process_time()
    print(f"  {{label:46s}} {{now - t0:.3f}} s CPU")
    return now
print("where a PDF's time goes (one process, CPU seconds):")
import sys; sys.path.insert(0, {root!r})
from pathlib import Path
from generator.inputs import load_report
from generator.render import pdf
from generator.render.html import render_html
t = step("start-up: nianbao's modules", t)
pdf.warm_up()
t = step("start-up: import WeasyPrint", t)
import pydyf, weasyprint.document as document_module, weasyprint.pdf.fonts as fonts
inside = dict.fromkeys(("cascade", "boxes", "draw pages", "subset fonts", "compress"), 0.0)
def timing(key, function):
    def timed(*args, **kwargs):
        start = time.process_time()
        try:
            return function(*args, **kwargs)
        finally:
            inside[key] += time.process_time() - start
    return timed
document_module.get_all_computed_styles = timing("cascade", document_module.get_all_computed_styles)
document_module.build_formatting_structure = timing("boxes", document_module.build_formatting_structure)
document_module.Page.paint = timing("draw pages", document_module.Page.paint)
fonts.Font.clean = timing("subset fonts", fonts.Font.clean)
pydyf.Stream.data = property(timing("compress", pydyf.Stream.data.fget))
reports = [load_report(Path(p)) for p in {examples!r}]
times = dict.fromkeys(("HTML page", "parse HTML", "cascade", "boxes", "layout", "draw pages", "subset fonts",
                       "compress", "write PDF (the rest)"), 0.0)
for n, report in enumerate(reports * 3):
    inside.update(dict.fromkeys(inside, 0.0))
    t0 = time.process_time()
    html = render_html(report, inline_css=False)
    t1 = time.process_time()
    page = pdf._report_page_class()(string=html, base_url=".")
    t2 = time.process_time()
    document = page.render(stylesheets=[pdf._report_stylesheet()], font_config=pdf._font_config())
    t3 = time.process_time()
    document.write_pdf()
    t4 = time.process_time()
    if n == 0:
        print(f"  {{'first report (fonts, stylesheets, cffi types)':46s}} {{t4 - t0:.3f}} s CPU")
        continue
    layout = t3 - t2 - inside["cascade"] - inside["boxes"]
    writing = t4 - t3 - inside["draw pages"] - inside["subset fonts"] - inside["compress"]
    spent = {{**inside, "HTML page": t1 - t0, "parse HTML": t2 - t1, "layout": layout, "write PDF (the rest)": writing}}
    for key in times:
        times[key] += spent[key]
count = len(reports) * 3 - 1
for key, spent in times.items():
    print(f"  then per report: {{key:28s}} {{spent / count:.3f}} s CPU")
print(f"  then per report: {{'total':28s}} {{sum(times.values()) / count:.3f}} s CPU")
"""


def timed(command: list[str]) -> tuple[float, float]:
    """Wall-clock and CPU seconds (user + system of the command and its children) of one run."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    start = time.perf_counter()
    subprocess.run(command, check=True, capture_output=True, cwd=ROOT)
    wall = time.perf_counter() - start
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    return wall, after.ru_utime + after.ru_stime - before.ru_utime - before.ru_stime


def soffice(profile: str, folder: str, files: list[Path]) -> list[str]:
    return ["soffice", f"-env:UserInstallation=file://{profile}", "--headless", "--convert-to", "pdf",
            "--outdir", folder, *map(str, files)]


def measure(contenders: dict[str, list[list[str]]], count: int) -> dict[str, list[tuple[float, float]]]:
    """Each contender's commands (run one after the other) REPEATS times, in turn; seconds per PDF."""
    times: dict[str, list[tuple[float, float]]] = {name: [] for name in contenders}
    for _ in range(REPEATS):
        for name, commands in contenders.items():
            runs = [timed(command) for command in commands]
            times[name].append((sum(w for w, _ in runs) / count, sum(c for _, c in runs) / count))
    return times


def show(title: str, times: dict[str, list[tuple[float, float]]]) -> None:
    median = {name: statistics.median(w for w, _ in values) for name, values in times.items()}
    cpu = {name: statistics.median(c for _, c in values) for name, values in times.items()}
    print(title)
    for name, value in median.items():
        spread = ", ".join(f"{w:.3f}" for w, _ in times[name])
        print(f"  {name:12s} {value:.3f} s per PDF (median; runs: {spread}); CPU {cpu[name]:.3f} s per PDF")
    if "weasyprint" in median:
        print(f"  ours / bare WeasyPrint: {median['ours'] / median['weasyprint']:.2f} (goal ≤ 1.2); "
              f"CPU {cpu['ours'] / cpu['weasyprint']:.2f}")
    if "libreoffice" in median:
        for ours in [name for name in median if name.startswith("ours")]:
            print(f"  LibreOffice / {ours}: {median['libreoffice'] / median[ours]:.2f} (goal ≥ 1.5); "
                  f"CPU {cpu['libreoffice'] / cpu[ours]:.2f}")
    else:
        print("  LibreOffice: soffice not installed")


def main() -> None:
    count = len(EXAMPLES) * ROUNDS
    print(f"{len(EXAMPLES)} examples; warm: {ROUNDS} rounds = {count} PDFs per contender and run; cold: one process "
          f"per PDF; {REPEATS} runs; load average {os.getloadavg()[0]:.1f} on {os.cpu_count()} cores")
    reports = [load_report(p) for p in EXAMPLES]
    has_soffice = shutil.which("soffice") is not None
    with tempfile.TemporaryDirectory() as folder:
        out = Path(folder)
        profile = f"{folder}/profile"
        pages, docx = [], []
        for n, report in enumerate(reports):
            pages.append(out / f"page-{n}.html")
            pages[-1].write_text(render_html(report), encoding="utf-8")
            for i in range(ROUNDS):
                docx.append(out / f"lo-{i}-{n}.docx")
                docx[-1].write_bytes(render(report, "docx"))
        python = sys.executable
        warm = {
            "ours": [[python, "-c", OURS.format(root=str(ROOT), examples=list(map(str, EXAMPLES)), rounds=ROUNDS,
                                                out=folder)]],
            "weasyprint": [[python, "-c", BARE.format(pages=list(map(str, pages)), rounds=ROUNDS, out=folder)]],
        }
        cold = {"ours": [[*NIANBAO, "render", str(p), "-o", f"{folder}/cold-{n}", "--to", "pdf", "--force",
                          "--ignore-errors"]
                         for n, p in enumerate(EXAMPLES)]}
        one_run = {"ours": [[*NIANBAO, "render", *map(str, EXAMPLES), "-o", f"{folder}/run", "--to", "pdf", "--force",
                             "--ignore-errors"]]}
        if shutil.which("taskset") and len(os.sched_getaffinity(0)) > 1:
            one_run["ours-1-core"] = [["taskset", "-c", str(min(os.sched_getaffinity(0))), *one_run["ours"][0]]]
        if has_soffice:
            timed(soffice(profile, folder, docx[:1]))  # the first call creates the profile
            warm["libreoffice"] = [soffice(profile, folder, docx)]
            cold["libreoffice"] = [soffice(profile, folder, [d]) for d in docx[::ROUNDS]]
            one_run["libreoffice"] = [soffice(profile, f"{folder}/run-lo", docx[::ROUNDS])]
        show("warm (one process makes them all):", measure(warm, count))
        show("cold (a new process per report):", measure(cold, len(EXAMPLES)))
        show(f"one run of {len(EXAMPLES)} (one process or call for them all, start-up included):",
             measure(one_run, len(EXAMPLES)))
    profile = subprocess.run([sys.executable, "-c", PHASES.format(root=str(ROOT), examples=list(map(str, EXAMPLES)))],
                             check=True, capture_output=True, text=True, cwd=ROOT)
    print(profile.stdout, end="")


if __name__ == "__main__":
    main()
