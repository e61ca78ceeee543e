"""Where a cold PDF's start-up goes (a new process per report, as `nianbao render 数据.yaml --to pdf`), with the
start-up caches (the user's cache folder: cffi's parse of WeasyPrint's C declarations, the compiled report
template, the user-agent counter styles) filled and switched off, each run in turn (A B A B …), RUNS times; the
median CPU milliseconds of each phase are printed.

Run: .venv/bin/python bench/bench_coldstart.py   (prints figures; asserts nothing)
nianbao's modules are read from their compiled copies when there are any (`make bench` compiles them first, as
pip does for an installed copy); without them every start compiles them again (about 40 ms).
"""

from __future__ import annotations

import os
import statistics
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
RUNS = 7
EXAMPLE = ROOT / "examples" / "青石街道-2025.yaml"

PHASES = """
import time
T = time.process_time
marks = [("interpreter start", T())]
import sys; sys.path.insert(0, {root!r})
from pathlib import Path
import generator.app.cli, generator.app.commands, generator.render.pdf
marks.append(("nianbao's modules", T()))
from generator.inputs import load_report
report = load_report(Path({example!r}))
marks.append(("read the data file", T()))
from generator.checks import check
check(report)
marks.append(("checks", T()))
from generator.render import pdf
pdf.warm_up()
marks.append(("import WeasyPrint", T()))
pdf.render_pdf(report)
marks.append(("first report", T()))
pdf.render_pdf(report)
marks.append(("a later report", T()))
previous = 0.0
for label, at in marks:
    print(f"{{label}}\\t{{1000 * (at - previous):.1f}}")
    previous = at
print("pycparser imported\\t" + str("pycparser.c_parser" in sys.modules))
print("jsonschema imported\\t" + str("jsonschema" in sys.modules))
"""


def phases(cache: str) -> dict[str, str]:
    code = PHASES.format(root=str(ROOT), example=str(EXAMPLE))
    env = {**os.environ, "NIANBAO_CACHE_DIR": cache}
    out = subprocess.run([sys.executable, "-c", code], check=True, capture_output=True, text=True, env=env).stdout
    return dict(line.split("\t") for line in out.splitlines())


def main() -> None:
    print(f"cold start of one PDF ({EXAMPLE.name}), CPU ms, median of {RUNS} runs each; "
          f"load average {os.getloadavg()[0]:.1f} on {os.cpu_count()} cores")
    with tempfile.TemporaryDirectory() as cache:
        phases(cache)  # fills the cache
        runs: dict[str, list[dict[str, str]]] = {"filled": [], "off": []}
        for _ in range(RUNS):
            runs["filled"].append(phases(cache))
            runs["off"].append(phases(""))
    labels = list(runs["filled"][0])
    print(f"  {'phase':36s} {'cache filled':>13s} {'cache off':>10s}")
    totals = dict.fromkeys(runs, 0.0)
    for label in labels:
        shown = []
        for kind, results in runs.items():
            values = [result[label] for result in results]
            if label.endswith("imported"):
                shown.append(values[0])
                continue
            median = statistics.median(map(float, values))
            if label != "a later report":
                totals[kind] += median
            shown.append(f"{median:.1f}")
        print(f"  {label:36s} {shown[0]:>13s} {shown[1]:>10s}")
    print(f"  {'start-up to the first PDF':36s} {totals['filled']:13.1f} {totals['off']:10.1f}")


if __name__ == "__main__":
    main()
