"""Scanned reports read by OCR: digits right / wrong (accepted) / unread, seconds per page, peak memory.

Run: .venv/bin/python bench/bench_ocr.py [--full | --long]   (prints figures; asserts nothing; needs nianbao[ocr])

Scans are made by bench/make_scans.py from our examples (truth: the data file) and the real PDFs of
../shared/corpus (truth: .truth.json), at 150/200/300 dpi, clean or degraded (skew, noise, seal, JPEG,
all four). Each import runs in a fresh process, so its peak memory (max RSS) is its own.
Default: one example at 200 dpi in every degradation, every real PDF at 200 dpi with all degradations,
the example at 150 and 300 dpi with all degradations. ``--full``: every source, dpi and degradation.
``--long``: one 20-page scan (the example repeated), for the time a page and the peak memory of a long report.
Targets (issue 20): 0 wrong accepted; ≥ 90 % of cells read at 200 dpi; ≤ 10 s a page; ≤ 1 GB.
"""
from __future__ import annotations

import json
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "tests"))
sys.path.insert(0, str(ROOT / "bench"))

from make_scans import DPIS, STEPS, scan, sources

EXAMPLE = "青石街道-2025"


def one(pdf: Path, truth_file: Path) -> None:
    """In a child process: import one scan and print its figures as JSON."""
    from corpus import score

    from generator.inputs.importer import import_report

    truth = json.loads(truth_file.read_text(encoding="utf-8"))
    started = time.perf_counter()
    report = import_report(pdf)
    seconds = time.perf_counter() - started
    from decimal import Decimal

    counts = {k: len(v) for k, v in score(report, {p: None if v is None else Decimal(v) for p, v in truth.items()}).items()}
    import pypdfium2 as pdfium

    pages = len(pdfium.PdfDocument(str(pdf)))
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # MB (Linux reports KB)
    print(json.dumps({**counts, "seconds": seconds, "pages": pages, "peak_mb": peak}))


def plan(full: bool) -> list[tuple[str, int, str]]:
    """(source name, dpi, degradation) to measure."""
    if full:
        return [("*", dpi, step) for dpi in DPIS for step in STEPS]
    return ([(EXAMPLE, 200, step) for step in STEPS] + [("corpus", 200, "all")]
            + [(EXAMPLE, dpi, "all") for dpi in DPIS if dpi != 200])


LONG_PAGES = 20


def long_scan(folder: Path, known: list) -> None:
    """A 20-page scan (the example's pages repeated, 200 dpi, every degradation): seconds a page and peak memory
    of the whole import (the pages are read one at a time; at most images.MAX_PAGES pages are accepted)."""
    import pypdfium2 as pdfium

    _, pdf, truth = next(k for k in known if k[0] == EXAMPLE)
    document = pdfium.PdfDocument.new()
    while len(document) < LONG_PAGES:
        document.import_pages(pdfium.PdfDocument(str(pdf)))
    joined = folder / "long.pdf"
    document.save(str(joined))
    target = folder / f"long-{LONG_PAGES}-200-all.pdf"
    target.write_bytes(scan(joined, 200, "all"))
    truth_file = folder / "long.json"
    truth_file.write_text(json.dumps({p: None if v is None else str(v) for p, v in truth.items()}))
    run = subprocess.run([sys.executable, __file__, "--one", str(target), str(truth_file)], capture_output=True, text=True)
    if run.returncode:
        print(f"{LONG_PAGES}-page scan: failed: {run.stderr.strip().splitlines()[-1:]}")
        return
    r = json.loads(run.stdout.strip().splitlines()[-1])
    print(f"{r['pages']}-page scan, 200 dpi all: {r['seconds']:.0f} s in all, {r['seconds'] / r['pages']:.1f} s/page,"
          f" peak {r['peak_mb']:.0f} MB", flush=True)


def main() -> None:
    from generator.inputs.importer.scan import available

    if not available():
        print("（未安装 OCR 组件，跳过：pip install nianbao[ocr]）")
        return
    full = "--full" in sys.argv
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        known = list(sources(folder))
        if "--long" in sys.argv:
            long_scan(folder, known)
            return
        for wanted, dpi, step in plan(full):
            for name, pdf, truth in known:
                is_example = not pdf.is_relative_to(ROOT.parent / "shared")
                if wanted not in ("*", name) and not (wanted == "corpus" and not is_example):
                    continue
                target = folder / f"{name}-{dpi}-{step}.pdf"
                target.write_bytes(scan(pdf, dpi, step))
                truth_file = folder / f"{name}.json"
                truth_file.write_text(json.dumps({p: None if v is None else str(v) for p, v in truth.items()}))
                run = subprocess.run([sys.executable, __file__, "--one", str(target), str(truth_file)],
                                     capture_output=True, text=True)
                if run.returncode:
                    print(f"{name:22s} {dpi} dpi {step:5s}: failed: {run.stderr.strip().splitlines()[-1:]}")
                    continue
                r = json.loads(run.stdout.strip().splitlines()[-1])
                cells = r["right"] + r["wrong"] + r["unread"]
                print(f"{name:22s} {dpi} dpi {step:5s}: right {r['right']:3d}  wrong {r['wrong']}  unread {r['unread']:2d}"
                      f"  ({100 * r['right'] / cells:5.1f} % read)  {r['seconds'] / r['pages']:5.1f} s/page"
                      f"  peak {r['peak_mb']:4.0f} MB", flush=True)


if __name__ == "__main__":
    if sys.argv[1:2] == ["--one"]:
        one(Path(sys.argv[2]), Path(sys.argv[3]))
    else:
        main()
