"""Import speed and accuracy: published reports (seed .txt, real PDFs and pages, our own .docx/.html/.pdf).

Run: .venv/bin/python bench/bench_import.py   (prints figures; asserts nothing)

* time per import, warm;
* for PDFs, the two ways of reading tables compared: ruling lines (pdfplumber) and text order (pdfium
  text cut by ``rows``): cells right / wrong / not read against the hand-checked truth of
  ../shared/corpus and against the data our own PDFs were rendered from;
* import + check of a 20-page real PDF (the 洪泽 2023 report with its prose pages repeated to 20 pages).
"""
from __future__ import annotations

import io
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "tests"))

from corpus import CORPUS, read_value, report_file, score, truth_files, truth_values

from generator.checks import check
from generator.inputs import load_report
from generator.inputs.importer import build_report, import_report
from generator.inputs.importer.pdf import items_from_pdf
from generator.render import render

PAGES = 20


def per_call(action, runs: int = 10) -> float:
    action()
    start = time.perf_counter()
    for _ in range(runs):
        action()
    return (time.perf_counter() - start) / runs


def pdf_methods(path: Path, truth: dict) -> None:
    for ruled in (True, False):
        def read(ruled=ruled):
            return build_report(items_from_pdf(path, ruled_tables=ruled), path.name)
        counts = {k: len(v) for k, v in score(read(), truth).items()}
        method = "ruling lines" if ruled else "text order  "
        print(f"  {method}: right {counts['right']:3d}  wrong {counts['wrong']}  not read {counts['unread']:2d}"
              f"   {per_call(read, 5) * 1000:6.1f} ms")


def twenty_pages(source: Path, target: Path) -> None:
    """The real PDF with its first (prose) page repeated until the file has PAGES pages."""
    from pypdf import PdfReader, PdfWriter

    reader = PdfReader(str(source))
    writer = PdfWriter()
    pages = [reader.pages[0]] * (PAGES - len(reader.pages) + 1) + list(reader.pages[1:])
    for page in pages:
        writer.add_page(page)
    buffer = io.BytesIO()
    writer.write(buffer)
    target.write_bytes(buffer.getvalue())


def solver_worst_case() -> None:
    """The matching solver where no equation prunes before the last row (40 different lines, each row's own total
    right, for 25 rows): it stops at its cap."""
    from generator.formats import FORMATS
    from generator.inputs.importer import digits
    from generator.inputs.importer.matching import MAX_STEPS, Line, Slot, match
    from generator.inputs.importer.place import request_rules

    fmt = FORMATS["2021"]
    columns = [column.key for column in fmt.requests.columns]
    slots = [Slot(tuple(f"requests.{row.key}.{c}" for c in columns), range(40)) for row in fmt.requests.rows]
    equations = request_rules(fmt) + digits.row_rules([p for slot in slots for p in slot.paths])
    lines = [Line(((k, *[0] * (len(columns) - 2), k),)) for k in range(40)]
    took = per_call(lambda: match(slots, lines, equations, {}), 3)
    print(f"matching solver, worst case ({len(slots)} rows, 40 lines, cap {MAX_STEPS} steps): {took * 1000:6.1f} ms")


def main() -> None:
    solver_worst_case()
    for seed in sorted((ROOT / "tests" / "seeds").glob("*.txt")):
        print(f"seed {seed.name[:3]} .txt : {per_call(lambda seed=seed: import_report(seed), 20) * 1000:6.1f} ms")
    with tempfile.TemporaryDirectory() as tmp:
        for example in sorted((ROOT / "examples").glob("*.yaml")):
            report = load_report(example)
            for target in ("docx", "html", "pdf"):
                path = Path(tmp) / f"report.{target}"
                path.write_bytes(render(report, target))
                took = per_call(lambda path=path: import_report(path))
                print(f"own {example.stem} .{target:4s}: {took * 1000:6.1f} ms")
                if target == "pdf":  # a number the data could not read is printed as typed: not read again
                    pdf_methods(path, {p: read_value(report, p) for p in report.format.input_paths})
        if not CORPUS.exists():
            print(f"（未找到 {CORPUS}，跳过真实报告）")
            return
        for truth in truth_files():
            path = report_file(truth)
            print(f"real {path.name}: {per_call(lambda path=path: import_report(path), 5) * 1000:6.1f} ms")
            if path.suffix == ".pdf":
                pdf_methods(path, truth_values(truth))
        long_pdf = Path(tmp) / "twenty.pdf"
        twenty_pages(CORPUS / "hongze-district-2023.pdf", long_pdf)
        cold = time.perf_counter()
        check(import_report(long_pdf))
        cold = time.perf_counter() - cold
        warm = per_call(lambda: check(import_report(long_pdf)), 5)
        print(f"import + check, {PAGES}-page real PDF: {warm:.2f} s warm, {cold:.2f} s first call (target ≤ 1 s)")


if __name__ == "__main__":
    main()
