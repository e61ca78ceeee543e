"""The lines of every example as a reader with a ruler sees them, in our PDF and in our DOCX as LibreOffice prints it.

For each examples/*.yaml: full lines (the paragraph goes on below), the largest extra letter-spacing of a full line
(median gap between neighbouring Chinese characters beyond their advance), full lines wider than 0.5 mm, full
lines of Chinese characters only that do not hold 28 (27 where the line-breaking rules move one down), and
lines left short of the margin (the PDF's ragged lines before a number or address that did not fit).
Measured with tests/pagelayout.py, as tests/test_layout.py asserts it.

Run: .venv/bin/python bench/bench_typesetting.py   (prints figures; asserts nothing)
"""

from __future__ import annotations

import itertools
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path[:0] = [str(ROOT), str(ROOT / "tests")]

from pagelayout import BLOCK_LEFT, BLOCK_RIGHT, CELL, NO_LINE_END, NO_LINE_START, full_width_only, read_pdf

from generator.inputs import load_report
from generator.render import render

EXAMPLES = sorted((ROOT / "examples").glob("*.yaml"))
SPACED_MM, EDGE_MM = 0.5, 1.0


def measure(path: Path) -> str:
    lines = [line for page in read_pdf(path) for line in page.lines()]
    full = [(line, after) for line, after in itertools.pairwise(lines) if abs(after.x0 - BLOCK_LEFT) < 0.5]
    spacing = [line.letter_spacing() for line, _ in full]
    spaced = sum(s > SPACED_MM for s in spacing)
    short = sum(line.x1 < BLOCK_RIGHT - EDGE_MM for line, _ in full)
    counts = [
        len(line.text) for line, after in full
        if line.x0 < BLOCK_LEFT + CELL / 2 and full_width_only(line.text) and full_width_only(after.text[0])
        and not (set(after.text[:2]) & NO_LINE_START or after.text[0] in NO_LINE_END)
    ]
    off = sum(n != 28 for n in counts)
    return (f"{len(full):3d} full lines, widest {max(spacing, default=0):.2f} mm, {spaced} over {SPACED_MM} mm; "
            f"{len(counts)} of Chinese only, {off} not 28; {short} short of the margin")


def main() -> None:
    with tempfile.TemporaryDirectory() as folder:
        out = Path(folder)
        for path in EXAMPLES:
            report = load_report(path)
            (out / f"{path.stem}.pdf").write_bytes(render(report, "pdf"))
            (out / f"{path.stem}.docx").write_bytes(render(report, "docx"))
        if shutil.which("soffice"):
            subprocess.run(["soffice", f"-env:UserInstallation=file://{folder}/profile", "--headless", "--convert-to",
                            "pdf", "--outdir", f"{folder}/lo", *map(str, out.glob("*.docx"))],
                           check=True, capture_output=True)
        for path in EXAMPLES:
            print(f"{path.stem}\n  PDF   {measure(out / f'{path.stem}.pdf')}")
            converted = out / "lo" / f"{path.stem}.pdf"
            print(f"  DOCX  {measure(converted)} (LibreOffice)" if converted.exists() else "  DOCX  soffice not installed")


if __name__ == "__main__":
    main()
